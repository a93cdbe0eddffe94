"""Every C source file opens with a comment saying what it owns (STYLE.md, issue 12), so a
reader who opens one learns its part before its includes. Checked on the files git tracks
in src/, or, from a tarball (no checkout), on every .c file under src/. No build needed."""
import os
import subprocess

from conftest import SRCDIR

def sources():
    """The .c files under src/, relative to the source tree."""
    p = subprocess.run(["git", "-C", SRCDIR, "rev-parse", "--show-toplevel"],
                       capture_output=True, text=True)
    if p.returncode == 0 and os.path.realpath(p.stdout.strip()) == os.path.realpath(SRCDIR):
        out = subprocess.run(["git", "-C", SRCDIR, "-c", "core.quotepath=off", "ls-files",
                              "--", "src/*.c"],
                             capture_output=True, text=True, check=True).stdout
        return sorted(f for f in out.splitlines()
                      if f and os.path.exists(os.path.join(SRCDIR, f)))
    found = []
    for top, _, names in os.walk(os.path.join(SRCDIR, "src")):
        found += [os.path.relpath(os.path.join(top, n), SRCDIR) for n in names
                  if n.endswith(".c")]
    return sorted(found)


def opens_with_comment(rel):
    with open(os.path.join(SRCDIR, rel), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                return line.lstrip().startswith(("/*", "//"))
    return False


def test_sources_are_found():
    files = sources()
    assert "src/common/utf8.c" in files and "src/tui/screen.c" in files, files


def test_every_source_opens_with_what_it_owns():
    lacking = [f for f in sources() if not opens_with_comment(f)]
    assert not lacking, ("these files do not open with a comment saying what they own:\n  "
                         + "\n  ".join(lacking))
