"""What the applicant and the desk are told about mail (issue #14): the real ncaenrolld
with its outbox and mailer thread, a real SMTP sink (aiosmtpd) on loopback, the real
ncaenroll and ncaenroll-ra. A queued mail is said to be on its way, never "sent"; a mail
the relay will not take is said plainly in `ncaenroll status` (the address masked) and at
the desk (the address in full, "tell the applicant in person"), in kk, ru and en."""
import json
import os
import socket
import time

import pytest

from service import DEMO_CONFIG_DEFAULT, Service, set_clock
from test_apply_cli import DEMO, Applicant
from test_ra_cli import Desk, all_documents, ensure_demo_operator

pytest.importorskip("aiosmtpd.controller")

GOOD = "buhgalter@mail.kz"
BAD = "nobody@mail.kz"           # refused for good: 550
LATER = "later@mail.kz"          # refused for now: 451, tried again
RETRY_FOR = 60          # the least retry_for the service takes (srvconf.c)


class RefusingSink:
    """An SMTP sink that answers RCPT TO for the address refuse "550 5.1.1 <ADDRESS>:
    Recipient address rejected: User unknown" (a permanent refusal, quoting the address
    as Postfix does), for LATER "451 4.3.0 try again later" (a temporary one), and keeps
    the rest."""

    def __init__(self, refuse):
        from aiosmtpd.controller import Controller
        self.messages = []
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if address.lower() == refuse:
                    return (f"550 5.1.1 <{address}>: Recipient address rejected: "
                            "User unknown")
                if address.lower() == LATER:
                    return "451 4.3.0 try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos)))
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait(self, n, timeout=30):
        end = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < end:
            time.sleep(0.1)
        return self.messages

    def stop(self):
        self.controller.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The service with a test clock, mail to a sink that refuses BAD, retry_for short."""
    root = tmp_path_factory.mktemp("mailshow")
    clock = root / "clock"
    set_clock(clock, int(time.time()))
    sink = RefusingSink(BAD)
    config = dict(DEMO_CONFIG_DEFAULT, mail={
        "smtp_url": f"smtp://127.0.0.1:{sink.port}", "from": "ncaenrolld@example.kz",
        "retry_for": RETRY_FOR})
    svc = Service(root / "state", config=config, extra=["--test-clock", str(clock)])
    try:
        ensure_demo_operator(svc)
        yield svc, sink, clock, root
    finally:
        svc.stop()
        sink.stop()


def advance(clock, seconds):
    set_clock(clock, int(clock.read_text()) + seconds)


def applicant(root, name):
    home = root / name
    home.mkdir()
    return home


def apply_text(me, email, lang="en"):
    """`ncaenroll apply` as a person runs it (no --json): its output."""
    args = ["apply"]
    for k, v in dict(DEMO, captcha_answer=me.svc.captcha_code, dir=me.keys,
                     email=email).items():
        args += ["--" + k.replace("_", "-"), v]
    p = me.run(*args, lang=lang)
    assert p.returncode == 0, p.stderr
    return p.stdout


def number_of(out):
    for line in out.splitlines():
        if ":" in line and line.split(":", 1)[1].strip().replace("-", "").isdigit():
            return line.split(":", 1)[1].strip()
    raise AssertionError(out)


def mail_until(me, number, pred, seconds=30, what=""):
    """The status's "mail" list once pred(list) holds (the mailer works on its own)."""
    end = time.time() + seconds
    while True:
        p = me.run("--json", "status", number)
        assert p.returncode == 0, p.stderr
        mails = json.loads(p.stdout).get("mail", [])
        if pred(mails):
            return mails
        if time.time() > end:
            raise AssertionError(f"{what}: {mails}")
        time.sleep(0.5)


def test_the_mail_is_on_its_way_then_sent(world):
    svc, sink, _, root = world
    me = Applicant(svc, str(applicant(root, "good")))
    out = apply_text(me, GOOD)
    assert f"E-mail with the form: on its way to {GOOD}" in out.splitlines(), out
    assert "sends no e-mail" not in out and "sent to" not in out, out
    number = number_of(out)
    mails = mail_until(me, number, lambda m: m and m[0]["state"] == "sent",
                       what="the received mail never became sent")
    assert [m["notice"] for m in mails] == ["received"]
    assert mails[0]["to"] == "b***@mail.kz", "the status masks the address"
    assert any(GOOD in rcpts for _, rcpts in sink.messages)
    # A mail that went needs no word: the status says nothing about mail.
    p = me.run("status", number)
    assert p.returncode == 0, p.stderr
    assert "mail" not in p.stdout.lower(), p.stdout


def test_the_apply_answer_says_queued(world):
    svc, _, _, root = world
    me = Applicant(svc, str(applicant(root, "json")))
    p = me.apply(email=GOOD)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["mail"] == "queued"


@pytest.mark.parametrize("lang,words", [
    ("en", ["is not delivered yet", "the service keeps trying"]),
    ("ru", ["ещё не доставлено", "сервис пробует снова"]),
    ("kk", ["әлі жеткізілмеді", "қызмет қайта жіберіп көреді"]),
])
def test_a_mail_that_waits_is_retried_and_the_desk_sees_why(world, lang, words):
    """A relay that says "later" (4xx): the applicant's status says nothing yet (the mail is
    on its way; the public status gives no words of a passing failure), the desk sees the
    relay's words and that the service keeps trying."""
    svc, _, _, root = world
    me = Applicant(svc, str(applicant(root, "wait-" + lang)))
    number = number_of(apply_text(me, LATER))
    mails = mail_until(me, number, lambda m: m and m[0].get("attempts", 0) >= 1,
                       what="the mail was never tried")
    assert mails[0]["state"] in ("queued", "sending"), mails
    p = me.run("status", number, lang=lang)
    assert p.returncode == 0, p.stderr
    assert "l***@mail.kz" not in p.stdout, "nothing to act on yet: " + p.stdout
    desk = Desk(svc, root / ("desk-wait-" + lang))
    end = time.time() + 30
    while not desk.json("show", number)[1].get("mail", [{}])[0].get("error"):
        assert time.time() < end, "the relay's 451 was never recorded"
        time.sleep(0.5)
    p = desk.run("show", number, lang=lang)
    assert p.returncode == 0, p.stderr
    assert LATER in p.stdout and "451 4.3.0 try again later" in p.stdout, p.stdout
    for w in words:
        assert w in p.stdout, p.stdout


def test_the_status_never_shows_the_address_in_full(world):
    """Anyone with the number reads the status: the address is masked everywhere in it,
    in the relay's words too; the desk reads it in full."""
    svc, _, _, root = world
    _, number, mails = refused_application(world, "masked")
    assert BAD not in json.dumps(mails), mails
    assert "<n***@mail.kz>: Recipient address rejected" in mails[0]["error"], mails
    p, app = Desk(svc, root / "desk-masked").json("show", number)
    assert app["mail"][0]["to"] == BAD and f"<{BAD}>" in app["mail"][0]["error"], app


def failed_application(world, name):
    """An application whose received mail the relay did not take for now (451), for
    longer than retry_for: the mail is "failed"."""
    svc, _, clock, root = world
    me = Applicant(svc, str(applicant(root, name)))
    number = number_of(apply_text(me, LATER))
    mail_until(me, number, lambda m: m and m[0].get("attempts", 0) >= 1,
               what="the mail was never tried")
    advance(clock, RETRY_FOR + 60)
    mails = mail_until(me, number, lambda m: m and m[0]["state"] == "failed",
                       seconds=30, what="the mail never failed")
    return me, number, mails


def refused_application(world, name):
    """An application whose received mail the relay refused for good (550)."""
    svc, _, _, root = world
    me = Applicant(svc, str(applicant(root, name)))
    number = number_of(apply_text(me, BAD))
    mails = mail_until(me, number, lambda m: m and m[0]["state"] == "refused",
                       seconds=20, what="the mail was never refused")
    return me, number, mails


def test_a_failed_mail_is_said_in_the_status(world):
    me, number, mails = failed_application(world, "failed")
    p = me.run("status", number)
    assert p.returncode == 0, p.stderr
    said = [ln for ln in p.stdout.splitlines() if "l***@mail.kz" in ln]
    assert len(said) == 1, p.stdout
    line = said[0]
    assert "could not be delivered (tries: 2)" in line, line
    assert "the application goes on without it" in line, line
    assert "451" not in line, "a passing failure's words are the desk's"
    # --json keeps the service's list as it is.
    p = me.run("--json", "status", number)
    assert json.loads(p.stdout)["mail"][0]["state"] == "failed"
    for lang, words in (("ru", "не удалось доставить"), ("kk", "жеткізу мүмкін болмады")):
        p = me.run("status", number, lang=lang)
        assert words in p.stdout and "l***@mail.kz" in p.stdout, p.stdout


def test_the_desk_sees_a_failed_mail_with_the_address(world):
    svc, _, _, root = world
    me, number, _ = failed_application(world, "failed-desk")
    desk = Desk(svc, root / "desk")
    p = desk.run("show", number)
    assert p.returncode == 0, p.stderr
    said = [ln for ln in p.stdout.splitlines() if LATER in ln and "tell the applicant" in ln]
    assert said, p.stdout
    assert "could not be delivered (tries: 2): 451 4.3.0" in said[0], said
    p = desk.run("show", number, lang="ru")
    assert "сообщите заявителю лично" in p.stdout and LATER in p.stdout, p.stdout


def test_the_desk_says_the_applicant_is_being_told(world):
    svc, _, _, root = world
    me = Applicant(svc, str(applicant(root, "approve")))
    number = number_of(apply_text(me, GOOD))
    desk = Desk(svc, root / "desk2")
    p = desk.run("approve", number, "--documents", ",".join(all_documents(desk, number)),
                 "--yes")
    assert p.returncode == 0, p.stderr
    assert "an e-mail on its way tells the applicant" in p.stdout, p.stdout
    assert "No e-mail" not in p.stdout


def test_a_refused_address_is_said_in_the_status_and_at_the_desk(world):
    svc, _, _, root = world
    me, number, mails = refused_application(world, "refused")
    assert mails[0]["error"].startswith("550"), mails
    p = me.run("status", number)
    line = [ln for ln in p.stdout.splitlines() if "n***@mail.kz" in ln]
    assert line and "was refused by its mail server: 550 5.1.1" in line[0], p.stdout
    assert "check the address; the application goes on without it" in line[0]
    p = Desk(svc, root / "desk3").run("show", number)
    assert "was refused: 550 5.1.1" in p.stdout and BAD in p.stdout, p.stdout
    assert "tell the applicant in person" in p.stdout


def test_the_demo_names_the_file_of_the_mail(tmp_path):
    """ncaenroll --demo: its service delivers mail into a maildir (its mail sink, contract
    14: STATE_DIR/mail/new/EPOCH.NOTICE.NUMBER.ID.eml), and the person is told which file
    holds the received mail, not that it went to the address."""
    me = Applicant(None, str(tmp_path))
    args = ["apply"]
    for k, v in dict(DEMO, captcha_answer="K7M3P", dir=me.keys, email=GOOD).items():
        args += ["--" + k.replace("_", "-"), v]
    p = me.run(*args, demo=True)
    assert p.returncode == 0, p.stderr
    maildir = os.path.join(str(tmp_path), "xdg", "ncaenroll", "demo", "service", "mail")
    if not os.path.isdir(maildir):
        pytest.skip("the demo service has no mail sink yet (t14-demo): no " + maildir)
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith("E-mail with the form:"))
    prefix = f"E-mail with the form: the demo delivered it, not to {GOOD} but to the file "
    assert line.startswith(prefix), p.stdout
    path = line[len(prefix):]
    assert path.startswith(os.path.join(maildir, "new") + "/") and ".received." in path, line
    number = number_of(p.stdout)
    with open(path, "rb") as f:
        assert number.encode() in f.read(), "the file is the mail of this application"
