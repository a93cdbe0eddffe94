"""A trusted service that answers nonsense: a 2xx answer that is not JSON, or JSON of the
wrong shape for the call, is the service failing (exit 3, a sentence that says so), never
a status printed with empty fields; and no control character the service sends (C0, DEL,
C1, escape sequences) reaches the terminal. The real ncaenrolld cannot be made to answer
garbage, so a scripted HTTPS stand-in (fakesvc.py) with its own test CA does."""
import json
import os
import subprocess

import pytest

from conftest import BUILDDIR
from fakesvc import FakeService
from service import program_env
from test_service_errors import request_number

NUMBER = request_number(42)


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    with FakeService(tmp_path_factory.mktemp("fake")) as f:
        yield f


def ncaenroll(fake, home, *args, lang="en"):
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--lang", lang, "--service", fake.base, "--ca-file", fake.cafile, "--state",
           str(home / "applicant.yaml"), *args]
    env = program_env()
    env.update(HOME=str(home))
    return subprocess.run(cmd, capture_output=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=120)


def controls(data):
    """The control characters in bytes a terminal would get (newline and tab are fine)."""
    text = data.decode("utf-8", errors="replace")
    return [hex(ord(c)) for c in text
            if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]


GOOD_STATUS = {"request_number": NUMBER, "status": "submitted",
               "status_label": "Submitted", "deadline": "2026-12-25T18:29:22Z"}


@pytest.mark.parametrize("payload", [
    b"<html><body>Welcome to nginx!</body></html>",
    b"",
    b"{\"request_number\": ",
    b"[]",
    b"\"submitted\"",
    json.dumps({"hello": "world"}).encode(),
    json.dumps({"request_number": NUMBER, "status": 7}).encode(),
    json.dumps({"request_number": NUMBER}).encode(),
    json.dumps({"request_number": NUMBER, "status": "frozen"}).encode(),
    json.dumps({"request_number": "1234", "status": "issued"}).encode(),
    json.dumps({"request_number": NUMBER, "status": "issued\u0000"}).encode(),
], ids=["html", "empty", "truncated", "array", "string", "other-object", "status-number",
        "no-status", "unknown-status", "bad-number", "nul"])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_status_refuses_an_unreadable_answer(fake, tmp_path, payload, lang):
    fake.answer = lambda m, p, b: (200, payload)
    p = ncaenroll(fake, tmp_path, "status", NUMBER, lang=lang)
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert p.stdout == b"", "nothing is printed as if it were a status"
    err = p.stderr.decode()
    assert err.startswith("ncaenroll: ") and fake.base in err, err
    if lang == "en":
        assert "cannot read" in err or "does not know" in err, err


def test_status_json_mode_says_it_failed(fake, tmp_path):
    fake.answer = lambda m, p, b: (200, b"not json")
    p = ncaenroll(fake, tmp_path, "--json", "status", NUMBER)
    assert p.returncode == 3
    assert "error" in json.loads(p.stdout)


def test_a_good_answer_still_reads(fake, tmp_path):
    fake.answer = lambda m, p, b: (200, GOOD_STATUS)
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 0, p.stderr
    assert NUMBER.encode() in p.stdout


ESC = "\x1b[2J\x1b[1;1H\x1b]0;owned\x07\x1b[31m"


def test_control_characters_never_reach_the_terminal(fake, tmp_path):
    answer = dict(GOOD_STATUS, status="rejected",
                  reject_reason=ESC + "documents\rmissing\x08\x7f\u009b31m\u0085 end\x01?")
    fake.answer = lambda m, p, b: (200, json.dumps(answer).encode())
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 0, p.stderr
    assert not controls(p.stdout), (controls(p.stdout), p.stdout)
    out = p.stdout.decode()
    assert "documents" in out and "missing" in out and "end" in out
    assert "owned" not in out, "an escape sequence is removed whole, not left as text"
    p = ncaenroll(fake, tmp_path, "--json", "status", NUMBER)
    assert not controls(json.loads(p.stdout)["reject_reason"].encode())


def test_control_characters_in_a_refusal_never_reach_the_terminal(fake, tmp_path):
    fake.answer = lambda m, p, b: (400, {"error": {"code": "brand.new", "field": None,
                                                   "message": ESC + "refused\x1b[0m\x07"}})
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 1
    assert not controls(p.stderr), p.stderr
    assert b"refused" in p.stderr


def test_a_failure_page_is_not_printed_raw(fake, tmp_path):
    fake.answer = lambda m, p, b: (502, b"<html>\x1b[5mBad gateway</html>",
                                   {"Content-Type": "text/html"})
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 3
    assert not controls(p.stderr), p.stderr


def test_apply_refuses_a_bin_check_of_the_wrong_shape(fake, tmp_path):
    """The organization's name is what the person confirms: an answer without it is no
    answer, and nothing is recorded."""
    captcha = {"id": "0" * 32, "width": 4, "height": 2, "bitmap": ["#..#", ".##."],
               "expires_in": 300}

    def answer(method, path, body):
        if path.endswith("/captcha"):
            return 200, captcha
        return 200, {"bin": "940140000385", "name": "АО", "token": 5}

    fake.answer = answer
    p = ncaenroll(fake, tmp_path, "apply", "--bin", "940140000385", "--captcha-answer", "X",
                  "--iin", "871008401427", "--dir", str(tmp_path / "keys"))
    assert p.returncode == 3, p.stderr
    assert b"cannot read" in p.stderr
    state = (tmp_path / "applicant.yaml").read_text() if (tmp_path / "applicant.yaml").exists() else ""
    assert "check_token" not in state and "org_name" not in state
