"""The e-mail address an applicant gives to `ncaenroll apply` reaches the service, which
mails the application form there (doc/api.md, "mail"): the real ncaenrolld with an SMTP
sink (aiosmtpd) on loopback, driven through the applicant's command line. The service
queues the mail and its mailer thread sends it: the person is told it is on its way to
that address, and it arrives there, with the request number."""
import json

import pytest

from service import DEMO_CONFIG_DEFAULT, Service
from test_apply_cli import Applicant

pytest.importorskip("aiosmtpd.controller")
from test_lifecycle import _body_text  # noqa: E402  (needs aiosmtpd, checked above)

ADDRESS = "buhgalter@mail.kz"


@pytest.fixture
def svc(tmp_path, sink):
    config = dict(DEMO_CONFIG_DEFAULT, mail={"smtp_url": f"smtp://127.0.0.1:{sink.port}",
                                             "from": "ncaenrolld@example.kz"})
    s = Service(tmp_path / "svc" / "state", config=config)
    yield s
    s.stop()


def test_the_form_is_mailed_to_the_address_given(svc, sink, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply(email=ADDRESS)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    assert done["mail"] == "queued", done
    mails = sink.wait(1)
    assert len(mails) == 1, mails
    _, rcpts, raw = mails[0]
    assert rcpts == [ADDRESS]
    msg, body = _body_text(raw)
    assert msg["To"] == ADDRESS
    assert done["request_number"] in body, "the mail names the application"


def test_no_address_no_mail(svc, sink, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply(email=None)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["mail"] == "none"
    assert sink.wait(1, timeout=3) == []


# A service that sends none ("none") is no demo (a demo mails into its own maildir,
# test_demo_mail.py), and a real service's captcha cannot be read by a test.
@pytest.mark.parametrize("mail", ["queued", "relay-down"])
def test_the_person_is_told_what_became_of_the_mail(tmp_path, sink, mail):
    """Each outcome in its own words: a queued mail is on its way, even while the relay is
    down (the service keeps trying; `ncaenroll status` says so if it never arrives), and
    none is "sent" or "this service sends no e-mail"."""
    import socket
    config = dict(DEMO_CONFIG_DEFAULT)
    if mail == "queued":
        config["mail"] = {"smtp_url": f"smtp://127.0.0.1:{sink.port}",
                          "from": "ncaenrolld@example.kz"}
    elif mail == "relay-down":
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        config["mail"] = {"smtp_url": f"smtp://127.0.0.1:{port}",
                          "from": "ncaenrolld@example.kz"}
    svc = Service(tmp_path / "svc" / "state", config=config)
    try:
        (tmp_path / "me").mkdir()
        me = Applicant(svc, str(tmp_path / "me"))
        values = {"email": ADDRESS}
        args = ["apply"]
        from test_apply_cli import DEMO
        for k, v in dict(DEMO, captcha_answer=svc.captcha_code, dir=me.keys,
                         **values).items():
            args += ["--" + k.replace("_", "-"), v]
        p = me.run(*args)
        assert p.returncode == 0, p.stderr
        said = {"queued": f"E-mail with the form: on its way to {ADDRESS}",
                "relay-down": f"E-mail with the form: on its way to {ADDRESS}"}
        assert said[mail] in p.stdout.splitlines(), p.stdout
        assert "sends no e-mail" not in p.stdout and "sent to" not in p.stdout, p.stdout
    finally:
        svc.stop()
