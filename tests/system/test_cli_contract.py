"""The command line as scripts depend on it, for both client programs: the exit status of
every subcommand on success and on each failure ncaenroll(1) and ncaenroll-ra(1) document,
provoked for real against the real service on loopback (no terminal: stdin is /dev/null).

Each row of the tables names a subcommand, what it is given and the status a script must
see. {placeholders} are filled from one prepared applicant (a submitted application, an
issued one, a draft) or, for rows that change what they touch, a fresh one of their own."""
import json
import os
import subprocess

import pytest

from conftest import BUILDDIR
from fixtures import service_fixture
from service import SANITIZER_MARKS, program_env
from test_apply_cli import Applicant, wait_status
from test_ra_cli import DEMO_OPERATOR_PASSWORD, demo_operator_p12

UNREACHABLE = "https://127.0.0.1:1"     # nothing listens on port 1


svc = service_fixture("contract", operator=True)


class World:
    """One applicant's computer with an application in each state the rows need."""

    def __init__(self, svc, home):
        self.svc, self.home = svc, str(home)
        os.makedirs(self.home, exist_ok=True)
        self.me = Applicant(svc, self.home)
        self.values = {"svc": svc.base, "ca": svc.cafile, "home": self.home,
                       "state": self.me.state, "p12": demo_operator_p12(svc),
                       "unreachable": UNREACHABLE}
        self.values["sent"] = self.fresh_number()
        self.values["issued"] = self.fresh_number(issued=True)
        self.values["typo"] = self.values["sent"][:-1] + str((int(self.values["sent"][-1]) + 1) % 10)
        self.values["draft"] = self.fresh_draft()
        bad = open(os.path.join(self.home, "damaged.yaml"), "w", encoding="utf-8")
        bad.write("applications: [\n")
        bad.close()
        self.values["damaged"] = bad.name

    def fresh_number(self, issued=False):
        p = self.me.apply()
        assert p.returncode == 0, p.stderr
        number = json.loads(p.stdout)["request_number"]
        if issued:
            p = self.run("ncaenroll-ra", ["--operator", demo_operator_p12(self.svc),
                                          "--password-fd", "PWFD", "approve", number,
                                          "--documents", "form,identity,authority", "--yes"],
                         password=DEMO_OPERATOR_PASSWORD)
            assert p.returncode == 0, p.stderr
            wait_status(self.me, number, "issued")
        return number

    def fresh_draft(self):
        p = self.me.apply(gu_code="9999")
        assert p.returncode == 1, p.stderr
        drafts = [a for a in json.loads(self.me.run("--json", "list").stdout)
                  if a["state"] == "draft"]
        return drafts[-1]["id"]

    def fill(self, args):
        """{name} from the prepared values; {fresh_issued}, {fresh_sent}, {fresh_draft}:
        made for this row alone."""
        out = []
        for a in args:
            if "{fresh_issued}" in a:
                a = a.replace("{fresh_issued}", self.fresh_number(issued=True))
            if "{fresh_sent}" in a:
                a = a.replace("{fresh_sent}", self.fresh_number())
            if "{fresh_draft}" in a:
                a = a.replace("{fresh_draft}", self.fresh_draft())
            out.append(a.format(**self.values))
        return out

    def run(self, prog, args, password=None, service=True):
        """prog ARGS with this computer's settings: for ncaenroll --service, --ca-file and
        --state come first unless the row gives its own; PWFD becomes a descriptor that
        holds password."""
        env = program_env()
        env.update(HOME=self.home, XDG_STATE_HOME=os.path.join(self.home, "xdg"),
                   XDG_CONFIG_HOME=os.path.join(self.home, "cfg"))
        cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, prog)]
        given = " ".join(args)
        if service and "--service" not in given and "--demo" not in given:
            cmd += ["--service", self.svc.base]
            if "--ca-file" not in given:
                cmd += ["--ca-file", self.svc.cafile]
        if prog == "ncaenroll" and "--state" not in given and "--demo" not in given:
            cmd += ["--state", self.me.state]
        pass_fds = ()
        if password is not None:
            r, w = os.pipe()
            os.write(w, password.encode() + b"\n")
            os.close(w)
            args = [a.replace("PWFD", str(r)) for a in args]
            pass_fds = (r,)
        p = subprocess.run(cmd + list(args), capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, pass_fds=pass_fds, timeout=240)
        for fd in pass_fds:
            os.close(fd)
        for mark in SANITIZER_MARKS:
            assert mark not in p.stderr, p.stderr
        return p


@pytest.fixture(scope="module")
def world(svc, tmp_path_factory):
    return World(svc, tmp_path_factory.mktemp("applicant"))


APPLY = ["--bin", "940140000385", "--iin", "871008401427", "--role", "ROLE02",
         "--region", "karaganda", "--city", "karaganda", "--gu-code", "1001",
         "--captcha-answer", "K7M3P"]

# (id, program, args, password for PWFD or None, exit status)
NCAENROLL = [
    ("apply-ok", "ncaenroll", ["apply", *APPLY, "--dir", "{home}/keys-ok"], None, 0),
    ("apply-refused-bin", "ncaenroll",
     ["apply", *APPLY, "--bin", "940140000386", "--dir", "{home}/k1"], None, 1),
    ("apply-refused-city", "ncaenroll",
     ["apply", *APPLY, "--city", "almaty", "--dir", "{home}/k2"], None, 1),
    ("apply-missing-iin", "ncaenroll",
     ["apply", "--bin", "940140000385", "--captcha-answer", "K7M3P"], None, 2),
    ("apply-unknown-option", "ncaenroll", ["apply", "--colour", "red"], None, 2),
    ("apply-operand", "ncaenroll", ["apply", "extra"], None, 2),
    ("apply-http-service", "ncaenroll",
     ["--service", "http://127.0.0.1:1", "apply", *APPLY, "--dir", "{home}/k5"], None, 2),
    ("apply-missing-captcha", "ncaenroll",
     ["apply", *APPLY[:-2], "--dir", "{home}/k6"], None, 2),
    ("apply-unreachable", "ncaenroll",
     ["--service", "{unreachable}", "apply", *APPLY, "--dir", "{home}/k3"], None, 3),
    ("apply-damaged-state", "ncaenroll",
     ["--state", "{damaged}", "apply", *APPLY, "--dir", "{home}/k4"], None, 4),
    ("apply-keys-folder-fails", "ncaenroll",
     ["apply", *APPLY, "--dir", "/proc/ncaenroll-keys"], None, 4),

    ("status-one", "ncaenroll", ["status", "{sent}"], None, 0),
    ("status-all", "ncaenroll", ["status"], None, 0),
    ("status-mistyped", "ncaenroll",
     ["status", "{typo}"], None, 1),
    ("status-two-numbers", "ncaenroll", ["status", "{sent}", "{sent}"], None, 2),
    ("status-unknown-option", "ncaenroll", ["status", "--colour"], None, 2),
    ("status-http-service", "ncaenroll", ["--service", "http://127.0.0.1:1", "status"],
     None, 2),
    ("status-missing-ca-file", "ncaenroll", ["--ca-file", "{home}/none.pem", "status"],
     None, 4),
    ("status-unreachable", "ncaenroll", ["--service", "{unreachable}", "status", "{sent}"],
     None, 3),
    ("status-damaged-state", "ncaenroll", ["--state", "{damaged}", "status"], None, 4),

    ("install-ok", "ncaenroll", ["install", "--password-fd", "PWFD", "{fresh_issued}"],
     "Qwerty12", 0),
    ("install-weak-password", "ncaenroll", ["install", "--password-fd", "PWFD", "{issued}"],
     "пароль", 1),
    ("install-not-issued", "ncaenroll", ["install", "--password-fd", "PWFD", "{draft}"],
     "Qwerty12", 1),
    ("install-no-number", "ncaenroll", ["install", "--password-fd", "PWFD"], "Qwerty12", 2),
    ("install-no-terminal", "ncaenroll", ["install", "{issued}"], None, 2),
    ("install-http-service", "ncaenroll",
     ["--service", "http://127.0.0.1:1", "install", "--password-fd", "PWFD", "{issued}"],
     "Qwerty12", 2),
    ("install-bad-fd", "ncaenroll", ["install", "--password-fd", "three", "{issued}"],
     None, 2),
    ("install-unreachable", "ncaenroll",
     ["--service", "{unreachable}", "install", "--password-fd", "PWFD", "{issued}"],
     "Qwerty12", 3),
    ("install-damaged-state", "ncaenroll",
     ["--state", "{damaged}", "install", "--password-fd", "PWFD", "{issued}"],
     "Qwerty12", 4),

    ("list-ok", "ncaenroll", ["list"], None, 0),
    ("list-json", "ncaenroll", ["--json", "list"], None, 0),
    ("list-empty", "ncaenroll", ["--state", "{home}/empty.yaml", "list"], None, 0),
    ("list-operand", "ncaenroll", ["list", "extra"], None, 2),
    ("list-damaged-state", "ncaenroll", ["--state", "{damaged}", "list"], None, 4),

    ("form-ok", "ncaenroll", ["form", "{sent}"], None, 0),
    ("form-pdf", "ncaenroll", ["form", "--pdf", "{home}/form.pdf", "{sent}"], None, 0),
    ("form-unknown-number", "ncaenroll", ["form", "{draft}"], None, 1),
    ("form-no-number", "ncaenroll", ["form"], None, 2),
    ("form-pdf-unwritable", "ncaenroll", ["form", "--pdf", "/proc/form.pdf", "{sent}"],
     None, 4),
    ("form-damaged-state", "ncaenroll", ["--state", "{damaged}", "form", "{sent}"], None, 4),

    ("abandon-ok", "ncaenroll", ["abandon", "{fresh_draft}"], None, 0),
    ("abandon-sent", "ncaenroll", ["abandon", "{sent}"], None, 1),
    ("abandon-no-id", "ncaenroll", ["abandon"], None, 2),
    ("abandon-damaged-state", "ncaenroll", ["--state", "{damaged}", "abandon", "{draft}"],
     None, 4),

    ("validate-ok", "ncaenroll", ["validate", "iin", "871008401427"], None, 0),
    ("validate-invalid", "ncaenroll", ["validate", "iin", "871008401420"], None, 1),
    ("validate-no-kind", "ncaenroll", ["validate"], None, 2),
    ("validate-unknown-kind", "ncaenroll", ["validate", "colour", "red"], None, 2),
    ("validate-password-no-input", "ncaenroll", ["validate", "password"], None, 4),
]


@pytest.mark.parametrize("name,prog,args,password,status", NCAENROLL,
                         ids=[r[0] for r in NCAENROLL])
def test_ncaenroll_exit_status(world, name, prog, args, password, status):
    p = world.run(prog, world.fill(args), password=password)
    assert p.returncode == status, (p.stdout, p.stderr)
    if status != 0:
        assert p.stderr.strip(), "a failure says why"


def test_list_exit_status_is_zero_every_time(world):
    """`list` once returned whatever happened to be on the stack."""
    for args in (["list"], ["--state", world.values["home"] + "/none.yaml", "list"]):
        for _ in range(10):
            p = world.run("ncaenroll", args)
            assert p.returncode == 0, (p.stdout, p.stderr)


# ncaenroll-ra: the demo operator's container, its password from a descriptor.
OPERATOR = ["--operator", "{p12}", "--password-fd", "PWFD"]
NCAENROLL_RA = [
    ("queue-ok", ["queue", "--all"], DEMO_OPERATOR_PASSWORD, 0),
    ("queue-bad-days", ["queue", "--max-age", "soon"], DEMO_OPERATOR_PASSWORD, 2),
    ("queue-operand", ["queue", "extra"], DEMO_OPERATOR_PASSWORD, 2),
    ("queue-wrong-password", ["queue"], "not-the-password", 1),
    ("queue-unreachable", ["--service", "{unreachable}", "queue"], DEMO_OPERATOR_PASSWORD, 3),
    ("queue-http-service", ["--service", "http://127.0.0.1:1", "queue"],
     DEMO_OPERATOR_PASSWORD, 2),
    ("queue-missing-ca-file", ["--ca-file", "{home}/none.pem", "queue"],
     DEMO_OPERATOR_PASSWORD, 4),
    ("show-ok", ["show", "{sent}"], DEMO_OPERATOR_PASSWORD, 0),
    ("show-mistyped", ["show", "{typo}"],
     DEMO_OPERATOR_PASSWORD, 1),
    ("show-no-number", ["show"], DEMO_OPERATOR_PASSWORD, 2),
    ("history-ok", ["history", "{sent}"], DEMO_OPERATOR_PASSWORD, 0),
    ("history-no-number", ["history"], DEMO_OPERATOR_PASSWORD, 2),
    ("reasons-ok", ["reasons"], DEMO_OPERATOR_PASSWORD, 0),
    ("reasons-operand", ["reasons", "extra"], DEMO_OPERATOR_PASSWORD, 2),
    ("approve-ok", ["approve", "{fresh_sent}", "--documents", "form,identity,authority",
                    "--yes"], DEMO_OPERATOR_PASSWORD, 0),
    ("approve-decided", ["approve", "{issued}", "--documents", "form,identity,authority",
                         "--yes"], DEMO_OPERATOR_PASSWORD, 1),
    ("approve-no-yes", ["approve", "{sent}", "--documents", "form"],
     DEMO_OPERATOR_PASSWORD, 2),
    ("reject-ok", ["reject", "{fresh_sent}", "--reason", "identity_mismatch", "--yes"],
     DEMO_OPERATOR_PASSWORD, 0),
    ("reject-unknown-reason", ["reject", "{sent}", "--reason", "bad_weather", "--yes"],
     DEMO_OPERATOR_PASSWORD, 1),
    ("reject-no-reason", ["reject", "{sent}", "--yes"], DEMO_OPERATOR_PASSWORD, 2),
]


@pytest.mark.parametrize("name,args,password,status", NCAENROLL_RA,
                         ids=[r[0] for r in NCAENROLL_RA])
def test_ncaenroll_ra_exit_status(world, name, args, password, status):
    # Approving or rejecting {sent} would change it for the other rows: those get
    # {fresh_sent}; {issued} is already decided.
    given = world.fill(OPERATOR + args)
    p = world.run("ncaenroll-ra", given, password=password)
    assert p.returncode == status, (p.stdout, p.stderr)
    if status != 0:
        assert p.stderr.strip(), "a failure says why"


def test_ncaenroll_ra_missing_container(world):
    p = world.run("ncaenroll-ra", ["--operator", world.values["home"] + "/nowhere.p12",
                                   "--password-fd", "PWFD", "queue"], password="x")
    assert p.returncode == 4, (p.stdout, p.stderr)
    assert "nowhere.p12" in p.stderr


def test_status_wait_returns_once_the_desk_decides(world):
    """`status --wait` is how a script waits for the certificates: no guessed delay."""
    import threading
    import time
    number = world.fresh_number()
    p = world.run("ncaenroll", ["status", "--wait", world.values["issued"]])
    assert p.returncode == 0 and "issued" in p.stdout, "decided already: no waiting"

    def approve():
        time.sleep(3)
        world.run("ncaenroll-ra", world.fill(OPERATOR + ["approve", number, "--documents",
                                                          "form,identity,authority", "--yes"]),
                  password=DEMO_OPERATOR_PASSWORD)
    desk = threading.Thread(target=approve)
    started = time.monotonic()
    desk.start()
    p = world.run("ncaenroll", ["--json", "status", "--wait", number])
    desk.join()
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["status"] == "issued"
    assert time.monotonic() - started >= 3
