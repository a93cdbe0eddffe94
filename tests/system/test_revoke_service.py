"""Revocation on the real service over TLS (doc/api-lifecycle.md, doc/api-ra.md): the
holder's revoke signed with the application's AUTH key over a single-use challenge (good,
bad signature, wrong, reused, expired and misdirected nonces, bad encodings, unknown
reasons), a second revoke answered with when and why, nothing to revoke before issuance,
the desk's revoke after the documents checklist (audited, in the history, mailed), and
the desk finding every certificate of a person by IIN. Keys, CSRs and signatures are
made by python `cryptography` and the openssl command line; the service's clock is a
file (--test-clock)."""
import re
import time

import pytest

import holder
from holder import DOCS, challenge, issued, revoke, sign, message

pytest.importorskip("aiosmtpd.controller")
from fixtures import Sink  # noqa: E402
from test_ra_service import IIN, Desk  # noqa: E402

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
NONCE = re.compile(r"[A-Za-z0-9_-]{43}")


@pytest.fixture(scope="module")
def sink():
    s = Sink()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def desk(tmp_path_factory, sink):
    d = Desk(tmp_path_factory.mktemp("revoke"),
             mail={"smtp_url": f"smtp://127.0.0.1:{sink.port}", "from": "ca@example.kz"})
    d.op = d.operator("dana")
    yield d
    d.stop()


def _error(ans):
    return ans["error"]["code"]


def test_challenge_is_fresh_and_short_lived(desk):
    number, _, _ = issued(desk, desk.op)
    st, ch = challenge(desk.svc, number, "revoke")
    assert st == 200, ch
    assert NONCE.fullmatch(ch["nonce"]), ch
    assert ISO.fullmatch(ch["expires"])
    expires = time.strptime(ch["expires"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(time.mktime(expires) - time.mktime(time.gmtime(desk.now)) - 300) <= 1
    st, again = challenge(desk.svc, number, "revoke")
    assert st == 200 and again["nonce"] != ch["nonce"]
    st, err = challenge(desk.svc, number, "destroy")
    assert st == 400 and _error(err) == "action.unknown", err


def test_holder_revokes_with_the_auth_key(desk, sink):
    number, auth, _ = issued(desk, desk.op)
    st, ans = revoke(desk.svc, number, auth, "keyCompromise")
    assert st == 200, ans
    assert ans["status"] == "revoked" and ans["request_number"] == number
    r = ans["revocation"]
    assert r["reason"] == "keyCompromise" and r["by"] == "holder"
    assert r["name"]["ru"] == "Компрометация ключа" and r["name"]["kk"] and r["name"]["en"]
    assert ISO.fullmatch(r["at"])
    # the status says so to anyone who asks, the certificates' serials stay
    s = desk.status(number)
    assert s["status"] == "revoked" and s["revocation"] == r
    assert s["certificates"]["auth"]["serial"]
    # the desk's history and the audit log have it
    st, full = desk.ra("GET", f"/applications/{number}", cert=desk.op)
    assert st == 200 and full["revocation"]["reason"] == "keyCompromise"
    assert full["history"][-1]["action"] == "revoked"
    assert full["history"][-1]["actor"].startswith("holder")
    p = desk.admin("audit", "list", number)
    assert p.returncode == 0 and "application.revoked" in p.stdout, p.stderr
    assert desk.admin("audit", "verify").returncode == 0
    # and the holder is told by mail, in the language they applied in (ru), with the reason
    texts = holder.mails(sink, "Компрометация ключа")
    assert any(number in t and "отозваны" in t for t in texts), texts


def test_second_revoke_is_answered_not_repeated(desk):
    number, auth, _ = issued(desk, desk.op)
    st, first = revoke(desk.svc, number, auth, "cessationOfOperation")
    assert st == 200, first
    st, ch = challenge(desk.svc, number, "revoke")
    assert st == 409 and _error(ch) == "application.already_revoked", ch
    st, err = revoke(desk.svc, number, auth, "keyCompromise", nonce="x" * 43)
    assert st == 409 and _error(err) == "application.already_revoked", err
    assert err["error"]["revoked_at"] == first["revocation"]["at"]
    assert err["error"]["reason"] == "cessationOfOperation"
    assert desk.status(number)["revocation"]["reason"] == "cessationOfOperation"


def test_signature_by_another_key_is_refused_and_burns_the_nonce(desk):
    number, auth, sign_key = issued(desk, desk.op)
    st, ch = challenge(desk.svc, number, "revoke")
    assert st == 200
    nonce = ch["nonce"]
    st, err = revoke(desk.svc, number, sign_key, nonce=nonce)
    assert st == 403 and _error(err) == "revoke.proof_invalid", err
    assert err["error"]["field"] == "signature"
    # the same nonce again, now well signed: it was used
    st, err = revoke(desk.svc, number, auth, nonce=nonce)
    assert st == 400 and _error(err) == "nonce.invalid", err
    assert desk.status(number)["status"] == "issued"


def test_signature_over_other_words_is_refused(desk):
    number, auth, _ = issued(desk, desk.op)
    st, ch = challenge(desk.svc, number, "revoke")
    nonce = ch["nonce"]
    # signed for another reason than the one sent
    st, err = desk.svc.request("POST", f"/api/v1/applications/{number}/revoke",
                               {"reason": "keyCompromise", "nonce": nonce,
                                "signature": sign(auth, message("revoke", number, nonce,
                                                                "affiliationChanged"))})
    assert st == 403 and _error(err) == "revoke.proof_invalid", err
    st, ch = challenge(desk.svc, number, "revoke")
    st, err = desk.svc.request("POST", f"/api/v1/applications/{number}/revoke",
                               {"reason": "keyCompromise", "nonce": ch["nonce"],
                                "signature": "not base64 !!"})
    assert st == 400 and _error(err) == "signature.encoding", err
    assert desk.status(number)["status"] == "issued"


def test_unknown_misdirected_and_expired_nonces(desk):
    number, auth, _ = issued(desk, desk.op)
    other, _, _ = issued(desk, desk.op)
    st, err = revoke(desk.svc, number, auth, nonce="A" * 43)
    assert st == 400 and _error(err) == "nonce.invalid", err
    # a nonce for another application, or for renewal, is no nonce for this revoke
    st, ch = challenge(desk.svc, other, "revoke")
    st, err = revoke(desk.svc, number, auth, nonce=ch["nonce"])
    assert st == 400 and _error(err) == "nonce.invalid", err
    st, ch = challenge(desk.svc, number, "renew")
    assert st == 200, ch
    st, err = revoke(desk.svc, number, auth, nonce=ch["nonce"])
    assert st == 400 and _error(err) == "nonce.invalid", err
    # five minutes and one second later
    st, ch = challenge(desk.svc, number, "revoke")
    try:
        desk.set_clock(desk.now + 301)
        st, err = revoke(desk.svc, number, auth, nonce=ch["nonce"])
        assert st == 400 and _error(err) == "nonce.invalid", err
    finally:
        desk.set_clock(desk.now)
    st, ch = challenge(desk.svc, number, "revoke")
    desk.set_clock(desk.now + 299)
    try:
        st, ans = revoke(desk.svc, number, auth, nonce=ch["nonce"])
        assert st == 200, ans
    finally:
        desk.set_clock(desk.now)


def test_reasons_the_holder_may_give(desk):
    number, auth, _ = issued(desk, desk.op)
    for reason in ("superseded", "bogus", ""):
        st, err = revoke(desk.svc, number, auth, reason=reason)
        assert st == 400 and _error(err) == "reason.unknown", (reason, err)
        assert err["error"]["field"] == "reason"
    assert desk.status(number)["status"] == "issued"


def test_nothing_to_revoke_before_issuance(desk):
    number = desk.apply()
    st, err = challenge(desk.svc, number, "revoke")
    assert st == 409 and _error(err) == "application.not_revocable", err
    st, err = desk.svc.request("POST", f"/api/v1/applications/{number}/revoke",
                               {"reason": "keyCompromise", "nonce": "A" * 43,
                                "signature": "AAAA"})
    assert st == 409 and _error(err) == "application.not_revocable", err
    st, err = challenge(desk.svc, "9999-9999-9999-9999-9999-9999-9999", "revoke")
    assert st in (400, 404), err


def test_desk_revokes_after_the_documents(desk, sink):
    number, _, _ = issued(desk, desk.op)
    path = f"/applications/{number}/revoke"
    st, err = desk.ra("POST", path, {"reason": "affiliationChanged",
                                     "documents": ["form", "identity"]}, cert=desk.op)
    assert st == 400 and _error(err) == "documents.missing", err
    st, err = desk.ra("POST", path, {"reason": "superseded", "documents": DOCS}, cert=desk.op)
    assert st == 400 and _error(err) == "reason.unknown", err
    st, err = desk.ra("POST", path, {"reason": "affiliationChanged", "documents": DOCS})
    assert st == 403, err
    assert desk.status(number)["status"] == "issued"

    st, done = desk.ra("POST", path, {"reason": "affiliationChanged", "documents": DOCS,
                                      "text": "уволена 01.12"}, cert=desk.op)
    assert st == 200, done
    assert done["status"] == "revoked"
    assert done["revocation"]["reason"] == "affiliationChanged"
    assert done["revocation"]["by"] == "operator:dana"
    ev = done["history"][-1]
    assert ev["action"] == "revoked" and ev["actor"] == "operator:dana"
    assert ev["reason"] == "affiliationChanged"
    assert "уволена 01.12" in ev["detail"] and "documents checked" in ev["detail"]
    p = desk.admin("audit", "list", number)
    assert "application.revoked" in p.stdout and "operator:dana" in p.stdout
    assert any(number in t for t in holder.mails(sink, "Уход из организации"))
    # the holder's status reads the same
    assert desk.status(number)["revocation"]["by"] == "operator:dana"
    st, err = desk.ra("POST", path, {"reason": "keyCompromise", "documents": DOCS},
                      cert=desk.op)
    assert st == 409 and _error(err) == "application.already_revoked", err
    assert err["error"]["reason"] == "affiliationChanged"


def test_desk_cannot_revoke_what_was_never_issued(desk):
    number = desk.apply()
    st, err = desk.ra("POST", f"/applications/{number}/revoke",
                      {"reason": "keyCompromise", "documents": DOCS}, cert=desk.op)
    assert st == 409 and _error(err) == "application.not_revocable", err


def test_desk_finds_every_certificate_of_an_iin(desk):
    first, auth, _ = issued(desk, desk.op)
    second, _, _ = issued(desk, desk.op)
    waiting = desk.apply()
    st, ans = revoke(desk.svc, first, auth)
    assert st == 200, ans
    st, found = desk.ra("GET", f"/certificates?iin={IIN}", cert=desk.op)
    assert st == 200, found
    assert found["iin"] == IIN
    numbers = [a["request_number"] for a in found["applications"]]
    assert waiting not in numbers
    assert numbers.index(second) < numbers.index(first)      # newest first
    by = {a["request_number"]: a for a in found["applications"]}
    assert by[second]["status"] == "issued" and "revocation" not in by[second]
    assert by[first]["status"] == "revoked"
    assert by[first]["revocation"]["reason"] == "keyCompromise"
    for a in (by[first], by[second]):
        assert re.fullmatch(r"[0-9A-F]{40}", a["serial_auth"])
        assert re.fullmatch(r"[0-9A-F]{40}", a["serial_sign"])
        assert ISO.fullmatch(a["not_before"]) and ISO.fullmatch(a["not_after"])
        assert a["iin"] == IIN
    st, none = desk.ra("GET", "/certificates?iin=111111111111", cert=desk.op)
    assert st in (200, 400), none
    for bad in ("12345", "abcdefghijkl", ""):
        st, err = desk.ra("GET", f"/certificates?iin={bad}", cert=desk.op)
        assert st == 400 and _error(err) == "iin.invalid", (bad, err)
    st, err = desk.ra("GET", f"/certificates?iin={IIN}")
    assert st == 403, err


def _v3_schema():
    """The schema migrations 1 to 3 made (the release before revocation), as
    tests/unit/test-store-revoke.c keeps it: one copy of it for both tests."""
    import ast
    import os
    from conftest import SRCDIR
    text = open(os.path.join(SRCDIR, "tests", "unit", "test-store-revoke.c"),
                encoding="utf-8").read()
    block = text[text.index("v3_schema[] =") + len("v3_schema[] ="):]
    block = block[:block.index(";\n")]
    return "".join(ast.literal_eval(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def test_a_version_3_store_is_migrated_and_revocable(tmp_path):
    """A service upgraded over a store of the previous release keeps its applications,
    and an application issued before the upgrade can be revoked at the desk."""
    import sqlite3
    from test_service_errors import request_number
    state = tmp_path / "state"
    state.mkdir()
    number = request_number(424242)
    db = sqlite3.connect(state / "ncaenrolld.db")
    db.executescript(_v3_schema())
    db.executescript(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
        " applied INTEGER NOT NULL);"
        "INSERT INTO schema_migrations VALUES (1, 0), (2, 0), (3, 0);")
    db.execute(
        "INSERT INTO applications (number, status, created, deadline, decided, bin, iin,"
        " org_name, surname, given_name, patronymic, role_id, region_id, city_id, gu_code,"
        " storage, lang, csr_auth, csr_sign, key_auth, key_sign, cert_auth, cert_sign,"
        " serial_auth, serial_sign, not_before, not_after, install_nonce)"
        " VALUES (?, 'issued', 1764000000, 1766592000, 1764000100, '940140000385', ?,"
        " 'ТОО', 'ТЕСТОВ', 'ТЕСТ', '', 'ROLE02', 'karaganda', 'karaganda', '1001', 'pc',"
        " 'ru', 'CSR', 'CSR', 'k1', 'k2', 'CERT', 'CERT', ?, ?, 1764000100, 1795536100, 'n')",
        (number, IIN, "5A" + "0" * 37 + "1", "5A" + "0" * 37 + "2"))
    db.execute("INSERT INTO events (number, at, actor, action) VALUES"
               " (?, 1764000000, 'applicant', 'submitted'),"
               " (?, 1764000100, 'operator:old', 'issued')", (number, number))
    db.commit()
    db.close()
    desk = Desk(tmp_path)
    try:
        op = desk.operator("gulnar")
        assert desk.status(number)["status"] == "issued"
        st, done = desk.ra("POST", f"/applications/{number}/revoke",
                           {"reason": "cessationOfOperation", "documents": DOCS}, cert=op)
        assert st == 200, done
        assert done["status"] == "revoked"
        assert [e["action"] for e in done["history"]] == ["submitted", "issued", "revoked"]
        st, found = desk.ra("GET", f"/certificates?iin={IIN}", cert=op)
        assert st == 200 and found["applications"][0]["request_number"] == number
        assert found["applications"][0]["revocation"]["reason"] == "cessationOfOperation"
    finally:
        desk.stop()
    db = sqlite3.connect(state / "ncaenrolld.db")
    try:
        assert db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] >= 4
        assert db.execute("SELECT COUNT(*) FROM revocations WHERE number = ?",
                          (number,)).fetchone()[0] == 2
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()
