"""What the store gives away to whoever reads it, and what the ГУ/СКС codes give away to
whoever asks: a captcha's stored answer is a keyed MAC under the service's own secret
(STATE/captcha.key, made at the first start, 0600, kept across restarts), so reading the
store does not reveal a live answer; and GET /gu-codes answers only with a BIN-check
token for that BIN (doc/api.md), so it cannot tell without a captcha whether a BIN is
registered. The real service over TLS, its store read with sqlite3."""
import hashlib
import hmac
import os
import sqlite3
import stat

import pytest

from service import Service

BIN = "940140000385"        # in the demo registry (nca-facts.md vector)
OTHER_BIN = "070941024691"  # another organization of the demo registry


def plain_hash(cid, answer):
    """The unkeyed recipe (doc/api.md before): anyone can try every code against it."""
    return hashlib.sha256(b"ncaenroll-captcha-v1\0" + cid.encode() + b"\0"
                          + answer.upper().encode()).hexdigest()


def stored_answer(svc, cid):
    db = sqlite3.connect(os.path.join(svc.state, "ncaenrolld.db"))
    try:
        row = db.execute("SELECT answer_hash FROM captchas WHERE id = ?", (cid,)).fetchone()
    finally:
        db.close()
    assert row is not None, cid
    return row[0]


@pytest.fixture
def svc(tmp_path):
    s = Service(tmp_path / "state")
    yield s
    s.stop()


def test_stored_answer_is_keyed(svc, tmp_path):
    key_file = os.path.join(svc.state, "captcha.key")
    mode = os.stat(key_file).st_mode
    assert stat.S_IMODE(mode) == 0o600, oct(mode)
    with open(key_file, "rb") as f:
        key = f.read()
    assert len(key) >= 32
    cap = svc.captcha()
    stored = stored_answer(svc, cap["id"])
    # not what an attacker can compute for each of the codes...
    assert stored != plain_hash(cap["id"], svc.captcha_code)
    # ...but what only the key makes
    assert stored == hmac.new(key, b"ncaenroll-captcha-v2\0" + cap["id"].encode() + b"\0"
                              + svc.captcha_code.encode(), hashlib.sha256).hexdigest()
    # the key is the same after a restart: a captcha drawn before it still works after
    svc.stop()
    again = Service(tmp_path / "state")
    try:
        with open(key_file, "rb") as f:
            assert f.read() == key
        st, org = again.request("POST", "/api/v1/bin-check",
                                {"bin": BIN, "captcha_id": cap["id"],
                                 "captcha_answer": again.captcha_code})
        assert st == 200, org
    finally:
        again.stop()


def test_gu_codes_need_the_bins_token(svc):
    st, err = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}")
    assert st == 400, err
    assert (err["error"]["code"], err["error"]["field"]) == ("field.missing", "token")
    st, err = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={'f' * 32}")
    assert st == 403, err
    assert (err["error"]["code"], err["error"]["field"]) == ("token.invalid", "token")
    st, org = svc.bin_check(BIN)
    assert st == 200, org
    st, codes = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
    assert st == 200 and codes, codes
    # a token for one BIN does not tell whether another is registered
    st, err = svc.request("GET", f"/api/v1/gu-codes?bin={OTHER_BIN}&token={org['token']}")
    assert st == 403, err
    assert (err["error"]["code"], err["error"]["field"]) == ("token.bin_mismatch", "token")


def test_key_others_may_read_is_refused(tmp_path):
    """A key file others may read is a key others hold: the service does not start on it,
    and says which file."""
    svc = Service(tmp_path / "state")
    svc.stop()
    key_file = tmp_path / "state" / "captcha.key"
    key_file.chmod(0o644)
    with pytest.raises(AssertionError) as refused:
        Service(tmp_path / "state", timeout=60)
    assert "captcha.key" in str(refused.value)
    assert "chmod 600" in str(refused.value)
