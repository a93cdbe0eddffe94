"""Which calls the applicant's client tries again, and which never (src/enroll/client.c):
a question that changes nothing (a status) is asked again when the service failed on the
way (a 503, a broken answer), up to three times in all (client.h), so a passing glitch
costs the person nothing and a service that is down does not hold them for ever; an
answer (a refusal) is not asked again; and the BIN's check, which spends the code from
the picture, is never sent twice: a second try would be refused as a wrong code and the
person told they misread the picture when it was the network. A scripted HTTPS service
(fakesvc.py) counts the requests."""
import json
import os
import subprocess

import pytest

from conftest import BUILDDIR
from fakesvc import FakeService
from service import program_env
from test_service_errors import request_number

NUMBER = request_number(7)
STATUS = {"request_number": NUMBER, "status": "submitted", "status_label": "Submitted",
          "deadline": "2026-12-25T18:29:22Z"}
FAILED = (503, {"error": {"code": "unavailable", "message": "down", "field": None}})
CAPTCHA = {"id": "0" * 32, "width": 4, "height": 2, "bitmap": ["#..#", ".##."],
           "expires_in": 300}


@pytest.fixture
def fake(tmp_path):
    with FakeService(tmp_path / "fake") as f:
        yield f


def ncaenroll(fake, home, *args):
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--service", fake.base, "--ca-file", fake.cafile, "--state",
           str(home / "state.yaml"), *args]
    env = program_env()
    env.update(HOME=str(home))
    return subprocess.run(cmd, capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


def asked(fake, path_end):
    return [r for r in fake.requests if r[1].endswith(path_end)]


def test_a_passing_failure_of_a_status_is_asked_again(fake, tmp_path):
    answers = [FAILED, (200, b"<html>gateway</html>"), (200, STATUS)]
    fake.answer = lambda m, p, b: answers.pop(0)
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 0, p.stderr
    assert NUMBER in p.stdout
    assert len(fake.requests) == 3, fake.requests


def test_a_service_that_keeps_failing_is_asked_three_times(fake, tmp_path):
    fake.answer = lambda m, p, b: FAILED
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 3, p.stderr
    assert fake.base in p.stderr
    assert len(fake.requests) == 3, fake.requests


def test_a_refusal_is_not_asked_again(fake, tmp_path):
    fake.answer = lambda m, p, b: (404, {"error": {"code": "application.not_found",
                                                   "message": "no", "field": None}})
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 1, p.stderr
    assert len(fake.requests) == 1, fake.requests


def test_the_bin_check_is_never_sent_twice(fake, tmp_path):
    def answer(method, path, body):
        return (200, CAPTCHA) if path.endswith("/captcha") else FAILED
    fake.answer = answer
    p = ncaenroll(fake, tmp_path, "--json", "apply", "--bin", "940140000385",
                  "--captcha-answer", "K7M3P", "--iin", "871008401427")
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert len(asked(fake, "/bin-check")) == 1, fake.requests
    err = json.loads(p.stdout)["error"]
    assert err.get("field") != "captcha_answer", err


def test_too_many_requests_says_when_to_try_again_and_does_not(fake, tmp_path):
    """The service's limit is the person's to wait out: said with the seconds the service
    gives (Retry-After), not tried again behind their back."""
    fake.answer = lambda m, p, b: (429, {"error": {"code": "rate_limited", "field": None,
                                                   "message": "slow down"}},
                                   {"Retry-After": "42"})
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 1, p.stderr
    assert "try again in 42 seconds" in p.stderr, p.stderr
    assert len(fake.requests) == 1, fake.requests
