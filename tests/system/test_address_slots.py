"""Connections per client address: the limit refuses the next connection from an address
that holds connections_per_address, says so in the log and lets other addresses in.
libmicrohttpd's own per-address limit refused such a connection before the service saw
it, without a word; now the service's rule is the only one, and every refusal is logged.
"""
import ssl
import time

import pytest

from service import Service


def test_a_refusal_is_logged(tmp_path):
    svc = Service(tmp_path / "state", config={"policy": {
        "connections_per_address": 3, "connections_per_address_busy": 3,
        "captcha_per_minute": 10000}})
    held = []
    try:
        for _ in range(3):
            c = svc.connection(timeout=10)
            c.connect()
            held.append(c)
        with pytest.raises((ssl.SSLError, OSError)):
            c = svc.connection(timeout=10)
            c.connect()
            c.request("GET", "/api/v1/directories/regions")
            c.getresponse()
        held.pop().close()
        # A slot again, once the service has seen the close (its next poll, not at once).
        end = time.monotonic() + 10
        while True:
            try:
                st, _ = svc.request("GET", "/api/v1/directories/regions")
                break
            except (ssl.SSLError, OSError):
                if time.monotonic() > end:
                    raise
                time.sleep(0.2)
        assert st == 200
    finally:
        for c in held:
            c.close()
        svc.stop()
    assert ("127.0.0.1: connection refused: the address holds 3, as many as one address "
            "may") in svc.stderr
