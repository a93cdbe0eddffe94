"""A number mistyped in the full-screen program is said as soon as the person leaves its
field (Tab), under the field, before any button is pressed and before the service is
asked: the rule of each field is its form's `validator` (forms/bin.yaml, forms/iin.yaml;
forms/README.md). Driven in tmux against the real ncaenrolld, as test_tui_path.py."""
import shutil

import pytest

pytest.importorskip("yaml")               # python3-yaml: forms.py reads the labels of forms/

from test_tui_path import (BIN, IIN, PERSON, accept, bin_screen, email_screen,  # noqa: E402,F401
                           iin_screen, on_screen, person, row_of, svc, to_agreement)

OTHER_IIN = "760212350620"                  # data/demo: КОВАЛЕНКО СЕРГЕЙ ВИКТОРОВИЧ

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def said_on_leaving(t, typed, words):
    """Types into the focused field, leaves it with Tab; the screen with words under it."""
    t.type(typed)
    t.keys("Tab")
    scr = t.wait_for(words, timeout=10)
    assert row_of(scr, words) > row_of(scr, typed), scr
    return scr


def test_a_mistyped_bin_and_iin_are_said_on_leaving_the_field(person):
    t = person("en")
    to_agreement(t)
    accept(t)
    scr = said_on_leaving(t, BIN[:-1] + "6", "must be 5")
    assert "Сарыарка" not in scr, "the service was not asked"
    t.keys("BTab")                          # back to the BIN, typed again right
    for _ in range(12):
        t.keys("BSpace")
    bin_screen(t)
    scr = said_on_leaving(t, "871008401428", "check digit")
    assert PERSON not in scr, "the service was not asked"


def to_field(t, text):
    """Tab until the cursor is in the field showing text."""
    for _ in range(20):
        if t.focused_button() is None and t.cursor()[0] == row_of(t.screen(), text):
            return
        t.keys("Tab")
    raise AssertionError(f"the field with {text} never took the focus:\n{t.screen()}")


def test_an_iin_changed_after_its_check_is_checked_again(person):
    """Checked, then changed: Next does not go on with the name of the IIN no longer on
    the screen; the person is asked to check the new one."""
    t = person("en")
    F = t.forms
    to_agreement(t)
    accept(t)
    bin_screen(t)
    t.type(IIN)
    t.press(F.button("iin", "check_iin"))
    t.wait_for(PERSON)
    to_field(t, IIN)
    t.keys("End")
    t.keys(*["BSpace"] * 12, pause=0.02)
    t.type(OTHER_IIN)
    t.press(F.button("iin", "iin_next"))
    scr = t.wait_for("Press Check IIN first", timeout=10)
    assert F.title("iin") in scr and F.title("email") not in scr, scr


def test_back_goes_back_whatever_the_fields_hold(person):
    """Back leaves a screen as it is: a half-typed IIN is no reason to keep the person
    there (the rules are for going on, not for going back)."""
    t = person("en")
    F = t.forms
    to_agreement(t)
    accept(t)
    bin_screen(t)
    t.type("87100")
    t.press(F.button("iin", "back"))
    scr = on_screen(t, "bin")
    assert "Press Check IIN first" not in scr and "12 digits" not in scr, scr


def test_a_changed_address_is_shown_back_again(person):
    """Every new address is shown back once to be checked, the second as the first: a
    typo in it would lose every notice without a word."""
    t = person("en")
    F = t.forms
    to_agreement(t)
    accept(t)
    bin_screen(t)
    iin_screen(t)
    email_screen(t)                          # buhgalter@mail.kz, shown back, Yes
    t.keys("Escape")
    on_screen(t, "email")
    to_field(t, "buhgalter@mail.kz")
    t.keys("End")
    t.keys(*["BSpace"] * len("buhgalter@mail.kz"), pause=0.02)
    t.type("kassir@mail.kz")
    t.press(F.button("email", "set_email"))
    scr = t.wait_for("┌─", timeout=10)
    assert "kassir@mail.kz" in scr and F.title("role") not in scr, scr
