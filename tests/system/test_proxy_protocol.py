"""Behind a proxy: the client's real address from the PROXY protocol v2 header (as
HAProxy's send-proxy-v2 writes it) or X-Forwarded-For, believed only from the addresses in
trusted_proxies; rate limits, per-address connection slots and the access log use it.

The clients here are Python sockets on loopback that write a real PROXY v2 header (TCP over
IPv4 or IPv6, source and destination, as HAProxy does) and then speak TLS and HTTP/1.1.
"""
import http.client
import socket
import ssl
import struct

import pytest

from service import Service

SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def header_v4(src, dst="127.0.0.1", sport=40000, dport=8443):
    body = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!HH", sport, dport)
    return SIG + bytes([0x21, 0x11]) + struct.pack("!H", len(body)) + body


def header_v6(src, dst="::1", sport=40000, dport=8443):
    body = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
            + struct.pack("!HH", sport, dport))
    return SIG + bytes([0x21, 0x21]) + struct.pack("!H", len(body)) + body


class Conn(http.client.HTTPSConnection):
    """An HTTPS connection that writes `first` on the socket before TLS begins."""

    def __init__(self, svc, first=b""):
        super().__init__("127.0.0.1", svc.port, context=svc.ctx, timeout=10)
        self.first = first

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        if self.first:
            sock.sendall(self.first)
        self.sock = self._context.wrap_socket(sock, server_hostname="127.0.0.1")


def call(svc, method, path, first=b"", headers=None):
    c = Conn(svc, first)
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


def access_lines(svc, path):
    return [ln for ln in svc.stderr.splitlines() if f'"POST {path}' in ln or
            f'"GET {path}' in ln]


def trusted(tmp_path, proxies, **policy):
    """A service whose ncaenrolld.yaml names these trusted proxies (a YAML list)."""
    pol = {"captcha_per_minute": 2, "checks_per_minute": 10000, "status_per_minute": 10000,
           "connections_per_address": 2, "connections_per_address_busy": 2}
    pol.update(policy)
    state = tmp_path / "state"
    svc = Service(state, config={"policy": pol}, extra=[])
    svc.stop()
    with open(svc.config, "a") as f:
        f.write("trusted_proxies: [" + ", ".join(f'"{p}"' for p in proxies) + "]\n")
    return Service(state, config=None, extra=["--config", svc.config])


def test_proxy_v2_address_counts_for_limits_and_log(tmp_path):
    svc = trusted(tmp_path, ["127.0.0.1", "::1"])
    try:
        a, b = header_v4("203.0.113.7"), header_v4("203.0.113.8")
        assert [call(svc, "POST", "/api/v1/captcha", a) for _ in range(3)] == [200, 200, 429]
        assert call(svc, "POST", "/api/v1/captcha", b) == 200        # another client
        assert call(svc, "POST", "/api/v1/captcha", header_v6("2001:db8::5")) == 200
        assert call(svc, "POST", "/api/v1/captcha") == 200           # the proxy itself
        # a LOCAL command (a health check): the proxy's own address
        local = SIG + bytes([0x20, 0x00, 0, 0])
        assert call(svc, "POST", "/api/v1/captcha", local) == 200
    finally:
        svc.stop()
    lines = access_lines(svc, "/api/v1/captcha")
    assert [ln.split()[2] for ln in lines] == ["203.0.113.7"] * 3 + [
        "203.0.113.8", "2001:db8::5", "127.0.0.1", "127.0.0.1"], lines


def test_x_forwarded_for_from_a_trusted_proxy(tmp_path):
    svc = trusted(tmp_path, ["127.0.0.1"])
    try:
        xff = {"X-Forwarded-For": "10.0.0.1, 198.51.100.9"}
        assert [call(svc, "POST", "/api/v1/captcha", headers=xff) for _ in range(3)] == [
            200, 200, 429]
        # the right-most address that is not a trusted proxy is the client
        assert call(svc, "POST", "/api/v1/captcha",
                    headers={"X-Forwarded-For": "198.51.100.10, 127.0.0.1"}) == 200
        # what is not an address is not believed: the connection's own counts
        assert call(svc, "POST", "/api/v1/captcha",
                    headers={"X-Forwarded-For": "nobody"}) == 200
    finally:
        svc.stop()
    lines = access_lines(svc, "/api/v1/captcha")
    assert [ln.split()[2] for ln in lines] == ["198.51.100.9"] * 3 + [
        "198.51.100.10", "127.0.0.1"], lines


def test_slots_count_the_real_address(tmp_path):
    svc = trusted(tmp_path, ["127.0.0.1"])
    held = []
    try:
        for _ in range(2):
            c = Conn(svc, header_v4("203.0.113.20"))
            c.connect()
            held.append(c)
        with pytest.raises((ssl.SSLError, OSError)):
            c = Conn(svc, header_v4("203.0.113.20"))
            c.connect()
            c.request("POST", "/api/v1/captcha")
            c.getresponse()
        # another client behind the same proxy still gets in, and so does the proxy:
        # many clients share its address
        assert call(svc, "POST", "/api/v1/captcha", header_v4("203.0.113.21")) == 200
        for _ in range(3):
            c = Conn(svc)
            c.connect()
            held.append(c)
        assert call(svc, "POST", "/api/v1/captcha") == 200
    finally:
        for c in held:
            c.close()
        svc.stop()
    assert "203.0.113.20: connection refused: the address holds 2" in svc.stderr
    assert "could not take it" not in svc.stderr      # said once, by the rule that refused


def test_not_trusted_is_never_believed(tmp_path):
    svc = trusted(tmp_path, ["192.0.2.1"])
    try:
        # a PROXY header from an address not listed reaches TLS as garbage
        with pytest.raises((ssl.SSLError, OSError)):
            call(svc, "POST", "/api/v1/captcha", header_v4("203.0.113.7"))
        assert call(svc, "POST", "/api/v1/captcha",
                    headers={"X-Forwarded-For": "198.51.100.9"}) == 200
    finally:
        svc.stop()
    lines = access_lines(svc, "/api/v1/captcha")
    assert [ln.split()[2] for ln in lines] == ["127.0.0.1"], lines
    assert "203.0.113.7" not in svc.stderr and "198.51.100.9" not in svc.stderr


def test_without_trusted_proxies_nothing_is_believed(tmp_path):
    svc = Service(tmp_path / "state")
    try:
        assert call(svc, "POST", "/api/v1/captcha",
                    headers={"X-Forwarded-For": "198.51.100.9"}) == 200
        with pytest.raises((ssl.SSLError, OSError)):
            call(svc, "POST", "/api/v1/captcha", header_v4("203.0.113.7"))
    finally:
        svc.stop()
    assert "198.51.100.9" not in svc.stderr and "203.0.113.7" not in svc.stderr


def test_a_list_that_is_not_addresses_is_refused(tmp_path, run):
    svc = Service(tmp_path / "state")
    svc.stop()
    with open(svc.config, "a") as f:
        f.write("trusted_proxies: [127.0.0.1, proxy.example]\n")
    p = run("ncaenrolld", "--demo", "--state-dir", svc.state, "--config", svc.config,
            "--listen", "127.0.0.1:0", timeout=60)
    assert p.returncode != 0
    assert "trusted_proxies: 'proxy.example' is not an IP address or CIDR block" in p.stderr


def test_a_trusted_proxys_bad_header_is_refused_logged_and_counted(tmp_path):
    """A listed proxy that sends a header of another version is refused, not believed and
    not served as its own address: said in the log, counted under proxy_header."""
    from test_service_metrics import scrape
    svc = trusted(tmp_path, ["127.0.0.1"])
    try:
        bad = SIG + bytes([0x31, 0x11]) + struct.pack("!H", 12) + bytes(12)   # version 3
        with pytest.raises((ssl.SSLError, OSError)):
            call(svc, "GET", "/api/v1/directories/regions", bad)
        samples, _ = scrape(svc)
        assert samples[("ncaenrolld_connections_refused_total",
                        frozenset({("reason", "proxy_header")}))] == 1, samples
    finally:
        svc.stop()
    assert ("127.0.0.1: connection refused: a trusted proxy sent a PROXY header that is "
            "not version 2") in svc.stderr, svc.stderr
