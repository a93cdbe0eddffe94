"""The certificates of an application are given only to whoever holds its AUTH key: their
subjects carry the holder's full IIN and name, which the status by number masks. The
holder asks a single-use challenge for "certificates" and POSTs its nonce with a
signature over "certificates\\nNUMBER\\nNONCE\\n" (doc/api-lifecycle.md); without that the
service answers 403 certificates.proof_required and nothing personal. Refused too: a
signature by another application's key, a nonce used before, another application's or
action's nonce, an expired one. The real `ncaenroll install` still works end to end, on a
PC folder and on a token (SoftHSM2). Status lookups by number are counted per client
address, with the holder's other requests by number (policy.status_per_minute): past the
limit 429 rate_limited with Retry-After, other addresses unaffected, and the next minute
answers again. The real service over TLS."""
import http.client
import json
import time

import pytest

from holder import challenge, issued, sign
from softhsm import SoftHSM
from service import DEMO_CONFIG_DEFAULT, Service, set_clock
from test_apply_cli import Applicant as PcApplicant, wait_status as pc_wait_status
from test_ra_service import Desk
from test_token_apply import Applicant as TokenApplicant, wait_status as token_wait_status
from fixtures import service_fixture

x509 = pytest.importorskip("cryptography.x509")
from cryptography.x509.oid import NameOID  # noqa: E402

IIN = "871008401427"            # the demo registry's person (data/demo/README.md)

auto = service_fixture("certs-proof", extra=["--auto-approve", "1"], fixture="auto")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Desk(tmp_path_factory.mktemp("proof"))
    d.op = d.operator("aliya")
    yield d
    d.stop()


def _code(ans):
    return ans["error"]["code"]


def _personal(cert_pem):
    """What a certificate of the demo person says of them: the IIN and the name parts."""
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    words = [IIN]
    for oid in (NameOID.COMMON_NAME, NameOID.SURNAME, NameOID.GIVEN_NAME):
        words += [a.value for a in cert.subject.get_attributes_for_oid(oid)]
    return [w for w in words if w]


def _nothing_personal(ans, personal):
    text = json.dumps(ans, ensure_ascii=False)
    for word in personal + ["BEGIN CERTIFICATE", "install_nonce"]:
        assert word not in text, (word, text)


def _proven(svc, number, key):
    st, certs = svc.certificates(number, key)
    assert st == 200, certs
    personal = _personal(certs["auth"]["pem"])
    assert IIN in " ".join(personal) and len(personal) > 1, personal
    return certs, personal


def test_without_proof_nothing_personal(desk):
    number, auth, _ = issued(desk, desk.op)
    _, personal = _proven(desk.svc, number, auth)
    path = f"/api/v1/applications/{number}/certificates"
    for method, body in (("GET", None), ("POST", {}), ("POST", {"nonce": "x"}),
                         ("POST", {"signature": "AAAA"})):
        st, ans = desk.svc.request(method, path, body)
        assert st == 403 and _code(ans) == "certificates.proof_required", (method, body, ans)
        _nothing_personal(ans, personal)
    # Unknown numbers are told the same: without a proof nothing is looked up.
    st, ans = desk.svc.request("GET", "/api/v1/applications/0000-0000-0000-0000-0000-0000-0000"
                               "/certificates")
    assert st == 403 and _code(ans) == "certificates.proof_required", ans
    # What is not personal stays in the status: the certificates exist, serials, validity.
    s = desk.status(number)
    assert s["certificates"]["auth"]["serial"] and s["certificates"]["not_after"], s
    _nothing_personal(s, personal)


def test_another_applications_key_is_refused(desk):
    mine, my_auth, _ = issued(desk, desk.op)
    theirs, their_auth, _ = issued(desk, desk.op)
    _, personal = _proven(desk.svc, mine, my_auth)
    # Signed by the other application's AUTH key.
    st, ans = desk.svc.certificates(mine, their_auth)
    assert st == 403 and _code(ans) == "revoke.proof_invalid", ans
    _nothing_personal(ans, personal)
    # The other application's nonce, signed with the right key.
    st, ch = challenge(desk.svc, theirs, "certificates")
    assert st == 200, ch
    st, ans = desk.svc.certificates(mine, my_auth, nonce=ch["nonce"])
    assert st == 400 and _code(ans) == "nonce.invalid", ans
    _nothing_personal(ans, personal)
    # A nonce given for another action (a revocation) serves no certificates.
    st, ch = challenge(desk.svc, mine, "revoke")
    assert st == 200, ch
    st, ans = desk.svc.certificates(mine, my_auth, nonce=ch["nonce"])
    assert st == 400 and _code(ans) == "nonce.invalid", ans
    _nothing_personal(ans, personal)


def test_a_nonce_serves_once_and_briefly(desk):
    number, auth, _ = issued(desk, desk.op)
    st, ch = challenge(desk.svc, number, "certificates")
    assert st == 200, ch
    body = {"nonce": ch["nonce"],
            "signature": sign(auth, f"certificates\n{number}\n{ch['nonce']}\n")}
    path = f"/api/v1/applications/{number}/certificates"
    st, certs = desk.svc.request("POST", path, body)
    assert st == 200 and certs["install_nonce"], certs
    personal = _personal(certs["auth"]["pem"])
    # The same request again: the nonce is spent.
    st, ans = desk.svc.request("POST", path, body)
    assert st == 400 and _code(ans) == "nonce.invalid", ans
    _nothing_personal(ans, personal)
    # A challenge not used within five minutes is gone.
    st, ch = challenge(desk.svc, number, "certificates")
    assert st == 200, ch
    desk.set_clock(desk.now + 301)
    try:
        st, ans = desk.svc.certificates(number, auth, nonce=ch["nonce"])
    finally:
        desk.set_clock(desk.now)
    assert st == 400 and _code(ans) == "nonce.invalid", ans


def test_not_issued_has_no_challenge(desk):
    number = desk.apply()
    st, ans = challenge(desk.svc, number, "certificates")
    assert st == 409 and _code(ans) == "application.not_issued", ans


def test_install_on_a_pc_folder_proves_the_key(auto, tmp_path):
    me = PcApplicant(auto, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    pc_wait_status(me, number, "issued")
    # The number alone no longer fetches them...
    st, ans = auto.request("GET", f"/api/v1/applications/{number}/certificates")
    assert st == 403 and _code(ans) == "certificates.proof_required", ans
    # ...the holder's program, with the key in the folder, does.
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    st, s = auto.request("GET", f"/api/v1/applications/{number}")
    assert st == 200 and s["status"] == "installed", s


def test_install_on_a_token_proves_the_key(auto, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken P")
    me = TokenApplicant(auto, tmp_path / "home", tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    token_wait_status(me, number, "issued")
    st, ans = auto.request("GET", f"/api/v1/applications/{number}/certificates")
    assert st == 403 and _code(ans) == "certificates.proof_required", ans
    p = me.run("--json", "install", "--pin-fd", "PINFD", number, pin=tok.pin)
    assert p.returncode == 0, p.stderr
    st, s = auto.request("GET", f"/api/v1/applications/{number}")
    assert st == 200 and s["status"] == "installed", s


def _status_from(svc, number, source):
    """(status, answer, Retry-After) of a status lookup from loopback address source."""
    conn = http.client.HTTPSConnection(svc.host, svc.port, timeout=30, context=svc.ctx,
                                       source_address=(source, 0))
    try:
        conn.request("GET", f"/api/v1/applications/{number}")
        r = conn.getresponse()
        return r.status, json.loads(r.read()), r.getheader("Retry-After")
    finally:
        conn.close()


def test_status_lookups_are_limited_per_address(tmp_path):
    from csrs import csr, rsa_key, submit
    clock = tmp_path / "clock"
    now = int(time.time()) // 60 * 60 + 5      # early in a minute: the window holds
    set_clock(clock, now)
    config = {"policy": dict(DEMO_CONFIG_DEFAULT["policy"], status_per_minute=5)}
    svc = Service(tmp_path / "state", extra=["--test-clock", str(clock)], config=config)
    try:
        ka, ks = rsa_key(tmp_path / "auth.key"), rsa_key(tmp_path / "sign.key")
        st, ans = submit(svc, csr(ka, "/CN=auth"), csr(ks, "/CN=sign"))
        assert st == 201, ans
        number = ans["request_number"]
        for _ in range(5):
            st, s, _ = _status_from(svc, number, "127.0.0.1")
            assert st == 200 and s["status"] == "submitted", s
        st, ans, retry = _status_from(svc, number, "127.0.0.1")
        assert st == 429 and _code(ans) == "rate_limited", ans
        assert retry == "55", retry                 # until the minute turns
        assert IIN not in json.dumps(ans) and number not in json.dumps(ans), ans
        # Unknown numbers count alike: the limit is what stops a walk through numbers...
        st, ans, _ = _status_from(svc, "0000-0000-0000-0000-0000-0000-0000", "127.0.0.1")
        assert st == 429 and _code(ans) == "rate_limited", ans
        # ...and the holder's requests, which tell as well whether a number exists.
        for what in ("challenge", "installed", "certificates"):
            body = {"action": "certificates"} if what == "challenge" else \
                {"nonce": "x", "signature": "AAAA"}
            st, ans = svc.request("POST", f"/api/v1/applications/{number}/{what}", body)
            assert st == 429 and _code(ans) == "rate_limited", (what, ans)
        # Another address is not held back by this one.
        st, s, _ = _status_from(svc, number, "127.0.0.2")
        assert st == 200 and s["status"] == "submitted", s
        # The applicant's program says it in words.
        (tmp_path / "home").mkdir()
        p = PcApplicant(svc, str(tmp_path / "home")).run("status", number)
        assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
        assert "too many requests came from this computer's address" in p.stderr, p.stderr
        # The next minute answers again.
        set_clock(clock, now + 60)
        st, s, _ = _status_from(svc, number, "127.0.0.1")
        assert st == 200 and s["status"] == "submitted", s
    finally:
        svc.stop()
