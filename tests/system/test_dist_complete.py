"""tests/dist-complete, which make dist runs on the folder it is about to pack: a file git
tracks and the tarball lacks, or a file the tarball carries and git does not track, fails
make dist and is named; the files autoreconf makes, and those left out on purpose, are
not. Checked on a copy of the checkout's file list, so no tarball is made here. From a
tarball (no checkout to compare with) the script checks nothing, and these tests skip."""
import os
import subprocess

import pytest

from conftest import SRCDIR

SCRIPT = os.path.join(SRCDIR, "tests", "dist-complete")
GENERATED = ("configure", "Makefile.in", "aclocal.m4", "config.h.in", "build-aux/tap-driver.sh")


def tracked():
    p = subprocess.run(["git", "-C", SRCDIR, "rev-parse", "--show-toplevel"],
                       capture_output=True, text=True)
    if p.returncode != 0 or os.path.realpath(p.stdout.strip()) != os.path.realpath(SRCDIR):
        pytest.skip("the source tree is not a git checkout (a tarball)")
    out = subprocess.run(["git", "-C", SRCDIR, "-c", "core.quotepath=off", "ls-files"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return [f for f in out if f and os.path.exists(os.path.join(SRCDIR, f))]


def touch(top, rel):
    path = os.path.join(top, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").close()


@pytest.fixture
def distdir(tmp_path):
    """What make dist would pack: every tracked file but those left out on purpose, and
    what autoreconf makes."""
    top = tmp_path / "ncaenroll-0"
    for f in tracked():
        if f != ".gitignore" and not f.startswith(".ci/"):
            touch(top, f)
    for f in GENERATED:
        touch(top, f)
    return top


def check(distdir):
    return subprocess.run(["sh", SCRIPT, SRCDIR, str(distdir)], capture_output=True,
                          text=True)


def test_complete_tarball_passes(distdir):
    p = check(distdir)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "holds every tracked file" in p.stdout


def test_missing_file_is_named(distdir):
    os.remove(distdir / "doc" / "tokens.md")
    os.remove(distdir / "LICENSE")
    p = check(distdir)
    assert p.returncode == 1
    assert "not in the tarball" in p.stdout
    named = [line.strip() for line in p.stdout.splitlines() if line.startswith("  ")]
    assert "doc/tokens.md" in named and "LICENSE" in named, p.stdout


def test_untracked_file_is_named(distdir):
    touch(distdir, "tests/system/scratch.txt")
    p = check(distdir)
    assert p.returncode == 1
    assert "not tracked by git" in p.stdout
    assert "  tests/system/scratch.txt" in p.stdout.splitlines()


def test_no_checkout_checks_nothing(tmp_path, distdir):
    os.remove(distdir / "LICENSE")
    plain = tmp_path / "plain"
    plain.mkdir()
    p = subprocess.run(["sh", SCRIPT, str(plain), str(distdir)], capture_output=True,
                       text=True)
    assert p.returncode == 0
    assert "not a git checkout" in p.stdout
