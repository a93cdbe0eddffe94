"""GNU command-line conventions of the three programs."""
import pytest

from fixtures import help_line_fits as fits

PROGRAMS = ["ncaenroll", "ncaenroll-ra", "ncaenrolld"]


@pytest.mark.parametrize("prog", PROGRAMS)
def test_version(run, prog):
    r = run(prog, "--version")
    assert r.returncode == 0
    first = r.stdout.splitlines()[0]
    assert first.startswith(prog + " (ncaenroll) ")
    assert "NO WARRANTY" in r.stdout
    assert r.stderr == ""


@pytest.mark.parametrize("prog", PROGRAMS)
def test_help_on_stdout(run, prog):
    r = run(prog, "--help")
    assert r.returncode == 0
    assert r.stdout.startswith("Usage: " + prog)
    for line in r.stdout.splitlines():
        assert fits(line), line


@pytest.mark.parametrize("prog", PROGRAMS)
def test_unknown_option(run, prog):
    r = run(prog, "--no-such-option")
    assert r.returncode == 2
    assert "--help" in r.stderr
    assert r.stdout == ""


def test_help_lists_commands_and_exit_codes(run):
    out = run("ncaenroll", "--help").stdout
    assert "validate" in out
    assert "Exit status" in out


def test_unknown_command(run):
    r = run("ncaenroll", "frobnicate")
    assert r.returncode == 2
    assert "unknown command 'frobnicate'" in r.stderr


def test_help_translated(run):
    r = run("ncaenroll", "--help", lang="kk")
    assert r.returncode == 0
    assert "Usage" not in r.stdout
    for line in r.stdout.splitlines():
        assert fits(line), line


def test_write_error_is_reported(run):
    """A full disk must not pass for success (GNU close_stdout)."""
    import subprocess
    import os
    with open("/dev/full", "w") as full:
        r = subprocess.run([os.path.join(run.builddir, "uninstalled-env"),
                            os.path.join(run.builddir, "ncaenroll"), "--help"],
                           stdout=full, stderr=subprocess.PIPE, text=True)
    assert r.returncode != 0
    assert "write error" in r.stderr
