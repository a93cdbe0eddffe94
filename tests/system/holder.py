"""What a holder's program does for the signed lifecycle requests (doc/api-lifecycle.md),
done by hand for the service's tests: ask a challenge, sign ACTION\\nNUMBER\\nNONCE\\nDETAIL
with the application's AUTH key (RSA PKCS#1 v1.5, SHA-256: python `cryptography`), make
new keys and CSRs, name a key as the service does (lower hex SHA-256 of the DER
SubjectPublicKeyInfo). Used with test_ra_service.Desk (a service with a clock and an
operator who approves)."""
import base64
import hashlib
import time

import pytest

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

DOCS = ["form", "identity", "authority"]


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def sign(key, text):
    """Base64 (standard) of the RSA PKCS#1 v1.5 SHA-256 signature over text's UTF-8."""
    sig = key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(sig).decode()


def message(action, number, nonce, detail):
    return f"{action}\n{number}\n{nonce}\n{detail}"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def csr(key, cn):
    req = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
           .sign(key, hashes.SHA256()))
    return req.public_bytes(serialization.Encoding.PEM).decode()


def key_id(key):
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def challenge(svc, number, action):
    return svc.request("POST", f"/api/v1/applications/{number}/challenge",
                       {"action": action})


def issued(desk, op):
    """A new application approved at the desk: (number, AUTH key, SIGN key)."""
    number = desk.apply()
    d = desk.last_app_dir
    st, done = desk.ra("POST", f"/applications/{number}/approve", {"documents": DOCS},
                       cert=op)
    assert st == 200 and done["status"] == "issued", done
    return number, load_key(d / "auth.key"), load_key(d / "sign.key")


def revoke(svc, number, key, reason="keyCompromise", nonce=None):
    """(status, answer) of a holder's revoke signed with key (a fresh challenge unless
    nonce is given)."""
    if nonce is None:
        st, ch = challenge(svc, number, "revoke")
        assert st == 200, ch
        nonce = ch["nonce"]
    return svc.request("POST", f"/api/v1/applications/{number}/revoke",
                       {"reason": reason, "nonce": nonce,
                        "signature": sign(key, message("revoke", number, nonce, reason))})


def install(svc, number, key):
    """The installed report of number, proven with its AUTH key."""
    st, certs = svc.certificates(number, key)
    assert st == 200, certs
    nonce = certs["install_nonce"]
    return svc.request("POST", f"/api/v1/applications/{number}/installed",
                       {"nonce": nonce, "signature": sign(key, nonce)})


def mails(sink, word, timeout=30):
    """The texts of the mails caught so far that contain word (waiting for one)."""
    import test_lifecycle
    end = time.monotonic() + timeout
    texts = []
    while time.monotonic() < end:
        texts = [test_lifecycle._body_text(raw)[1] for _, _, raw in sink.messages]
        if any(word in t for t in texts):
            break
        time.sleep(0.2)
    return [t for t in texts if word in t]
