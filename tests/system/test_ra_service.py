"""The RA desk's half of the service against the real ncaenrolld over mutual TLS on loopback:
operators made with `ncaenrolld operator add` (PKCS#12 converted to PEM by `openssl pkcs12`),
the queue, an application in full, approve and reject; every refusal of a client
certificate (none, expired, another CA, revoked, replaced, an applicant's); two operators
approving at once (one 200, one 409 naming the winner); expiry on a test clock; the applicant
reading the decision with `ncaenroll status`; and `ncaenrolld audit verify` finding a row
altered with sqlite3. Nothing is mocked."""
import http.client
import json
import os
import shutil
import ssl
import subprocess
import threading
import time

import pytest

from conftest import BUILDDIR
from service import DEMO_CONFIG_DEFAULT, SANITIZER_MARKS, Service, program, program_env, set_clock

BIN = "940140000385"      # public test vectors, in the demo registry
IIN = "871008401427"
PASSWORD = "Operator2026"
DOCS = ["form", "identity", "authority"]
DAY = 86400


def _need(prog):
    if shutil.which(prog) is None:
        pytest.skip(f"{prog} is not installed")


def _openssl(*args, cwd=None, check=True):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if check:
        assert r.returncode == 0, f"openssl {' '.join(args)}: {r.stderr}"
    return r


class Desk:
    """One service with its test clock, and the operators made for it."""

    def __init__(self, tmp, clock=None, mail=None):
        _need("openssl")
        self.tmp = tmp
        self.clock = tmp / "clock"
        self.now = clock if clock is not None else int(time.time())
        self.set_clock(self.now)
        config = dict(DEMO_CONFIG_DEFAULT)
        if mail is not None:
            config["mail"] = mail
        self.svc = Service(tmp / "state", extra=["--test-clock", str(self.clock)],
                           config=config)
        self.state = self.svc.state
        self.db = os.path.join(self.state, "ncaenrolld.db")

    def set_clock(self, t):
        set_clock(self.clock, t)

    def admin(self, *args, password=None):
        """`ncaenrolld --demo --state-dir STATE --test-clock CLOCK ARGS...`."""
        cmd = [*program(), "--demo", "--state-dir", self.state, "--test-clock",
               str(self.clock), *args]
        fds = ()
        if password is not None:
            r, w = os.pipe()
            os.write(w, password.encode() + b"\n")
            os.close(w)
            cmd = [a if a != "PWFD" else str(r) for a in cmd]
            fds = (r,)
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, env=program_env(),
                               pass_fds=fds, stdin=subprocess.DEVNULL, timeout=120)
        finally:
            for fd in fds:
                os.close(fd)
        for mark in SANITIZER_MARKS:        # a sanitizer build: no leak, no UB
            assert mark not in p.stderr, p.stderr
        return p

    def operator(self, name, office="karaganda-1", role="operator", days=None, replace=False):
        """Adds an operator; returns (cert.pem, key.pem) taken out of the PKCS#12."""
        p12 = self.tmp / f"{name}-{time.monotonic_ns()}.p12"
        args = ["operator", "add", name, "--office", office, "--role", role,
                "--out", str(p12), "--password-fd", "PWFD"]
        if days is not None:
            args += ["--days", str(days)]
        if replace:
            args.append("--replace")
        p = self.admin(*args, password=PASSWORD)
        assert p.returncode == 0, p.stderr
        assert oct(os.stat(p12).st_mode & 0o777) == "0o600"
        pw = self.tmp / "p12-password"
        pw.write_text(PASSWORD + "\n")
        cert, key = str(p12) + ".crt", str(p12) + ".key"
        _openssl("pkcs12", "-in", str(p12), "-passin", f"file:{pw}", "-clcerts", "-nokeys",
                 "-out", cert)
        _openssl("pkcs12", "-in", str(p12), "-passin", f"file:{pw}", "-nocerts", "-nodes",
                 "-out", key)
        return cert, key

    def ra(self, method, path, body=None, cert=None):
        """(status, JSON) of an RA call presenting cert = (cert.pem, key.pem), or none."""
        ctx = ssl.create_default_context(cafile=self.svc.cafile)
        if cert is not None:
            ctx.load_cert_chain(*cert)
        conn = http.client.HTTPSConnection("127.0.0.1", self.svc.port, context=ctx,
                                           timeout=60)
        try:
            data = json.dumps(body).encode() if body is not None else None
            hdrs = {"Content-Type": "application/json"} if data is not None else {}
            conn.request(method, "/api/v1/ra" + path, body=data, headers=hdrs)
            r = conn.getresponse()
            return r.status, json.loads(r.read())
        finally:
            conn.close()

    def apply(self, city="karaganda", region="karaganda", lang="ru"):
        """A fresh application (new keys) through the applicant's API: its number."""
        d = self.tmp / f"app-{time.monotonic_ns()}"
        d.mkdir()
        csrs = []
        for k in ("auth", "sign"):
            _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                     "-out", f"{k}.key", cwd=d)
            _openssl("req", "-new", "-key", f"{k}.key", "-subj", f"/CN={k}", "-sha256",
                     "-out", f"{k}.csr", cwd=d)
            csrs.append((d / f"{k}.csr").read_text())
        svc = self.svc
        st, org = svc.bin_check(BIN)
        assert st == 200, org
        st, person = svc.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": org["token"]})
        assert st == 200, person
        st, codes = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
        assert st == 200 and codes, codes
        form = {"token": org["token"], "bin": BIN, "iin": IIN, "email": "user@mail.kz",
                "role": "ROLE02", "region": region, "city": city,
                "gu_code": codes[0]["code"], "storage": "pc", "lang": lang,
                "csr_auth": csrs[0], "csr_sign": csrs[1]}
        st, ans = svc.request("POST", "/api/v1/applications", form)
        assert st == 201, ans
        self.last_app_dir = d
        return ans["request_number"]

    def status(self, number):
        st, s = self.svc.request("GET", f"/api/v1/applications/{number}")
        assert st == 200, s
        return s

    def stop(self):
        self.svc.stop()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Desk(tmp_path_factory.mktemp("desk"))
    d.aigerim = d.operator("aigerim")
    d.bolat = d.operator("bolat", office="karaganda-2")
    d.chief = d.operator("chief", office="astana-1", role="supervisor")
    yield d
    d.stop()


def _applicant_status(desk, number, base):
    """`ncaenroll --json status NUMBER` as the applicant runs it (a home of its own in
    base): the parsed answer."""
    home = base / f"applicant-{time.monotonic_ns()}"
    home.mkdir(parents=True)
    env = program_env()
    env.update(HOME=str(home), XDG_STATE_HOME=str(home / "xdg"),
               XDG_CONFIG_HOME=str(home / "cfg"))
    p = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                        os.path.join(BUILDDIR, "ncaenroll"), "--service", desk.svc.base,
                        "--ca-file", desk.svc.cafile, "--state", str(home / "state.yaml"),
                        "--json", "status", number],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def _refused(desk, cert, code):
    st, err = desk.ra("GET", "/me", cert=cert)
    assert st == 403 and err["error"]["code"] == code, (st, err)
    return err


# ---- the desk's work ----

def test_me_names_the_operator(desk):
    st, me = desk.ra("GET", "/me", cert=desk.aigerim)
    assert st == 200, me
    assert me["name"] == "aigerim" and me["role"] == "operator"
    assert me["office"]["id"] == "karaganda-1" and me["office"]["parent"] == "karaganda"


def test_queue_show_approve(desk):
    number = desk.apply()
    st, q = desk.ra("GET", "/queue", cert=desk.aigerim)
    assert st == 200, q
    row = next(a for a in q["applications"] if a["request_number"] == number)
    assert row["iin"] == IIN and row["bin"] == BIN        # operators see data unmasked
    assert row["applicant"].startswith(row["applicant"].split()[0]) and row["days_left"] == 30
    assert row["role"]["id"] == "ROLE02"
    # Search by number (typed without dashes), IIN and BIN; a place elsewhere: not there.
    for q_ in (number.replace("-", ""), IIN, BIN):
        st, q = desk.ra("GET", f"/queue?q={q_}", cert=desk.bolat)
        assert st == 200 and number in [a["request_number"] for a in q["applications"]], q
    st, q = desk.ra("GET", "/queue?region=astana", cert=desk.aigerim)
    assert st == 200 and number not in [a["request_number"] for a in q["applications"]]
    st, err = desk.ra("GET", "/queue?q=12345", cert=desk.aigerim)
    assert st == 400 and err["error"]["code"] == "query.search", err
    st, err = desk.ra("GET", "/queue?scope=all", cert=desk.aigerim)
    assert st == 403 and err["error"]["code"] == "ra.supervisor_only", err
    st, q = desk.ra("GET", "/queue?scope=all", cert=desk.chief)
    assert st == 200 and number in [a["request_number"] for a in q["applications"]], q

    st, app = desk.ra("GET", f"/applications/{number}", cert=desk.aigerim)
    assert st == 200, app
    assert app["applicant"]["iin"] == IIN and app["organization"]["bin"] == BIN
    assert [d["code"] for d in app["documents"]] == DOCS
    assert app["history"][0]["action"] == "submitted"
    assert number in app["form"]

    st, err = desk.ra("POST", f"/applications/{number}/approve", {"documents": DOCS[:2]},
                      cert=desk.aigerim)
    assert st == 400 and err["error"]["code"] == "documents.missing", err
    st, done = desk.ra("POST", f"/applications/{number}/approve", {"documents": DOCS},
                       cert=desk.aigerim)
    assert st == 200 and done["status"] == "issued", done
    assert done["certificates"]["auth"]["serial"]
    assert done["history"][-1]["actor"] == "operator:aigerim"
    assert "documents checked" in done["history"][-1]["detail"]
    assert desk.status(number)["status"] == "issued"
    assert _applicant_status(desk, number, desk.tmp / "applicant")["status"] == "issued"
    # Deciding again: 409 naming who and when.
    st, err = desk.ra("POST", f"/applications/{number}/reject", {"reason": "data_error"},
                      cert=desk.bolat)
    assert st == 409 and err["error"]["code"] == "application.already_decided", err
    assert err["error"]["decided_by"] == "operator:aigerim"
    assert "operator:aigerim" in err["error"]["message"]
    desk.issued = number


def test_reject_and_the_applicant_reads_it(desk, tmp_path):
    number = desk.apply()
    st, reasons = desk.ra("GET", "/reject-reasons", cert=desk.bolat)
    assert st == 200 and "documents_missing" in [r["code"] for r in reasons], reasons
    st, err = desk.ra("POST", f"/applications/{number}/reject", {"reason": "other"},
                      cert=desk.bolat)
    assert st == 400 and err["error"]["code"] == "text.required", err
    st, err = desk.ra("POST", f"/applications/{number}/reject", {"reason": "bored"},
                      cert=desk.bolat)
    assert st == 400 and err["error"]["code"] == "reason.unknown", err
    st, done = desk.ra("POST", f"/applications/{number}/reject",
                       {"reason": "documents_missing", "text": "no order of appointment"},
                       cert=desk.bolat)
    assert st == 200 and done["status"] == "rejected", done
    # The applicant's own command line shows the decision and its reason.
    s = _applicant_status(desk, number, tmp_path)
    assert s["status"] == "rejected", s
    assert "no order of appointment" in json.dumps(s, ensure_ascii=False)


def test_two_operators_approve_at_once(desk):
    number = desk.apply()
    results = [None, None]
    go = threading.Barrier(2)

    def approve(i, cert):
        go.wait()
        results[i] = desk.ra("POST", f"/applications/{number}/approve", {"documents": DOCS},
                             cert=cert)

    threads = [threading.Thread(target=approve, args=(i, c))
               for i, c in enumerate((desk.aigerim, desk.bolat))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r[0] for r in results)
    assert statuses == [200, 409], results
    winner = next(r[1] for r in results if r[0] == 200)
    loser = next(r[1] for r in results if r[0] == 409)
    assert loser["error"]["code"] == "application.already_decided"
    assert loser["error"]["decided_by"] == winner["history"][-1]["actor"]
    # Exactly one issuance in the history.
    assert [h["action"] for h in winner["history"]].count("issued") == 1


# ---- refusals ----

def test_no_client_certificate(desk):
    err = _refused(desk, None, "ra.no_certificate")
    assert "certificate" in err["error"]["message"]
    # The applicant's side needs none and still works on the same port.
    st, roles = desk.svc.request("GET", "/api/v1/directories/roles")
    assert st == 200 and roles


def test_certificate_of_another_ca(desk, tmp_path):
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out",
             "c.pem", "-days", "30", "-subj", "/CN=aigerim/OU=karaganda-1/title=operator",
             cwd=tmp_path)
    _refused(desk, (str(tmp_path / "c.pem"), str(tmp_path / "k.pem")), "ra.unknown_issuer")


def test_applicant_certificate_is_no_operator(desk, tmp_path):
    number = desk.apply()
    app_dir = desk.last_app_dir
    st, _ = desk.ra("POST", f"/applications/{number}/approve", {"documents": DOCS},
                    cert=desk.aigerim)
    assert st == 200
    st, certs = desk.svc.certificates(number, app_dir / "auth.key")
    assert st == 200, certs
    (tmp_path / "auth.pem").write_text(certs["auth"]["pem"])
    (tmp_path / "sign.pem").write_text(certs["sign"]["pem"])
    for k in ("auth", "sign"):      # AUTH has clientAuth, SIGN has not: both named
        err = _refused(desk, (str(tmp_path / f"{k}.pem"), str(app_dir / f"{k}.key")),
                       "ra.not_operator")
        assert "applicant" in err["error"]["message"], err


def test_revoked_and_replaced_operators(desk):
    dana = desk.operator("dana")
    assert desk.ra("GET", "/me", cert=dana)[0] == 200
    p = desk.admin("operator", "revoke", "dana")
    assert p.returncode == 0 and "revoked" in p.stdout, p.stderr
    _refused(desk, dana, "ra.revoked")
    p = desk.admin("operator", "revoke", "nobody")
    assert p.returncode == 1 and "no operator nobody" in p.stderr
    # An active operator is re-issued only on purpose; the old certificate then fails.
    erlan = desk.operator("erlan")
    p = desk.admin("operator", "add", "erlan", "--office", "karaganda-1", "--out",
                   str(desk.tmp / "erlan-again.p12"), "--password-fd", "PWFD",
                   password=PASSWORD)
    assert p.returncode == 1 and "--replace" in p.stderr
    erlan2 = desk.operator("erlan", replace=True)
    _refused(desk, erlan, "ra.replaced")
    assert desk.ra("GET", "/me", cert=erlan2)[0] == 200
    p = desk.admin("operator", "list")
    assert p.returncode == 0 and "dana" in p.stdout and "erlan" in p.stdout


def test_expired_and_not_yet_valid(desk):
    farida = desk.operator("farida", days=1)
    assert desk.ra("GET", "/me", cert=farida)[0] == 200
    try:
        desk.set_clock(desk.now + 2 * DAY)
        _refused(desk, farida, "ra.certificate_expired")
        desk.set_clock(desk.now - DAY)
        _refused(desk, farida, "ra.not_yet_valid")
    finally:
        desk.set_clock(desk.now)
    assert desk.ra("GET", "/me", cert=farida)[0] == 200


def test_one_connection_refused_at_the_next_request(desk):
    """A desk sends every request on one kept TLS connection, and the service remembers
    the certificate it verified (operator.c). Revoking the operator, or the certificate
    expiring on the service's clock, still refuses the very next request on it."""
    gulnar = desk.operator("gulnar", days=1)
    ctx = ssl.create_default_context(cafile=desk.svc.cafile)
    ctx.load_cert_chain(*gulnar)
    conn = http.client.HTTPSConnection("127.0.0.1", desk.svc.port, context=ctx, timeout=60)

    def me():
        conn.request("GET", "/api/v1/ra/me")
        r = conn.getresponse()
        return r.status, json.loads(r.read())

    try:
        for _ in range(3):
            assert me()[0] == 200
        sock = conn.sock
        try:
            desk.set_clock(desk.now + 2 * DAY)
            st, err = me()
            assert st == 403 and err["error"]["code"] == "ra.certificate_expired", err
        finally:
            desk.set_clock(desk.now)
        assert me()[0] == 200
        p = desk.admin("operator", "revoke", "gulnar")
        assert p.returncode == 0, p.stderr
        st, err = me()
        assert st == 403 and err["error"]["code"] == "ra.revoked", err
        assert conn.sock is sock            # all of it on the one connection
    finally:
        conn.close()


def test_bad_requests(desk):
    st, err = desk.ra("GET", "/applications/1234", cert=desk.aigerim)
    assert st == 400 and err["error"]["code"].startswith("request_number."), err
    st, err = desk.ra("GET", "/applications/0000-0000-0000-0000-0000-0000-0000",
                      cert=desk.aigerim)
    assert st == 404 and err["error"]["code"] == "application.not_found", err
    st, err = desk.ra("GET", "/queue?office=nowhere", cert=desk.aigerim)
    assert st == 400 and err["error"]["code"] == "office.unknown", err


def test_audit_chain_holds(desk):
    # Each kind of entry made here: under pytest-xdist the module's other tests may run
    # in another worker, against another service.
    approved, rejected = desk.apply(), desk.apply()
    st, _ = desk.ra("POST", f"/applications/{approved}/approve", {"documents": DOCS},
                    cert=desk.aigerim)
    assert st == 200
    st, _ = desk.ra("POST", f"/applications/{rejected}/reject",
                    {"reason": "documents_missing"}, cert=desk.bolat)
    assert st == 200
    desk.operator("audited")
    assert desk.admin("operator", "revoke", "audited").returncode == 0
    p = desk.admin("audit", "verify")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "intact" in p.stdout
    p = desk.admin("audit", "list")
    assert p.returncode == 0
    assert "operator.added" in p.stdout and "application.issued" in p.stdout
    assert "application.rejected" in p.stdout and "operator.revoked" in p.stdout


# ---- expiry and a tampered audit log: a service of their own ----

def test_expiry_then_audit_tampering(tmp_path):
    _need("sqlite3")
    desk = Desk(tmp_path)
    try:
        op = desk.operator("gulnar")
        number = desk.apply()
        desk.set_clock(desk.now + 30 * DAY)          # the deadline itself: still in time
        time.sleep(2.5)                              # the job wakes every second
        assert desk.status(number)["status"] == "submitted"
        st, q = desk.ra("GET", "/queue", cert=op)
        assert st == 200 and q["applications"][0]["days_left"] == 0, q
        desk.set_clock(desk.now + 30 * DAY + 1)
        end = time.monotonic() + 15
        while desk.status(number)["status"] != "cancelled" and time.monotonic() < end:
            time.sleep(0.3)
        s = desk.status(number)
        assert s["status"] == "cancelled", s
        assert _applicant_status(desk, number, tmp_path)["status"] == "cancelled"
        # Too late for the desk: 409 naming the expiry.
        st, err = desk.ra("POST", f"/applications/{number}/approve", {"documents": DOCS},
                          cert=op)
        assert st == 409 and err["error"]["decided_by"] == "expiry", err

        p = desk.admin("audit", "verify")
        assert p.returncode == 0, p.stdout
        # The log refuses changes through SQL; someone who drops the trigger is still caught.
        r = subprocess.run(["sqlite3", desk.db, "UPDATE audit SET detail = 'x' WHERE id = 2"],
                           capture_output=True, text=True)
        assert r.returncode != 0 and "append-only" in r.stderr
        r = subprocess.run(["sqlite3", desk.db, "DROP TRIGGER audit_no_update; "
                            "UPDATE audit SET actor = 'someone else' WHERE id = 2"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        p = desk.admin("audit", "verify")
        assert p.returncode == 1, p.stdout
        assert "entry 2" in p.stdout and "altered" in p.stdout
    finally:
        desk.stop()


def test_operator_password_asked_without_echo(desk, tmp_path):
    """On a terminal, `operator add` asks twice without echo; the password never shows."""
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "hana.p12"
    cmd = [*program(), "--demo", "--state-dir", desk.state, "--test-clock", str(desk.clock),
           "operator", "add", "hana", "--office", "karaganda-3", "--out", str(out)]
    child = pexpect.spawn(cmd[0], cmd[1:], env=program_env(), encoding="utf-8", timeout=60)
    child.expect("Password for the operator's PKCS#12: ")
    child.sendline(PASSWORD)
    child.expect("The same password again: ")
    child.sendline(PASSWORD + "x")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1 and "differ" in child.before and not out.exists()
    child = pexpect.spawn(cmd[0], cmd[1:], env=program_env(), encoding="utf-8", timeout=60)
    child.expect("Password for the operator's PKCS#12: ")
    child.sendline(PASSWORD)
    child.expect("The same password again: ")
    child.sendline(PASSWORD)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    for mark in SANITIZER_MARKS:
        assert mark not in child.before, child.before
    assert PASSWORD not in child.before and "certificate" in child.before
    r = subprocess.run(["openssl", "pkcs12", "-in", str(out), "-noout", "-passin", "stdin"],
                       input="wrong\n", capture_output=True, text=True)
    assert r.returncode != 0                           # another password: refused
    ok = subprocess.run(["openssl", "pkcs12", "-in", str(out), "-noout", "-passin", "stdin"],
                        input=PASSWORD + "\n", capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


def test_rejection_is_mailed(tmp_path, sink):
    """The applicant learns of a rejection by mail too, in the application's language
    (Russian here), with the reason in it and the operator's text as typed."""
    lifecycle = pytest.importorskip("test_lifecycle")
    desk = None
    try:
        desk = Desk(tmp_path, mail={"smtp_url": f"smtp://127.0.0.1:{sink.port}",
                                    "from": "ncaenrolld@example.kz"})
        op = desk.operator("iris")
        number = desk.apply()
        st, done = desk.ra("POST", f"/applications/{number}/reject",
                           {"reason": "identity_mismatch", "text": "паспорт просрочен"},
                           cert=op)
        assert st == 200, done
        end = time.monotonic() + 30
        texts = []
        while time.monotonic() < end and not any("отклонена" in t for t in texts):
            texts = [lifecycle._body_text(raw)[1] for _, _, raw in sink.messages]
            time.sleep(0.2)
        text = next(t for t in texts if "отклонена" in t)
        assert number in text and "паспорт просрочен" in text
        assert "Личность не подтверждена" in text
    finally:
        if desk is not None:
            desk.stop()
