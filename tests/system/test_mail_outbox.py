"""Mail that is not lost (issue 14, doc/mail.md): the real ncaenrolld, a real SMTP sink
(aiosmtpd) that is down, then up, or that kills the service in the middle of a delivery.
A mail waits in the outbox while the relay is down and goes once when it is back; a
service killed with mail queued sends it after its restart; a service killed after the
relay took a mail but before it recorded that sends it a second time — the one duplicate
the outbox allows, and the status counts the tries. The status says where each mail is."""
import json
import os
import signal
import time

import pytest

from service import DEMO_CONFIG_DEFAULT, Service, free_port, set_clock

pytest.importorskip("aiosmtpd.controller")
from test_lifecycle import CAPTCHA, _body_text, _form, _keys  # noqa: E402  (needs aiosmtpd)

ADDRESS = "applicant@mail.kz"   # what test_lifecycle._form gives


class Relay:
    """An aiosmtpd sink on a port chosen before it starts (the service's config names
    it while nobody listens there). on_data(envelope) runs before the answer."""

    def __init__(self, port, on_data=None):
        from aiosmtpd.controller import Controller
        self.messages = []
        relay = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                relay.messages.append(envelope.original_content or envelope.content)
                if on_data is not None:
                    on_data(envelope)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()

    def wait(self, n, timeout=30):
        end = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < end:
            time.sleep(0.1)
        return self.messages

    def stop(self):
        self.controller.stop()


class Setup:
    """A service whose mail goes to relay_port, its clock in a file the test moves."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.relay_port = free_port()
        self.clock = tmp_path / "clock"
        self.now = int(time.time())
        set_clock(self.clock, self.now)
        self.config = dict(DEMO_CONFIG_DEFAULT, mail={
            "smtp_url": f"smtp://127.0.0.1:{self.relay_port}",
            "from": "ncaenrolld@example.kz"})
        self.svc = None
        self.n = 0

    def start(self):
        self.svc = Service(self.tmp / "svc" / "state", config=self.config,
                           extra=["--test-clock", str(self.clock)], fixed_captcha=CAPTCHA)
        return self.svc

    def advance(self, seconds):
        self.now += seconds
        set_clock(self.clock, self.now)

    def apply(self):
        """A submission with the e-mail address: its request number."""
        self.n += 1
        keys = self.tmp / f"keys{self.n}"
        keys.mkdir()
        form = _form(self.svc, *_keys(keys))
        st, ans = self.svc.request("POST", "/api/v1/applications", form)
        assert st == 201, ans
        assert ans["mail"] == "queued", "on its way, not yet sent"
        return ans["request_number"]

    def mails(self, number):
        st, s = self.svc.request("GET", f"/api/v1/applications/{number}")
        assert st == 200, s
        return s.get("mail", [])

    def wait_mail(self, number, state, timeout=30):
        end = time.monotonic() + timeout
        while True:
            got = self.mails(number)
            if (got and got[0]["state"] == state) or time.monotonic() > end:
                return got
            time.sleep(0.2)

    def kill(self):
        self.svc.proc.send_signal(signal.SIGKILL)
        self.svc.proc.wait()
        self.svc.stop(check=False)


@pytest.fixture
def setup(tmp_path):
    s = Setup(tmp_path)
    yield s
    if s.svc is not None:
        s.svc.stop(check=False)


def numbers_in(messages):
    """The request number each message is about (its subject names it)."""
    out = []
    for raw in messages:
        msg, _ = _body_text(raw)
        out.append(msg["Subject"])
    return out


def count(messages, number):
    return sum(number in subject for subject in numbers_in(messages))


def test_mail_waits_for_the_relay_then_goes_once(setup):
    setup.start()
    numbers = [setup.apply() for _ in range(2)]
    # The relay is down: the mail is tried and stays queued. Why is for the desk: the
    # public status names no relay's host.
    for n in numbers:
        got = setup.wait_mail(n, "queued")
        assert got and got[0]["notice"] == "received", got
        end = time.monotonic() + 20
        while got[0]["attempts"] < 1 and time.monotonic() < end:
            time.sleep(0.2)
            got = setup.mails(n)
        assert got[0]["attempts"] >= 1 and "error" not in got[0], got
        assert got[0]["to"] == "a***@mail.kz", "the status masks the address"
    relay = Relay(setup.relay_port)
    try:
        setup.advance(3600)         # past any wait between tries
        for n in numbers:
            got = setup.wait_mail(n, "sent")
            assert got[0]["state"] == "sent", got
            assert "error" not in got[0], "an old failure is not news once sent"
        time.sleep(2)               # a second delivery would come now
        for n in numbers:
            assert count(relay.messages, n) == 1, numbers_in(relay.messages)
    finally:
        relay.stop()


def test_temporary_failures_end_as_failed_after_retry_for(setup):
    setup.config["mail"]["retry_for"] = 600
    setup.start()
    n = setup.apply()
    setup.wait_mail(n, "queued")
    for _ in range(8):              # each wait at most an hour; 600 s are soon over
        setup.advance(3600)
        got = setup.wait_mail(n, "failed", timeout=3)
        if got[0]["state"] == "failed":
            break
    assert got[0]["state"] == "failed", got
    assert got[0].get("done") and "error" not in got[0], got


def test_killed_with_mail_queued_loses_none(setup):
    setup.start()
    numbers = [setup.apply() for _ in range(2)]
    for n in numbers:
        setup.wait_mail(n, "queued")
    setup.kill()
    relay = Relay(setup.relay_port)
    try:
        setup.advance(3600)
        setup.start()
        for n in numbers:
            assert setup.wait_mail(n, "sent")[0]["state"] == "sent"
        time.sleep(2)
        for n in numbers:
            assert count(relay.messages, n) == 1, numbers_in(relay.messages)
    finally:
        relay.stop()


def test_killed_between_sending_and_recording_sends_it_once_more(setup):
    """The relay has the mail, the service dies before it hears "250": after the restart
    the mail goes again. That is the only duplicate allowed; the status counts the tries
    so whoever reads it can tell."""
    setup.start()
    pid = setup.svc.proc.pid
    killed = []

    def kill_service(envelope):
        if not killed:
            killed.append(True)
            os.kill(pid, signal.SIGKILL)

    relay = Relay(setup.relay_port, on_data=kill_service)
    try:
        n = setup.apply()
        relay.wait(1)
        setup.svc.proc.wait(timeout=30)
        setup.svc.stop(check=False)
        setup.start()
        got = setup.wait_mail(n, "sent")
        assert got[0]["state"] == "sent", got
        assert got[0]["attempts"] == 2, got
        relay.wait(2)
        time.sleep(2)
        assert count(relay.messages, n) == 2, "sent again after the crash, once"
        first, second = (_body_text(m)[0] for m in relay.messages[:2])
        assert first["Message-ID"] == second["Message-ID"], \
            "the same Message-ID, so a mail program shows it once"
    finally:
        relay.stop()


def test_no_address_no_row_and_nothing_claimed(setup):
    setup.start()
    keys = setup.tmp / "keysx"
    keys.mkdir()
    form = _form(setup.svc, *_keys(keys))
    del form["email"]
    st, ans = setup.svc.request("POST", "/api/v1/applications", form)
    assert st == 201, ans
    assert ans["mail"] == "none"
    assert setup.mails(ans["request_number"]) == []


def test_a_refused_address_is_said_with_the_address_masked(tmp_path):
    """The relay's 5xx is final at once; the status gives its words, every address in
    them masked as the status masks the applicant's."""
    from fixtures import Sink
    sink = Sink(refuse={ADDRESS: f"550 5.1.1 <{ADDRESS}>: Recipient address rejected"})
    setup = Setup(tmp_path)
    setup.config["mail"]["smtp_url"] = f"smtp://127.0.0.1:{sink.port}"
    try:
        setup.start()
        n = setup.apply()
        got = setup.wait_mail(n, "refused")
        assert got[0]["state"] == "refused" and got[0]["attempts"] == 1, got
        assert got[0]["error"] == "550 5.1.1 <a***@mail.kz>: Recipient address rejected"
        st, whole = setup.svc.request("GET", f"/api/v1/applications/{n}")
        assert ADDRESS not in json.dumps(whole, ensure_ascii=False)
        time.sleep(2)
        assert setup.mails(n)[0]["attempts"] == 1, "never tried again"
    finally:
        if setup.svc is not None:
            setup.svc.stop(check=False)
        sink.stop()
    # Nor does the service's log hold the address: the relay's words are masked there too.
    refused = [ln for ln in setup.svc.stderr.splitlines() if " refused: " in ln]
    assert len(refused) == 1 and "<a***@mail.kz>" in refused[0], setup.svc.stderr
    assert ADDRESS not in setup.svc.stderr, setup.svc.stderr
