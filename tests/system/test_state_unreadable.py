"""A state file that is there but cannot be read is refused with its reason, and left as it
is: never taken for an empty one (no applications yet) and then replaced by the next
write, which would lose every application it holds. The program is run for real on a
file its user may not read (mode 000; tests run as root, whom no mode stops, so the
program runs as nobody through setpriv), on a folder where the file should be, and on a
named pipe (which a careless open would wait on for ever). Each time `list` (which only
reads) and `apply` (which writes a draft before anything else) must end with status 4,
naming the file and the reason in the reader's language, and the file must be exactly as
it was."""
import os
import shutil
import stat
import subprocess
import tempfile

import pytest

from conftest import BUILDDIR
from service import program_env

HELD = ("# ncaenroll: applications in progress.\nschema: 1\napplications:\n"
        '- id: "0123456789abcdef"\n  state: submitted\n  fields:\n'
        '    request_number: "9092-3786-9128-3677-0413-0686-0166"\n')

# (the reason in en, ru, kk): src/common/oserror.c, src/common/atomicfile.c
REASONS = {
    "no permission": ("permission denied", "нет прав доступа", "рұқсат жоқ"),
    "a folder": ("it is a folder", "это папка", "бұл — қалта"),
    "a pipe": ("not a regular file", "это не обычный файл", "кәдімгі файл емес"),
}
FRAME = {"en": "cannot read {}: {}", "ru": "не удалось прочитать {}: {}",
         "kk": "{} оқу мүмкін болмады: {}"}
LANGS = ("en", "ru", "kk")

NOBODY = 65534


def as_nobody():
    """setpriv's arguments to run as nobody, [] when this is not root (the mode is
    enough then), or a skip when root cannot become nobody here."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: no user to "
                    "whom mode 000 means anything")
    cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if subprocess.run(cmd + ["true"], capture_output=True).returncode != 0:
        pytest.skip("setpriv cannot switch to nobody here")
    return cmd


@pytest.fixture
def home():
    """A folder nobody may use (tmp_path is under root's 0700 /tmp/pytest-of-root)."""
    d = tempfile.mkdtemp(prefix="nca-unreadable-")
    os.chmod(d, 0o755)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    os.path.join(d, "ca.key"), "-out", os.path.join(d, "ca.pem"), "-days",
                    "1", "-subj", "/CN=some CA"], check=True, capture_output=True)
    os.chmod(os.path.join(d, "ca.pem"), 0o644)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def make(home, case):
    """The state path for the case, and the prefix to run the program with."""
    path = os.path.join(home, "state.yaml")
    prefix = []
    if case == "no permission":
        with open(path, "w", encoding="utf-8") as f:
            f.write(HELD)
        prefix = as_nobody()
        if prefix:
            os.chown(home, NOBODY, NOBODY)
            os.chown(path, NOBODY, NOBODY)
        os.chmod(path, 0)
    elif case == "a folder":
        os.mkdir(path, 0o700)
        with open(os.path.join(path, "inside"), "w", encoding="utf-8") as f:
            f.write(HELD)
    else:
        os.mkfifo(path, 0o600)
    return path, prefix


def look(path):
    """What must not change: the kind, mode, owner and inode, and the bytes of a file
    (or of what a folder holds); and which names its folder holds, locks aside."""
    st = os.lstat(path)
    what = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_ino)
    if stat.S_ISREG(st.st_mode):
        with open(path, "rb") as f:          # root (or the owner) reads it
            what += (f.read(),)
    elif stat.S_ISDIR(st.st_mode):
        what += (sorted(os.listdir(path)),)
    names = sorted(n for n in os.listdir(os.path.dirname(path)) if not n.endswith(".lock"))
    return what, names


def ncaenroll(home, prefix, path, lang, *args):
    env = program_env()
    env.update(HOME=home, XDG_STATE_HOME=os.path.join(home, "xdg"),
               XDG_CONFIG_HOME=os.path.join(home, "cfg"), LANGUAGE=lang)
    cmd = [*prefix, os.path.join(BUILDDIR, "uninstalled-env"),
           os.path.join(BUILDDIR, "ncaenroll"), "--service", "https://127.0.0.1:1",
           "--ca-file", os.path.join(home, "ca.pem"), "--state", path, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=20,
                          stdin=subprocess.DEVNULL)


COMMANDS = {
    "list": ["list"],
    # A mistyped BIN is refused without the network, after the draft is written.
    "apply": ["apply", "--bin", "940140000386", "--captcha-answer", "K7M3P"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", REASONS)
def test_an_unreadable_state_is_refused_and_left_alone(home, case, command):
    path, prefix = make(home, case)
    before = look(path)
    for i, lang in enumerate(LANGS):
        p = ncaenroll(home, prefix, path, lang, *COMMANDS[command])
        said = " ".join(p.stderr.split())
        assert look(path) == before, f"{case} was changed by {command} ({lang}): {said}"
        assert p.returncode == 4, (lang, p.stdout, p.stderr)
        assert FRAME[lang].format(path, REASONS[case][i]) in said, (lang, said)
        assert "No applications" not in p.stdout, p.stdout
