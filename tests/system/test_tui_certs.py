"""My certificates in the full-screen program (issue 13), in kk and ru: the main screen
leads there; the list shows each installed application with the days left and the
status the service's own OCSP responder gives (in force); Revoke asks
the reason and the containers' password, refuses a wrong one at its field naming the
registration desk, asks with No chosen, then revokes at the real ncaenrolld and says so
with the reason in the screen's language; Renew issues a new application at once and
leads into the install screens for it, after which the old one reads revoked
(superseded). The real ncaenroll in tmux against the real service."""
import json
import os
import re
import shutil

import pytest

pytest.importorskip("yaml")

from fixtures import service_fixture, tui  # noqa: E402
from test_apply_cli import issued  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

OLD, NEW = "Qwerty12", "Zhaksy2026"
YES = {"kk": "Иә", "ru": "Да", "en": "Yes"}
OK = {"kk": "Жарайды", "ru": "ОК", "en": "OK"}
REVOKED = {"kk": "кері қайтарылды", "ru": "отозваны"}
REASON = {"kk": "Ұйымнан кетті", "ru": "Уход из организации"}
DESK = {"kk": "тіркеу пункт", "ru": "пункт"}
IN_FORCE = {"kk": "күшінде", "ru": "действуют"}

svc = service_fixture("tui-certs", extra=["--auto-approve", "1"])


def flat(scr):
    return " ".join(scr.replace("│", " ").split())


def installed(svc, home):
    me, number = issued(svc, home)
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=OLD)
    assert p.returncode == 0, p.stderr
    return me, number


def service_status(svc, number):
    st, body = svc.request("GET", f"/api/v1/applications/{number}")
    assert st == 200, body
    return body


def open_certs(t, number):
    F = t.forms
    t.wait_for(F.title("main"))
    t.press(F.button("main", "goto", "certs"))
    return t.wait_for(number, timeout=60)     # the only one, under the cursor


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_revoke_on_the_screen(svc, home, lang):
    me, number = installed(svc, home)
    t = tui(svc, home, lang)
    F = t.forms
    with t:
        scr = open_certs(t, number)
        assert IN_FORCE[lang] in flat(scr), scr
        t.press(F.button("certs", "certs_revoke", "revoke"))
        scr = t.wait_for(F.title("revoke"))
        assert number in scr and REASON[lang] in scr, scr
        t.keys("Down", "Space")             # the second reason: left the organization
        t.keys("Tab")
        t.type("Wrong123")
        t.press(F.button("revoke", "revoke"))
        t.wait_for(YES[lang])
        assert t.focused_button() != YES[lang], "No is chosen first"
        t.press(YES[lang])
        scr = t.wait_for(DESK[lang], timeout=60)
        assert service_status(svc, number)["status"] == "installed"
        t.type(OLD)
        t.press(F.button("revoke", "revoke"))
        t.wait_for(YES[lang])
        t.press(YES[lang])
        scr = t.wait_for(OK[lang], timeout=60)
        assert REVOKED[lang] in flat(scr) and REASON[lang] in flat(scr), scr
        assert OLD not in scr
        t.keys("Enter")
        scr = t.wait_for(F.title("certs"))
        # The list asks the responder again: revoked, no longer in force.
        scr = t.wait_for(REVOKED[lang], timeout=60)
        assert IN_FORCE[lang] not in flat(scr), scr
        # The status screen says revoked, when and why, in the screen's language.
        t.keys("Escape")
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "status"))
        t.wait_for(number)                  # the application worked on
        t.press(F.button("status", "status_search"))
        scr = t.wait_for(REASON[lang], timeout=60)
        assert number in scr and re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", scr), scr
    st = service_status(svc, number)
    assert st["status"] == "revoked" and st["revocation"]["reason"] == "affiliationChanged"


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_renew_on_the_screen_then_install(svc, home, lang):
    me, old = installed(svc, home)
    t = tui(svc, home, lang)
    F = t.forms
    with t:
        open_certs(t, old)
        t.press(F.button("certs", "certs_renew", "renew"))
        t.wait_for(F.title("renew"))
        t.type(OLD)
        t.press(F.button("renew", "renew"))
        t.wait_for(OK[lang], timeout=120)
        t.keys("Enter")
        # The install screens as for any application: a new password, twice.
        t.wait_for(F.title("install_password"), timeout=60)
        t.type(NEW)
        t.keys("Tab")
        t.type(NEW)
        t.press(F.button("install_password", "install"))
        t.wait_for(F.title("installed"), timeout=120)
    apps = json.loads(me.run("--json", "list").stdout)
    new = [a["request_number"] for a in apps if a["request_number"] != old]
    assert len(new) == 1, apps
    assert service_status(svc, new[0])["status"] == "installed"
    st = service_status(svc, old)
    assert st["status"] == "revoked" and st["revocation"]["reason"] == "superseded", st
    assert len([n for n in os.listdir(me.keys) if n.endswith(".p12")]) == 4
