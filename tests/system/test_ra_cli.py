"""The registration desk's command line (ncaenroll-ra) against the real ncaenrolld over mutual
TLS: an application made through the applicant's command line appears in the queue, is shown
unmasked with its documents checklist, is approved or rejected, and the applicant's
`ncaenroll status` then reads the new status. Every refusal of the operator (no certificate,
a wrong password for the container, a revoked operator, an expired certificate, another CA,
an applicant's certificate) ends with a sentence that says what to do and exit status 1.
Nothing is mocked: the containers are the service's own (`ncaenrolld operator add`)."""
import json
import os
import subprocess
import time

import pexpect
import pytest

from conftest import BUILDDIR
from fixtures import help_line_fits, service_fixture
from service import SANITIZER_MARKS, Service, program, program_env, set_clock
from test_apply_cli import Applicant, wait_status

DEMO_OPERATOR_PASSWORD = "demo-operator-2026"
DEMO_BIN, DEMO_IIN = "940140000385", "871008401427"
DEMO_SURNAME = "ЖАҚСЫЛЫҚОВА"


def demo_operator_p12(svc):
    return os.path.join(svc.state, "operators", "demo-operator.p12")


def ensure_demo_operator(svc):
    """The demo makes demo-operator on its first start (doc/api-ra.md); a service from
    before that gets one the way an administrator would add it."""
    if not os.path.exists(demo_operator_p12(svc)):
        os.makedirs(os.path.dirname(demo_operator_p12(svc)), exist_ok=True)
        add_operator(svc, "demo-operator", demo_operator_p12(svc), DEMO_OPERATOR_PASSWORD,
                     role="supervisor")


svc = service_fixture("ra", operator=True)


class Desk:
    """An operator's computer: settings of its own, the container given by option."""

    def __init__(self, svc, home, p12=None, password=DEMO_OPERATOR_PASSWORD):
        self.svc, self.home = svc, str(home)
        self.p12 = demo_operator_p12(svc) if p12 is None else p12
        self.password = password

    def env(self):
        env = program_env()
        env.update(HOME=self.home, XDG_CONFIG_HOME=os.path.join(self.home, "cfg"),
                   XDG_STATE_HOME=os.path.join(self.home, "xdg"))
        return env

    def cmd(self, service=True):
        cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll-ra")]
        if service:
            cmd += ["--service", self.svc.base, "--ca-file", self.svc.cafile]
        return cmd

    def run(self, *args, operator=True, password=None, service=True, lang="en"):
        """Runs ncaenroll-ra [--service ...] [--operator P12 --password-fd N] ARGS."""
        cmd = self.cmd(service)
        pw = self.password if password is None else password
        pass_fds = ()
        if operator and self.p12:
            r, w = os.pipe()
            os.write(w, pw.encode() + b"\n")
            os.close(w)
            cmd += ["--operator", self.p12, "--password-fd", str(r)]
            pass_fds = (r,)
        env = self.env()
        env["LANGUAGE"] = lang
        p = subprocess.run(cmd + list(args), capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, pass_fds=pass_fds, timeout=180)
        for fd in pass_fds:
            os.close(fd)
        for mark in SANITIZER_MARKS:
            assert mark not in p.stderr, p.stderr
        return p

    def json(self, *args, **kw):
        p = self.run("--json", *args, **kw)
        assert p.stdout.strip(), p.stderr
        return p, json.loads(p.stdout)


def ncaenrolld(*args, password=None):
    cmd = program() + list(args)
    pass_fds = ()
    if password is not None:
        r, w = os.pipe()
        os.write(w, password.encode() + b"\n")
        os.close(w)
        cmd = [a if a != "PWFD" else str(r) for a in cmd]
        pass_fds = (r,)
    p = subprocess.run(cmd, capture_output=True, text=True, env=program_env(),
                       stdin=subprocess.DEVNULL, pass_fds=pass_fds, timeout=120)
    for fd in pass_fds:
        os.close(fd)
    return p


def add_operator(svc, name, out, password, office="karaganda-1", role="operator"):
    p = ncaenrolld("--demo", "--state-dir", svc.state, "operator", "add", name, "--office",
                   office, "--role", role, "--password-fd", "PWFD", "--out", out,
                   password=password)
    assert p.returncode == 0, p.stdout + p.stderr
    assert os.path.exists(out)
    return out


@pytest.fixture
def applied(svc, tmp_path):
    """A fresh application through the applicant's command line: (applicant, number)."""
    me = Applicant(svc, str(tmp_path / "applicant"))
    os.makedirs(me.home, exist_ok=True)
    p = me.apply()
    assert p.returncode == 0, p.stderr
    return me, json.loads(p.stdout)["request_number"]


def all_documents(desk, number):
    p, app = desk.json("show", number)
    assert p.returncode == 0, p.stderr
    return [d["code"] for d in app["documents"]]


# ---- the work of the desk ----

def test_queue_shows_a_new_application(svc, tmp_path, applied):
    _, number = applied
    desk = Desk(svc, tmp_path)
    p = desk.run("queue", "--all")
    assert p.returncode == 0, p.stderr
    assert number in p.stdout
    assert DEMO_SURNAME in p.stdout
    for line in p.stdout.splitlines():
        assert len(line) <= 80, line          # Cyrillic counts as one column a letter
    p, answer = desk.json("queue", "--all")
    assert p.returncode == 0
    apps = answer["applications"]
    assert number in [a["request_number"] for a in apps]


def test_queue_search_by_number_iin_and_bin(svc, tmp_path, applied):
    _, number = applied
    desk = Desk(svc, tmp_path)
    for q in (number, number.replace("-", ""), DEMO_IIN, DEMO_BIN):
        p, answer = desk.json("queue", "--search", q)
        assert p.returncode == 0, p.stderr
        assert number in [a["request_number"] for a in answer["applications"]], q


def test_queue_filters(svc, tmp_path, applied):
    _, number = applied
    desk = Desk(svc, tmp_path)

    def numbers(*args):
        p, answer = desk.json("queue", *args)
        assert p.returncode == 0, p.stderr
        return [a["request_number"] for a in answer["applications"]]
    assert number in numbers("--region", "karaganda", "--max-age", "1")
    assert number in numbers("--city", "karaganda")
    assert number in numbers("--office", "karaganda-1")
    assert number not in numbers("--region", "pavlodar")
    assert number not in numbers("--city", "temirtau")
    p = desk.run("queue", "--max-age", "soon")
    assert p.returncode == 2


def test_show_is_unmasked_with_the_checklist(svc, tmp_path, applied):
    _, number = applied
    desk = Desk(svc, tmp_path)
    p = desk.run("show", number)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert number in out
    assert DEMO_IIN in out and DEMO_BIN in out          # not masked at the desk
    assert "buhgalter@mail.kz" in out
    assert DEMO_SURNAME in out
    assert "[ ]" in out and "Documents to check" in out
    assert "History:" in out
    p, app = desk.json("show", number)
    assert len(app["documents"]) >= 3
    assert app["applicant"]["iin"] == DEMO_IIN
    # The history command shows the same events.
    p = desk.run("history", number)
    assert p.returncode == 0 and number in p.stdout
    p, hist = desk.json("history", number)
    assert p.returncode == 0 and len(hist["history"]) >= 1


def test_approve_issues_and_the_applicant_sees_it(svc, tmp_path, applied):
    me, number = applied
    desk = Desk(svc, tmp_path)
    docs = all_documents(desk, number)
    # As a person types a list: a space after each comma is no part of a code.
    p = desk.run("approve", number, "--documents", ", ".join(docs), "--yes")
    assert p.returncode == 0, p.stderr
    assert "Approved" in p.stdout
    st = wait_status(me, number, "issued", seconds=20)
    p = me.run("status", number)
    assert "Registration certificates are issued" in p.stdout
    # Decided, it leaves every desk's queue: the queue is what is still to be verified.
    p, answer = desk.json("queue", "--all")
    assert p.returncode == 0, p.stderr
    assert number not in json.dumps(answer), answer
    # A decision is taken once: the second meets the service's words, exit 1.
    p = desk.run("approve", number, "--documents", ",".join(docs), "--yes")
    assert p.returncode == 1
    assert "already decided by" in p.stderr and "demo-operator" in p.stderr
    p, answer = desk.json("reject", number, "--reason", "other", "--text", "late", "--yes")
    assert p.returncode == 1 and answer["error"]["code"] == "application.already_decided"
    assert st["status"] == "issued"


def test_two_desks_at_once_one_wins(svc, tmp_path, applied):
    _, number = applied
    other = add_operator(svc, "clerk-race", str(tmp_path / "race.p12"), "Race-pass-2026",
                         role="supervisor")
    desks = [Desk(svc, tmp_path), Desk(svc, tmp_path, p12=other, password="Race-pass-2026")]
    procs = []
    for d in desks:
        r, w = os.pipe()
        os.write(w, d.password.encode() + b"\n")
        os.close(w)
        procs.append((subprocess.Popen(
            d.cmd() + ["--operator", d.p12, "--password-fd", str(r), "approve", number,
                       "--documents", "form,identity,authority", "--yes"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=d.env(),
            stdin=subprocess.DEVNULL, pass_fds=(r,)), r))
    results = []
    for p, r in procs:
        out, err = p.communicate(timeout=120)
        os.close(r)
        results.append((p.returncode, out, err))
    assert sorted(rc for rc, _, _ in results) == [0, 1], results
    loser = [err for rc, _, err in results if rc == 1][0]
    assert "already decided by operator " in loser


def test_every_document_must_be_checked(svc, tmp_path, applied):
    _, number = applied
    desk = Desk(svc, tmp_path)
    p, answer = desk.json("approve", number, "--documents", "form", "--yes")
    assert p.returncode == 1
    assert answer["error"]["field"] == "documents"
    p = desk.run("approve", number, "--documents", "form", "--yes")
    assert p.returncode == 1 and "documents" in p.stderr
    p, app = desk.json("show", number)
    assert app["status"] == "submitted"


def test_an_operator_sees_their_office_and_only_a_supervisor_all(svc, tmp_path, applied):
    _, number = applied
    p12 = add_operator(svc, "clerk-k1", str(tmp_path / "k1.p12"), "Clerk-pass-2026")
    desk = Desk(svc, tmp_path, p12=p12, password="Clerk-pass-2026")
    p = desk.run("queue")                              # karaganda-1 is in Karaganda
    assert p.returncode == 0, p.stderr
    assert number in p.stdout
    p = desk.run("queue", "--all")
    assert p.returncode == 1
    assert "supervisor" in p.stderr


def test_reject_with_a_reason(svc, tmp_path, applied):
    me, number = applied
    desk = Desk(svc, tmp_path)
    p, answer = desk.json("reject", number, "--reason", "identity_mismatch", "--text",
                          "паспорт не совпадает", "--yes")
    assert p.returncode == 0, p.stderr
    assert answer["status"] == "rejected"
    wait_status(me, number, "rejected", seconds=20)
    p = me.run("status", number)
    assert "Rejected" in p.stdout
    assert "Reason:" in p.stdout and "паспорт не совпадает" in p.stdout


def test_unknown_reason_is_refused(svc, tmp_path, applied):
    _, number = applied
    p = Desk(svc, tmp_path).run("reject", number, "--reason", "bad_weather", "--yes")
    assert p.returncode == 1
    assert "reason" in p.stderr


def test_without_a_terminal_the_decision_must_be_spelled_out(svc, tmp_path, applied):
    _, number = applied
    desk = Desk(svc, tmp_path)
    p = desk.run("approve", number, "--documents", "form")
    assert p.returncode == 2 and "--yes" in p.stderr
    p = desk.run("approve", number, "--yes")
    assert p.returncode == 2 and "--documents" in p.stderr
    p = desk.run("reject", number, "--yes")
    assert p.returncode == 2 and "--reason" in p.stderr
    # Nothing was decided.
    p, app = desk.json("show", number)
    assert app["status"] == "submitted"


def test_a_mistyped_number_is_caught_before_the_network(svc, tmp_path, applied):
    _, number = applied
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    p = Desk(svc, tmp_path).run("show", wrong)
    assert p.returncode == 1
    assert p.stderr.strip()


def test_approve_at_a_terminal_ticks_each_document(svc, tmp_path, applied):
    me, number = applied
    desk = Desk(svc, tmp_path)
    cmd = desk.cmd() + ["--operator", desk.p12, "approve", number]
    env = desk.env()
    env.update(TERM="xterm")
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, encoding="utf-8", timeout=60,
                          dimensions=(24, 80))
    child.expect("Password for .*: ")
    child.sendline(DEMO_OPERATOR_PASSWORD)            # no echo: not in the output
    child.expect(DEMO_SURNAME)
    ticked = 0
    while True:
        i = child.expect([r"Checked.*\? \[y/N\] ", r"Approve application .*\? \[y/N\] "])
        if i == 1:
            break
        child.sendline("y")
        ticked += 1
    assert ticked >= 3
    assert DEMO_OPERATOR_PASSWORD not in child.before
    child.sendline("y")
    child.expect("Approved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    wait_status(me, number, "issued", seconds=20)
    # At a terminal too, a decided application asks nothing and says who decided.
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, encoding="utf-8", timeout=60)
    child.expect("Password for .*: ")
    child.sendline(DEMO_OPERATOR_PASSWORD)
    child.expect("already decided by operator demo-operator")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1


def test_a_document_not_checked_stops_the_approval(svc, tmp_path, applied):
    _, number = applied
    desk = Desk(svc, tmp_path)
    cmd = desk.cmd() + ["--operator", desk.p12, "approve", number]
    child = pexpect.spawn(cmd[0], cmd[1:], env=desk.env(), encoding="utf-8", timeout=60)
    child.expect("Password for .*: ")
    child.sendline(DEMO_OPERATOR_PASSWORD)
    child.expect(r"Checked: .*\? \[y/N\] ")
    child.sendline("n")                                # the printed form is missing
    while child.expect([r"Checked.*\? \[y/N\] ", "not approved"]) == 0:
        child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    p, app = desk.json("show", number)
    assert app["status"] == "submitted"


def test_reasons_are_the_services(svc, tmp_path):
    desk = Desk(svc, tmp_path)
    p = desk.run("reasons")
    assert p.returncode == 0, p.stderr
    assert "identity_mismatch" in p.stdout and "other" in p.stdout
    p, answer = desk.json("reasons")
    assert "other" in [r["code"] for r in answer["reasons"]]


def test_declining_at_a_terminal_decides_nothing(svc, tmp_path, applied):
    _, number = applied
    desk = Desk(svc, tmp_path)
    cmd = desk.cmd() + ["--operator", desk.p12, "reject", number, "--reason", "other",
                        "--text", "test"]
    child = pexpect.spawn(cmd[0], cmd[1:], env=desk.env(), encoding="utf-8", timeout=60)
    child.expect("Password for .*: ")
    child.sendline(DEMO_OPERATOR_PASSWORD)
    child.expect(r"Reject application .*\? \[y/N\] ")
    child.sendline("")
    child.expect("Nothing was decided")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    p, app = desk.json("show", number)
    assert app["status"] == "submitted"


# ---- refusals the desk must explain ----

def test_no_operator_certificate(svc, tmp_path):
    p = Desk(svc, tmp_path, p12="").run("queue")
    assert p.returncode == 1
    assert "--operator" in p.stderr
    p, answer = Desk(svc, tmp_path, p12="").json("queue")
    assert answer["error"]["code"] == "ra.no_certificate"


def test_wrong_password_for_the_container(svc, tmp_path):
    p = Desk(svc, tmp_path, password="not-the-password").run("queue")
    assert p.returncode == 1
    assert "password does not open" in p.stderr
    assert "not-the-password" not in p.stderr + p.stdout


def test_missing_container(svc, tmp_path):
    p = Desk(svc, tmp_path, p12=str(tmp_path / "nowhere.p12")).run("queue")
    assert p.returncode == 4
    assert "nowhere.p12" in p.stderr


def test_revoked_operator(svc, tmp_path):
    p12 = add_operator(svc, "clerk-revoked", str(tmp_path / "clerk.p12"), "Clerk-pass-2026")
    desk = Desk(svc, tmp_path, p12=p12, password="Clerk-pass-2026")
    p = desk.run("queue")
    assert p.returncode == 0, p.stderr                 # works while it is current
    r = ncaenrolld("--demo", "--state-dir", svc.state, "operator", "revoke", "clerk-revoked")
    assert r.returncode == 0, r.stdout + r.stderr
    p = desk.run("queue")
    assert p.returncode == 1
    assert "revoked" in p.stderr and "administrator" in p.stderr
    p, answer = desk.json("queue")
    assert answer["error"]["code"] == "ra.revoked"


def test_certificate_from_another_ca(svc, tmp_path):
    key, crt, p12 = (str(tmp_path / n) for n in ("x.key", "x.pem", "x.p12"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", crt, "-days", "30", "-subj", "/CN=demo-operator/OU=karaganda-1"
                    "/title=supervisor"], check=True, capture_output=True)
    subprocess.run(["openssl", "pkcs12", "-export", "-in", crt, "-inkey", key, "-out", p12,
                    "-passout", "pass:Other-pass-1"], check=True, capture_output=True)
    desk = Desk(svc, tmp_path, p12=p12, password="Other-pass-1")
    p = desk.run("queue")
    assert p.returncode == 1
    assert "operator CA" in p.stderr
    p, answer = desk.json("queue")
    assert answer["error"]["code"] == "ra.unknown_issuer"


def test_an_applicants_certificate_is_not_an_operators(svc, tmp_path, applied):
    me, number = applied
    desk = Desk(svc, tmp_path)
    docs = all_documents(desk, number)
    assert desk.run("approve", number, "--documents", ",".join(docs), "--yes").returncode == 0
    wait_status(me, number, "issued", seconds=20)
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    auth = json.loads(p.stdout)["auth"]
    applicant = Desk(svc, tmp_path, p12=auth, password="Qwerty12")
    p = applicant.run("queue")
    assert p.returncode == 1
    assert "not an operator" in p.stderr or "applicant's certificate" in p.stderr
    p, answer = applicant.json("queue")
    assert answer["error"]["code"] == "ra.not_operator"


def test_expired_operator_certificate(tmp_path):
    clock = tmp_path / "clock"
    set_clock(clock, int(time.time()))
    s = Service(tmp_path / "state", extra=["--test-clock", str(clock)])
    try:
        ensure_demo_operator(s)
        desk = Desk(s, tmp_path)
        assert desk.run("queue").returncode == 0
        set_clock(clock, int(time.time()) + 20 * 365 * 86400)
        p = desk.run("queue")
        assert p.returncode == 1
        assert "expired" in p.stderr and "administrator" in p.stderr
    finally:
        s.stop()


# ---- the command line itself ----

def test_password_is_never_taken_from_argv(svc, tmp_path):
    desk = Desk(svc, tmp_path)
    for opt in (["--password", "Secret-1"], ["--password=Secret-1"]):
        p = subprocess.run(desk.cmd() + ["--operator", desk.p12] + opt + ["queue"],
                           capture_output=True, text=True, env=desk.env(),
                           stdin=subprocess.DEVNULL, timeout=60)
        assert p.returncode == 2
        assert "never taken from the command line" in p.stderr
        assert "Secret-1" not in p.stderr + p.stdout
    p = subprocess.run(desk.cmd() + ["--operator", desk.p12, "--password-fd", "Secret-1",
                                     "queue"], capture_output=True, text=True, env=desk.env(),
                       stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 2 and "Secret-1" not in p.stderr
    # No terminal and no --password-fd: it says how to give one instead of hanging.
    p = subprocess.run(desk.cmd() + ["--operator", desk.p12, "queue"], capture_output=True,
                       text=True, env=desk.env(), stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 2 and "--password-fd" in p.stderr


def test_settings_file(svc, tmp_path):
    desk = Desk(svc, tmp_path)
    cfg = tmp_path / "cfg" / "ncaenroll"
    cfg.mkdir(parents=True)
    (cfg / "ra.yaml").write_text(f"service: {svc.base}\nca_file: {svc.cafile}\n"
                                 f"operator: {desk.p12}\nlang: en\n")
    r, w = os.pipe()
    os.write(w, DEMO_OPERATOR_PASSWORD.encode() + b"\n")
    os.close(w)
    p = subprocess.run(desk.cmd(service=False) + ["--password-fd", str(r), "queue"],
                       capture_output=True, text=True, env=desk.env(), pass_fds=(r,),
                       stdin=subprocess.DEVNULL, timeout=60)
    os.close(r)
    assert p.returncode == 0, p.stderr
    (cfg / "ra.yaml").write_text("service: https://x\ncolour: red\n")
    p = subprocess.run(desk.cmd(service=False) + ["queue"], capture_output=True, text=True,
                       env=desk.env(), stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 2
    assert "ra.yaml:2" in p.stderr and "operator" in p.stderr


def test_help_version_and_usage(svc, tmp_path):
    desk = Desk(svc, tmp_path)
    p = subprocess.run(desk.cmd(service=False) + ["--help"], capture_output=True, text=True,
                       env=desk.env(), timeout=60)
    assert p.returncode == 0
    for word in ("queue", "show", "approve", "reject", "history", "--operator",
                 "--password-fd", DEMO_OPERATOR_PASSWORD):
        assert word in p.stdout
    assert all(help_line_fits(line) for line in p.stdout.splitlines()), p.stdout
    p = subprocess.run(desk.cmd(service=False) + ["--version"], capture_output=True,
                       text=True, env=desk.env(), timeout=60)
    assert p.returncode == 0 and "ncaenroll-ra" in p.stdout
    p = subprocess.run(desk.cmd(service=False) + ["frobnicate"], capture_output=True,
                       text=True, env=desk.env(), timeout=60)
    assert p.returncode == 2 and "--help" in p.stderr


def test_demo_desk_approves_a_demo_application(tmp_path):
    """`ncaenroll --demo apply`, then `ncaenroll-ra --demo approve`: the same private service
    (its data under XDG_STATE_HOME), signed in as the demo operator with its documented
    password, and the applicant's demo then reads the certificates as issued."""
    env = program_env()
    env.update(HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "xdg"),
               XDG_CONFIG_HOME=str(tmp_path / "cfg"))

    def desk(*args):
        return subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                               os.path.join(BUILDDIR, "ncaenroll-ra"), "--demo", *args],
                              capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=240)

    p = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                        os.path.join(BUILDDIR, "ncaenroll"), "--demo", "apply", "--json",
                        "--bin", DEMO_BIN, "--iin", DEMO_IIN, "--captcha-answer", "K7M3P",
                        "--role", "ROLE02", "--region", "karaganda", "--city", "karaganda",
                        "--gu-code", "1001", "--dir", str(tmp_path / "keys")],
                       capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                       timeout=240)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    service_dir = tmp_path / "xdg" / "ncaenroll" / "demo" / "service"
    p12 = service_dir / "operators" / "demo-operator.p12"
    if not p12.exists():
        # A service from before the demo operator: add it as the demo would.
        p12.parent.mkdir(exist_ok=True)
        r = ncaenrolld("--demo", "--state-dir", str(service_dir), "operator", "add",
                       "demo-operator", "--office", "karaganda-1", "--role", "supervisor",
                       "--password-fd", "PWFD", "--out", str(p12),
                       password=DEMO_OPERATOR_PASSWORD)
        assert r.returncode == 0, r.stdout + r.stderr
    p = desk("--json", "queue")
    assert p.returncode == 0, p.stdout + p.stderr
    assert number in [a["request_number"] for a in json.loads(p.stdout)["applications"]]
    p = desk("approve", number, "--documents", "form,identity,authority", "--yes")
    assert p.returncode == 0, p.stdout + p.stderr
    p = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                        os.path.join(BUILDDIR, "ncaenroll"), "--demo", "status", number],
                       capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                       timeout=240)
    assert "Registration certificates are issued" in p.stdout, p.stdout + p.stderr
