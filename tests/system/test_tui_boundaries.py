"""Every rule's edge from both sides in the full-screen program, as a person meets it:
the real ncaenroll in tmux against the real ncaenrolld (the command line's and the
service's edges are in test_boundaries.py, with the same values).

- The IIN screen: a birth date after today (tomorrow, later this month, next month) is
  refused at the field, today and earlier pass the rule and go to the register. Those
  spend the three names one BIN check serves: the next IIN takes the person back to the
  BIN, with a new picture and why, and then back to the IIN as typed.
- The e-mail screen: a local part of 65 characters is refused, 64 is taken.
- The status screen: a request number one digit short (its check digit right) or one
  digit long is refused for its length; the real one is found.
- The install password screen: 33 characters are refused by the rule (the field takes
  them all, issue #10), one less installs, and the containers open with those 32."""
import datetime
import os
import re
import shutil
import subprocess

import pytest

pytest.importorskip("yaml")

from fixtures import service_fixture, tui  # noqa: E402
from test_apply_cli import issued  # noqa: E402
from test_boundaries import (LOCAL64, PW32, damm, edges, grouped, iin_born,  # noqa: E402
                             utc_today_for)

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

BIN, IIN = "940140000385", "871008401427"
ORG_RU = "АО «Национальная компания «Сарыарка Жылу Энерго»»"
PERSON = "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ"
FUTURE = "is in the future"                 # idnum.c, the rule's own sentence
UNKNOWN = "no person with this IIN"         # svcerror.c: the register's answer


svc = service_fixture("tui-boundaries", extra=["--auto-approve", "1"])


def clear(t, n):
    t.keys("End")
    t.keys(*["BSpace"] * n, pause=0.02)


def field_line(scr, label):
    """The screen line that holds a field's label."""
    return next(ln for ln in scr.split("\n") if label in ln)


def to_iin_screen(t):
    F = t.forms
    t.wait_for(F.title("main"))
    t.press(F.button("main", "goto", "obtain"))
    t.wait_for(F.title("obtain"))
    t.press(F.button("obtain", "goto", "legal"))
    t.wait_for(F.title("legal"))
    t.press(F.button("legal", "new"))
    t.wait_for(F.title("info"))
    t.press(F.button("info", "goto", "agreement"))
    t.wait_for(F.title("agreement"))
    while "[x]" not in t.screen():
        t.keys("Tab")
        if t.focused_button() is None:
            t.keys("Space")
    t.press(F.button("agreement", "accept"))
    t.wait_for(F.title("bin"))
    t.type(BIN)
    t.keys("Tab")
    t.type(t.svc.captcha_code)
    t.press(F.button("bin", "check_bin"))
    t.wait_for(ORG_RU)
    t.press(F.button("bin", "bin_next"))
    t.wait_for(F.title("iin"))


def test_birth_date_and_email_edges(svc, home):
    t = tui(svc, home)
    F = t.forms
    with t:
        to_iin_screen(t)
        today = utc_today_for(600)
        for label, (day, accepted) in edges(today).items():
            iin = iin_born(day)
            clear(t, 12)
            t.type(iin)
            t.press(F.button("iin", "check_iin"))
            scr = t.wait_for(FUTURE, UNKNOWN)
            said = FUTURE if FUTURE in scr else UNKNOWN
            assert said == (UNKNOWN if accepted else FUTURE), \
                f"born {label} ({iin}):\n{scr}"
            assert iin in scr and F.title("iin") in scr
        assert datetime.datetime.now(datetime.timezone.utc).date() == today
        clear(t, 12)
        t.type(IIN)
        t.press(F.button("iin", "check_iin"))
        # The three names one BIN check serves are spent (issue #15): back to the BIN
        # with a new picture and the reason at it, then on to the IIN as it was typed.
        scr = t.wait_for(F.title("bin"))
        said = " ".join(scr.split())
        assert "serves three IIN checks; check the BIN again with a new picture to " \
            "check more Organization" in said, scr
        assert BIN in scr and PERSON not in scr, scr
        # The cursor is at the code already.
        t.type(t.svc.captcha_code)
        t.press(F.button("bin", "check_bin"))
        t.wait_for(ORG_RU)
        t.press(F.button("bin", "bin_next"))
        scr = t.wait_for(F.title("iin"))
        assert IIN in field_line(scr, IIN), scr
        t.press(F.button("iin", "check_iin"))
        t.wait_for(PERSON)
        t.press(F.button("iin", "iin_next"))
        t.wait_for(F.title("email"))

        # 65 characters before the @: refused at the field, the screen stays.
        t.type(f"{LOCAL64}c@mail.kz")
        t.press(F.button("email", "set_email"))
        scr = t.wait_for("at most 64")
        assert F.title("email") in scr and "┌─" not in scr, scr
        # 64: taken (shown back once in a box to be checked), then the role.
        clear(t, len(LOCAL64) + 1 + len("@mail.kz"))
        t.type(f"{LOCAL64}@mail.kz")
        t.press(F.button("email", "set_email"))
        scr = t.wait_for("┌─")
        assert "at most 64" not in scr, scr
        t.keys("Enter")
        t.wait_for(F.title("role"))


def test_request_number_and_password_edges(svc, home):
    me, number = issued(svc, home)
    digits = number.replace("-", "")
    short = digits[:26] + str(damm(digits[:26]))
    assert damm(short) == 0, "only the length can refuse it"
    t = tui(svc, home)
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "status"))
        t.wait_for(F.title("status"))
        for wrong in (grouped(short), grouped(digits + "0")):
            clear(t, 40)
            t.type(wrong)
            t.press(F.button("status", "status_search"))
            n = len(wrong.replace("-", ""))
            scr = t.wait_for(f"this one has {n}")
            assert "28 digits" in scr and not re.search(r"[0-9A-F]{40}", scr), scr
        clear(t, 40)
        t.type(number)
        t.press(F.button("status", "status_search"))
        t.wait_for("issued")
        t.press(F.button("status", "status_install"))
        t.wait_for(F.title("install_password"))
        pending = sorted(os.listdir(me.keys))

        # 33 characters: all typed in (the field takes up to 64), refused by the rule.
        t.type(PW32 + "a")
        t.keys("Tab")
        t.type(PW32 + "a")
        t.press(F.button("install_password", "install"))
        scr = t.wait_for("✗")
        assert F.title("install_password") in scr, scr
        broken = [ln for ln in scr.split("\n") if "✗" in ln]
        assert len(broken) == 1 and "at most 32" in broken[0], scr
        assert sorted(os.listdir(me.keys)) == pending, "nothing was written"
        # The same less its last character: 32, installed.
        t.keys("Escape")
        t.wait_for(F.title("status"))
        t.press(F.button("status", "status_install"))
        t.wait_for(F.title("install_password"))
        t.type(PW32)
        t.keys("Tab")
        t.type(PW32)
        t.press(F.button("install_password", "install"))
        scr = t.wait_for(F.title("installed"), timeout=120)
    containers = [os.path.join(me.keys, n) for n in os.listdir(me.keys)
                  if n.endswith(".p12")]
    assert len(containers) == 2, os.listdir(me.keys)
    for f in containers:
        for pw, opens in ((PW32, True), (PW32 + "a", False)):
            r = subprocess.run(["openssl", "pkcs12", "-in", f, "-noout", "-passin",
                                "stdin"], input=pw + "\n", capture_output=True, text=True)
            assert (r.returncode == 0) == opens, (pw, r.stderr)
