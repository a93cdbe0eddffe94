"""The service judges an application's two CSRs by the keys they carry, never by their
text: the real ncaenrolld on loopback over TLS, CSRs made with the openssl command line.

One key under two requests that differ in everything else (subject, digest, so their
signatures too) is still one key: refused as csr.same_key. The same two keys in remade
requests are the same application (a client that lost its CSRs after a crash), and one
key of an earlier application in a remade request is a reuse (csr.key_reused). A service
that compared the PEM texts would pass every one of these wrongly."""
import pytest

from csrs import csr, rsa_key, spki, submit
from fixtures import service_fixture


svc = service_fixture("csr-keys")


def assert_refused(st, ans, status, code, field):
    assert st == status and set(ans) == {"error"}, (st, ans)
    assert ans["error"]["code"] == code and ans["error"]["field"] == field, ans


@pytest.mark.parametrize("auth_subject, sign_subject, auth_digest, sign_digest", [
    ("/CN=auth", "/CN=sign", "sha256", "sha256"),        # other subjects
    ("/CN=one", "/CN=one", "sha256", "sha384"),          # one subject, other signatures
], ids=["subjects", "signatures"])
def test_one_key_in_two_different_requests_is_refused(svc, tmp_path, auth_subject,
                                                      sign_subject, auth_digest,
                                                      sign_digest):
    key = rsa_key(tmp_path / "one.key")
    auth = csr(key, auth_subject, auth_digest)
    sign = csr(key, sign_subject, sign_digest)
    assert auth != sign and spki(auth) == spki(sign)
    st, ans = submit(svc, auth, sign)
    assert_refused(st, ans, 400, "csr.same_key", "csr_sign")


def test_same_keys_in_remade_requests_are_the_same_application(svc, tmp_path):
    a, s = rsa_key(tmp_path / "auth.key"), rsa_key(tmp_path / "sign.key")
    st, first = submit(svc, csr(a, "/CN=auth"), csr(s, "/CN=sign"))
    assert st == 201 and first["existing"] is False, first
    # The client lost its CSRs and made them again from the same keys.
    st, again = submit(svc, csr(a, "/CN=auth again", "sha384"),
                       csr(s, "/CN=sign again", "sha512"))
    assert st == 200, again
    assert again["existing"] is True and \
        again["request_number"] == first["request_number"], again


@pytest.mark.parametrize("reused", ["auth", "sign"])
def test_one_old_key_in_a_remade_request_is_a_reuse(svc, tmp_path, reused):
    old = {k: rsa_key(tmp_path / f"{k}.key") for k in ("auth", "sign")}
    st, first = submit(svc, csr(old["auth"], "/CN=auth"), csr(old["sign"], "/CN=sign"))
    assert st == 201, first
    keys = {k: rsa_key(tmp_path / f"new-{k}.key") for k in ("auth", "sign")}
    keys[reused] = old[reused]
    st, ans = submit(svc, csr(keys["auth"], "/CN=a new request"),
                     csr(keys["sign"], "/CN=another new request"))
    assert_refused(st, ans, 409, "csr.key_reused", "csr_auth")
