"""A csr_auth or csr_sign holds exactly one PEM "CERTIFICATE REQUEST" block and nothing
else but whitespace around it (doc/api.md): two CSRs one after the other, or any text
before or after the block, is a 400 naming the field, in a submission and in a renewal.
The real ncaenrolld on loopback over TLS; the CSRs made by the openssl command line."""
import pytest

from csrs import csr, rsa_key, submit
from fixtures import service_fixture


svc = service_fixture("csr-one-block")


@pytest.fixture
def pems(tmp_path):
    """Three CSRs over three keys: AUTH, SIGN and one more to append."""
    return [csr(rsa_key(tmp_path / f"{k}.key"), f"/CN={k}") for k in ("auth", "sign", "x")]


SHAPES = {
    "two blocks": lambda p, other: p + other,
    "two blocks, a blank line between": lambda p, other: p + "\n" + other,
    "text before": lambda p, other: "here is my request:\n" + p,
    "a word before on the same line": lambda p, other: "x" + p,
    "text after": lambda p, other: p + "thanks\n",
    "a stray dash line after": lambda p, other: p + "-----\n",
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("field", ["csr_auth", "csr_sign"])
def test_more_than_one_block_refused(svc, pems, field, shape):
    auth, sign, other = pems
    if field == "csr_auth":
        auth = SHAPES[shape](auth, other)
    else:
        sign = SHAPES[shape](sign, other)
    st, ans = submit(svc, auth, sign)
    assert st == 400 and set(ans) == {"error"}, (st, ans)
    err = ans["error"]
    assert err["code"] == f"{field}.invalid" and err["field"] == field, err
    assert "exactly one" in err["message"], err


def test_whitespace_around_the_block_accepted(svc, pems):
    auth, sign, _ = pems
    st, ans = submit(svc, "\n  \r\n" + auth + "\n\n", "\t" + sign.replace("\n", "\r\n") + " ")
    assert st == 201 and ans["existing"] is False, (st, ans)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    pytest.importorskip("cryptography.x509")
    from test_ra_service import Desk
    d = Desk(tmp_path_factory.mktemp("csr-one-block-renew"))
    d.op = d.operator("erlan")
    yield d
    d.stop()


@pytest.mark.parametrize("field", ["csr_auth", "csr_sign"])
def test_renewal_with_two_blocks_refused(desk, field):
    import holder
    number, auth, _ = holder.issued(desk, desk.op)
    keys = {"csr_auth": holder.new_key(), "csr_sign": holder.new_key()}
    st, ch = holder.challenge(desk.svc, number, "renew")
    assert st == 200, ch
    body = {k: holder.csr(v, k) for k, v in keys.items()}
    body[field] += holder.csr(holder.new_key(), "another")
    detail = f"{holder.key_id(keys['csr_auth'])}:{holder.key_id(keys['csr_sign'])}"
    body.update(nonce=ch["nonce"], signature=holder.sign(
        auth, holder.message("renew", number, ch["nonce"], detail)))
    st, ans = desk.svc.request("POST", f"/api/v1/applications/{number}/renew", body)
    assert st == 400 and ans["error"]["code"] == f"{field}.invalid" and \
        ans["error"]["field"] == field, (st, ans)
    assert "exactly one" in ans["error"]["message"], ans
