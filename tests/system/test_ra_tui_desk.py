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


def box_text(scr):
    """The words inside the open box, its lines joined (the screen around it left out)."""
    inside = [ln[ln.index("│") + 1:ln.rindex("│")] for ln in scr.split("\n")
              if ln.count("│") >= 2]
    return " ".join(" ".join(inside).split())


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


# ---- point 11: who decided, in the reader's words, at local time; notified only if so ----

ISSUED_RU = "Регистрационные свидетельства выпущены"
LOCAL = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d \+05:00")


def test_the_decision_keeps_who_decided_after_the_applicant_installs(console, svc,
                                                                     applicant, tmp_path):
    me, apply = applicant
    number = apply()
    p = Desk(svc, str(tmp_path)).run("approve", number, "--documents",
                                     "form,identity,authority", "--yes")
    assert p.returncode == 0, p.stderr
    p = me.run("install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    t = console("ru", extra_env={"TZ": "XYZ-5"})
    scr = open_app(t, number)
    decided = line_of(scr, t.s.label("app", "decided"))
    assert "оператор demo-operator" in decided, decided
    assert "127.0.0.1" not in decided and "applicant" not in decided, decided
    assert LOCAL.search(decided), f"not local time with its offset: {decided!r}"


def test_the_desks_words_and_times_are_the_readers(console, svc, applicant, tmp_path):
    """No wire word on a Russian screen: the role, the actors, the statuses; times are
    this computer's, with the offset from UTC."""
    _, apply = applicant
    number = apply()
    t = console("ru", extra_env={"TZ": "XYZ-5"})
    scr = t.screen()
    op = line_of(scr, t.s.label("main", "operator"))
    assert "(супервайзер)" in op and "supervisor" not in op, op
    assert "karaganda-1" not in op, f"the office by its name: {op!r}"
    p = Desk(svc, str(tmp_path)).run("approve", number, "--documents",
                                     "form,identity,authority", "--yes")
    assert p.returncode == 0, p.stderr
    scr = open_app(t, number)
    assert LOCAL.search(line_of(scr, t.s.label("app", "submitted"))), scr
    assert "UTC" not in scr, scr
    # The decision is taken: the box says so in Russian, not "the application is issued".
    t.press(t.s.button("app", "approve_open", "approve"))
    scr = t.wait_for("┌─")
    box = box_text(scr)
    assert "оператор demo-operator" in box and ISSUED_RU in box, scr
    assert "operator:" not in box and " issued" not in box, scr
    t.keys("Enter")
    t.press(t.s.button("app", "goto", "history"))
    scr = on(t, "history")
    text = flat(scr)
    assert f"заявитель {PERSON} (127.0.0.1)" in text and "оператор demo-operator" in text, scr
    assert "operator:" not in text and "applicant (" not in text and "UTC" not in text
    assert LOCAL.search(text), scr


def test_the_applicant_is_said_notified_only_when_they_are(console, applicant):
    """No address given, so no mail: approval must not claim the applicant was told."""
    _, apply = applicant
    number = apply(email=None)
    t = console("ru")
    approve_screen(t, number)
    tick_all(t)
    t.press(t.s.button("approve", "approve"))
    t.wait_for("┌─")
    t.keys("Left", "Enter")                  # Yes
    scr = t.wait_for("выпущены", timeout=60)
    assert "уведомл" not in flat(scr), f"an untrue notice:\n{scr}"
    assert "не отправляется" in box_text(scr), scr


# ---- point 13: lists as they are now, with names; in the reader's order and words ----

def test_f5_shows_what_another_desk_decided_meanwhile(console, svc, applicant, tmp_path):
    """The queue was read before another desk approved one of its applications: F5 reads
    it again (as entering the screen does), and the decided one is no longer waiting."""
    _, apply = applicant
    number = apply()
    t = console("ru")
    t.keys("End")
    t.wait_for(number)
    p = Desk(svc, str(tmp_path)).run("approve", number, "--documents",
                                     "form,identity,authority", "--yes")
    assert p.returncode == 0, p.stderr
    t.keys("F5")
    t.wait_for(number, gone=True, timeout=30)


def test_the_history_names_the_applicant(console, applicant):
    _, apply = applicant
    number = apply()
    t = console("kk")
    open_app(t, number)
    t.press(t.s.button("app", "goto", "history"))
    scr = on(t, "history")
    body = flat("\n".join(scr.split("\n")[4:]))          # below the "who" lines
    assert f"өтініш беруші {PERSON} (127.0.0.1)" in body, scr


def region_order(t):
    """The region list's entries top to bottom, read by moving down it."""
    seen = []
    label = t.s.label("filter", "region")
    for _ in range(25):
        lines = t.screen().split("\n")
        start = next(i for i, ln in enumerate(lines)
                     if re.match(r"\s*" + re.escape(label) + r"\s+>", ln))
        for ln in lines[start + 1:start + 4]:
            name = ln.strip().lstrip("*").rstrip("↓↑ ").strip()
            if name and name not in seen:
                seen.append(name)
        t.keys("Down")
    return seen


@pytest.mark.parametrize("lang,first", (("kk", "Абай облысы"), ("en", "Abai Region")))
def test_the_region_list_is_in_the_readers_alphabet(console, lang, first):
    t = console(lang)
    t.press(t.s.button("main", "goto", "filter"))
    on(t, "filter")
    order = region_order(t)
    assert order[1] == first, order[:5]
    assert "Ақмола облысы" not in order[:1]


def test_english_screens_give_the_local_term_in_brackets(console, applicant):
    _, apply = applicant
    number = apply()
    t = console("en")
    scr = open_app(t, number)
    assert "Treasury code (ГУ/СКС)" in scr, scr
    assert "ГУ/СКС code" not in scr, scr
