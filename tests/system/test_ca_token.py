"""The issuing CA's key on a PKCS#11 token (issue 16): a real (non-demo) ncaenrolld whose
ca.key is a PKCS#11 URI on a SoftHSM2 token (softhsm.py), the key file itself gone from
every folder the service reads. Applications are submitted to the demo service that made
the PKI; the token service then approves them over mutual TLS with the demo operator's
certificate. Its certificates and CRL verify with `openssl verify` / `openssl crl`
against the chain; approvals made at once all verify (one PKCS#11 session, serialised by
the CA's lock); a token that goes away (p11-kit's server ended) makes /readyz and an
approval answer 503 with the reason, logged, and nothing issued. Every refusal at start
(PIN file mode, wrong PIN, no such key, a key that is not the certificate's, no module,
no token) says which and ends with a non-zero status; the PIN is in no log, argv or
environment of the service."""
import json
import os
import shutil
import sqlite3
import ssl
import subprocess
import threading
import time
import http.client

import pytest

from service import SANITIZER_MARKS, Service, _yaml, program, program_env
from softhsm import SoftHSM

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402
from csrs import submit  # noqa: E402
from holder import csr, new_key  # noqa: E402

DOCS = ["form", "identity", "authority"]
DEMO_OPERATOR_PASSWORD = b"demo-operator-2026"
LABEL = "issuing-ca"
AT_ONCE = 6                                     # approvals sent together
APPLICATIONS = 1 + AT_ONCE + 1                   # one alone, the batch, one after unplug

pytestmark = pytest.mark.skipif(
    not os.path.exists(SoftHSM.module) or shutil.which("pkcs11-tool") is None
    or shutil.which("p11-kit") is None, reason="SoftHSM2, pkcs11-tool or p11-kit missing")


def _openssl(*args, check=True):
    r = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60)
    if check:
        assert r.returncode == 0, f"openssl {' '.join(args)}: {r.stdout}{r.stderr}"
    return r


def _submit(svc, i):
    """One application through the applicant's API of the demo service: its number."""
    st, ans = submit(svc, csr(new_key(), f"auth {i}"), csr(new_key(), f"sign {i}"))
    assert st == 201, ans
    return ans["request_number"]


class World:
    """The demo's PKI and database, the CA key moved onto a token, the operator's PEM."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.demo = tmp / "demo"
        svc = Service(self.demo)
        try:
            self.numbers = [_submit(svc, i) for i in range(APPLICATIONS)]
        finally:
            svc.stop()
        self.tok = SoftHSM(tmp / "softhsm", label="nca ca")
        key = self.demo / "ca.key"
        der = tmp / "softhsm" / "ca-key.der"
        old = os.umask(0o077)
        try:
            _openssl("pkey", "-in", str(key), "-outform", "DER", "-out", str(der))
            self.tok.pkcs11_tool("--write-object", str(der), "--type", "privkey", "--id",
                                 "01", "--label", LABEL, "--usage-sign")
            # Another key, not the CA certificate's, for the refusal.
            self.tok.pkcs11_tool("--keypairgen", "--key-type", "rsa:2048", "--id", "02",
                                 "--label", "other")
        finally:
            os.umask(old)
            der.unlink()
        key.unlink()                                # on the token alone from now on
        self.pin = tmp / "ca.pin"
        self.pin.write_text(self.tok.pin + "\n")
        self.pin.chmod(0o600)
        self.uri = f"pkcs11:token=nca%20ca;object={LABEL}"
        self.op = self._operator()
        pem = (self.demo / "ca-chain.pem").read_text()
        cut = pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----\n")
        (tmp / "issuing.pem").write_text(pem[:cut])
        (tmp / "root.pem").write_text(pem[cut:])

    def _operator(self):
        with open(self.demo / "operators" / "demo-operator.p12", "rb") as f:
            key, cert, _ = pkcs12.load_key_and_certificates(f.read(), DEMO_OPERATOR_PASSWORD)
        crt, pem = self.tmp / "operator.crt", self.tmp / "operator.key"
        crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        with open(os.open(pem, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        return str(crt), str(pem)

    def config(self, **ca):
        d = self.demo
        conf = {"tls": {"cert": str(d / "tls.pem"), "key": str(d / "tls.key")},
                "ca": {"cert": str(d / "ca.pem"), "key": self.uri,
                       "key_pin_file": str(self.pin), "pkcs11_module": self.tok.module,
                       "chain": str(d / "ca-chain.pem"),
                       "crl_url": "http://crl.example.kz/ca.crl",
                       "delta_crl_url": "http://crl.example.kz/ca_d.crl",
                       "ocsp_url": "http://ocsp.example.kz",
                       "ca_issuers_url": "http://pki.example.kz/ca.cer",
                       "cps_url": "https://pki.example.kz/cps"},
                "operators": {"ca_cert": str(d / "operators-ca.pem")},
                "store": "sqlite:" + str(d / "ncaenrolld.db")}
        conf["ca"].update(ca)
        return conf

    def service(self, env=None, **ca):
        return Service(self.tmp / "real", config=self.config(**ca), demo=False,
                       fixed_captcha=None, cafile=str(self.demo / "ca-chain.pem"),
                       env=env if env is not None else self.tok.env())

    def refused(self, **ca):
        """A start that must fail: (status, stderr)."""
        path = self.tmp / "refused.yaml"
        path.write_text(_yaml(self.config(**ca)))
        env = dict(program_env(), **self.tok.env())
        p = subprocess.run([*program(), "--config", str(path), "--listen", "127.0.0.1:0",
                            "--state-dir", str(self.tmp / "real")], capture_output=True,
                           text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
        for mark in SANITIZER_MARKS:
            assert mark not in p.stderr, p.stderr
        assert self.tok.pin not in p.stderr + p.stdout
        return p.returncode, p.stderr

    def approve(self, svc, number):
        ctx = ssl.create_default_context(cafile=str(self.demo / "ca-chain.pem"))
        ctx.load_cert_chain(*self.op)
        conn = http.client.HTTPSConnection("127.0.0.1", svc.port, context=ctx, timeout=120)
        try:
            conn.request("POST", f"/api/v1/ra/applications/{number}/approve",
                         body=json.dumps({"documents": DOCS}).encode(),
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            return r.status, json.loads(r.read())
        finally:
            conn.close()

    def certs(self, number):
        db = sqlite3.connect(self.demo / "ncaenrolld.db")
        try:
            return db.execute("SELECT cert_auth, cert_sign FROM applications WHERE number = ?",
                              (number,)).fetchone()
        finally:
            db.close()

    def verify(self, pem, name):
        path = self.tmp / f"{name}.pem"
        path.write_text(pem)
        r = _openssl("verify", "-CAfile", str(self.tmp / "root.pem"), "-untrusted",
                     str(self.tmp / "issuing.pem"), str(path), check=False)
        assert r.returncode == 0 and r.stdout.strip() == f"{path}: OK", r.stdout + r.stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return World(tmp_path_factory.mktemp("catoken"))


def _no_pin_in_process(svc, pin):
    for what in ("cmdline", "environ"):
        with open(f"/proc/{svc.proc.pid}/{what}", "rb") as f:
            assert pin.encode() not in f.read(), what


def test_issuance_crl_and_approvals_at_once_on_the_token(world):
    assert not (world.demo / "ca.key").exists()
    svc = world.service()
    try:
        _no_pin_in_process(svc, world.tok.pin)
        assert svc.request("GET", "/readyz") == (200, {"status": "ready"})
        number = world.numbers[0]
        st, ans = world.approve(svc, number)
        assert st == 200 and ans["status"] == "issued", ans
        for use, pem in zip(("auth", "sign"), world.certs(number)):
            world.verify(pem, f"{number}-{use}")
        # The CRL the service signed at start with the token's key.
        st, (der, ctype) = svc.request("GET", "/api/v1/crl")
        assert st == 200, ctype
        crl = world.tmp / "ca.crl"
        crl.write_bytes(der)
        r = _openssl("crl", "-inform", "DER", "-in", str(crl), "-CAfile",
                     str(world.tmp / "issuing.pem"), "-noout")
        assert "verify OK" in r.stdout + r.stderr, r.stdout + r.stderr
        # Approvals at once from several HTTP threads: each signs in the one session.
        batch = world.numbers[1:1 + AT_ONCE]
        answers, threads = {}, []
        started = time.monotonic()
        for n in batch:
            threads.append(threading.Thread(
                target=lambda n=n: answers.__setitem__(n, world.approve(svc, n))))
            threads[-1].start()
        for t in threads:
            t.join(timeout=300)
        took = time.monotonic() - started
        for n in batch:
            st, ans = answers[n]
            assert st == 200 and ans["status"] == "issued", (n, ans)
            for use, pem in zip(("auth", "sign"), world.certs(n)):
                world.verify(pem, f"{n}-{use}")
        print(f"{AT_ONCE} approvals at once on the token: {took:.2f} s")
    finally:
        svc.stop()
    assert "the issuing CA's key is pkcs11:" in svc.stderr, svc.stderr
    assert world.tok.pin not in svc.stderr


def test_a_token_that_goes_away_stops_issuance_and_readiness(world):
    server, env = world.tok.serve()
    svc = None
    try:
        svc = world.service(env=env, pkcs11_module=env["NCAENROLL_PKCS11_MODULE"])
        assert svc.request("GET", "/readyz")[0] == 200
        SoftHSM.unplug(server)
        server = None
        st, ans = svc.request("GET", "/readyz")
        assert st == 503 and ans["reason"] == "ca", ans
        number = world.numbers[-1]
        st, ans = world.approve(svc, number)
        assert st == 503 and ans["error"]["code"] == "ca.unavailable", ans
        assert "disconnected" in ans["error"]["message"], ans
        assert world.certs(number) == (None, None)
    finally:
        if server is not None:
            SoftHSM.unplug(server)
        if svc is not None:
            svc.stop()
    # The log masks the number (doc/security.md); the line says why, in the token's words.
    assert ": the CA cannot issue: Cannot sign the certificate: the key could not sign " \
        "for the service: the token \"nca ca\"" in svc.stderr, svc.stderr
    assert "not ready: the CA's key does not answer" in svc.stderr, svc.stderr


@pytest.mark.parametrize("case", ["mode", "wrong-pin", "object", "other-key", "module",
                                  "token", "no-pin-file"])
def test_refusals_at_start(world, case):
    ca, want = {
        "object": ({"key": "pkcs11:token=nca%20ca;object=nosuch"},
                   "has no private key that pkcs11:token=nca%20ca;object=nosuch names"),
        "other-key": ({"key": "pkcs11:token=nca%20ca;object=other;id=%02"},
                      "does not belong to the certificate"),
        "module": ({"pkcs11_module": "/nonexistent/module.so"},
                   "cannot load the PKCS#11 module /nonexistent/module.so"),
        "token": ({"key": f"pkcs11:token=absent;object={LABEL}"},
                  'no token labelled "absent" is connected; connected now: nca ca'),
        "no-pin-file": ({"key_pin_file": str(world.tmp / "nosuch.pin")},
                        f"Cannot read the CA key's PIN file {world.tmp / 'nosuch.pin'}"),
        "mode": ({}, f"may read {world.pin} (mode 0640): make it 0600"),
        "wrong-pin": ({"key_pin_file": str(world.tmp / "wrong.pin")},
                      "the PIN is wrong for the token"),
    }[case]
    if case == "mode":
        world.pin.chmod(0o640)
    if case == "wrong-pin":
        wrong = world.tmp / "wrong.pin"
        wrong.write_text("000000\n")
        wrong.chmod(0o600)
    try:
        status, err = world.refused(**ca)
    finally:
        world.pin.chmod(0o600)
    assert status != 0, err
    assert want in err, err
    if case == "wrong-pin":
        assert "the service tried it once and stops" in err, err
        assert "000000" not in err


def test_the_configuration_is_checked_first(world, tmp_path):
    """Mistakes of the file are its lines', before any token is asked."""
    for ca, want in (({"key": "pkcs11:token=x;object=y;pin-value=1"}, "is not understood"),
                     ({"key": "pkcs11:token=x?pin-value=1234"}, "a query"),
                     ({"key": "pkcs11:token=x"}, "names no key"),
                     ({"key_pin_file": None}, "needs the file of its user PIN"),
                     ({"key": str(world.demo / "root.key")}, "only a CA key on a token")):
        status, err = world.refused(**ca)
        assert status == 2, err
        assert "refused.yaml:" in err and want in err, err
        assert "1234" not in err and "pin-value=1" not in err, err   # a PIN in a URI
