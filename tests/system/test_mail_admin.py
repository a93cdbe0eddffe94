"""`ncaenrolld mail list|show`: the administrator's view of the outbox, run beside the
live service on its store (here a demo's, `--demo -s STATE`). What was sent and what was
refused, whom to and when, the relay's words for a refusal, and the mail's own words;
one line a mail within 80 columns, and --json for scripts."""
import json
import os
import subprocess
import time

import pytest

from service import DEMO_CONFIG_DEFAULT, Service, program, program_env, set_clock
from test_apply_cli import Applicant
from test_demo_mail import words

pytest.importorskip("aiosmtpd.controller")

GOOD = "buhgalter@mail.kz"
BAD = "nobody@mail.kz"


class RefusingSink:
    """aiosmtpd on loopback taking every mail but those to BAD (550, for good)."""

    def __init__(self):
        import socket
        from aiosmtpd.controller import Controller
        self.messages = []
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if address == BAD:
                    return "550 5.1.1 <nobody@mail.kz>: no such mailbox"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(envelope.content)
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


@pytest.fixture(scope="module")
def relay():
    s = RefusingSink()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def svc(tmp_path_factory, relay, clock):
    config = dict(DEMO_CONFIG_DEFAULT, mail={"smtp_url": f"smtp://127.0.0.1:{relay.port}",
                                             "from": "ncaenrolld@example.kz",
                                             "retry_for": 60})
    s = Service(tmp_path_factory.mktemp("mailadmin") / "state", config=config,
                extra=["--test-clock", str(clock)])
    yield s
    s.stop()


def admin(svc, *args):
    return subprocess.run([*program(), "--demo", "--state-dir", svc.state, "mail", *args],
                          capture_output=True, text=True, env=program_env(), timeout=60)


def listed(svc, *args):
    p = admin(svc, "list", "--json", *args)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def wait_state(svc, number, *states, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        mails = listed(svc, "--number", number)
        if mails and mails[0]["state"] in states:
            return mails[0]
        time.sleep(0.5)
    raise AssertionError(f"the mail about {number} never became {states}: {mails}")


# A relay's 5xx is refused at once, or (a sender that takes every failure for a passing
# one) retried until mail.retry_for is over and then failed: both are problems.
PROBLEMS = ("refused", "failed")


@pytest.fixture(scope="module")
def applications(svc, tmp_path_factory, clock):
    """One application whose mail was sent, one whose address the relay refuses."""
    numbers = {}
    for who in (GOOD, BAD):
        home = tmp_path_factory.mktemp("home")
        p = Applicant(svc, str(home)).apply(email=who)
        assert p.returncode == 0, p.stderr
        numbers[who] = json.loads(p.stdout)["request_number"]
    wait_state(svc, numbers[GOOD], "sent")
    end = time.monotonic() + 60
    while not listed(svc, "--number", numbers[BAD])[0].get("error"):
        assert time.monotonic() < end, "the refused mail was never tried"
        time.sleep(0.5)
    # Three days on: past retry_for, and every retry due.
    set_clock(clock, int(clock.read_text()) + 3 * 86400)
    wait_state(svc, numbers[BAD], *PROBLEMS)
    return numbers


def test_list_shows_what_was_sent_and_refused(svc, applications):
    good, bad = applications[GOOD], applications[BAD]
    sent = wait_state(svc, good, "sent")
    assert sent["notice"] == "received" and sent["to"] == GOOD and sent["attempts"] == 1
    assert "done" in sent and "error" not in sent
    refused = wait_state(svc, bad, "refused")   # a 5xx is final at once, never retried
    assert refused["to"] == BAD and "550" in refused["error"], refused
    assert "next_try" not in refused and "done" in refused
    p = admin(svc, "list")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), [ln for ln in lines if len(ln) > 80]
    assert lines[0].split() == ["ID", "NUMBER", "NOTICE", "STATE", "TRIES"]
    rows = [line.split() for line in lines if good in line or bad in line]
    assert [r[1:4] for r in rows] == [[good, "received", "sent"],
                                      [bad, "received", refused["state"]]]
    # The administrator sees the addresses in full, and what the relay said.
    assert GOOD in p.stdout and BAD in p.stdout
    assert " ".join(refused["error"].split()) in " ".join(p.stdout.split())


def test_problems_and_number_narrow_the_list(svc, applications):
    good, bad = applications[GOOD], applications[BAD]
    assert [m["number"] for m in listed(svc, "--problems")] == [bad]
    assert [m["number"] for m in listed(svc, "--number", good)] == [good]
    assert listed(svc, "--number", "0000-0000-0000-0000-0000-0000-0000") == []
    p = admin(svc, "list", "--number", "0000-0000-0000-0000-0000-0000-0000")
    assert p.returncode == 0 and p.stdout.strip() == "No mail queued or sent.", p.stdout
    p = admin(svc, "list", "--problems", "--number", good)
    assert p.returncode == 0 and p.stdout.strip() == "No mail refused or given up.", p.stdout


def test_show_prints_the_row(svc, applications):
    good = applications[GOOD]
    mail = wait_state(svc, good, "sent")
    text = admin(svc, "show", str(mail["id"]))
    assert text.returncode == 0, text.stderr
    assert good in text.stdout and GOOD in text.stdout and "received" in text.stdout
    assert all(len(line) <= 80 for line in text.stdout.splitlines())
    p = admin(svc, "show", str(mail["id"]), "--json")
    assert p.returncode == 0, p.stderr
    shown = json.loads(p.stdout)
    words = {k: shown.pop(k) for k in ("subject", "body")}
    assert shown == mail, "show --json is list --json's object, and the mail's words"
    assert good in words["subject"] and good in words["body"]


def test_show_prints_the_words(svc, applications):
    good = applications[GOOD]
    mail = wait_state(svc, good, "sent")
    text = admin(svc, "show", str(mail["id"]))
    assert text.returncode == 0, text.stderr
    p = admin(svc, "show", str(mail["id"]), "--json")
    assert p.returncode == 0, p.stderr
    shown = json.loads(p.stdout)
    # The words as the applicant read them, wrapped to the terminal's 80 columns.
    assert good in shown["subject"] and good in shown["body"]
    flat = " ".join(text.stdout.split())
    assert " ".join(shown["subject"].split()) in flat
    assert " ".join(shown["body"].split()) in flat
    assert all(len(line) <= 80 for line in text.stdout.splitlines()), text.stdout


@pytest.mark.parametrize("args,status,said", [
    (["show", "999999"], 1, "no mail 999999"),
    (["show", "abc"], 2, "mail show ID"),
    (["show"], 2, "mail show ID"),
    (["list", "--bogus"], 2, "mail list"),
    (["list", "extra"], 2, "mail list"),
    (["resend"], 2, "mail list"),
])
def test_wrong_use_says_how(svc, args, status, said):
    p = admin(svc, *args)
    assert p.returncode == status, (p.returncode, p.stdout, p.stderr)
    assert said in p.stderr, p.stderr


def test_a_demo_without_a_relay_lists_its_own_sink_s_mail(tmp_path):
    """The demo's own receiver (test_demo_mail.py) is a relay like any other here."""
    s = Service(tmp_path / "svc" / "state")
    try:
        home = tmp_path / "home"
        home.mkdir()
        p = Applicant(s, str(home)).apply(email=GOOD)
        assert p.returncode == 0, p.stderr
        number = json.loads(p.stdout)["request_number"]
        mail = wait_state(s, number, "sent")
        assert mail["to"] == GOOD
        new = os.path.join(s.state, "mail", "new")
        assert [n for n in os.listdir(new)
                if number in words(open(os.path.join(new, n), "rb").read())]
    finally:
        s.stop()
