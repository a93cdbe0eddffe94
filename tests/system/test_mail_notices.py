"""Every mail the process promises reaches the applicant once, in the applicant's language
(issue 14, doc/mail.md): the real ncaenrolld with its test clock, a real desk operator, a
real SMTP sink (aiosmtpd). Received (with the form as a PDF), issued, rejected (the reason
in the reader's words), 7 days left to verify, cancelled, the certificates' end near in
30, 14 and 7 days, revoked. Each mail has its own Message-ID; no notice comes twice."""
import calendar
import email
import email.policy
import time

import pytest

from holder import DOCS, load_key, revoke

pytest.importorskip("aiosmtpd.controller")
from fixtures import Sink  # noqa: E402
from test_ra_service import Desk  # noqa: E402

DAY = 86400


def parse(raw):
    """(message, its text, its PDF attachments' bytes)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",)).get_content()
    pdfs = [p.get_content() for p in msg.iter_attachments()
            if p.get_content_type() == "application/pdf"]
    return msg, text, pdfs


class World:
    def __init__(self, tmp):
        self.sink = Sink()
        self.desk = Desk(tmp, mail={"smtp_url": f"smtp://127.0.0.1:{self.sink.port}",
                                    "from": "noreply@pki.gov.kz"})
        self.op = self.desk.operator("aigerim")

    def mails(self, number):
        return [parse(raw) for _, _, raw in self.sink.messages
                if number in parse(raw)[0]["Subject"]]

    def wait(self, number, n, timeout=30):
        end = time.monotonic() + timeout
        while len(self.mails(number)) < n and time.monotonic() < end:
            time.sleep(0.2)
        got = self.mails(number)
        assert len(got) >= n, [m["Subject"] for m, _, _ in got]
        return got

    def quiet(self, number, n):
        """n mails of number and no more, a moment later."""
        time.sleep(2.5)
        got = self.mails(number)
        assert len(got) == n, [m["Subject"] for m, _, _ in got]
        return got

    def advance_to(self, t):
        self.desk.now = t
        self.desk.set_clock(t)

    def approve(self, number):
        st, done = self.desk.ra("POST", f"/applications/{number}/approve",
                                {"documents": DOCS}, cert=self.op)
        assert st == 200 and done["mail"] == "queued", done
        return done

    def stop(self):
        self.desk.stop()
        self.sink.stop()


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.stop()


def test_received_issued_and_the_end_near_in_russian(world):
    number = world.desk.apply(lang="ru")
    (msg, text, pdfs), = world.wait(number, 1)
    assert msg["Subject"] == f"Заявка {number} зарегистрирована"
    assert msg["To"] == "user@mail.kz"
    assert "Принесите в пункт регистрации" in text and number in text
    assert len(pdfs) == 1 and pdfs[0].startswith(b"%PDF-"), "the form is attached"

    done = world.approve(number)
    got = world.wait(number, 2)
    assert got[1][0]["Subject"] == f"Заявка {number}: сертификаты выпущены"
    assert done["certificates"]["auth"]["serial"] in got[1][1]
    assert got[1][2] == [], "only the first mail carries the form"

    end = calendar.timegm(time.strptime(done["certificates"]["not_after"],
                                        "%Y-%m-%dT%H:%M:%SZ"))
    for days, n in ((29, 3), (13, 4), (6, 5)):
        world.advance_to(end - days * DAY)
        got = world.wait(number, n)
        assert "срок действия сертификатов истекает через" in got[-1][0]["Subject"]
        assert f"{days} " in got[-1][0]["Subject"] or f"{days + 1} " in got[-1][0]["Subject"]
        assert "«Продлить»" in got[-1][1]
    got = world.quiet(number, 5)
    ids = [m["Message-ID"] for m, _, _ in got]
    assert len(set(ids)) == 5, ids


def test_reminder_then_cancelled_in_kazakh(world):
    number = world.desk.apply(lang="kk")
    world.wait(number, 1)
    start = world.desk.now
    world.advance_to(start + 24 * DAY)
    got = world.wait(number, 2)
    assert got[1][0]["Subject"].startswith(f"{number} өтінімі: растауға")
    world.advance_to(start + 31 * DAY)
    got = world.wait(number, 3)
    assert got[2][0]["Subject"] == f"{number} өтінімінің күші жойылды"
    world.quiet(number, 3)


def test_rejected_with_the_reason_in_kazakh(world):
    number = world.desk.apply(lang="kk")
    world.wait(number, 1)
    st, done = world.desk.ra("POST", f"/applications/{number}/reject",
                             {"reason": "documents_missing", "text": "нет приказа"},
                             cert=world.op)
    assert st == 200 and done["mail"] == "queued", done
    got = world.wait(number, 2)
    msg, text, _ = got[1]
    assert msg["Subject"] == f"{number} өтінімі: қабылданбады"
    assert "Құжаттар толық емес" in text, "the reason in the reader's language"
    assert "нет приказа" in text, "the operator's words as typed"


def test_revoked_by_the_holder_in_russian(world):
    number = world.desk.apply(lang="ru")
    key = load_key(world.desk.last_app_dir / "auth.key")
    world.approve(number)
    world.wait(number, 2)
    st, ans = revoke(world.desk.svc, number, key, reason="affiliationChanged")
    assert st == 200 and ans["mail"] == "queued", ans
    got = world.wait(number, 3)
    assert got[2][0]["Subject"] == f"Заявка {number}: сертификаты отозваны"
    st, s = world.desk.svc.request("GET", f"/api/v1/applications/{number}")
    assert [m["notice"] for m in s["mail"]] == ["received", "issued", "revoked"], s["mail"]
    assert all(m["state"] == "sent" for m in s["mail"]), s["mail"]
