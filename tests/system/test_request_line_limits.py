"""Requests the service cannot take are answered, not dropped (doc/api.md, Errors): a
query with too many arguments gets 414 URI Too Long, like a request line that is too
long (libmicrohttpd alone, out of per-connection memory, answered nothing at 600 and
kept the connection until the request timeout), and a log line; a request method that is
not an HTTP token (control bytes, separators) gets 400, not 404. Raw requests over TLS
(python ssl) to the real ncaenrolld on loopback, and to its plain-http listener."""
import os
import socket
import ssl
import time

import pytest

from service import Service

ANSWER_WITHIN = 10      # seconds; the request timeout (30 s) must not be what ends it


@pytest.fixture
def svc(tmp_path):
    s = Service(tmp_path / "state")
    yield s
    s.stop()


def plain_port(svc):
    with open(os.path.join(svc.state, "http-port"), encoding="ascii") as f:
        return int(f.read().strip())


def exchange(svc, request, tls=True):
    """(status line, seconds) of one raw request; ('', s) when the service answered
    nothing before closing."""
    port = svc.port if tls else plain_port(svc)
    raw = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_WITHIN + 5)
    sock = svc.ctx.wrap_socket(raw, server_hostname="127.0.0.1") if tls else raw
    t0 = time.monotonic()
    got = b""
    try:
        sock.sendall(request)
        while b"\r\n" not in got:
            chunk = sock.recv(4096)
            if not chunk:
                break
            got += chunk
    except (ConnectionError, ssl.SSLError, socket.timeout):
        pass
    finally:
        sock.close()
    return got.split(b"\r\n", 1)[0].decode("latin-1"), time.monotonic() - t0


def get(path, method=b"GET"):
    return method + b" " + path + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


# A path each listener serves: an API directory over TLS, the root CRL over plain http.
PATH = {True: b"/api/v1/directories/roles", False: b"/crl/root.crl"}


def query(n, tls=True):
    return PATH[tls] + b"?" + b"&".join(b"a%d=%d" % (i, i) for i in range(n))


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
@pytest.mark.parametrize("n", [600, 3000])
def test_too_many_query_arguments_answered_414(svc, n, tls):
    line, took = exchange(svc, get(query(n, tls)), tls=tls)
    assert line == "HTTP/1.1 414 URI Too Long", (line, took)
    assert took < ANSWER_WITHIN, took
    # The service is still there for the next client.
    assert exchange(svc, get(PATH[tls]), tls=tls)[0] == "HTTP/1.1 200 OK"
    svc.stop()
    logged = [ln for ln in svc.stderr.splitlines() if " 414 " in ln]
    assert len(logged) == 1 and "127.0.0.1" in logged[0] and \
        f"{n} query arguments" in logged[0], svc.stderr


def test_a_few_query_arguments_still_served(svc):
    assert exchange(svc, get(query(16)))[0] == "HTTP/1.1 200 OK"


@pytest.mark.parametrize("method", [b"GE\x01T", b"GET\x7f", b"\x1bGET", b"GE(T", b"G\"T",
                                    b"G,T"])
def test_method_not_a_token_is_400(svc, method):
    line, _ = exchange(svc, get(b"/api/v1/directories/roles", method))
    assert line == "HTTP/1.1 400 Bad Request", (method, line)


def test_unknown_method_is_still_405(svc):
    line, _ = exchange(svc, get(b"/api/v1/directories/roles", b"PATCH"))
    assert line == "HTTP/1.1 405 Method Not Allowed", line
