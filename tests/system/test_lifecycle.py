"""An application's whole life against the real ncaenrolld over TLS on loopback.

The service runs with --demo --auto-approve 1 --fixed-captcha; keys and CSRs are made with
the openssl CLI, the certificates checked with `openssl verify`, and the proof of
possession signed with `openssl dgst -sha256 -sign`. An SMTP sink (aiosmtpd) catches the
notifications. Nothing is mocked.
"""
import base64
import email
import email.policy
import json
import os
import re
import selectors
import shutil
import socket
import ssl
import subprocess
import time
import http.client

import pytest

from conftest import BUILDDIR
from service import set_clock

CAPTCHA = "NCA26"
BIN = "940140000385"      # public test vector, in the demo registry
IIN = "871008401427"      # likewise
REQNUM = re.compile(r"^\d{4}(-\d{4}){6}$")

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


def _need(prog):
    if shutil.which(prog) is None:
        pytest.skip(f"{prog} is not installed")


class Service:
    """ncaenrolld --demo on a free loopback port, in its own state folder."""

    def __init__(self, state, extra=()):
        self.state = state
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "LANGUAGE": "en"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        prog = os.path.join(os.path.abspath(BUILDDIR), "ncaenrolld")
        if not os.access(prog, os.X_OK):
            pytest.skip("ncaenrolld is not built")
        cmd = [os.path.join(os.path.abspath(BUILDDIR), "uninstalled-env"), prog, "--demo",
               "--listen", "127.0.0.1:0", "--state-dir", state, *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.port = self._wait_listening(60)
        self.ctx = ssl.create_default_context(cafile=os.path.join(state, "ca-chain.pem"))

    def _wait_listening(self, timeout):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not sel.select(timeout=max(0.0, end - time.monotonic())):
                break
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"listening on https://127\.0\.0\.1:(\d+)", line)
            if m:
                return int(m.group(1))
        self.stop()
        raise AssertionError("ncaenrolld did not start: " + self.proc.stderr.read())

    def request(self, method, path, body=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx,
                                           timeout=30)
        try:
            data = json.dumps(body).encode() if body is not None else None
            headers = {"Content-Type": "application/json"} if data is not None else {}
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            raw = r.read()
            ctype = r.getheader("Content-Type", "")
            if ctype.startswith("application/json"):
                return r.status, json.loads(raw)
            return r.status, (raw, ctype)
        finally:
            conn.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr = self.proc.stderr.read() if self.proc.stderr else ""
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()


@pytest.fixture
def service(tmp_path, sink):
    _need("openssl")
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text("mail:\n"
                    f"  smtp_url: smtp://127.0.0.1:{sink.port}\n"
                    "  from: ncaenrolld@example.kz\n")
    state = tmp_path / "state"
    state.mkdir()
    s = Service(str(state), ["--config", str(conf), "--auto-approve", "1",
                             "--fixed-captcha", CAPTCHA])
    yield s
    s.stop()
    # A sanitizer build reports leaks and undefined behaviour on stderr at exit.
    for mark in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert mark not in s.stderr, s.stderr


def _openssl(*args, cwd):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, f"openssl {' '.join(args)}: {r.stderr}"
    return r.stdout


def _keys(d):
    for k in ("auth", "sign"):
        _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                 "-out", f"{k}.key", cwd=d)
        _openssl("req", "-new", "-key", f"{k}.key", "-subj", f"/CN=ignored {k}",
                 "-sha256", "-out", f"{k}.csr", cwd=d)
    return ((d / "auth.csr").read_text(), (d / "sign.csr").read_text())


def _form(svc, csr_auth, csr_sign):
    st, cap = svc.request("POST", "/api/v1/captcha")
    assert st == 200, cap
    st, org = svc.request("POST", "/api/v1/bin-check",
                          {"bin": BIN, "captcha_id": cap["id"], "captcha_answer": CAPTCHA})
    assert st == 200, org
    st, person = svc.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": org["token"]})
    assert st == 200, person
    st, roles = svc.request("GET", "/api/v1/directories/roles")
    assert st == 200 and roles, roles
    st, regions = svc.request("GET", "/api/v1/directories/regions")
    assert st == 200 and regions, regions
    region = next((r["id"] for r in regions if r["id"] == "karaganda"), regions[0]["id"])
    st, cities = svc.request("GET", f"/api/v1/directories/regions/{region}/cities")
    assert st == 200 and cities, cities
    st, codes = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
    assert st == 200 and codes, codes
    return {"token": org["token"], "bin": BIN, "iin": IIN, "email": "applicant@mail.kz",
            "role": roles[-1]["id"], "region": region, "city": cities[0]["id"],
            "gu_code": codes[0]["code"], "storage": "pc", "lang": "ru",
            "csr_auth": csr_auth, "csr_sign": csr_sign}


def _wait_status(svc, number, want, timeout=30):
    end = time.monotonic() + timeout
    while True:
        st, s = svc.request("GET", f"/api/v1/applications/{number}")
        assert st == 200, s
        if s["status"] == want or time.monotonic() > end:
            return s
        time.sleep(0.3)


def _wait_mail(svc, number, pred, timeout=30):
    """The status's "mail" list once pred(list) holds (the mailer thread sends on its own)."""
    end = time.monotonic() + timeout
    while True:
        st, s = svc.request("GET", f"/api/v1/applications/{number}")
        assert st == 200, s
        if pred(s.get("mail", [])) or time.monotonic() > end:
            return s.get("mail", [])
        time.sleep(0.3)


def _certificates(svc, number, d):
    """(status, answer) of the certificates fetched as the holder does: a "certificates"
    challenge signed with d/auth.key by openssl (doc/api-lifecycle.md)."""
    st, ch = svc.request("POST", f"/api/v1/applications/{number}/challenge",
                         {"action": "certificates"})
    assert st == 200, ch
    (d / "msg").write_bytes(f"certificates\n{number}\n{ch['nonce']}\n".encode())
    _openssl("dgst", "-sha256", "-sign", "auth.key", "-out", "msg.sig", "msg", cwd=d)
    return svc.request("POST", f"/api/v1/applications/{number}/certificates",
                       {"nonce": ch["nonce"],
                        "signature": base64.b64encode((d / "msg.sig").read_bytes()).decode()})


def _body_text(raw):
    """(the message, its text part): a mail is multipart/mixed (the text, maybe a PDF)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return msg, msg.get_body(preferencelist=("plain",)).get_content()


def test_whole_lifecycle(service, sink, tmp_path):
    csr_auth, csr_sign = _keys(tmp_path)
    form = _form(service, csr_auth, csr_sign)

    st, ans = service.request("POST", "/api/v1/applications", form)
    assert st == 201, ans
    number = ans["request_number"]
    assert REQNUM.match(number)
    assert ans["existing"] is False
    assert ans["mail"] == "queued", "the applicant is told an e-mail is on its way"
    # A re-send (a client after a crash): the same number, and no second e-mail.
    st, again = service.request("POST", "/api/v1/applications", form)
    assert st == 200 and again["request_number"] == number and again["existing"] is True
    assert "mail" not in again

    s = _wait_status(service, number, "issued")
    assert s["status"] == "issued", s
    assert s["status_label"] == "Registration certificates are issued"
    dump = json.dumps(s, ensure_ascii=False)
    assert IIN not in dump and "applicant@mail.kz" not in dump
    assert "IIN8710******27" in dump and "a***@mail.kz" in dump

    st, certs = _certificates(service, number, tmp_path)
    assert st == 200, certs
    (tmp_path / "auth.pem").write_text(certs["auth"]["pem"])
    (tmp_path / "sign.pem").write_text(certs["sign"]["pem"])
    (tmp_path / "chain.pem").write_text(certs["chain_pem"])
    for c in ("auth.pem", "sign.pem"):
        out = _openssl("verify", "-CAfile", str(tmp_path / "state" / "ca-chain.pem"), c,
                       cwd=tmp_path)
        assert out.strip().endswith("OK")
        out = _openssl("verify", "-CAfile", "chain.pem", c, cwd=tmp_path)
        assert out.strip().endswith("OK")
    # The certificate is for the AUTH CSR's key.
    assert (_openssl("x509", "-in", "auth.pem", "-noout", "-pubkey", cwd=tmp_path) ==
            _openssl("pkey", "-in", "auth.key", "-pubout", cwd=tmp_path))
    subject = _openssl("x509", "-in", "auth.pem", "-noout", "-subject", "-nameopt",
                       "RFC2253,-esc_msb", cwd=tmp_path)
    assert f"serialNumber=IIN{IIN}" in subject and "ignored" not in subject

    # Proof of possession: a signature by the AUTH key over the nonce.
    nonce = certs["install_nonce"]
    (tmp_path / "nonce").write_bytes(nonce.encode("ascii"))
    _openssl("dgst", "-sha256", "-sign", "sign.key", "-out", "bad.sig", "nonce", cwd=tmp_path)
    bad = base64.b64encode((tmp_path / "bad.sig").read_bytes()).decode()
    st, err = service.request("POST", f"/api/v1/applications/{number}/installed",
                              {"nonce": nonce, "signature": bad})
    assert st == 403 and err["error"]["code"] == "install.proof_invalid", err
    _openssl("dgst", "-sha256", "-sign", "auth.key", "-out", "nonce.sig", "nonce",
             cwd=tmp_path)
    sig = base64.b64encode((tmp_path / "nonce.sig").read_bytes()).decode()
    st, inst = service.request("POST", f"/api/v1/applications/{number}/installed",
                               {"nonce": nonce, "signature": sig})
    assert st == 200 and inst["status"] == "installed", inst
    st, inst = service.request("POST", f"/api/v1/applications/{number}/installed",
                               {"nonce": nonce, "signature": sig})
    assert st == 200 and inst["already_installed"] is True, inst

    s = _wait_status(service, number, "installed", timeout=0)
    assert s["status"] == "installed" and s["status_label"] == "Certificates installed"

    # Mail: the submission (with the number and the form) and the issuance.
    msgs = sink.wait(2)
    assert len(msgs) >= 2, msgs
    # Once the relay took them, the status says so, the address masked.
    mails = _wait_mail(service, number, lambda m: len(m) >= 2 and
                       all(x["state"] == "sent" for x in m))
    assert [m["notice"] for m in mails] == ["received", "issued"], mails
    assert all(m["to"] == "a***@mail.kz" and "error" not in m for m in mails), mails
    texts = []
    for frm, rcpts, raw in msgs:
        assert rcpts == ["applicant@mail.kz"]
        msg, text = _body_text(raw)
        assert msg.get_content_type() == "multipart/mixed"
        body = msg.get_body(preferencelist=("plain",))
        assert body.get_content_charset().lower() == "utf-8"
        assert number in str(msg["subject"])
        texts.append(text)
    # In the application's language (Russian here).
    submit = next(t for t in texts if "зарегистрирована" in t)
    assert number in submit and BIN in submit
    assert "Документ, удостоверяющий личность" in submit
    issued = next(t for t in texts if "выпущены" in t)
    # Each serial on its own certificate's line: a relying party or the desk is told
    # which certificate is which (a swap is as wrong as a missing serial).
    lines = issued.splitlines()
    assert (f"Сертификат аутентификации, серийный номер: {certs['auth']['serial']}"
            in lines), issued
    assert f"Сертификат подписи, серийный номер: {certs['sign']['serial']}" in lines, issued


def test_mail_server_down(tmp_path):
    """No mail server answers: the application still stands, the answer says the mail is
    queued, and once tried it stays queued, to be tried again; the public status gives no
    words of that passing failure (they name the relay)."""
    _need("openssl")
    with socket.socket() as probe:          # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text(f"mail:\n  smtp_url: smtp://127.0.0.1:{port}\n"
                    "  from: ncaenrolld@example.kz\n")
    state = tmp_path / "state"
    state.mkdir()
    svc = Service(str(state), ["--config", str(conf), "--fixed-captcha", CAPTCHA])
    try:
        csr_auth, csr_sign = _keys(tmp_path)
        st, ans = svc.request("POST", "/api/v1/applications", _form(svc, csr_auth, csr_sign))
        assert st == 201, ans
        assert ans["mail"] == "queued", ans
        st, got = svc.request("GET", f"/api/v1/applications/{ans['request_number']}")
        assert st == 200 and got["status"] == "submitted", got
        mails = _wait_mail(svc, ans["request_number"], lambda m: m and
                           m[0]["state"] == "queued" and m[0]["attempts"] >= 1)
        assert mails and mails[0]["state"] == "queued" and mails[0]["attempts"] >= 1, mails
        assert "error" not in mails[0], mails
    finally:
        svc.stop()


def test_errors_over_the_wire(service, tmp_path):
    st, err = service.request("GET", "/api/v1/applications/1234-5678")
    assert st == 400 and err["error"]["code"] == "request_number.length", err
    st, err = service.request("GET", "/api/v1/applications/"
                              "0000-0000-0000-0000-0000-0000-0001")
    assert st == 400 and err["error"]["code"] == "request_number.check_digit", err
    st, err = service.request("GET", "/api/v1/applications/"
                              "0000-0000-0000-0000-0000-0000-0000")
    assert st == 404 and err["error"]["code"] == "application.not_found", err
    st, err = service.request("POST", "/api/v1/applications", {"token": "x"})
    assert st == 400 and err["error"]["field"] == "bin", err


def test_ca_endpoints(service, tmp_path):
    st, (pem, ctype) = service.request("GET", "/api/v1/ca/chain")
    assert st == 200 and ctype.startswith("application/pem-certificate-chain")
    assert pem.count(b"BEGIN CERTIFICATE") == 2
    st, (der, ctype) = service.request("GET", "/api/v1/crl")
    assert st == 200 and ctype.startswith("application/pkix-crl")
    (tmp_path / "crl.der").write_bytes(der)
    (tmp_path / "chain.pem").write_bytes(pem)
    out = _openssl("crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "chain.pem",
                   "-noout", "-text", cwd=tmp_path)
    assert "No Revoked Certificates" in out


def test_expiry_on_the_test_clock(tmp_path):
    """Not verified within the window: the service's own job cancels it, not earlier."""
    _need("openssl")
    clock = tmp_path / "clock"
    now = int(time.time())
    set_clock(clock, now)
    state = tmp_path / "state"
    state.mkdir()
    svc = Service(str(state), ["--fixed-captcha", CAPTCHA, "--test-clock", str(clock)])
    try:
        csr_auth, csr_sign = _keys(tmp_path)
        st, ans = svc.request("POST", "/api/v1/applications", _form(svc, csr_auth, csr_sign))
        assert st == 201, ans
        assert ans["mail"] == "queued", "a demo mails into its own maildir"
        number = ans["request_number"]
        set_clock(clock, now + 30 * 86400)   # the deadline itself: still in time
        time.sleep(2.5)                               # the job wakes every second
        assert _wait_status(svc, number, "cancelled", timeout=0)["status"] == "submitted"
        set_clock(clock, now + 30 * 86400 + 1)
        s = _wait_status(svc, number, "cancelled", timeout=15)
        assert s["status"] == "cancelled", s
        assert s["status_label"] == "Cancelled: not verified in time"
        assert "decided" in s
        st, err = svc.request("POST", f"/api/v1/applications/{number}/challenge",
                              {"action": "certificates"})
        assert st == 409 and err["error"]["code"] == "application.not_issued", err
    finally:
        svc.stop()
    for mark in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert mark not in svc.stderr, svc.stderr
