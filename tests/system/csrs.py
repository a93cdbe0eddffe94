"""Keys, PKCS#10 requests and application forms made by hand for the service's tests:
the openssl command line makes the keys and the CSRs (so a CSR can be anything a client
might send: one key under two subjects, another digest, a small exponent), and `form()`
walks the demo registries over the real API (captcha, BIN, IIN, directories) to a body
for POST /api/v1/applications. Used with a service.Service."""
import shutil
import subprocess

import pytest

BIN = "940140000385"      # public test vectors, in the demo registry (data/demo/README.md)
IIN = "871008401427"


def openssl(*args, cwd=None):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, f"openssl {' '.join(args)}: {r.stderr}"
    return r.stdout


def rsa_key(path, bits=2048, exponent=None):
    """A new RSA key in PEM at path; exponent None is OpenSSL's default (65537)."""
    args = ["genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}"]
    if exponent is not None:
        args += ["-pkeyopt", f"rsa_keygen_pubexp:{exponent}"]
    openssl(*args, "-out", str(path))
    return str(path)


def public_exponent(key):
    """The key's public exponent as OpenSSL reads it back."""
    text = openssl("pkey", "-in", str(key), "-noout", "-text_pub")
    line = next(ln for ln in text.splitlines() if ln.startswith("Exponent:"))
    return int(line.split()[1])


def csr(key, subject, digest="sha256"):
    """A PEM CSR over key, signed with it."""
    return openssl("req", "-new", "-key", str(key), "-subj", subject, f"-{digest}")


def spki(pem_csr):
    """The public key a CSR carries (PEM SubjectPublicKeyInfo): what the service
    compares, whatever else the two texts differ in."""
    r = subprocess.run(["openssl", "req", "-noout", "-pubkey"], input=pem_csr,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def form(svc, csr_auth, csr_sign):
    """A complete, valid application form for the demo registries around two CSRs."""
    st, org = svc.bin_check(BIN)
    assert st == 200, org
    st, person = svc.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": org["token"]})
    assert st == 200, person
    st, codes = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
    assert st == 200 and codes, codes
    return {"token": org["token"], "bin": BIN, "iin": IIN, "email": "user@mail.kz",
            "role": "ROLE02", "region": "karaganda", "city": "karaganda",
            "gu_code": codes[0]["code"], "storage": "pc", "lang": "ru",
            "csr_auth": csr_auth, "csr_sign": csr_sign}


def submit(svc, csr_auth, csr_sign):
    """(status, answer) of POST /api/v1/applications with these two CSRs."""
    return svc.request("POST", "/api/v1/applications", form(svc, csr_auth, csr_sign))
