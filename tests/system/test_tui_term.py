"""A terminal the full-screen programs cannot draw on (issue #10, point 22): TERM=dumb
has no cursor addressing, an unknown TERM no description at all, and an unset TERM says
nothing. ncaenroll and ncaenroll-ra must refuse before curses starts, with a sentence in
the person's language that says what to use instead, exit status 2, and not one escape
sequence on the terminal. Each program runs on a real pseudo-terminal (its stdin and
stdout), stderr read apart."""
import os
import pty
import select
import subprocess
import time

import pytest

from conftest import BUILDDIR

# What the sentence must name, whatever the language: a terminal to use, and the commands.
NAMES = ("xterm", "--help")
WORDS = {
    "en": ("terminal", "TERM"),
    "ru": ("терминал", "TERM"),
    "kk": ("терминал", "TERM"),
}
PROGRAMS = {
    "ncaenroll": ["--service", "https://127.0.0.1:9", "--state", "STATE"],
    "ncaenroll-ra": ["--service", "https://127.0.0.1:9"],
}


def run_on_pty(prog, args, term, lang, home):
    """The program on a pty; (status, what reached the terminal, stderr)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "LANGUAGE": lang, "HOME": str(home), "XDG_STATE_HOME": str(home / "xdg"),
           "XDG_CONFIG_HOME": str(home / "cfg")}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    if term is not None:
        env["TERM"] = term
    args = [str(home / "state.yaml") if a == "STATE" else a for a in args]
    master, slave = pty.openpty()
    p = subprocess.Popen([os.path.join(BUILDDIR, "uninstalled-env"),
                          os.path.join(BUILDDIR, prog), *args],
                         stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env,
                         start_new_session=True)
    os.close(slave)
    out = b""
    end = time.monotonic() + 30
    while time.monotonic() < end:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    if p.poll() is None:
        p.kill()
    status = p.wait(timeout=10)
    err = p.stderr.read().decode()
    os.close(master)
    return status, out, err


@pytest.mark.parametrize("prog", sorted(PROGRAMS))
@pytest.mark.parametrize("term", ["dumb", "no-such-terminal-xyz", None])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_terminal_that_cannot_be_drawn_on(tmp_path, prog, term, lang):
    status, out, err = run_on_pty(prog, PROGRAMS[prog], term, lang, tmp_path)
    assert status == 2, (status, out, err)
    assert b"\x1b" not in out, f"escape sequences reached the terminal: {out!r}"
    for w in NAMES + WORDS[lang]:
        assert w in err, f"{w!r} not in: {err}"
    if term is not None:
        assert term in err, err
    if lang != "en":
        assert "cannot" not in err and "terminal " not in err, err
