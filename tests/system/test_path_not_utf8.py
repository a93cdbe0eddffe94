"""A path holding bytes that are not UTF-8 gets the answer its route gives any other
unknown path or number (404, 400), with the error in JSON, not 500 "out of memory": the
error message quotes the path, and a message that is not UTF-8 made no JSON string
(found by tests/fuzz/fuzz-api; its inputs are kept as corpus/api/regress-*). Raw
requests over TLS to the real ncaenrolld on loopback."""
import json
import socket

import pytest

from service import Service


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    s = Service(tmp_path_factory.mktemp("svc") / "state")
    yield s
    s.stop()


def exchange(svc, path):
    """(status line, body) of GET path, sent as raw bytes."""
    raw = socket.create_connection(("127.0.0.1", svc.port), timeout=15)
    sock = svc.ctx.wrap_socket(raw, server_hostname="127.0.0.1")
    got = b""
    try:
        sock.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\n"
                     b"Connection: close\r\n\r\n")
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            got += chunk
    finally:
        sock.close()
    head, _, body = got.partition(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode("latin-1"), body


@pytest.mark.parametrize("path, status, code", [
    (b"/%E5", "404 Not Found", "not_found"),
    (b"/api/v1/nothing/%FF%FE", "404 Not Found", "not_found"),
    (b"/api/v1/applications/%E5%FF", "400 Bad Request", None),
], ids=["unknown", "unknown-api", "number"])
def test_not_utf8_answered_as_any_other(svc, path, status, code):
    line, body = exchange(svc, path)
    assert line == "HTTP/1.1 " + status, (line, body)
    err = json.loads(body)["error"]
    if code is not None:
        assert err["code"] == code, err
    # The bytes the client sent come back as '?', the message still says what was asked.
    assert "out of memory" not in err["message"], err


def test_access_log_stays_utf8(tmp_path):
    """The access log quotes the path: bytes that are not UTF-8, and a long path of
    Cyrillic letters cut to the log's width, are written as '?', so the log stays text
    that every reader of it (journald, grep, this test) can read."""
    s = Service(tmp_path / "state")
    try:
        exchange(s, b"/api/v1/x%E5%FFy")
        exchange(s, b"/api/v1/" + b"%D0%B6" * 200)
    finally:
        s.stop()        # reads the service's stderr as UTF-8
    lines = [ln for ln in s.stderr.splitlines() if '"GET /api/v1/' in ln]
    assert len(lines) == 2, s.stderr
    assert '"GET /api/v1/x??y" 404 ' in lines[0], lines[0]
    assert "жжж" in lines[1] and "\ufffd" not in lines[1], lines[1]
