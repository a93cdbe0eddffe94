"""The service behind a real HAProxy (Debian's): TCP mode, TLS passed through to the
service, `send-proxy-v2` on the server line. The clients reach HAProxy from their own
loopback addresses (127.0.0.2, 127.0.0.3); with 127.0.0.1 in trusted_proxies the service
must see, limit and log each of them, not HAProxy's address.
"""
import http.client
import os
import shutil
import socket
import subprocess
import time

import pytest

from service import Service, free_port


class Via(http.client.HTTPSConnection):
    """HTTPS to HAProxy's port from a given loopback address, TLS checked against the
    service's chain (HAProxy passes it through)."""

    def __init__(self, port, ctx, src):
        super().__init__("127.0.0.1", port, context=ctx, timeout=10,
                         source_address=(src, 0))


def ask(port, ctx, src):
    c = Via(port, ctx, src)
    try:
        c.request("POST", "/api/v1/captcha")
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


@pytest.fixture
def haproxy_bin():
    exe = shutil.which("haproxy") or ("/usr/sbin/haproxy"
                                       if os.access("/usr/sbin/haproxy", os.X_OK) else None)
    if exe is None:
        pytest.skip("haproxy is not installed (deps/debian-packages)")
    return exe


def test_behind_haproxy_send_proxy_v2(tmp_path, haproxy_bin):
    state = tmp_path / "state"
    svc = Service(state, config={"policy": {"captcha_per_minute": 2}})
    svc.stop()
    with open(svc.config, "a") as f:
        f.write('trusted_proxies: ["127.0.0.1"]\n')
    svc = Service(state, config=None, extra=["--config", svc.config])
    front = free_port()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(f"""global
    log stderr format raw local0 err
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend in
    bind 127.0.0.1:{front}
    default_backend ncaenrolld
backend ncaenrolld
    server s1 127.0.0.1:{svc.port} send-proxy-v2
""")
    hap = subprocess.Popen([haproxy_bin, "-db", "-f", str(cfg)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", front), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        a = [ask(front, svc.ctx, "127.0.0.2") for _ in range(3)]
        b = ask(front, svc.ctx, "127.0.0.3")
    finally:
        hap.terminate()
        hap.wait(timeout=10)
        svc.stop()
    assert a == [200, 200, 429], "each client has its own rate limit behind the proxy"
    assert b == 200
    lines = [ln.split()[2] for ln in svc.stderr.splitlines() if '"POST /api/v1/captcha' in ln]
    assert lines == ["127.0.0.2"] * 3 + ["127.0.0.3"], svc.stderr
