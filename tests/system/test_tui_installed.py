"""Installed certificates in the full-screen program (issue #10, point 2). Installing an
application that is installed already used to ask for a new password, say both containers
were written, and change nothing. Now every way into install (the status screen, Install
certificates, My applications) shows where and when it was installed and asks for
nothing; another password is an explicit screen (passwd) that really rewrites both
containers: afterwards OpenSSL opens them with the new password and not with the old. A
wrong current password is said at its field. Keys on a token: the installed screen names
the token, and another password is refused with what to do instead. The real ncaenroll in
tmux against the real ncaenrolld; SoftHSM2 is the token."""
import json
import os
import re
import shutil
import time

import pytest

pytest.importorskip("yaml")

from fixtures import service_fixture, tui  # noqa: E402
from softhsm import SoftHSM  # noqa: E402
from test_apply_cli import issued, snapshot  # noqa: E402
from test_passwd import opens  # noqa: E402
from test_token_apply import Applicant as TokenApplicant  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

OLD, NEW = "Qwerty12", "Zhaksy2026"
OK = {"kk": "Жарайды", "ru": "ОК", "en": "OK"}
# A local date and time: "2026-12-06 14:31".
WHEN = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


svc = service_fixture("tui-installed", extra=["--auto-approve", "1"])


def flat(scr):
    return " ".join(scr.replace("│", " ").split())


def installed(svc, home):
    me, number = issued(svc, home)
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=OLD)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    return me, number, [done["auth"], done["sign"]]


def nothing_asked(t):
    """The installed screen, and no password screen on the way."""
    F = t.forms
    scr = t.wait_for(F.title("installed"), F.title("install_password"), timeout=60)
    assert F.title("install_password") not in scr, scr
    return scr


def where_and_when(scr, me, paths):
    for p in paths:
        assert os.path.basename(p) in scr, scr
    assert me.keys in flat(scr), scr
    assert WHEN.search(scr), f"when it was installed:\n{scr}"


def choose_in_apps(t, number):
    F = t.forms
    t.press(F.button("main", "goto", "apps"))
    t.wait_for(number)
    t.keys("Space")                         # the only one


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_install_twice_asks_nothing_the_second_time(svc, home, lang):
    me, number = issued(svc, home)
    t = tui(svc, home, lang)
    F = t.forms
    with t:
        # The first time: the password, twice.
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "status"))
        t.wait_for(number)
        t.press(F.button("status", "status_install"))
        t.wait_for(F.title("install_password"))
        t.type(OLD)
        t.keys("Tab")
        t.type(OLD)
        t.press(F.button("install_password", "install"))
        scr = t.wait_for(F.title("installed"), timeout=120)
        paths = [os.path.join(me.keys, n) for n in sorted(os.listdir(me.keys))
                 if n.endswith(".p12")]
        assert len(paths) == 2
        where_and_when(scr, me, paths)
        files = snapshot(me.keys)
        # Back leads to the status screen, not to the password just taken.
        t.keys("Escape")
        t.wait_for(F.title("status"))
        # Again, every way in: where and when, nothing asked, nothing written.
        t.press(F.button("status", "status_install"))
        where_and_when(nothing_asked(t), me, paths)
        t.press(F.button("installed", "goto", "main"))
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "install_pick"))
        t.wait_for(number)
        t.keys("Enter")
        where_and_when(nothing_asked(t), me, paths)
        t.press(F.button("installed", "goto", "main"))
        t.wait_for(F.title("main"))
        choose_in_apps(t, number)
        t.press(F.button("apps", "apps_install"))
        where_and_when(nothing_asked(t), me, paths)
        assert snapshot(me.keys) == files


def test_another_password_opens_both_and_the_old_does_not(svc, home):
    me, number, paths = installed(svc, home)
    t = tui(svc, home, "ru")
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        choose_in_apps(t, number)
        t.press(F.button("apps", "apps_passwd"))
        t.wait_for(F.title("passwd"))
        assert number in t.screen()
        # A wrong current password: said at its field, nothing changed.
        t.type("Wrong123")
        t.keys("Tab")
        t.type(NEW)
        t.keys("Tab")
        t.type(NEW)
        t.press(F.button("passwd", "passwd"))
        label = F.label("passwd", "password")
        scr = t.wait_for(os.path.basename(paths[0])[:20], timeout=60)
        rows = scr.split("\n")
        at = next(i for i, line in enumerate(rows) if label in line)
        assert "пароль не" in rows[at + 1], scr
        assert all(opens(p, OLD) for p in paths)
        # The right one (the focus is at the emptied field; the new one is kept): both
        # rewritten, said so, and the screen it came from again.
        assert t.cursor()[0] == at, "the cursor waits at the current password"
        t.type(OLD)
        t.press(F.button("passwd", "passwd"))
        scr = t.wait_for(OK["ru"], timeout=60)
        assert "нов" in flat(scr) and os.path.basename(paths[0]) in flat(scr), scr
        assert NEW not in scr and OLD not in scr
        t.keys("Enter")
        t.wait_for(F.title("apps"))
    assert all(opens(p, NEW) for p in paths)
    assert not any(opens(p, OLD) for p in paths)


def test_the_installed_screen_leads_to_another_password(svc, home):
    me, number, paths = installed(svc, home)
    t = tui(svc, home, "kk")
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "status"))
        t.wait_for(number)
        t.press(F.button("status", "status_install"))
        nothing_asked(t)
        t.press(F.button("installed", "goto", "passwd"))
        scr = t.wait_for(F.title("passwd"))
        assert number in scr


def test_keys_on_a_token_installed_and_no_password_to_change(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken 7")
    me = TokenApplicant(svc, tmp_path / "home", tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    end = time.time() + 60
    while json.loads(me.run("--json", "status", number).stdout)["status"] != "issued":
        assert time.time() < end
        time.sleep(0.5)
    p = me.run("install", "--pin-fd", "PINFD", number, pin=tok.pin)
    assert p.returncode == 0, p.stderr
    t = tui(svc, me.home, "ru", extra_env=tok.env())
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        choose_in_apps(t, number)
        t.press(F.button("apps", "apps_install"))
        scr = t.wait_for(F.title("installed_token"), F.title("install_token"), timeout=60)
        assert F.title("install_token") not in scr and "Kaztoken 7" in scr, scr
        assert WHEN.search(scr), scr
        assert "PIN" in scr                 # changed with the token's own tool: said
        t.keys("Escape")
        t.wait_for(F.title("apps"))
        t.keys("Space")
        t.press(F.button("apps", "apps_passwd"))
        time.sleep(1)
        scr = t.screen()
        assert F.title("passwd") not in scr
        assert "Kaztoken 7" in flat(scr) and "PIN" in scr, scr
