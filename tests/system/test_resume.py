"""Crash and resume: the applicant's process is killed with SIGKILL at every persisted
transition of apply and install and run again. It must resume from the last state,
re-send the same CSRs, get the same request number, never make a third key, never lose a
pending key, and finish.

The crashing run is the test-only copy with crash points (faults.py,
tests/tools/ncaenroll-faults, built by make check); the run that resumes is the real
ncaenroll, which has none."""
import json
import os
import sqlite3
import subprocess

import pytest

from conftest import BUILDDIR
from faults import faults_program
from fixtures import service_fixture
from test_apply_cli import Applicant, wait_status, snapshot

APPLY_POINTS = ["apply.keys-made", "apply.keys-ready", "apply.submit-answered",
                "apply.submitted"]
INSTALL_POINTS = ["install.downloaded", "install.proved", "install.containers-written",
                  "install.installed", "install.reported"]


svc = service_fixture("resume", extra=["--auto-approve", "1"])


class Crashing(Applicant):
    """The same person's computer, running ncaenroll-faults told to die at point."""

    def __init__(self, applicant, point):
        super().__init__(applicant.svc, applicant.home)
        self.point = point

    def program(self):
        return faults_program()

    def env(self, lang):
        return dict(super().env(lang), NCAENROLL_FAULT=self.point)

    def run(self, *args, demo=False, **kw):
        assert not demo
        return super().run(*args, **kw)


def crash(applicant, point, *args, password=None):
    me = Crashing(applicant, point)
    p = me.apply() if args and args[0] == "apply" else me.run(*args, password=password)
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
        # Downloaded, not installed: the keys are those of issued certificates, so they
        # are not abandoned; the person is sent to install instead.
        p = me.run("abandon", "--yes", number)
        assert p.returncode == 1 and f"ncaenroll install {number}" in p.stderr, p.stderr
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


def test_the_real_program_has_no_crash_points(svc, tmp_path):
    """NCAENROLL_FAULT means nothing to ncaenroll itself, unless configure was told
    --enable-fault-points."""
    with open(os.path.join(BUILDDIR, "config.h")) as f:
        armed = "#define ENABLE_FAULT_POINTS 1" in f.read()
    me = Applicant(svc, str(tmp_path))
    import test_apply_cli
    old = test_apply_cli.program_env
    test_apply_cli.program_env = lambda: dict(old(), NCAENROLL_FAULT="apply.keys-made")
    try:
        p = me.apply()
    finally:
        test_apply_cli.program_env = old
    assert p.returncode == (-9 if armed else 0), p.stderr
