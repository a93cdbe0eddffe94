"""When the system refuses a file or a folder, the person reads why in their language
(issue #10): not strerror()'s English ("Not a directory", "No such file or directory")
inside a Kazakh or Russian sentence. The applicant's and the desk's command lines meet a
state file, a CA file, an operator's container, a PDF and a key that cannot be had; each
message is read in kk and ru by tests/tui/words.py (only the paths may be Latin). The
tests run as any user: the paths fail by their shape (a file where a folder must be, or
nothing there), not by permissions."""
import json
import os
import subprocess
import sys

import pytest

from conftest import BUILDDIR, SRCDIR
from fixtures import service_fixture  # noqa: E402
from service import program_env
from test_apply_cli import Applicant, wait_status
from test_ra_cli import Desk

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from words import odd_words  # noqa: E402

NUMBER = "1234-5678-9012-3456-7890-1234-5678"
NOT_A_FOLDER = {"en": "not a folder", "ru": "не папка", "kk": "қалта емес"}


svc = service_fixture("os-words", extra=["--auto-approve", "1"], operator=True)


def applicant(home, lang, *args):
    e = program_env()
    e.update(HOME=str(home), XDG_STATE_HOME=os.path.join(home, "xdg"),
             XDG_CONFIG_HOME=os.path.join(home, "cfg"), LANGUAGE=lang)
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=120,
                          stdin=subprocess.DEVNULL)


def said(p, lang, *paths):
    """What the program said on stderr, with its Latin words that are not the paths."""
    text = p.stderr.strip()
    assert text, p
    return text, odd_words(text, data=[*paths, "ncaenroll", "ncaenroll-ra"])


@pytest.fixture(scope="module")
def issued(svc, tmp_path_factory):
    """An application made and issued: (the applicant, its number)."""
    me = Applicant(svc, str(tmp_path_factory.mktemp("applicant")))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(me, number, "issued")
    return me, number


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_state_file_under_a_file(tmp_path, lang):
    state = "/dev/null/nca/state.yaml"
    p = applicant(tmp_path, lang, "--state", state, "list")
    assert p.returncode == 4, p.stderr
    text, odd = said(p, lang, state)
    assert not odd, f"{odd} in: {text}"
    assert NOT_A_FOLDER[lang] in text, text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_ca_file_under_a_file(svc, tmp_path, lang):
    ca = "/dev/null/ca.pem"
    p = applicant(tmp_path, lang, "--service", svc.base, "--ca-file", ca, "--state",
                  str(tmp_path / "state.yaml"), "status", NUMBER)
    assert p.returncode == 4, p.stderr
    text, odd = said(p, lang, ca, svc.base)
    assert not odd, f"{odd} in: {text}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_operators_container_under_a_file(svc, tmp_path, lang):
    p12 = "/dev/null/operator.p12"
    d = Desk(svc, tmp_path, p12=p12)
    p = d.run("queue", lang=lang)
    assert p.returncode == 4, p.stderr
    text, odd = said(p, lang, p12)
    assert not odd, f"{odd} in: {text}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_pdf_where_no_folder_is(issued, lang):
    me, number = issued
    pdf = "/dev/null/form.pdf"
    p = applicant(me.home, lang, "--service", me.svc.base, "--ca-file", me.svc.cafile,
                  "--state", me.state, "form", "--pdf", pdf, number)
    assert p.returncode == 4, p.stderr
    text, odd = said(p, lang, pdf)
    assert not odd, f"{odd} in: {text}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_pdf_helper_missing(issued, tmp_path, lang):
    me, number = issued
    pdf = str(tmp_path / "form.pdf")
    empty = tmp_path / "libexec"
    empty.mkdir()
    # Not through uninstalled-env: it names this build's folder for the helper.
    e = program_env()
    e.update(HOME=me.home, LANGUAGE=lang, NCAENROLL_LIBEXECDIR=str(empty),
             NCAENROLL_LOCALEDIR=os.path.join(os.path.abspath(BUILDDIR), "locale"),
             NCAENROLL_DATADIR=os.path.abspath(SRCDIR))
    p = subprocess.run([os.path.join(BUILDDIR, "ncaenroll"), "--service", me.svc.base,
                        "--ca-file", me.svc.cafile, "--state", me.state, "form", "--pdf",
                        pdf, number], capture_output=True, text=True, env=e, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 4, p.stderr
    text, odd = said(p, lang, pdf, str(empty))
    assert not odd, f"{odd} in: {text}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_state_file_that_is_not_yaml(tmp_path, lang):
    """libyaml's reason is English: the line is said, and what to do, in our words."""
    state = tmp_path / "state.yaml"
    state.write_text("applications: [\n  {id: 1,\n")
    p = applicant(str(tmp_path), lang, "--state", str(state), "list")
    assert p.returncode == 4, p.stderr
    text, odd = said(p, lang, str(state))
    assert not odd, f"{odd} in: {text}"
    assert f"{state}:3" in text, text

