"""A check token (POST /bin-check) unlocks the individuals register only for the client
that solved its captcha, and only for a few names: it is bound to the address that
solved the captcha, and serves at most three IIN checks (doc/api.md "POST
/api/v1/iin-check"). Requests come from several loopback addresses (the client socket
bound to 127.0.0.N before connecting), as an attacker spreading one token over hosts
would send them; the real service, over TLS."""
import http.client
import json
import os
import socket

import pytest

from conftest import SRCDIR
from service import Service

BIN = "940140000385"        # in the demo registry (nca-facts.md vector)
IIN = "871008401427"
IIN_CHECKS_PER_TOKEN = 3


def demo_iins(n):
    with open(os.path.join(SRCDIR, "data", "demo", "persons.json"), encoding="utf-8") as f:
        return [p["iin"] for p in json.load(f)][:n]


def _can_bind(addr):
    s = socket.socket()
    try:
        s.bind((addr, 0))
        return True
    except OSError:
        return False
    finally:
        s.close()


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    if not _can_bind("127.0.0.5"):
        pytest.skip("this host cannot bind 127.0.0.2-5 (loopback is not a /8)")
    s = Service(tmp_path_factory.mktemp("token-binding") / "state")
    yield s
    s.stop()


def call(svc, source, method, path, body=None):
    """(status, JSON answer) of one request sent from the loopback address `source`."""
    conn = http.client.HTTPSConnection(svc.host, svc.port, timeout=30, context=svc.ctx,
                                       source_address=(source, 0))
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data,
                     headers={"Content-Type": "application/json"} if data else {})
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def bin_check(svc, source):
    st, cap = call(svc, source, "POST", "/api/v1/captcha")
    assert st == 200, cap
    st, org = call(svc, source, "POST", "/api/v1/bin-check",
                   {"bin": BIN, "captcha_id": cap["id"], "captcha_answer": svc.captcha_code})
    assert st == 200, org
    return org["token"]


def iin_check(svc, source, token, iin=IIN):
    return call(svc, source, "POST", "/api/v1/iin-check", {"iin": iin, "token": token})


def submit(svc, source, token):
    """An application with this token whose CSRs are not CSRs: refused for the token
    (403) before the CSRs are read (400)."""
    return call(svc, source, "POST", "/api/v1/applications",
                {"token": token, "bin": BIN, "iin": IIN, "role": "ROLE02",
                 "region": "karaganda", "city": "karaganda", "gu_code": "1001",
                 "storage": "pc", "lang": "ru", "csr_auth": "x", "csr_sign": "x"})


def test_token_from_another_address_is_refused(svc):
    token = bin_check(svc, "127.0.0.2")
    st, err = iin_check(svc, "127.0.0.3", token)
    assert st == 403, err
    assert err["error"]["code"] == "token.invalid", err
    # the same as a token never issued: the answer does not tell the token exists
    st, unknown = iin_check(svc, "127.0.0.3", "f" * 32)
    assert (st, unknown["error"]["code"]) == (403, "token.invalid")
    # the address that solved the captcha still has it, undiminished by the refusal
    for _ in range(IIN_CHECKS_PER_TOKEN):
        st, person = iin_check(svc, "127.0.0.2", token)
        assert st == 200, person
        assert person["iin"] == IIN
    # the application takes the token from its own address only too
    st, err = submit(svc, "127.0.0.3", token)
    assert (st, err["error"]["code"]) == (403, "token.invalid"), err
    st, err = submit(svc, "127.0.0.2", token)
    assert st == 400 and not err["error"]["code"].startswith("token."), err


def test_fourth_iin_check_is_refused(svc):
    token = bin_check(svc, "127.0.0.2")
    iins = demo_iins(IIN_CHECKS_PER_TOKEN + 1)
    for iin in iins[:IIN_CHECKS_PER_TOKEN]:
        st, person = iin_check(svc, "127.0.0.2", token, iin)
        assert st == 200, person
    st, err = iin_check(svc, "127.0.0.2", token, iins[-1])
    assert st == 403, err
    assert err["error"]["code"] == "token.used_up", err
    assert err["error"]["field"] == "token"
    assert "captcha" in err["error"]["message"], err
    assert iins[-1] not in json.dumps(err)
    # spent for names, the token still serves the application
    st, err = submit(svc, "127.0.0.2", token)
    assert st == 400 and not err["error"]["code"].startswith("token."), err
    # a new captcha buys three more names
    token = bin_check(svc, "127.0.0.2")
    st, person = iin_check(svc, "127.0.0.2", token, iins[-1])
    assert st == 200, person


def test_enumeration_needs_a_captcha_per_three_names(svc):
    """One solved captcha, its token tried from four addresses over twelve names: three
    names come back, all to the address that solved it; twelve names take four captchas."""
    iins = demo_iins(12)
    token = bin_check(svc, "127.0.0.2")
    named = []
    for i, iin in enumerate(iins):
        source = f"127.0.0.{2 + i % 4}"
        st, ans = iin_check(svc, source, token, iin)
        if st == 200:
            named.append((source, ans["iin"]))
        else:
            assert st == 403, ans
    assert len(named) == IIN_CHECKS_PER_TOKEN, named
    assert {s for s, _ in named} == {"127.0.0.2"}
    captchas, named = 0, set()
    for iin in iins:
        st, ans = (403, None) if captchas == 0 else iin_check(svc, "127.0.0.4", token, iin)
        if st == 403:
            token = bin_check(svc, "127.0.0.4")
            captchas += 1
            st, ans = iin_check(svc, "127.0.0.4", token, iin)
        assert st == 200, ans
        named.add(ans["iin"])
    assert len(named) == 12
    assert captchas == 12 // IIN_CHECKS_PER_TOKEN
