"""One delivery of one notice (mail.h, mail_deliver) to a real SMTP server on loopback
(aiosmtpd), over real SMTP: plain, STARTTLS when offered, STARTTLS required, TLS from the
start, with a login, against a certificate the configured CA did not sign, to an address
the relay refuses. The application comes from a real ncaenrolld (a demo service the
applicant's ncaenroll applied to); tests/tools/mail-deliver reads the mail settings from a
ncaenrolld.yaml(5) file, opens that service's store and calls mail_deliver, as the
service's mailer does. What arrives is read as the applicant's mail program would: the
headers decoded, the text, and the application form as a PDF whose text (pdftotext) and
QR code (zbarimg) carry the application."""
import email
import email.policy
import json
import os
import re
import ssl
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from conftest import BUILDDIR
from fixtures import Sink, service_fixture
from service import SANITIZER_MARKS, program_env, set_clock
from test_apply_cli import Applicant
from test_form_pdf import ORG_KK, ORG_RU, PERSON, pdf_text, qr_of

pytest.importorskip("aiosmtpd.controller")

ADDRESS = "buhgalter@mail.kz"
FROM = "noreply@nca.example.kz"
PASSWORD = "s3cret-Relay-Pa55"
GONE = "0000-0000-0000-0000-0000-0000-0000"

svc = service_fixture("mailsmtp", clock=True)


@pytest.fixture(scope="module")
def applied(svc, clock, tmp_path_factory):
    """An application sent by the applicant's own program, with an e-mail address: the
    applicant and its number. Sent at 20:30 UTC yesterday, already tomorrow in Kazakhstan,
    so that a date written in UTC reads a day early."""
    evening = datetime.now(timezone.utc).replace(hour=20, minute=30, second=0,
                                                 microsecond=0) - timedelta(days=1)
    set_clock(clock, int(evening.timestamp()))
    me = Applicant(svc, str(tmp_path_factory.mktemp("home")))
    p = me.apply(email=ADDRESS)
    assert p.returncode == 0, p.stderr
    return me, json.loads(p.stdout)["request_number"]


@pytest.fixture(scope="module")
def number(applied):
    return applied[1]


def make_cert(d, name):
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key."""
    cert, key = os.path.join(d, name + ".pem"), os.path.join(d, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", f"/CN={name}",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("certs"))
    return {"relay": make_cert(d, "relay"), "other": make_cert(d, "other")}


def server_ctx(certs):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*certs["relay"])
    return ctx


@pytest.fixture
def make_sink():
    sinks = []

    def start(**kw):
        s = Sink(**kw)
        sinks.append(s)
        return s
    yield start
    for s in sinks:
        s.stop()


def deliver(svc, tmp_path, mail, number, notice="received", lang="kk", to=ADDRESS,
            mail_id=7, env=None, pass_fds=()):
    """mail_deliver through the test tool: (outcome, cause). env: set for the tool after
    uninstalled-env (NCAENROLL_LIBEXECDIR: where it finds ncaenroll-pdf); pass_fds:
    descriptors the tool inherits (as a service holds files open)."""
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text("mail:\n" + "".join(f"  {k}: {json.dumps(v)}\n"
                                        for k, v in mail.items()))
    store = "sqlite:" + os.path.join(svc.state, "ncaenrolld.db")
    over = [f"{k}={v}" for k, v in (env or {}).items()]
    p = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"), "env", *over,
                        os.path.join(BUILDDIR, "tests", "tools", "mail-deliver"),
                        str(conf), store, number, notice, to, lang, str(mail_id)],
                       capture_output=True, text=True, env=program_env(), timeout=60,
                       pass_fds=pass_fds)
    assert p.returncode in (0, 1, 2), p.stderr
    assert not any(m in p.stderr for m in SANITIZER_MARKS), p.stderr
    outcome, _, cause = p.stdout.partition("\n")
    assert PASSWORD not in p.stdout + p.stderr, "the relay's password is a secret"
    return outcome, cause.strip()


def settings(sink, **kw):
    return dict({"smtp_url": f"smtp://127.0.0.1:{sink.port}", "from": FROM}, **kw)


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def kz_day(iso):
    """The date a person in Kazakhstan (UTC+05:00) reads for a moment of the service."""
    t = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (t + timedelta(hours=5)).strftime("%Y-%m-%d")


@pytest.mark.parametrize("lang,org", [("kk", ORG_KK), ("ru", ORG_RU)])
def test_received_carries_the_form_as_a_pdf(svc, number, make_sink, tmp_path, lang, org):
    sink = make_sink()
    outcome, cause = deliver(svc, tmp_path, settings(sink), number, lang=lang)
    assert (outcome, cause) == ("sent", "")
    [(mail_from, rcpts, raw)] = sink.wait(1)
    assert mail_from == FROM and rcpts == [ADDRESS]
    msg = parse(raw)
    assert msg["From"] == FROM and msg["To"] == ADDRESS
    assert number in str(msg["Subject"]) and not str(msg["Subject"]).isascii(), \
        "the subject is the applicant's words, decoded from RFC 2047"
    assert msg["Message-ID"] == f"<received.{number}.7@nca.example.kz>"
    assert msg["Date"] is not None
    assert msg.get_content_type() == "multipart/mixed"
    text, pdf = list(msg.iter_parts())
    assert text.get_content_type() == "text/plain"
    assert text.get_content_charset().lower() == "utf-8"
    assert number in text.get_content()
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"application-{number}.pdf"
    assert pdf.get_content_disposition() == "attachment"
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf.get_content())
    words = pdf_text(str(path))
    for want in (number, org, PERSON):
        assert want in words, f"{want} is not on the form:\n{words}"
    assert re.search(r"\d{4}-\d{2}-\d{2}", words), "the form names its deadline"
    assert qr_of(str(path), tmp_path) == number


def test_the_deadline_on_the_form_is_kazakhstan_time(svc, applied, make_sink, tmp_path):
    me, number = applied
    p = me.run("--json", "status", number)
    assert p.returncode == 0, p.stderr
    deadline = json.loads(p.stdout)["deadline"]
    sink = make_sink()
    assert deliver(svc, tmp_path, settings(sink), number, lang="ru")[0] == "sent"
    [(_, _, raw)] = sink.wait(1)
    pdf = list(parse(raw).iter_parts())[1]
    (tmp_path / "form.pdf").write_bytes(pdf.get_content())
    words = pdf_text(str(tmp_path / "form.pdf"))
    utc_day = deadline[:10]
    assert kz_day(deadline) != utc_day, "the application was sent in the KZ night"
    assert kz_day(deadline) in words and utc_day not in words, words


def test_the_message_id_is_the_same_on_every_try(svc, number, make_sink, tmp_path):
    sink = make_sink()
    for _ in range(2):
        assert deliver(svc, tmp_path, settings(sink), number, notice="reminder",
                       mail_id=42)[0] == "sent"
    ids = {parse(raw)["Message-ID"] for _, _, raw in sink.wait(2)}
    assert ids == {f"<reminder.{number}.42@nca.example.kz>"}


def test_only_received_carries_the_form(svc, number, make_sink, tmp_path):
    sink = make_sink()
    assert deliver(svc, tmp_path, settings(sink), number, notice="reminder",
                   lang="en")[0] == "sent"
    [(_, _, raw)] = sink.wait(1)
    msg = parse(raw)
    assert "application/pdf" not in [p.get_content_type() for p in msg.walk()]
    assert number in msg.get_body(("plain",)).get_content()


def test_starttls_when_offered(svc, number, make_sink, tmp_path, certs):
    sink = make_sink(tls_context=server_ctx(certs))
    assert deliver(svc, tmp_path, settings(sink, ca_file=certs["relay"][0]),
                   number) == ("sent", "")
    sink.wait(1)
    assert sink.sessions == [{"tls": True, "login": None}], "STARTTLS was used"


def test_starttls_off_sends_in_the_clear(svc, number, make_sink, tmp_path, certs):
    sink = make_sink(tls_context=server_ctx(certs))
    assert deliver(svc, tmp_path, settings(sink, starttls="off"), number) == ("sent", "")
    sink.wait(1)
    assert sink.sessions == [{"tls": False, "login": None}]


def test_starttls_required_but_not_offered(svc, number, make_sink, tmp_path):
    sink = make_sink()
    outcome, cause = deliver(svc, tmp_path, settings(sink, starttls="required"), number)
    assert outcome == "retry"
    assert "STARTTLS" in cause, cause
    assert sink.wait(1, timeout=2) == []


def test_a_certificate_the_ca_file_did_not_sign(svc, number, make_sink, tmp_path, certs):
    sink = make_sink(tls_context=server_ctx(certs))
    outcome, cause = deliver(svc, tmp_path, settings(sink, starttls="required",
                                                     ca_file=certs["other"][0]), number)
    assert outcome == "retry"
    assert "certificate" in cause, cause
    assert sink.wait(1, timeout=2) == []


def test_tls_from_the_start(svc, number, make_sink, tmp_path, certs):
    sink = make_sink(ssl_context=server_ctx(certs))
    assert deliver(svc, tmp_path, dict(settings(sink), smtp_url=f"smtps://127.0.0.1:"
                                       f"{sink.port}", ca_file=certs["relay"][0]),
                   number) == ("sent", "")
    sink.wait(1)
    assert sink.sessions[0]["tls"]


def relay_login(seen):
    from aiosmtpd.smtp import AuthResult

    def check(server, session, envelope, mechanism, data):
        seen.append(mechanism)
        ok = data.login == b"nca-mailer" and data.password == PASSWORD.encode()
        # handled=False: aiosmtpd then answers 535 itself (True would leave it silent).
        return AuthResult(success=ok, handled=False,
                          auth_data="nca-mailer" if ok else None)
    return check


def password_file(tmp_path, mode=0o600, text=PASSWORD + "\n"):
    path = tmp_path / "relay-password"
    path.write_text(text)
    path.chmod(mode)
    return str(path)


def test_login_over_starttls(svc, number, make_sink, tmp_path, certs):
    seen = []
    sink = make_sink(tls_context=server_ctx(certs), authenticator=relay_login(seen),
                     auth_required=True)
    assert deliver(svc, tmp_path, settings(
        sink, starttls="required", ca_file=certs["relay"][0], username="nca-mailer",
        password_file=password_file(tmp_path)), number) == ("sent", "")
    sink.wait(1)
    assert sink.sessions == [{"tls": True, "login": "nca-mailer"}]
    assert seen and seen[0] in ("PLAIN", "LOGIN")


def test_a_wrong_password_is_retried_and_not_told(svc, number, make_sink, tmp_path, certs):
    sink = make_sink(tls_context=server_ctx(certs), authenticator=relay_login([]),
                     auth_required=True)
    outcome, cause = deliver(svc, tmp_path, settings(
        sink, starttls="required", ca_file=certs["relay"][0], username="nca-mailer",
        password_file=password_file(tmp_path, text="wrong-one\n")), number)
    assert outcome == "retry", "a login refused is the relay's settings, not the address"
    assert "535" in cause and "wrong-one" not in cause, cause
    assert sink.wait(1, timeout=2) == []


def test_a_password_file_others_can_read_is_refused(svc, number, make_sink, tmp_path):
    sink = make_sink()
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text(f"mail:\n  smtp_url: smtp://127.0.0.1:{sink.port}\n  from: {FROM}\n"
                    f"  starttls: required\n  username: nca-mailer\n"
                    f"  password_file: {password_file(tmp_path, mode=0o644)}\n")
    p = subprocess.run([os.path.join(BUILDDIR, "ncaenrolld"), "--config", str(conf),
                        "--demo", "--state-dir", str(tmp_path / "state"),
                        "--listen", "127.0.0.1:0"],
                       capture_output=True, text=True, env=program_env(), timeout=60)
    assert p.returncode != 0
    assert "password_file" in p.stderr and "0600" in p.stderr, p.stderr
    assert PASSWORD not in p.stderr


def test_an_address_the_relay_refuses(svc, number, make_sink, tmp_path):
    sink = make_sink(refuse={ADDRESS: "550 5.1.1 <buhgalter@mail.kz>: no such user"})
    outcome, cause = deliver(svc, tmp_path, settings(sink), number)
    assert outcome == "refused"
    assert cause.startswith("550 5.1.1"), cause
    assert sink.wait(1, timeout=2) == []


def test_a_relay_that_is_busy_is_retried(svc, number, make_sink, tmp_path):
    sink = make_sink(refuse={ADDRESS: "451 4.3.0 try again later"})
    outcome, cause = deliver(svc, tmp_path, settings(sink), number)
    assert (outcome, cause[:3]) == ("retry", "451")


def test_no_relay_at_all(svc, number, tmp_path):
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome, cause = deliver(svc, tmp_path, {"smtp_url": f"smtp://127.0.0.1:{port}",
                                             "from": FROM}, number)
    assert outcome == "retry" and cause, cause


def test_an_application_that_is_gone(svc, make_sink, tmp_path):
    sink = make_sink()
    outcome, cause = deliver(svc, tmp_path, settings(sink), GONE)
    assert outcome == "refused" and GONE in cause, cause
    assert sink.wait(1, timeout=1) == []


def fake_helper(tmp_path, script):
    """A folder holding an ncaenroll-pdf that runs script (sh)."""
    d = tmp_path / "libexec"
    d.mkdir()
    helper = d / "ncaenroll-pdf"
    helper.write_text("#!/bin/sh\n" + script)
    helper.chmod(0o755)
    return str(d)


def test_the_helper_gets_the_form_and_nothing_of_the_service(svc, number, make_sink,
                                                             tmp_path):
    """ncaenroll-pdf runs with a clean environment and none of the service's descriptors
    (even one not marked close-on-exec), and its private folder is gone after."""
    seen, fds, tmp = tmp_path / "seen-env", tmp_path / "seen-fds", tmp_path / "tmp"
    tmp.mkdir()
    real = os.path.join(os.path.abspath(BUILDDIR), "ncaenroll-pdf")
    libexec = fake_helper(tmp_path, f'env > "{seen}"\nls -l /proc/$$/fd > "{fds}"\n'
                                    f'exec "{real}"\n')
    sink = make_sink()
    held = os.open(str(tmp_path / "held-by-the-service"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        assert deliver(svc, tmp_path, settings(sink), number, env={
            "NCAENROLL_LIBEXECDIR": libexec, "TMPDIR": str(tmp),
            "NCA_SERVICE_SECRET": "not-for-helpers"}, pass_fds=(held,)) == ("sent", "")
    finally:
        os.close(held)
    names = {line.split("=", 1)[0] for line in seen.read_text().splitlines()}
    assert "NCA_SERVICE_SECRET" not in names and "TMPDIR" not in names, names
    assert names - {"PWD", "SHLVL", "_", "OLDPWD"} <= {
        "PATH", "LANG", "NCAENROLL_LOCALEDIR", "NCAENROLL_DATADIR"}, names
    assert "held-by-the-service" not in fds.read_text(), fds.read_text()
    assert list(tmp.iterdir()) == [], "the PDF and its folder are removed"
    [(_, _, raw)] = sink.wait(1)
    assert "application/pdf" in [p.get_content_type() for p in parse(raw).walk()]


def test_a_helper_that_fails_is_retried_in_its_words(svc, number, make_sink, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    libexec = fake_helper(tmp_path, 'cat > /dev/null\necho "no fonts here" >&2\nexit 1\n')
    sink = make_sink()
    outcome, cause = deliver(svc, tmp_path, settings(sink), number,
                             env={"NCAENROLL_LIBEXECDIR": libexec, "TMPDIR": str(tmp)})
    assert (outcome, cause) == ("retry", "cannot make the PDF: ncaenroll-pdf: no fonts here")
    assert sink.wait(1, timeout=2) == [], "no mail goes without its form"
    assert list(tmp.iterdir()) == []


def test_no_helper_at_all(svc, number, make_sink, tmp_path):
    (tmp_path / "empty").mkdir()
    sink = make_sink()
    outcome, cause = deliver(svc, tmp_path, settings(sink), number,
                             env={"NCAENROLL_LIBEXECDIR": str(tmp_path / "empty")})
    assert outcome == "retry" and cause.startswith("cannot make the PDF: cannot run "
                                                   "ncaenroll-pdf"), cause
    assert str(tmp_path) not in cause, "no path of the service's in what the applicant sees"
