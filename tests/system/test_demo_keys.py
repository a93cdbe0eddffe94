"""A demo's first start makes its keys side by side (src/ncaenrolld/ca-keygen.c): every key
it made is its own, of the size its place asks for, and matches the certificate it went
into; the TLS key, which NCA's profile does not cover, is an EC P-256 key that only signs.
Read with the openssl command line from the files a fresh `ncaenrolld --demo` wrote, and a
second start keeps them all. A mix-up in the pool (one key handed out twice, a 2048-bit
key where 3072 belongs) fails here, whatever the speed."""
import hashlib
import os
import subprocess

import pytest

from fixtures import service_fixture
from test_ra_cli import DEMO_OPERATOR_PASSWORD

# own_keys: the keys this file reads are the ones its own first start made, not a
# worker's seed (service.SEED_KEYS) that the service only certified again.
svc = service_fixture("demo-keys", operator=False, own_keys=True)

# file -> (key type, bits) the demo's places ask for (doc/certificate-profile.md).
RSA_KEYS = {"root.key": 3072, "ca.key": 3072, "operators-ca.key": 3072, "ocsp.key": 2048}
CERT_OF = {"root.key": "root.pem", "ca.key": "ca.pem", "operators-ca.key": "operators-ca.pem",
           "ocsp.key": "ocsp.pem", "tls.key": "tls.pem"}


def openssl(*args):
    r = subprocess.run(["openssl", *args], capture_output=True, timeout=60)
    assert r.returncode == 0, (args, r.stderr.decode(errors="replace"))
    return r.stdout


def public_der(path):
    return openssl("pkey", "-in", path, "-pubout", "-outform", "DER")


def key_text(path):
    return openssl("pkey", "-in", path, "-noout", "-text").decode()


def operator_public(state, tmp):
    """The demo operator's public key, from its PKCS#12 (the desk's identity)."""
    p12 = os.path.join(state, "operators", "demo-operator.p12")
    pem = openssl("pkcs12", "-in", p12, "-nocerts", "-nodes", "-passin",
                  f"pass:{DEMO_OPERATOR_PASSWORD}")
    path = os.path.join(tmp, "operator.key")
    with open(path, "wb") as f:
        f.write(pem)
    os.chmod(path, 0o600)
    return path


def test_every_key_is_its_own_and_of_its_size(svc, tmp_path):
    st = svc.state
    seen = {}
    for name, bits in RSA_KEYS.items():
        path = os.path.join(st, name)
        t = key_text(path)
        assert f"Private-Key: ({bits} bit" in t, (name, t.splitlines()[0])
        seen[name] = hashlib.sha256(public_der(path)).hexdigest()
    op = operator_public(st, str(tmp_path))
    assert "Private-Key: (2048 bit" in key_text(op)
    seen["demo operator"] = hashlib.sha256(public_der(op)).hexdigest()
    tls = key_text(os.path.join(st, "tls.key"))
    assert "ASN1 OID: prime256v1" in tls or "NIST CURVE: P-256" in tls, tls.splitlines()[:3]
    seen["tls.key"] = hashlib.sha256(public_der(os.path.join(st, "tls.key"))).hexdigest()
    assert len(set(seen.values())) == len(seen), seen


@pytest.mark.parametrize("key", sorted(CERT_OF))
def test_each_certificate_holds_its_key(svc, key):
    st = svc.state
    cert_pub = openssl("x509", "-in", os.path.join(st, CERT_OF[key]), "-noout", "-pubkey")
    key_pub = openssl("pkey", "-in", os.path.join(st, key), "-pubout")
    assert cert_pub == key_pub, key


def test_tls_certificate_signs_only(svc):
    st = svc.state
    t = openssl("x509", "-in", os.path.join(st, "tls.pem"), "-noout", "-text").decode()
    ku = t.split("X509v3 Key Usage: critical", 1)[1].splitlines()[1].strip()
    assert ku == "Digital Signature", ku
    out = openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile",
                  os.path.join(st, "root.pem"), os.path.join(st, "tls.pem")).decode()
    assert out.strip().endswith(": OK"), out


def test_served_over_the_new_key(svc):
    """The service answers over TLS with that certificate, as a client checks it."""
    st, body = svc.request("GET", "/api/v1/directories/regions")
    assert st == 200, body


def test_second_start_keeps_every_key(svc):
    before = {n: open(os.path.join(svc.state, n), "rb").read()
              for n in list(RSA_KEYS) + ["tls.key"]}
    svc.stop()
    from service import Service
    again = Service(svc.state)
    try:
        after = {n: open(os.path.join(svc.state, n), "rb").read() for n in before}
        assert after == before
        st, _ = again.request("GET", "/api/v1/directories/regions")
        assert st == 200
    finally:
        again.stop()
