"""`ncaenroll certs` reads the connected tokens too: certificates of this service's CA on a
token that this computer's state does not know (installed from another computer, or after
the state was lost) are listed from the token itself, with holder, role, the token's label,
valid until, days left and the OCSP status, and no request number ("not applied for from
this computer"; JSON "request_number": null, "source": "token"). The real service (its
own OCSP responder, the URL it writes into the certificates), a SoftHSM2 token installed in
one HOME and read from another with an empty state; after the holder revokes in the first
HOME, the second says revoked. The first HOME lists its certificates once, not twice."""
import calendar
import json
import os
import shutil
import subprocess
import time

import pytest

from fixtures import service_fixture, tui
from softhsm import SoftHSM
from test_token_apply import Applicant, wait_status

import yaml  # noqa: E402  (python3-yaml, as the state file's tests)

HOLDER = "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ"

svc = service_fixture("certs-token", extra=["--auto-approve", "1"])


def certs(me, lang="en"):
    p = me.run("--json", "certs")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["certificates"]


def installed_on_token(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken T")
    first = Applicant(svc, tmp_path / "first", tok)
    p = first.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(first, number, "issued")
    p = first.run("--json", "install", "--pin-fd", "PINFD", number, pin=tok.pin)
    assert p.returncode == 0, p.stderr
    return tok, first, number


def test_a_token_unknown_to_the_state_is_listed_from_the_token(svc, tmp_path):
    tok, first, number = installed_on_token(svc, tmp_path)

    # The computer that installed them: once, from its state.
    [mine] = certs(first)
    assert mine["request_number"] == number and mine["source"] == "state", mine
    assert mine["ocsp"] == "good", mine

    # Another computer, nothing in its state, the same token connected.
    other = Applicant(svc, tmp_path / "other", tok)
    before = time.time()
    [c] = certs(other)
    after = time.time()
    assert c["request_number"] is None and c["source"] == "token", c
    assert c["holder"] == HOLDER, c
    assert c["storage"] == "token" and c["where"] == "Kaztoken T" and c["present"], c
    assert c["role"], c
    # The same expiry; its days left counted at this listing's own second (the first
    # listing's can be a day more: a certificate just issued has exactly its days left
    # only until the second after it was issued).
    assert c["not_after"] == mine["not_after"], c
    end = calendar.timegm(time.strptime(c["not_after"], "%Y-%m-%dT%H:%M:%SZ"))
    assert c["days_left"] in {(end - int(after)) // 86400, (end - int(before)) // 86400}, c
    assert c["days_left"] > 300 and c["role"] == mine["role"], (c, mine)
    assert c["ocsp"] == "good", c
    p = other.run("certs")
    assert p.returncode == 0, p.stderr
    assert "not applied for from this computer" in p.stdout, p.stdout
    assert HOLDER in p.stdout and "Kaztoken T" in p.stdout, p.stdout
    assert "valid (the OCSP service confirms it)" in p.stdout, p.stdout
    assert "No certificates" not in p.stdout, p.stdout

    # The holder revokes on the first computer: the other one hears it from OCSP.
    p = first.run("--json", "revoke", number, "--reason", "cessationOfOperation", "--yes",
                  "--pin-fd", "PINFD", pin=tok.pin)
    assert p.returncode == 0, p.stderr
    [c] = certs(other)
    assert c["ocsp"] == "revoked" and c["reason"] == "cessationOfOperation", c
    p = other.run("certs")
    assert "revoked on" in p.stdout, p.stdout
    [c] = certs(first)
    assert c["request_number"] == number and c["ocsp"] == "revoked", c


RENEW_WHY = {"kk": "өтінім осы компьютерден берілмеген", "ru": "подана не с этого компьютера"}
DESK = {"kk": "тіркеу пунктінде", "ru": "в пункте регистрации"}
TOKEN = {"kk": "токен Kaztoken T", "ru": "токен Kaztoken T"}
PIN_TOOL = {"kk": "токеннің өз бағдарламасымен", "ru": "собственной программой токена"}


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_the_screen_lists_the_token_and_says_why_not_renew_or_revoke(svc, tmp_path, lang):
    tok, _, _ = installed_on_token(svc, tmp_path)
    t = tui(svc, tmp_path / "other", lang, extra_env=tok.env())
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "certs"))
        scr = t.wait_for(TOKEN[lang], timeout=60)
        assert HOLDER in scr, scr
        t.press(F.button("certs", "certs_renew", "renew"))
        scr = t.wait_for(RENEW_WHY[lang])
        assert F.title("renew") not in scr, scr
        t.press(F.button("certs", "certs_revoke", "revoke"))
        scr = t.wait_for(DESK[lang])
        assert F.title("revoke") not in scr and RENEW_WHY[lang] in " ".join(scr.split()), scr
        t.press(F.button("certs", "apps_passwd", "passwd"))
        scr = t.wait_for("PIN")
        assert PIN_TOOL[lang] in " ".join(scr.split()), scr
        assert F.title("passwd") not in scr, scr


def _find(node, key):
    """The first value named key anywhere in the loaded state."""
    if isinstance(node, dict):
        if isinstance(node.get(key), str):
            return node[key]
        node = list(node.values())
    for v in node if isinstance(node, list) else ():
        if (found := _find(v, key)) is not None:
            return found
    return None


def _openssl(*args, **kw):
    p = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60, **kw)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_a_certificate_naming_the_ca_but_not_signed_by_it_is_not_listed(svc, tmp_path):
    """A CA of its own bearing the service CA's very name signs a certificate for the
    token: the names match, the signature does not; it is not this service's."""
    tok, first, number = installed_on_token(svc, tmp_path)
    with open(first.state, encoding="utf-8") as f:
        pem = _find(yaml.safe_load(f), "cert_auth")
    rfc2253 = _openssl("x509", "-noout", "-issuer", "-nameopt", "RFC2253,-esc_msb",
                       input=pem).strip().split("=", 1)[1]
    issuer = "/" + "/".join(reversed(rfc2253.split(",")))
    d = str(tmp_path)
    rogue_key, rogue = os.path.join(d, "rogue.key"), os.path.join(d, "rogue.pem")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", rogue_key,
             "-out", rogue, "-subj", issuer, "-utf8", "-days", "30", "-addext",
             "basicConstraints=critical,CA:TRUE")
    ee_key, csr, ee = (os.path.join(d, n) for n in ("ee.key", "ee.csr", "ee.der"))
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", ee_key, "-out", csr,
             "-subj", "/CN=ЖАЛҒАН АДАМ/serialNumber=IIN900101300123/OU=BIN120240021112",
             "-utf8")
    _openssl("x509", "-req", "-in", csr, "-CA", rogue, "-CAkey", rogue_key, "-days", "30",
             "-outform", "DER", "-out", ee)
    tok.pkcs11_tool("--write-object", ee, "--type", "cert", "--id", "77", "--label", "rogue")

    other = Applicant(svc, tmp_path / "other", tok)
    [c] = certs(other)
    assert c["holder"] == HOLDER and c["source"] == "token", c
