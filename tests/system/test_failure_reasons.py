"""A failure always says why: a step of the applicant's core that gives up tells the
person the reason, never an empty line. Here the report of an installation that an
older ncaenroll installed without keeping the proof of it (the service's nonce): the
certificates are in place, the report cannot be made, and `ncaenroll install` says so.
"""
import os
import subprocess

from appstate import SUBMITTED, write_state
from conftest import BUILDDIR
from fakesvc import FakeService
from service import SANITIZER_MARKS, program_env

APP_ID = "0123456789abcdef"


def test_a_report_that_cannot_be_made_says_why(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    state = tmp_path / "state.yaml"
    write_state(state, [{"id": APP_ID, "state": "installed", "fields": dict(
        SUBMITTED, dir=str(keys), container_auth=str(keys / "AUTH.p12"),
        container_sign=str(keys / "RSA.p12"), installed_at="2026-12-07T10:00:00Z")}])
    with FakeService(tmp_path / "fake") as fake:
        p = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                            os.path.join(BUILDDIR, "ncaenroll"), "--service", fake.base,
                            "--ca-file", fake.cafile, "--state", str(state), "--lang", "en",
                            "install", SUBMITTED["request_number"]],
                           capture_output=True, text=True, env=program_env(),
                           stdin=subprocess.DEVNULL, timeout=120)
    for mark in SANITIZER_MARKS:
        assert mark not in p.stderr, p.stderr
    assert p.returncode != 0, p.stdout + p.stderr
    reason = p.stderr.strip()
    assert "proof" in reason and "installation" in reason, \
        f"the reason is not said: {reason!r}"
