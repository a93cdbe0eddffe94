"""ncaenrolld under systemd (Type=notify, ncaenrolld(8) "SIGNALS"): READY=1 once it
listens, RELOADING=1 then READY=1 around a SIGHUP (which never ends it), STOPPING=1 as it
stops; each a datagram to $NOTIFY_SOCKET (a path, or '@' for the abstract namespace),
received here by a socket of the test's own. And its log lines carry their syslog
priority ("<6>") exactly when stderr is the journal's stream ($JOURNAL_STREAM)."""
import os
import re
import selectors
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from service import DEMO_CONFIG_DEFAULT, program, program_env

# Service's default configuration, as a file (generous limits, as every test uses)
CONFIG = "policy:\n" + "".join(f"  {k}: {v}\n" for k, v in
                               DEMO_CONFIG_DEFAULT["policy"].items())


def start(state, env, stderr=subprocess.PIPE, listen="127.0.0.1:0"):
    cfg = str(state) + ".yaml"
    with open(cfg, "w") as f:
        f.write(CONFIG)
    e = program_env()
    e.update(env)
    return subprocess.Popen([*program(), "--demo", "--listen", listen, "--state-dir",
                             str(state), "--config", cfg],
                            stdout=subprocess.PIPE, stderr=stderr, text=True, env=e)


def port_of(proc, timeout=120):
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    end = time.monotonic() + timeout
    while time.monotonic() < end and sel.select(timeout=end - time.monotonic()):
        m = re.match(r"listening on https://127\.0\.0\.1:(\d+)$", proc.stdout.readline())
        if m:
            return int(m.group(1))
    raise AssertionError("ncaenrolld did not start")


def messages(sock, n, timeout=30):
    """The next n datagrams, each as {KEY: VALUE}."""
    got = []
    sock.settimeout(timeout)
    for _ in range(n):
        data = sock.recv(4096).decode()
        got.append(dict(line.split("=", 1) for line in data.split("\n") if line))
    return got


def alive(port, cafile):
    import http.client
    import ssl
    c = http.client.HTTPSConnection("127.0.0.1", port, timeout=30,
                                    context=ssl.create_default_context(cafile=cafile))
    try:
        c.request("GET", "/healthz")
        return c.getresponse().status
    finally:
        c.close()


@pytest.mark.parametrize("where", ["path", "abstract"])
def test_ready_reloading_stopping(tmp_path, where):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    short = tempfile.mkdtemp(prefix="nca-notify-")     # a socket path is short
    if where == "path":
        name = os.path.join(short, "notify")
        sock.bind(name)
    else:
        name = f"@ncaenroll-notify-{os.getpid()}-{time.monotonic_ns()}"
        sock.bind("\0" + name[1:])
    proc = start(tmp_path / "state", {"NOTIFY_SOCKET": name})
    try:
        port = port_of(proc)
        ready, = messages(sock, 1)
        assert ready == {"READY": "1", "STATUS": f"serving on port {port}"}
        # a reload says so and is ready again; the service lives on and answers
        for _ in range(2):
            proc.send_signal(signal.SIGHUP)
            reloading, again = messages(sock, 2)
            assert reloading["RELOADING"] == "1"
            assert int(reloading["MONOTONIC_USEC"]) > 0
            assert again == {"READY": "1", "STATUS": f"serving on port {port}"}
        assert proc.poll() is None
        assert alive(port, str(tmp_path / "state" / "ca-chain.pem")) == 200
        proc.send_signal(signal.SIGTERM)
        stopping, = messages(sock, 1)
        assert stopping == {"STOPPING": "1"}
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        sock.close()
        if where == "path":
            os.unlink(name)
        os.rmdir(short)


def _run_logging(tmp_path, journal, listen="127.0.0.1:0"):
    """The service's stderr, into a file; with journal, $JOURNAL_STREAM names it."""
    err = open(tmp_path / "stderr", "w+")
    st = os.fstat(err.fileno())
    env = {"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}" if journal else f"{st.st_dev}:1"}
    proc = start(tmp_path / "state", env, stderr=err, listen=listen)
    try:
        if listen.endswith(":0"):
            port_of(proc)
            proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    err.seek(0)
    text = err.read()
    err.close()
    return proc.returncode, text.splitlines()


def test_priorities_on_the_journal(tmp_path):
    rc, lines = _run_logging(tmp_path, journal=True)
    assert rc == 0
    assert lines and all(re.match(r"<[3467]>(error|warning|info|debug): ", ln)
                         for ln in lines), lines
    assert "<6>info: stopping on signal 15" in lines
    # an error is a <3>: what journalctl -p err shows
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen(1)
    try:
        rc, lines = _run_logging(tmp_path, journal=True,
                                 listen=f"127.0.0.1:{held.getsockname()[1]}")
    finally:
        held.close()
    assert rc == 1
    assert any(ln.startswith("<3>error: cannot listen on 127.0.0.1:") for ln in lines), lines


def test_no_priorities_on_another_stream(tmp_path):
    """$JOURNAL_STREAM inherited by a process whose stderr went elsewhere: plain lines."""
    rc, lines = _run_logging(tmp_path, journal=False)
    assert rc == 0
    assert lines and all(ln.startswith("ncaenrolld: ") for ln in lines), lines
