"""A file replaced atomically (src/common/atomicfile.c: temp file, fsync, rename) is on
disk only once the folder that holds the new name is on disk too: after each rename the
folder itself is opened and fsynced, or a power cut can lose the rename and bring the old
state file back (an application recorded, its request number given, then gone). The
system calls of a real `ncaenroll apply` against the real service are traced with
strace, and every rename of a temp file into place must be followed, in the same
process, by an fsync of a descriptor opened on that name's folder (before the next
rename). Skipped only when strace cannot trace here (ptrace forbidden), with the reason."""
import glob
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILDDIR
from fixtures import service_fixture
from service import program_env
from test_apply_cli import DEMO

CALLS = "openat,open,rename,renameat,renameat2,fsync,fdatasync,close"
RENAME = re.compile(r'^rename(?:at2?)?\((?:AT_FDCWD, )?"([^"]+)", (?:AT_FDCWD, )?"([^"]+)"'
                    r'(?:, \w+)?\)\s+= 0')
OPEN_DIR = re.compile(r'^open(?:at)?\((?:AT_FDCWD, )?"([^"]+)", [^)]*O_DIRECTORY[^)]*\)'
                      r'\s+= (\d+)')
FSYNC = re.compile(r'^fsync\((\d+)\)\s+= 0')
CLOSE = re.compile(r'^close\((\d+)\)')


@pytest.fixture(scope="module")
def strace():
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (deps/debian-packages lists it)")
    p = subprocess.run(["strace", "-o", "/dev/null", "true"], capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"strace cannot trace here: {p.stderr.strip()}")
    return "strace"


svc = service_fixture("dirsync")


def renames_without_dirsync(lines):
    """The renames of a trace (one process's lines) not followed by an fsync of their
    folder before the next rename: [(from, to)]."""
    bad, pending, dirs = [], None, {}
    for line in lines:
        m = RENAME.match(line)
        if m:
            if pending:
                bad.append(pending)
            pending, dirs = (m.group(1), m.group(2)), {}
            continue
        if pending is None:
            continue
        m = OPEN_DIR.match(line)
        if m:
            dirs[m.group(2)] = m.group(1)
            continue
        m = FSYNC.match(line)
        if m and dirs.get(m.group(1)) == os.path.dirname(pending[1]):
            pending = None
            continue
        m = CLOSE.match(line)
        if m:
            dirs.pop(m.group(1), None)
    if pending:
        bad.append(pending)
    return bad


def traced_apply(strace, svc, home):
    """`ncaenroll apply` under strace, one trace file per process: (result, traces)."""
    env = program_env()
    env.update(HOME=str(home), XDG_STATE_HOME=str(home / "xdg"),
               XDG_CONFIG_HOME=str(home / "cfg"))
    # LeakSanitizer cannot run under ptrace (a sanitizer build would end with its fatal
    # error); leaks are the other tests' to find.
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    args = ["apply", "--json"]
    for k, v in dict(DEMO, captcha_answer=svc.captcha_code, dir=str(home / "keys")).items():
        args += ["--" + k.replace("_", "-"), v]
    prefix = str(home / "trace")
    cmd = [strace, "-ff", "-o", prefix, "-e", f"trace={CALLS}",
           os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--service", svc.base, "--ca-file", svc.cafile, "--state", str(home / "state.yaml"),
           *args]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300,
                       stdin=subprocess.DEVNULL)
    traces = {}
    for path in glob.glob(prefix + ".*"):
        with open(path, encoding="utf-8", errors="replace") as f:
            traces[path] = f.read().splitlines()
    return p, traces


def test_each_rename_is_followed_by_an_fsync_of_its_folder(strace, svc, tmp_path):
    p, traces = traced_apply(strace, svc, tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["request_number"]
    renamed = [RENAME.match(line).group(2) for lines in traces.values() for line in lines
               if RENAME.match(line)]
    state = str(tmp_path / "state.yaml")
    # The trace saw the writes: the state file, recorded more than once, and both keys.
    assert renamed.count(state) >= 2, renamed
    assert sum(1 for r in renamed if r.endswith("-AUTH.key")) == 1, renamed
    assert sum(1 for r in renamed if r.endswith("-SIGN.key")) == 1, renamed
    for path, lines in traces.items():
        bad = renames_without_dirsync(lines)
        assert bad == [], f"renamed with no fsync of the folder after it ({path}): {bad}"


def test_the_check_itself_sees_a_missing_folder_sync():
    """The reading of a trace, on a trace without the folder's fsync: it is found."""
    good = ['rename("/d/.s.1.X", "/d/s") = 0',
            'openat(AT_FDCWD, "/d", O_RDONLY|O_CLOEXEC|O_DIRECTORY) = 4',
            'fsync(4)                                = 0', 'close(4) = 0']
    assert renames_without_dirsync(good) == []
    assert renames_without_dirsync(good[:1] + good[3:]) == [("/d/.s.1.X", "/d/s")]
    # An fsync of the file (or of another folder) is not the folder's.
    other = ['rename("/d/.s.1.X", "/d/s") = 0',
             'openat(AT_FDCWD, "/e", O_RDONLY|O_DIRECTORY) = 4', 'fsync(4) = 0',
             'openat(AT_FDCWD, "/d/s", O_RDONLY) = 5', 'fsync(5) = 0']
    assert renames_without_dirsync(other) == [("/d/.s.1.X", "/d/s")]
    # The sync must come after the rename, not before it.
    before = [good[1], good[2], good[0]]
    assert renames_without_dirsync(before) == [("/d/.s.1.X", "/d/s")]
