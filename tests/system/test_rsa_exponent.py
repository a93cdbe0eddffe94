"""An RSA public exponent below 65537 is refused by the service (doc/api-lifecycle.md,
csr_auth.invalid / csr_sign.invalid): the real ncaenrolld on loopback over TLS, keys made
with `openssl genpkey -pkeyopt rsa_keygen_pubexp:E`. e = 3 is the classic weak exponent;
65535 is the largest odd one below the bound, so a bound moved by one bit shows; 65537
(NCA's) and 65539 are accepted."""
import pytest

from csrs import csr, public_exponent, rsa_key, submit
from fixtures import service_fixture


svc = service_fixture("rsa-exponent")


def two_csrs(tmp_path, weak, exponent):
    """An AUTH and a SIGN CSR; the one named by weak has a key with this exponent."""
    out = {}
    for k in ("auth", "sign"):
        e = exponent if k == weak else None
        key = rsa_key(tmp_path / f"{k}.key", exponent=e)
        assert public_exponent(key) == (e or 65537)
        out[k] = csr(key, f"/CN={k}")
    return out["auth"], out["sign"]


@pytest.mark.parametrize("exponent", [3, 65535])
@pytest.mark.parametrize("weak", ["auth", "sign"])
def test_small_exponent_refused(svc, tmp_path, weak, exponent):
    auth, sign = two_csrs(tmp_path, weak, exponent)
    st, ans = submit(svc, auth, sign)
    assert st == 400 and set(ans) == {"error"}, (st, ans)
    err = ans["error"]
    assert err["code"] == f"csr_{weak}.invalid" and err["field"] == f"csr_{weak}", err
    # Refused for the exponent, not for something else about the request.
    assert "exponent" in err["message"] and "65537" in err["message"], err


@pytest.mark.parametrize("exponent", [65537, 65539])
def test_exponent_from_65537_accepted(svc, tmp_path, exponent):
    auth, sign = two_csrs(tmp_path, "auth", exponent)
    st, ans = submit(svc, auth, sign)
    assert st == 201 and ans["existing"] is False, (st, ans)
