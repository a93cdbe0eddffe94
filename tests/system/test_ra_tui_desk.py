"""The desk's console, as issue #10 found it (points 4 and 10-13): what an operator at
80x24 in Kazakh or Russian sees and what the next key does. Each test drives the real
`ncaenroll-ra` in tmux against the real service, as tests/system/test_ra_tui.py does, and
reads the screen as a person would.
"""
import json
import os
import re
import time

import pytest

from test_ra_tui import (PERSON, applicant, console, flat, line_of, on,  # noqa: F401
                         open_app, svc, tick_all)
from test_ra_cli import DEMO_OPERATOR_PASSWORD, Desk

NAMES_RU = {"documents_missing": "Не представлены документы"}


def approve_screen(t, number):
    open_app(t, number)
    t.press(t.s.button("app", "approve_open", "approve"))
    return on(t, "approve")


def docs(scr):
    """The checklist's boxes, top to bottom: [True, False, ...] for ticked."""
    return [m == "[x]" for m in re.findall(r"\[[x ]\]", scr)]


# ---- point 10: after "not ticked", the cursor is on the first unticked document ----

def test_after_not_ticked_the_next_space_ticks_what_is_missing(console, applicant):
    _, apply = applicant
    number = apply()
    t = console("ru")
    approve_screen(t, number)
    t.keys("Space")                          # the printed form, seen
    assert docs(t.screen()) == [True, False, False]
    t.press(t.s.button("approve", "approve"))
    t.wait_for("Не отмечено")
    # The operator looks at the passport and presses Space: it is ticked, and the form
    # stays ticked.
    t.keys("Space")
    time.sleep(0.3)
    assert docs(t.screen()) == [True, True, False], t.screen()
    t.keys("Down", "Space")
    assert docs(t.screen()) == [True, True, True], t.screen()


# ---- point 12: a wrong password may be typed again; "No" is focused on a decision ----

def test_a_wrong_password_typed_on_the_terminal_may_be_typed_again(console):
    t = console("ru", tty=True, wait=False)
    t.wait_for("demo-operator.p12", timeout=60)
    t.type("not-the-password")
    t.keys("Enter")
    # Said why, and asked again: the console does not end on a typo.
    scr = t.wait_for("не подходит", timeout=60)
    time.sleep(1)
    scr = t.screen()
    assert scr.count("demo-operator.p12:") >= 2 or scr.count("Пароль") >= 2, scr
    assert "exited" not in scr, scr
    t.type(DEMO_OPERATOR_PASSWORD)
    t.keys("Enter")
    scr = on(t, "main", timeout=60)
    assert DEMO_OPERATOR_PASSWORD not in scr and "not-the-password" not in scr


def test_an_irreversible_decision_asks_with_no_focused(console, applicant):
    """Enter on the question takes nothing back: it answers No, for approval and for
    rejection alike."""
    me, apply = applicant
    number = apply()
    t = console("ru")
    approve_screen(t, number)
    tick_all(t)
    t.press(t.s.button("approve", "approve"))
    t.wait_for("┌─")
    assert t.focused_button() == "Нет", t.screen()
    t.keys("Enter")
    t.wait_for("┌─", gone=True)
    t.keys("Escape")
    on(t, "app")
    t.press(t.s.button("app", "reject_open", "reject"))
    on(t, "reject")
    t.keys("Enter")                          # the first reason, chosen: the question
    t.wait_for("┌─")
    assert t.focused_button() == "Нет", t.screen()
    t.keys("Enter")
    t.wait_for("┌─", gone=True)
    p = me.run("--json", "status", number)
    assert json.loads(p.stdout)["status"] == "submitted"
