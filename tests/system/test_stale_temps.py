"""A writer killed with SIGKILL leaves its temporary file beside the file it was replacing:
a copy of the state (names, IINs) or a key half written. The next ncaenroll that opens
the state removes those of writers that are gone, overwriting their bytes first, and
never one a live writer is still filling.

Temporary files are named `.NAME.PID.XXXXXX` and locked (flock) by their writer while it
lives (src/common/atomicfile.h). The leftovers are made here as a crash leaves them, and
by killing ncaenroll (the test-only copy with crash points, faults.py) at the moment a
temporary file is complete and not yet renamed."""
import fcntl
import os
import subprocess
import sys

import pytest

from appstate import SUBMITTED, write_state
from conftest import BUILDDIR
from faults import faults_program
from service import Service, program_env

APP_ID = "0123456789abcdef"


def ncaenroll(home, *args, env_extra=None, program=None):
    """This build's ncaenroll, or program (the copy with crash points, faults.py)."""
    env = program_env()
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "cfg"))
    env.update(env_extra or {})
    return subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                           program or os.path.join(BUILDDIR, "ncaenroll"), *args],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=180)


def dead_pid():
    """A process id that no process has now (it just ended)."""
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def temps(folder):
    return sorted(n for n in os.listdir(folder) if n.startswith("."))


@pytest.fixture
def home(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    state = tmp_path / "state.yaml"
    fields = {k: v for k, v in SUBMITTED.items() if k != "request_number"}
    write_state(state, [{"id": APP_ID, "state": "keys_ready",
                         "fields": dict(fields, dir=str(keys))}])
    return tmp_path, state, keys


def test_leftovers_of_dead_writers_are_removed(home):
    tmp_path, state, keys = home
    pid = dead_pid()
    secret = b"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
    left = {
        tmp_path / f".state.yaml.{pid}.Ab12Cd": open(state, "rb").read(),
        tmp_path / ".state.yaml.Zx98Yw": b"schema: 1\n",          # an older naming
        keys / f".ncaenroll-{APP_ID}-AUTH.key.{pid}.Qw34Er": b"",  # killed before writing
        keys / f".ncaenroll-{APP_ID}-SIGN.key.{pid}.Ty56Ui": secret,
        keys / f".application-{SUBMITTED['request_number']}.pdf.{pid}.Op78As": b"%PDF-1.5",
    }
    for path, data in left.items():
        path.write_bytes(data)
        path.chmod(0o600)
    # A second name for the half-written key, elsewhere: what the sweep leaves in the
    # bytes themselves can be read there after the name is gone.
    spy = tmp_path / "spy"
    spy.mkdir()
    os.link(keys / f".ncaenroll-{APP_ID}-SIGN.key.{pid}.Ty56Ui", spy / "key")
    other = keys / ".someone-elses.tmp.Xx11Yy"                     # not ours: kept
    other.write_bytes(b"x")

    p = ncaenroll(tmp_path, "--state", str(state), "--json", "list")
    assert p.returncode == 0, p.stderr
    assert temps(tmp_path) == [], temps(tmp_path)
    assert temps(keys) == [other.name], temps(keys)
    data = (spy / "key").read_bytes()
    assert len(data) == len(secret) and data.strip(b"\0") == b"", \
        "the key's bytes were overwritten before the name was removed"


def _holder(path, lock):
    """A live writer: a process that made path (its pid in the name) and, if lock, holds
    it locked as atomicfile_write does, until killed."""
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1].replace('PID', str(os.getpid())), "
            "os.O_CREAT | os.O_RDWR, 0o600)\n"
            "os.write(fd, b'half a key')\n"
            "if sys.argv[2] == '1':\n"
            "    fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('ready', flush=True)\n"
            "time.sleep(600)\n")
    p = subprocess.Popen([sys.executable, "-c", code, str(path), "1" if lock else "0"],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    return p, str(path).replace("PID", str(p.pid))


@pytest.mark.parametrize("lock", [True, False], ids=["locked", "not-yet-locked"])
def test_a_live_writers_file_is_never_removed(home, lock):
    tmp_path, state, keys = home
    p, path = _holder(keys / f".ncaenroll-{APP_ID}-AUTH.key.PID.Gh90Jk", lock)
    try:
        r = ncaenroll(tmp_path, "--state", str(state), "--json", "list")
        assert r.returncode == 0, r.stderr
        assert os.path.exists(path), "a live writer's temporary file was removed"
        assert open(path, "rb").read() == b"half a key"
    finally:
        p.kill()
        p.wait()
    r = ncaenroll(tmp_path, "--state", str(state), "--json", "list")
    assert not os.path.exists(path), "once its writer is gone, the file goes"


def test_a_dead_pid_whose_file_is_still_locked_is_kept(home):
    """The lock is what a writer in another pid namespace (a container sharing the home)
    shows: its pid means nothing here, its lock does."""
    tmp_path, state, keys = home
    path = keys / f".ncaenroll-{APP_ID}-AUTH.key.{dead_pid()}.Lm12No"
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        r = ncaenroll(tmp_path, "--state", str(state), "--json", "list")
        assert r.returncode == 0, r.stderr
        assert path.exists()
    finally:
        os.close(fd)


# ---- a real crash, in the copy with crash points ----

@pytest.mark.parametrize("where", ["-SIGN.key", "state.yaml"])
def test_killed_while_writing_then_swept(tmp_path, where):
    svc = Service(tmp_path / "svc")
    try:
        keys = tmp_path / "keys"
        state = tmp_path / "state.yaml"
        args = ["--service", svc.base, "--ca-file", svc.cafile, "--state", str(state),
                "--json", "apply", "--bin", "940140000385", "--captcha-answer",
                svc.captcha_code, "--iin", "871008401427", "--role", "ROLE02", "--region",
                "karaganda", "--city", "karaganda", "--gu-code", "1001", "--dir", str(keys)]
        p = ncaenroll(tmp_path, *args, program=faults_program(),
                      env_extra={"NCAENROLL_FAULT": "atomicfile.temp-written:" + where})
        assert p.returncode == -9, p.stderr
        folder = keys if where.endswith(".key") else tmp_path
        left = [n for n in temps(folder) if where in n]
        assert left, f"the crash left no temporary file in {folder}: {os.listdir(folder)}"
        r = ncaenroll(tmp_path, "--state", str(state), "--json", "list")
        assert r.returncode == 0, r.stderr
        assert [n for n in temps(folder) if where in n] == []
        # And applying again finishes from there.
        p = ncaenroll(tmp_path, *args)
        assert p.returncode == 0, p.stderr
    finally:
        svc.stop()
