"""Crash and resume: the applicant's process is killed with SIGKILL at every persisted
transition of apply and install (fault points, compiled into test builds only) and run
again. It must resume from the last state, re-send the same CSRs, get the same request
number, never make a third key, never lose a pending key, and finish."""
import json
import os
import sqlite3
import subprocess

import pytest

from conftest import BUILDDIR
from service import Service, program_env
from test_apply_cli import Applicant, wait_status, snapshot


def _fault_points_built():
    try:
        with open(os.path.join(BUILDDIR, "config.h")) as f:
            return "#define ENABLE_FAULT_POINTS 1" in f.read()
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _fault_points_built(),
                                reason="built without --enable-fault-points "
                                       "(./quickstart check's sanitizer build has them)")

APPLY_POINTS = ["apply.keys-made", "apply.keys-ready", "apply.submit-answered",
                "apply.submitted"]
INSTALL_POINTS = ["install.downloaded", "install.proved", "install.containers-written",
                  "install.installed", "install.reported"]


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    s = Service(tmp_path_factory.mktemp("resume") / "state", extra=["--auto-approve", "1"])
    yield s
    s.stop()


def crash(applicant, point, *args, password=None):
    env_fault = {"NCAENROLL_FAULT": point}
    old = program_env

    def with_fault():
        e = old()
        e.update(env_fault)
        return e
    import test_apply_cli
    test_apply_cli.program_env = with_fault
    try:
        if args and args[0] == "apply":
            p = applicant.apply()
        else:
            p = applicant.run(*args, password=password)
    finally:
        test_apply_cli.program_env = old
    assert p.returncode == -9, f"{point}: not killed ({p.returncode}): {p.stderr}"


def applications_in(svc):
    db = sqlite3.connect(os.path.join(svc.state, "ncaenrolld.db"))
    try:
        return db.execute("SELECT count(*) FROM applications").fetchone()[0]
    finally:
        db.close()


def pending_keys(applicant):
    if not os.path.isdir(applicant.keys):
        return {}
    return {n: v for n, v in snapshot(applicant.keys).items() if n.endswith(".key")}


@pytest.mark.parametrize("point", APPLY_POINTS)
def test_apply_resumes_after_a_crash(svc, tmp_path, point):
    me = Applicant(svc, str(tmp_path))
    before = applications_in(svc)
    crash(me, point, "apply")
    keys_at_crash = pending_keys(me)
    apps = json.loads(me.run("--json", "list").stdout)
    assert len(apps) == 1
    p = me.run("--json", "apply", "--resume", apps[0]["id"], "--captcha-answer",
               svc.captcha_code)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    # Keys made before the crash are the keys that were submitted: no third key.
    keys = pending_keys(me)
    assert len(keys) == 2
    if keys_at_crash:
        assert keys == keys_at_crash
    # One application on the service, whichever side of the answer the crash fell on.
    assert applications_in(svc) == before + 1
    assert json.loads(me.run("--json", "list").stdout)[0]["request_number"] == number


@pytest.mark.parametrize("point", INSTALL_POINTS)
def test_install_resumes_after_a_crash(svc, tmp_path, point):
    me = Applicant(svc, str(tmp_path))
    number = json.loads(me.apply().stdout)["request_number"]
    wait_status(me, number, "issued")
    keys = pending_keys(me)
    crash(me, point, "install", "--password-fd", "PWFD", number, password="Qwerty12")
    # Until the containers are durable, the pending keys are all there.
    if point in ("install.downloaded", "install.proved"):
        assert pending_keys(me) == keys
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    for f in (done["auth"], done["sign"]):
        ok = subprocess.run(["openssl", "pkcs12", "-in", f, "-noout", "-passin",
                             "pass:Qwerty12"], capture_output=True)
        assert ok.returncode == 0, ok.stderr
    assert pending_keys(me) == {}
    status, answer = svc.request("GET", f"/api/v1/applications/{number}")
    assert answer["status"] == "installed"
