"""Online renewal on the real service over TLS (doc/api-lifecycle.md): while both
certificates are valid the holder sends two new CSRs with a challenge signed by the
current AUTH key and gets a new application issued at once, with the same subject and a
new request number, mailed like an approval; the old application is revoked as superseded
only when the new one's installed report arrives. Refused: expired (the service's clock
moved past not_after), revoked, never issued, keys used before, a bad signature. Keys,
CSRs and signatures by python `cryptography`."""
import pytest

import holder
from holder import DOCS, challenge, csr, install, issued, key_id, message, new_key, sign

pytest.importorskip("aiosmtpd.controller")
from fixtures import Sink  # noqa: E402
from test_ra_service import Desk  # noqa: E402

x509 = pytest.importorskip("cryptography.x509")


@pytest.fixture(scope="module")
def sink():
    s = Sink()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def desk(tmp_path_factory, sink):
    d = Desk(tmp_path_factory.mktemp("renew"),
             mail={"smtp_url": f"smtp://127.0.0.1:{sink.port}", "from": "ca@example.kz"})
    d.op = d.operator("erlan")
    yield d
    d.stop()


def _error(ans):
    return ans["error"]["code"]


def renew(svc, number, auth, new_auth=None, new_sign=None, nonce=None, signer=None):
    """(status, answer, (new AUTH key, new SIGN key)) of a renewal."""
    new_auth = new_auth or new_key()
    new_sign = new_sign or new_key()
    if nonce is None:
        st, ch = challenge(svc, number, "renew")
        assert st == 200, ch
        nonce = ch["nonce"]
    detail = f"{key_id(new_auth)}:{key_id(new_sign)}"
    st, ans = svc.request("POST", f"/api/v1/applications/{number}/renew",
                          {"nonce": nonce, "csr_auth": csr(new_auth, "auth"),
                           "csr_sign": csr(new_sign, "sign"),
                           "signature": sign(signer or auth,
                                             message("renew", number, nonce, detail))})
    return st, ans, (new_auth, new_sign)


def _subject(svc, number, key, which="auth"):
    st, certs = svc.certificates(number, key)
    assert st == 200, certs
    cert = x509.load_pem_x509_certificate(certs[which]["pem"].encode())
    return cert.subject, cert.serial_number


def test_renewal_is_issued_at_once_and_supersedes_on_install(desk, sink):
    old, auth, _ = issued(desk, desk.op)
    st, inst = install(desk.svc, old, auth)
    assert st == 200, inst
    before = len(sink.messages)
    st, ans, (new_auth, _) = renew(desk.svc, old, auth)
    assert st == 201, ans
    new = ans["request_number"]
    assert new != old
    assert ans["status"] == "issued" and ans["renews"] == old
    # same subject, new certificates
    for which in ("auth", "sign"):
        old_subj, old_serial = _subject(desk.svc, old, auth, which)
        new_subj, new_serial = _subject(desk.svc, new, new_auth, which)
        assert new_subj == old_subj and new_serial != old_serial
    # the old pair stays good until the new one is installed
    s = desk.status(old)
    assert s["status"] == "installed" and s["renewed_by"] == new
    # mailed like an approval
    texts = holder.mails(sink, new)
    assert len(sink.messages) > before and texts, texts
    st, inst = install(desk.svc, new, new_auth)
    assert st == 200, inst
    s = desk.status(old)
    assert s["status"] == "revoked", s
    assert s["revocation"]["reason"] == "superseded"
    assert s["revocation"]["by"] == f"renewal {new}"
    assert desk.status(new)["status"] == "installed"
    p = desk.admin("audit", "list", old)
    assert "application.revoked" in p.stdout
    assert desk.admin("audit", "verify").returncode == 0


def test_renewal_before_install_of_the_old(desk):
    """Issued but not yet installed is renewable too; the renewal is in the desk's list."""
    old, auth, _ = issued(desk, desk.op)
    st, ans, _ = renew(desk.svc, old, auth)
    assert st == 201, ans
    st, full = desk.ra("GET", f"/applications/{ans['request_number']}", cert=desk.op)
    assert st == 200 and full["renews"] == old


def test_expired_cannot_be_renewed(desk):
    old, auth, _ = issued(desk, desk.op)
    not_after = desk.status(old)["certificates"]["not_after"]
    import calendar
    import time
    end = calendar.timegm(time.strptime(not_after, "%Y-%m-%dT%H:%M:%SZ"))
    try:
        desk.set_clock(end + 1)
        st, err = challenge(desk.svc, old, "renew")
        assert st == 409 and _error(err) == "application.not_renewable", err
        assert err["error"]["why"] == "expired"
    finally:
        desk.set_clock(desk.now)
    # a challenge taken just before the end does not help after it
    st, ch = challenge(desk.svc, old, "renew")
    try:
        desk.set_clock(end + 1)
        st, err, _ = renew(desk.svc, old, auth, nonce=ch["nonce"])
        assert st == 409 and err["error"]["why"] == "expired", err
    finally:
        desk.set_clock(desk.now)


def test_revoked_cannot_be_renewed(desk):
    old, auth, _ = issued(desk, desk.op)
    st, ch = challenge(desk.svc, old, "renew")
    st, ans = holder.revoke(desk.svc, old, auth)
    assert st == 200, ans
    st, err = challenge(desk.svc, old, "renew")
    assert st == 409 and _error(err) == "application.not_renewable", err
    assert err["error"]["why"] == "revoked"
    st, err, _ = renew(desk.svc, old, auth, nonce=ch["nonce"])
    assert st == 409 and err["error"]["why"] == "revoked", err


def test_never_issued_cannot_be_renewed(desk):
    number = desk.apply()
    st, err = challenge(desk.svc, number, "renew")
    assert st == 409 and _error(err) == "application.not_renewable", err
    assert err["error"]["why"] == "not_issued"


def test_keys_must_be_new(desk):
    old, auth, sign_key = issued(desk, desk.op)
    st, err, _ = renew(desk.svc, old, auth, new_auth=auth, new_sign=sign_key)
    assert st == 409 and _error(err) == "key.reused", err
    assert desk.status(old)["status"] == "issued"
    assert "renewed_by" not in desk.status(old)


def test_renewal_needs_the_auth_key_and_a_fresh_nonce(desk):
    old, auth, sign_key = issued(desk, desk.op)
    st, ch = challenge(desk.svc, old, "renew")
    nonce = ch["nonce"]
    st, err, _ = renew(desk.svc, old, auth, nonce=nonce, signer=sign_key)
    assert st == 403 and _error(err) == "revoke.proof_invalid", err
    st, err, _ = renew(desk.svc, old, auth, nonce=nonce)
    assert st == 400 and _error(err) == "nonce.invalid", err
    st, ch = challenge(desk.svc, old, "revoke")
    st, err, _ = renew(desk.svc, old, auth, nonce=ch["nonce"])
    assert st == 400 and _error(err) == "nonce.invalid", err
    # the signature covers the new keys: other CSRs than the ones signed for
    st, ch = challenge(desk.svc, old, "renew")
    a, b = new_key(), new_key()
    st, err = desk.svc.request("POST", f"/api/v1/applications/{old}/renew",
                               {"nonce": ch["nonce"], "csr_auth": csr(new_key(), "a"),
                                "csr_sign": csr(b, "s"),
                                "signature": sign(auth, message(
                                    "renew", old, ch["nonce"],
                                    f"{key_id(a)}:{key_id(b)}"))})
    assert st == 403 and _error(err) == "revoke.proof_invalid", err
    assert desk.status(old)["status"] == "issued"
    st, err = desk.svc.request("POST", f"/api/v1/applications/{old}/renew",
                               {"nonce": "A" * 43, "csr_auth": "garbage",
                                "csr_sign": csr(b, "s"), "signature": "AAAA"})
    assert st == 400 and _error(err) == "csr_auth.invalid", err


def test_registry_changes_stop_a_renewal(desk):
    """The register renamed the organization, or dropped the ГУ/СКС code: the renewal
    would certify what nobody confirms any longer, so a desk is needed (the register is
    changed under the running service with sqlite3, as a registry reload would)."""
    import sqlite3
    old, auth, _ = issued(desk, desk.op)
    bin_, code = "940140000385", None
    db = sqlite3.connect(desk.db, timeout=30)
    try:
        name = db.execute("SELECT name_ru FROM organizations WHERE bin = ?",
                          (bin_,)).fetchone()[0]
        db.execute("UPDATE organizations SET name_ru = ? WHERE bin = ?",
                   (name + " (переименовано)", bin_))
        db.commit()
        st, err, _ = renew(desk.svc, old, auth)
        assert st == 409 and _error(err) == "application.not_issuable", err
        assert err["error"]["why"] == "bin.renamed", err
        db.execute("UPDATE organizations SET name_ru = ? WHERE bin = ?", (name, bin_))
        code = db.execute("SELECT gu_code FROM applications WHERE number = ?",
                          (old,)).fetchone()[0]
        db.execute("DELETE FROM gu_codes WHERE bin = ? AND code = ?", (bin_, code))
        db.commit()
        st, err, _ = renew(desk.svc, old, auth)
        assert st == 409 and err["error"]["why"] == "gu_code.not_registered", err
    finally:
        if code is not None:
            db.execute("INSERT OR IGNORE INTO gu_codes (bin, code) VALUES (?, ?)", (bin_, code))
        db.execute("UPDATE organizations SET name_ru = ? WHERE bin = ?", (name, bin_))
        db.commit()
        db.close()
    assert "renewed_by" not in desk.status(old)
    st, ans, _ = renew(desk.svc, old, auth)
    assert st == 201, ans
