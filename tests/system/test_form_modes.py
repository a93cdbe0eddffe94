"""The saved application form holds a person's name, IIN and e-mail: every file of it the
program writes is private to its owner (0600), whatever the umask, like the state file
and the keys: `ncaenroll form N --pdf F`, and the text and PDF saved beside the keys by
the core's enroll_form_save (the TUI's "Save the form")."""
import os
import stat
import subprocess

import pytest

from appstate import SUBMITTED, write_state
from conftest import BUILDDIR
from service import program_env

APP_ID = "0123456789abcdef"


def setup_app(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    state = tmp_path / "applicant.yaml"
    write_state(state, [{"id": APP_ID, "state": "submitted",
                         "fields": dict(SUBMITTED, dir=str(keys))}])
    return state, keys


def run(prog, *args, umask):
    env = program_env()
    return subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                           os.path.join(BUILDDIR, prog), *args], capture_output=True,
                          text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
                          preexec_fn=lambda: os.umask(umask))


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_form_pdf_is_private(tmp_path, umask):
    state, _ = setup_app(tmp_path)
    out = tmp_path / "form.pdf"
    p = run("ncaenroll", "--state", str(state), "form", SUBMITTED["request_number"],
            "--pdf", str(out), umask=umask)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert mode(out) == 0o600, oct(mode(out))


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_form_pdf_replacing_a_readable_file_is_private(tmp_path, umask):
    state, _ = setup_app(tmp_path)
    out = tmp_path / "form.pdf"
    out.write_text("old")
    out.chmod(0o644)
    p = run("ncaenroll", "--state", str(state), "form", SUBMITTED["request_number"],
            "--pdf", str(out), umask=umask)
    assert p.returncode == 0, p.stderr
    assert mode(out) == 0o600


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_saved_form_beside_the_keys_is_private(tmp_path, umask):
    tool = os.path.join(BUILDDIR, "tests", "tools", "enroll-tool")
    if not os.access(tool, os.X_OK):
        pytest.skip("tests/tools/enroll-tool is not built (make check builds it)")
    state, keys = setup_app(tmp_path)
    p = run("tests/tools/enroll-tool", str(state), "form-save", APP_ID, umask=umask)
    assert p.returncode == 0, p.stderr
    pdf = p.stdout.strip()
    txt = pdf[:-len(".pdf")] + ".txt"
    assert os.path.dirname(pdf) == str(keys)
    assert open(pdf, "rb").read(5) == b"%PDF-"
    assert SUBMITTED["iin"] in open(txt, encoding="utf-8").read()
    for f in (pdf, txt):
        assert mode(f) == 0o600, (f, oct(mode(f)))


@pytest.mark.parametrize("where", ["HOME", "XDG_STATE_HOME"])
def test_the_default_state_folder_is_private(tmp_path, where):
    """Without --state the state file (names, IINs, where the keys are) lives in a folder
    ncaenroll makes: only its owner may list or read it, whatever the umask."""
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    env = program_env()
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.pop("XDG_STATE_HOME", None)
    if where == "XDG_STATE_HOME":
        env["XDG_STATE_HOME"] = str(tmp_path / "xdg")
    p = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                        os.path.join(BUILDDIR, "ncaenroll"), "list"], capture_output=True,
                       text=True, env=env, stdin=subprocess.DEVNULL, timeout=60,
                       preexec_fn=lambda: os.umask(0o000))
    assert p.returncode == 0, p.stderr
    folder = (home / ".local" / "state" / "ncaenroll" if where == "HOME"
              else tmp_path / "xdg" / "ncaenroll")
    assert mode(folder) == 0o700, oct(mode(folder))
    if where == "HOME":  # the parents it made, as the XDG spec wants them
        assert mode(home / ".local") == 0o700 and mode(home / ".local" / "state") == 0o700
