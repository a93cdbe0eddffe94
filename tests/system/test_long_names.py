"""Organizations with long names (issue #10, point 24): 29 of the demo's state institutions
(ГУ) have names of 138-193 characters, over X.520's advisory 64 and our old 256-byte bound.
NCA RK issues them in full, so the service must too: apply, approve at the desk and install
end to end with BIN 000140016267, and the certificate read back whole by OpenSSL, GnuTLS
(certtool) and Java (keytool). What the CA cannot issue is refused when it is submitted, at
its field, never after a request number was given; the background approval logs a failure
that persists once, not every second; and the desk's approval of such an application gets
a sentence the operator can act on, never an HTTP 500.
"""
import json
import os
import sqlite3
import subprocess
import time

from conftest import BUILDDIR, SRCDIR, Run
from fixtures import service_fixture
from service import Service
from test_apply_cli import Applicant, wait_status
from test_ra_cli import Desk, ensure_demo_operator

LONG_BIN = "000140016267"
LONG = dict(bin=LONG_BIN, region="shymkent", city="shymkent", gu_code="5362082")
TOOL = "tests/tools/ca-issue"
DOCS = "form,identity,authority"


def registered_name(bin_):
    with open(os.path.join(SRCDIR, "data", "demo", "organizations.json"),
              encoding="utf-8") as f:
        return next(o for o in json.load(f) if o["bin"] == bin_)["name"]["ru"]


LONG_NAME = registered_name(LONG_BIN)


def sh(*args, input=None):
    r = subprocess.run(list(args), input=input, capture_output=True,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    assert r.returncode == 0, f"{args}: {r.stderr.decode(errors='replace')}"
    return r.stdout.decode("utf-8")


def readers_see_the_whole_name(pem_path, chain=None):
    """OpenSSL, GnuTLS and Java each read O= back with every letter of the name."""
    openssl = sh("openssl", "x509", "-in", pem_path, "-noout", "-text", "-nameopt",
                 "utf8,sep_multiline")
    assert f"O={LONG_NAME}" in openssl, openssl
    gnutls = sh("certtool", "-i", "--infile", pem_path)
    assert LONG_NAME in gnutls, gnutls
    java = sh("keytool", "-J-Dfile.encoding=UTF-8", "-J-Dstdout.encoding=UTF-8",
              "-printcert", "-file", pem_path)
    assert f"O={LONG_NAME}" in java, java
    if chain is not None:
        assert "OK" in sh("openssl", "verify", "-x509_strict", "-CAfile", chain, pem_path)


def test_the_ca_issues_a_long_name_that_every_reader_reads_whole(tmp_path):
    assert len(LONG_NAME) > 64 and len(LONG_NAME.encode()) > 256
    run = Run(BUILDDIR)
    d = str(tmp_path)
    r = run(TOOL, "demo", d, "localhost")
    assert r.returncode == 0, r.stderr
    key, csr = os.path.join(d, "user.key"), os.path.join(d, "user.csr")
    sh("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
       "-subj", "/CN=x", "-out", csr)
    r = run(TOOL, "issue", d, "auth", "file", csr, "organization=" + LONG_NAME)
    assert r.returncode == 0, r.stderr
    pem = os.path.join(d, "long.pem")
    with open(pem, "w", encoding="utf-8") as f:
        f.write(r.stdout)
    readers_see_the_whole_name(pem, chain=os.path.join(d, "ca-chain.pem"))
    # UTF8String, not a type OpenSSL chose: the length is carried, not cut.
    asn1 = sh("openssl", "asn1parse", "-in", pem)
    line = next(ln for ln in asn1.splitlines() if "organizationName" in ln)
    after = asn1.splitlines()[asn1.splitlines().index(line) + 1]
    assert "UTF8STRING" in after, after
    # GnuTLS verifies it, as it does the other certificates (test_ca_profile.py).
    with open(pem, encoding="utf-8") as f, open(os.path.join(d, "ca.pem")) as g:
        bundle = f.read() + g.read()
    out = sh("certtool", "--verify", "--load-ca-certificate", os.path.join(d, "root.pem"),
             input=bundle.encode())
    assert "Chain verification output: Verified." in out, out


svc = service_fixture("long", operator=True)


def test_apply_approve_install_with_a_long_name(svc, tmp_path):
    """BIN 000140016267 end to end: a number, the desk's approval, the containers; the
    installed certificate carries the organization's whole name."""
    me = Applicant(svc, str(tmp_path / "person"))
    os.makedirs(me.home, exist_ok=True)
    p = me.apply(**LONG)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    desk = Desk(svc, str(tmp_path / "desk"))
    p = desk.run("approve", number, "--documents", DOCS, "--yes")
    assert p.returncode == 0, p.stdout + p.stderr
    wait_status(me, number, "issued", seconds=20)
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    auth = json.loads(p.stdout)["auth"]
    pem = str(tmp_path / "auth.pem")
    with open(pem, "w", encoding="utf-8") as f:
        f.write(sh("openssl", "pkcs12", "-in", auth, "-nokeys", "-clcerts", "-passin",
                   "pass:Qwerty12"))
    readers_see_the_whole_name(pem, chain=svc.cafile)
    status, answer = svc.request("GET", f"/api/v1/applications/{number}")
    assert status == 200 and answer["status"] == "installed"
    assert answer["certificates"]["subject"]["o"] == LONG_NAME


def renamed(state, bin_, name):
    """The legal-entities register now holds another name for bin_ (a registry update
    after the application was made, or data loaded before the CA's checks existed)."""
    db = sqlite3.connect(os.path.join(state, "ncaenrolld.db"))
    try:
        with db:
            db.execute("UPDATE organizations SET name_ru = ?, name_kk = ? WHERE bin = ?",
                       (name, name, bin_))
    finally:
        db.close()


TOO_LONG = "ГУ «" + "Департамент " * 100 + "»"          # > 1024 bytes: over the CA's bound


def test_submission_refuses_what_the_ca_would_refuse(tmp_path):
    s = Service(tmp_path / "state")
    s.stop()
    renamed(s.state, LONG_BIN, TOO_LONG)
    s = Service(tmp_path / "state")
    try:
        me = Applicant(s, str(tmp_path / "person"))
        os.makedirs(me.home, exist_ok=True)
        p = me.apply(**LONG)
        assert p.returncode == 1, p.stdout + p.stderr
        err = json.loads(p.stdout)["error"]
        assert err["field"] == "bin" and err["code"] == "subject.invalid", err
        assert "request_number" not in p.stdout
    finally:
        s.stop()
    assert "application " not in s.stderr.replace("applications", ""), \
        "nothing was stored: " + s.stderr


def test_a_persistent_failure_is_logged_once_and_the_desk_gets_a_sentence(tmp_path):
    """An application the CA can no longer issue: the demo's auto-approval says so once,
    not every second, and the desk's approval is refused with what to do, not a 500."""
    s = Service(tmp_path / "state")
    ensure_demo_operator(s)
    me = Applicant(s, str(tmp_path / "person"))
    os.makedirs(me.home, exist_ok=True)
    p = me.apply(**LONG)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    s.stop()
    renamed(s.state, LONG_BIN, TOO_LONG)
    s = Service(tmp_path / "state", extra=["--auto-approve", "1"])
    me.svc = s
    try:
        time.sleep(5)                       # five rounds of the background job
        p = Desk(s, str(tmp_path / "desk")).run("approve", number, "--documents", DOCS,
                                                "--yes")
        assert p.returncode == 1, p.stdout + p.stderr
        assert "HTTP 500" not in p.stderr and "reject" in p.stderr, p.stderr
        assert wait_status(me, number, "submitted", seconds=5)
    finally:
        s.stop()
    lines = [ln for ln in s.stderr.splitlines() if f"{number[:4]}-*" in ln and "auto-approv" in ln]
    assert len(lines) == 1, "\n".join(lines)
    assert " 500 " not in s.stderr, s.stderr
