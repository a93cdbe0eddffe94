"""Every word of My certificates, revoke and renew read in Kazakh and Russian
(tests/tui/words.py, as test_tui_words.py reads the rest): the list (no OCSP service
answers here), F1 on each screen, a revocation without a reason, with a wrong password,
the question, the result; renewal with a wrong password; the 30-day warning box at start
for certificates that expire in ten days (a state file holding them)."""
import json
import os
import tempfile

import pytest

from appstate import SUBMITTED, write_state
from fixtures import service_fixture
from test_apply_cli import Applicant, wait_status
from test_containers import openssl
from test_tui_words import LANGS, finish, walker  # noqa: F401 (a fixture)

pytest.importorskip("yaml")

PASSWORD = "Qwerty12"

svc = service_fixture("tui-certs-words", extra=["--auto-approve", "1"])


def installed(svc, home):
    me = Applicant(svc, home)
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(me, number, "issued")
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=PASSWORD)
    assert p.returncode == 0, p.stderr
    return number


def s_certs(w):
    w.press("main", "goto", "certs")
    w.t.wait_for(w.number, timeout=60)


def s_revoke(w):
    w.press("certs", "certs_revoke", "revoke")
    w.on("revoke")


def s_revoke_no_reason(w):
    w.press("revoke", "revoke")
    w.settle()


def s_revoke_wrong_password(w):
    w.t.keys("Home")
    for _ in range(8):                  # back to the reason list, whatever has the focus
        if w.t.focused_button() is None:
            break
        w.t.keys("Tab")
    w.t.keys("Space", "Tab")
    w.t.type("Wrong123")
    w.press("revoke", "revoke")
    w.box()                             # the question, No chosen


def s_revoke_refused(w):
    w.t.keys("Left")                    # Yes
    w.enter(timeout=60)


def s_revoke_done(w):
    w.clear()
    w.t.type(PASSWORD)
    w.press("revoke", "revoke")
    w.box()
    w.t.keys("Left")
    w.enter(timeout=60)


def s_renew(w):
    w.clear()
    w.on("certs", timeout=60)
    w.press("certs", "certs_renew", "renew")
    w.on("renew")


def s_renew_revoked(w):
    w.t.type(PASSWORD)
    w.press("renew", "renew")
    w.settle()


PATH = [
    ("certs", s_certs, "F1"),
    ("revoke", s_revoke, "F1"),
    ("revoke, no reason", s_revoke_no_reason),
    ("revoke, the question", s_revoke_wrong_password),
    ("revoke, a wrong password", s_revoke_refused),
    ("revoked", s_revoke_done),
    ("renew", s_renew, "F1"),
    ("renew, revoked already", s_renew_revoked),
]


@pytest.mark.parametrize("lang", LANGS)
def test_certificates_in_words_of_the_language(walker, svc, lang):  # noqa: F811
    home = tempfile.mkdtemp(prefix="nca-", dir="/tmp")
    number = installed(svc, home)
    w = walker(svc, lang, home=home)
    w.number = number
    w.data += [number, PASSWORD, "Wrong123"]
    w.run(PATH)
    finish(w)


def test_expiry_box_in_words_of_the_language(walker, svc, tmp_path):  # noqa: F811
    walks = []
    for lang in LANGS:
        home = tempfile.mkdtemp(prefix="nca-", dir="/tmp")
        key, cert = str(tmp_path / f"{lang}.key"), str(tmp_path / f"{lang}.pem")
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                cert, "-subj", "/CN=soon", "-days", "10")
        with open(cert) as f:
            pem = f.read()
        number = "1111-1111-1111-1111-1111-1111-1117"
        fields = dict(SUBMITTED, request_number=number, cert_auth=pem, cert_sign=pem,
                      chain=pem, container_auth=os.path.join(home, "a.p12"),
                      container_sign=os.path.join(home, "s.p12"), dir=home,
                      installed_at="2026-01-01T00:00:00Z", reported="yes")
        write_state(os.path.join(home, "state.yaml"),
                    [{"id": "0" * 16, "state": "installed", "fields": fields}])
        w = walker(svc, lang, home=home)
        w.data += [number]
        w.box()
        w.check("the expiry box")
        assert number in w.t.screen()
        walks.append(w)
    finish(*walks)
