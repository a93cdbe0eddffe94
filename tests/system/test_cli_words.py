"""The command lines' own complaints in the person's language (issue #10): an unknown
--lang, a settings file that cannot be read (both said before any language is settled:
in the language of --lang when it is known, else of the environment), and an application
that lacks a value (named as the person knows the field, not by its wire name). Read in
kk and ru by tests/tui/words.py."""
import os
import subprocess
import sys

import pytest

from conftest import BUILDDIR
from service import program_env

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from words import odd_words  # noqa: E402

PROGRAMS = ("ncaenroll", "ncaenroll-ra")


def run(home, prog, lang, *args):
    e = program_env()
    e.update(HOME=str(home), XDG_STATE_HOME=os.path.join(home, "xdg"),
             XDG_CONFIG_HOME=os.path.join(home, "cfg"), LANGUAGE=lang)
    return subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                           os.path.join(BUILDDIR, prog), *args], capture_output=True,
                          text=True, env=e, timeout=60, stdin=subprocess.DEVNULL)


def words(p, *data):
    text = p.stderr.strip()
    assert text, p
    return text, odd_words(text, data=[*data, *PROGRAMS])


@pytest.mark.parametrize("prog", PROGRAMS)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_unknown_language_is_refused_in_the_environments(tmp_path, prog, lang):
    p = run(tmp_path, prog, lang, "--lang", "xx", "--help")
    assert p.returncode == 2, p
    text, odd = words(p, "xx", "kk", "ru", "en")
    assert not odd, f"{odd} in: {text}"


@pytest.mark.parametrize("prog", PROGRAMS)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_settings_file_that_cannot_be_read(tmp_path, prog, lang):
    """The person edits the settings: where it breaks, and what to look at, in words."""
    name = "config.yaml" if prog == "ncaenroll" else "ra.yaml"
    conf = tmp_path / "cfg" / "ncaenroll" / name
    conf.parent.mkdir(parents=True)
    conf.write_text("service: \"https://example.kz\nca_file: x\n")
    p = run(tmp_path, prog, lang, "queue" if prog == "ncaenroll-ra" else "list")
    assert p.returncode == 2, p
    text, odd = words(p, str(conf))
    assert not odd, f"{odd} in: {text}"
    assert str(conf) + ":" in text, text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_settings_file_complains_in_the_language_of_lang(tmp_path, lang):
    conf = tmp_path / "cfg" / "ncaenroll" / "config.yaml"
    conf.parent.mkdir(parents=True)
    conf.write_text("service: [\n")
    p = run(tmp_path, "ncaenroll", "en", "--lang", lang, "list")
    assert p.returncode == 2, p
    text, odd = words(p, str(conf))
    assert not odd, f"{odd} in: {text}"


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    from service import Service
    s = Service(tmp_path_factory.mktemp("cli-words") / "state")
    yield s
    s.stop()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_incomplete_application_names_the_field_as_the_screens_do(svc, tmp_path, lang):
    """A draft without its ГУ/СКС code (the command line refused the one given and kept
    the rest), sent as the full-screen Apply sends it (tests/tools/enroll-tool): the
    refusal names the field as the screens do, not by the state's key 'gu_code'."""
    import json
    from test_apply_cli import Applicant
    tool = os.path.join(BUILDDIR, "tests", "tools", "enroll-tool")
    if not os.access(tool, os.X_OK):
        pytest.skip("tests/tools/enroll-tool is not built (make check builds it)")
    me = Applicant(svc, str(tmp_path))
    p = me.apply(gu_code="9999")
    assert p.returncode == 1, p.stderr
    draft = json.loads(p.stdout)["error"]["id"]
    e = program_env()
    e.update(HOME=str(tmp_path), LANGUAGE=lang)
    p = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"), tool, me.state, "apply",
                        draft], capture_output=True, text=True, env=e, timeout=60)
    assert p.returncode == 1, p
    text, odd = words(p, "enroll-tool")
    assert not odd, f"{odd} in: {text}"
    assert "ГУ/СКС" in text, text
