"""`ncaenroll certs`: the certificates on this computer, each with holder, role, where its
keys are, valid until and days left, and the status its own OCSP URL gives. The OCSP
responder here is OpenSSL's own (`openssl ocsp -port`), signing with the service's CA
key, on the port written into the certificates (ca.ocsp_url): good, then revoked with a
reason, then stopped: "status unknown", never "good". And from 30 days before expiry
every start of ncaenroll (but --json) says so in one line: a state file holding
certificates made here that expire in 10 and in 40 days."""
import json
import os
import subprocess
import time

import pytest

from appstate import SUBMITTED, write_state
from fixtures import service_fixture
from service import free_port
from test_apply_cli import Applicant, wait_status
from test_containers import openssl

PASSWORD = "Qwerty12"


OCSP_PORT = free_port()
svc = service_fixture("certs", extra=["--auto-approve", "1"],
                      config={"policy": {"captcha_per_minute": 10000,
                                         "checks_per_minute": 10000},
                              "ca": {"ocsp_url": f"http://127.0.0.1:{OCSP_PORT}/"}})


class Responder:
    """openssl ocsp on OCSP_PORT answering from an index file, signed by the service's CA."""

    def __init__(self, svc, folder):
        self.svc, self.folder = svc, str(folder)
        self.index = os.path.join(self.folder, "index.txt")
        self.proc = None
        open(self.index, "w").close()

    def record(self, serial, revoked=None):
        """serial (hex) is valid, or revoked ("YYMMDDHHMMSSZ,reason")."""
        line = ["R" if revoked else "V", "371231235959Z", revoked or "", serial.upper(),
                "unknown", "/CN=test"]
        with open(self.index, "a") as f:
            f.write("\t".join(line) + "\n")
        with open(self.index + ".attr", "w") as f:
            f.write("unique_subject = no\n")

    def start(self, signer=None):
        """Its "waiting" line is awaited: a bare connection to probe it would hang
        openssl's one-at-a-time server. signer: (cert, key) other than the CA's."""
        state = self.svc.state
        cert, key = signer or (os.path.join(state, "ca.pem"), os.path.join(state, "ca.key"))
        log = os.path.join(self.folder, "ocsp.log")
        with open(log, "w") as out:
            self.proc = subprocess.Popen(
                ["openssl", "ocsp", "-port", str(OCSP_PORT), "-index", self.index,
                 "-CA", os.path.join(state, "ca.pem"), "-rsigner", cert, "-rkey", key,
                 "-nmin", "10"], stdout=out, stderr=subprocess.STDOUT)
        end = time.time() + 10
        while time.time() < end:
            with open(log) as f:
                if "waiting for OCSP client connections" in f.read():
                    return
            time.sleep(0.1)
        raise AssertionError("openssl ocsp did not start")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


def installed(svc, home):
    os.makedirs(home, exist_ok=True)
    me = Applicant(svc, str(home))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(me, number, "issued")
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=PASSWORD)
    assert p.returncode == 0, p.stderr
    return me, number


def serial_of(path):
    out = openssl("pkcs12", "-in", path, "-passin", f"pass:{PASSWORD}", "-nokeys",
                  "-clcerts").stdout
    x = subprocess.run(["openssl", "x509", "-noout", "-serial"], input=out,
                       capture_output=True, check=True).stdout.decode()
    return x.strip().split("=", 1)[1]


@pytest.fixture
def responder(svc, tmp_path):
    r = Responder(svc, tmp_path)
    yield r
    r.stop()


def certs(me, lang="en"):
    p = me.run("--json", "certs", lang=lang)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["certificates"]


def test_certs_good_then_revoked_then_no_answer(svc, tmp_path, responder):
    me, number = installed(svc, tmp_path / "home")
    auth = json.loads(me.run("--json", "install", number).stdout)["auth"]
    serial = serial_of(auth)
    responder.record(serial)
    responder.start()

    [c] = certs(me)
    assert c["request_number"] == number and c["storage"] == "pc" and c["present"] is True
    assert c["holder"] == "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ", c
    assert c["role"] == "Person with the right of signature", c
    assert c["ocsp"] == "good", c
    assert 360 <= c["days_left"] <= 366 and c["not_after"].endswith("Z"), c
    p = me.run("certs")
    assert p.returncode == 0, p.stderr
    assert number in p.stdout and "valid (the OCSP service confirms it)" in p.stdout
    assert "days left" in p.stdout, p.stdout

    # Revoked (key compromise, reason 1) at the responder: said with its date and reason.
    responder.stop()
    open(responder.index, "w").close()
    responder.record(serial, revoked="261206120000Z,keyCompromise")
    responder.start()
    [c] = certs(me)
    assert c["ocsp"] == "revoked" and c["reason"] == "keyCompromise", c
    assert c["revoked_at"] == "2026-12-06T12:00:00Z", c
    p = me.run("certs", lang="ru")
    assert "отозван" in p.stdout.lower() and "Компрометация ключа" in p.stdout, p.stdout

    # No responder: never "good".
    responder.stop()
    [c] = certs(me)
    assert c["ocsp"] == "no_answer", c
    p = me.run("certs")
    assert "status unknown: the OCSP service did not answer" in p.stdout, p.stdout
    assert "valid (the OCSP" not in p.stdout


def test_an_answer_not_signed_by_the_ca_is_not_believed(svc, tmp_path, responder):
    """A responder signing with a key of its own (not the CA's, not delegated by it)."""
    me, number = installed(svc, tmp_path / "home")
    auth = json.loads(me.run("--json", "install", number).stdout)["auth"]
    responder.record(serial_of(auth))
    key, cert = str(tmp_path / "rogue.key"), str(tmp_path / "rogue.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
            "-subj", "/CN=rogue", "-days", "2")
    responder.start(signer=(cert, key))
    [c] = certs(me)
    assert c["ocsp"] == "no_answer", c


def _cert_pem(tmp_path, name, days):
    key, cert = str(tmp_path / f"{name}.key"), str(tmp_path / f"{name}.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
            "-subj", f"/CN={name}", "-days", str(days))
    with open(cert) as f:
        return f.read()


def test_expiry_warned_on_every_start_within_30_days(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    soon, later = "1111-1111-1111-1111-1111-1111-1117", "2222-2222-2222-2222-2222-2222-2220"
    apps = []
    for i, (number, days) in enumerate(((soon, 10), (later, 40))):
        pem = _cert_pem(tmp_path, f"c{i}", days)
        fields = dict(SUBMITTED, request_number=number, cert_auth=pem, cert_sign=pem,
                      chain=pem, container_auth=str(tmp_path / f"a{i}.p12"),
                      container_sign=str(tmp_path / f"s{i}.p12"), dir=str(tmp_path),
                      installed_at="2026-01-01T00:00:00Z", reported="yes")
        apps.append({"id": f"{i:016x}", "state": "installed", "fields": fields})
    write_state(me.state, apps)
    for args in (("list",), ("status", "--help"), ("certs",)):
        p = me.run(*args)
        lines = [l for l in p.stderr.splitlines() if soon in l]
        if args == ("status", "--help"):
            continue            # --help opens nothing
        assert len(lines) == 1, (args, p.stderr)
        assert "expire" in lines[0] and f"ncaenroll renew {soon}" in lines[0], lines
        assert "days left" in lines[0] and later not in p.stderr, p.stderr
    p = me.run("list", lang="ru")
    [line] = [l for l in p.stderr.splitlines() if soon in l]
    assert "ncaenroll renew" in line and "expire" not in line, line
    # A script's JSON run is not talked to.
    p = me.run("--json", "list")
    assert soon not in p.stderr, p.stderr
