"""The demo shows mail: `ncaenrolld --demo` with no mail.smtp_url of its own starts a
loopback SMTP receiver and points its mail at it, so the real delivery path runs and each
mail lands in STATE/mail/new/ (a maildir) where a person can read it. The receiver is a
network service like any other: nonsense, over-long lines, an over-size message and a
client that says nothing must neither stop it nor lose the next mail."""
import email
import email.policy
import json
import os
import socket
import stat
import time

import pytest

from service import Service
from test_apply_cli import Applicant

ADDRESS = "buhgalter@mail.kz"


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    s = Service(tmp_path_factory.mktemp("demomail") / "state")
    yield s
    s.stop()


def maildir(svc):
    return os.path.join(svc.state, "mail")


def sink_port(svc):
    """The receiver's port, from the file the demo writes for a person (and for us)."""
    with open(os.path.join(svc.state, "mail-sink"), encoding="ascii") as f:
        url = f.read().strip()
    assert url.startswith("smtp://127.0.0.1:"), url
    return int(url.rsplit(":", 1)[1])


def wait_mail(svc, number, timeout=30):
    """The mails in new/ that name number, once at least one has arrived."""
    new = os.path.join(maildir(svc), "new")
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = []
        for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
            with open(os.path.join(new, name), "rb") as f:
                raw = f.read()
            if number in name or number in words(raw):
                found.append((name, raw))
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no mail about {number} in {new}: "
                         f"{os.listdir(new) if os.path.isdir(new) else 'no folder'}")


def words(raw):
    """The subject and every text part, decoded: what a person reads of the mail."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [str(msg["Subject"] or "")]
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            parts.append(part.get_content())
    return "\n".join(parts)


def apply(svc, tmp_path, sub):
    home = tmp_path / sub
    home.mkdir()
    p = Applicant(svc, str(home)).apply(email=ADDRESS)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["request_number"]


def local_part(msg):
    mid = msg["Message-ID"].strip()
    assert mid.startswith("<") and "@" in mid, mid
    return mid[1:mid.index("@")]


def test_a_submission_mail_lands_in_the_maildir(svc, tmp_path):
    number = apply(svc, tmp_path, "a")
    [(name, raw)] = wait_mail(svc, number)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["To"] == ADDRESS
    # The file is named for the mail: EPOCH.LOCALPART.eml, LOCALPART the Message-ID's.
    epoch, rest = name.split(".", 1)
    assert abs(int(epoch) - time.time()) < 600
    assert rest == local_part(msg) + ".eml", (name, msg["Message-ID"])
    # Private, as the rest of the state folder: the mail names a person.
    path = os.path.join(maildir(svc), "new", name)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    for d in ("", "new", "tmp", "cur"):
        assert stat.S_IMODE(os.stat(os.path.join(maildir(svc), d)).st_mode) == 0o700, d
    assert os.listdir(os.path.join(maildir(svc), "tmp")) == [], "nothing left half-written"


class Smtp:
    """A raw client: what it says is sent as bytes, what it hears read line by line."""

    def __init__(self, port, timeout=10):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.f = self.s.makefile("rb")

    def reply(self):
        """The code and text of one (possibly multi-line) reply."""
        lines = []
        while True:
            line = self.f.readline()
            assert line, "the receiver closed the connection"
            lines.append(line.decode("ascii", "replace").rstrip("\r\n"))
            if line[3:4] != b"-":
                return int(lines[-1][:3]), "\n".join(lines)

    def say(self, data):
        self.s.sendall(data if isinstance(data, bytes) else data.encode() + b"\r\n")
        return self.reply()

    def close(self):
        self.f.close()
        self.s.close()


def test_the_receiver_speaks_smtp_and_refuses_nonsense(svc):
    c = Smtp(sink_port(svc))
    try:
        code, text = c.reply()
        assert code == 220, text
        assert c.say("MAIL FROM:<a@b.kz>")[0] == 503, "HELO first"
        code, text = c.say("EHLO test.example")
        assert code == 250 and "SIZE" in text and "8BITMIME" in text, text
        assert "STARTTLS" not in text
        assert c.say("HELLO THERE")[0] == 500
        assert c.say(b"\x00\xff\xfe garbage \x01\r\n")[0] == 500
        assert c.say("RCPT TO:<x@y.kz>")[0] == 503, "MAIL first"
        assert c.say("DATA")[0] == 503, "no recipients"
        assert c.say("MAIL FROM:broken")[0] == 501
        assert c.say("MAIL FROM:<a@b.kz> SIZE=999999999")[0] == 552
        assert c.say(b"NOOP " + b"x" * 5000 + b"\r\n")[0] == 500, "a line too long"
        assert c.say("NOOP")[0] == 250, "and the connection goes on after it"
        assert c.say("MAIL FROM:<a@b.kz>")[0] == 250
        assert c.say("RSET")[0] == 250
        assert c.say("RCPT TO:<x@y.kz>")[0] == 503, "RSET forgot the sender"
        assert c.say("QUIT")[0] == 221
    finally:
        c.close()


def test_an_oversize_message_is_refused_and_not_kept(svc):
    before = set(os.listdir(os.path.join(maildir(svc), "new")))
    c = Smtp(sink_port(svc), timeout=60)
    try:
        assert c.reply()[0] == 220
        assert c.say("EHLO test.example")[0] == 250
        assert c.say("MAIL FROM:<a@b.kz>")[0] == 250
        assert c.say("RCPT TO:<x@y.kz>")[0] == 250
        assert c.say("DATA")[0] == 354
        line = b"y" * 998 + b"\r\n"
        c.s.sendall(b"Message-ID: <huge@b.kz>\r\n\r\n" + line * 11000)
        code, text = c.say(".")
        assert code == 552, text
        assert c.say("NOOP")[0] == 250
    finally:
        c.close()
    assert set(os.listdir(os.path.join(maildir(svc), "new"))) == before
    assert os.listdir(os.path.join(maildir(svc), "tmp")) == []


def test_a_redelivery_is_kept_beside_the_first(svc):
    """The same Message-ID twice (a sender that crashed between sending and marking it
    sent): both kept, the second under ",2", nothing overwritten."""
    msg = (b"Message-ID: <again.1@b.kz>\r\nTo: x@y.kz\r\nSubject: twice\r\n\r\n"
           b"..a line that began with a dot\r\nend\r\n")
    for _ in range(2):
        c = Smtp(sink_port(svc))
        try:
            assert c.reply()[0] == 220
            assert c.say("HELO test.example")[0] == 250
            assert c.say("MAIL FROM:<a@b.kz>")[0] == 250
            assert c.say("RCPT TO:<x@y.kz>")[0] == 250
            assert c.say("DATA")[0] == 354
            c.s.sendall(msg)
            code, text = c.say(".")
            assert code == 250, text
            assert c.say("QUIT")[0] == 221
        finally:
            c.close()
        time.sleep(1.1)  # the second comes in another second: another EPOCH
    new = os.path.join(maildir(svc), "new")
    names = sorted(n for n in os.listdir(new) if ".again.1" in n)
    assert len(names) == 2, names
    # The second is marked as such, though its EPOCH alone would have told them apart.
    assert [n.split(".", 1)[1] for n in names] == ["again.1.eml", "again.1,2.eml"], names
    for n in names:
        with open(os.path.join(new, n), "rb") as f:
            body = f.read()
        assert b"\n.a line that began with a dot\n" in body, "dot-unstuffed"


def test_a_silent_client_is_cut_and_mail_still_arrives(svc, tmp_path):
    c = Smtp(sink_port(svc), timeout=60)
    try:
        assert c.reply()[0] == 220
        started = time.monotonic()
        # Says nothing: while it waits, an application is made and its mail sent.
        number = apply(svc, tmp_path, "b")
        rest = c.f.read()  # until the receiver closes
        waited = time.monotonic() - started
        assert rest == b"" or rest.startswith(b"421"), rest
        assert 8 < waited < 45, f"cut after {waited:.0f} s, not the 10 s of ncaenrolld(8)"
    finally:
        c.close()
    [(_, raw)] = wait_mail(svc, number, timeout=60)
    assert email.message_from_bytes(raw, policy=email.policy.default)["To"] == ADDRESS


def test_a_demo_given_a_relay_uses_it(tmp_path, sink):
    """mail.smtp_url in the file: the demo starts no receiver of its own."""
    config = {"policy": {"captcha_per_minute": 10000, "checks_per_minute": 10000},
              "mail": {"smtp_url": f"smtp://127.0.0.1:{sink.port}",
                       "from": "ncaenrolld@example.kz"}}
    s = Service(tmp_path / "svc" / "state", config=config)
    try:
        number = apply(s, tmp_path, "c")
        mails = sink.wait(1)
        assert len(mails) == 1 and number in words(mails[0][2])
        assert not os.path.exists(os.path.join(s.state, "mail-sink"))
        assert not os.path.exists(os.path.join(s.state, "mail", "new"))
    finally:
        s.stop()


def test_ncaenroll_demo_leaves_the_mail_in_its_state_folder(tmp_path):
    """The person's own path: `ncaenroll --demo apply` starts the demo service for the
    life of the command; the mail it sent is in the demo's folder afterwards."""
    class NoService:
        captcha_code = None
    me = Applicant(NoService(), str(tmp_path))
    p = me.apply(demo=True, email=ADDRESS)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    new = tmp_path / "xdg" / "ncaenroll" / "demo" / "service" / "mail" / "new"
    mails = [n for n in (os.listdir(new) if new.is_dir() else [])
             if number in words((new / n).read_bytes())]
    assert len(mails) == 1, (mails, os.listdir(new) if new.is_dir() else "no folder")
    msg = email.message_from_bytes((new / mails[0]).read_bytes(), policy=email.policy.default)
    assert msg["To"] == ADDRESS


def test_random_bytes_do_not_stop_it(svc, tmp_path):
    """Noise of every kind, on several connections at once, some closed mid-line; then a
    mail is delivered as if nothing had happened."""
    import random
    rnd = random.Random(14)
    port = sink_port(svc)
    conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
    try:
        for i, s in enumerate(conns):
            for _ in range(20):
                chunk = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 3000)))
                try:
                    s.sendall(chunk)
                except OSError:
                    break  # cut for its errors: what should happen
            if i % 2:
                s.close()
    finally:
        for s in conns:
            s.close()
    number = apply(svc, tmp_path, "noise")
    [(_, raw)] = wait_mail(svc, number)
    assert email.message_from_bytes(raw, policy=email.policy.default)["To"] == ADDRESS
