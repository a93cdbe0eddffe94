"""Leaving and coming back (issue #10, point 7). F10 and Ctrl-C with something typed on
the screen and not yet taken ask first (the engine's question, in the screen's language;
Enter keeps the person there, F10 again leaves); with nothing unsaved they leave at once.
"Continue" opens the screen where the person stopped, with no picture code to type while
the BIN check still holds, and through the BIN screen (a new code) only when it has
expired. The real ncaenroll in tmux against the real ncaenrolld; the desk's console, on
the same engine, asks the same."""
import os
import time

import pytest

pytest.importorskip("yaml")

from service import Service  # noqa: E402
from test_tui_path import check_bin, choose, fill_to_region, look, on_screen  # noqa: E402
from test_tui_path import person, svc  # noqa: E402,F401 (fixtures)

pytestmark = pytest.mark.long(2)  # minutes under ASan: conftest.py starts it first

# The question, by words it must hold in each language.
ASK = {"en": "not been saved", "ru": "не сохранено", "kk": "сақталмаған"}


def to_email(t):
    from test_tui_path import bin_screen, iin_screen, to_agreement, accept
    to_agreement(t)
    accept(t)
    bin_screen(t)
    iin_screen(t)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_quit_with_something_typed_asks(person, lang):
    t = person(lang)
    F = t.forms
    # Nothing typed on the menu: nothing is asked.
    to_email(t)
    t.type("buhgalter@mail.kz")
    for key in ("F10", "C-c"):
        t.keys(key)
        scr = t.wait_for(ASK[lang])
        look(t, "quit question")
        assert not t.dead()
        t.keys("Enter")                     # the default: stay
        scr = on_screen(t, "email")
        assert "buhgalter@mail.kz" in scr, "what was typed is still there"
    t.keys("F10")
    t.wait_for(ASK[lang])
    t.keys("F10")                           # F10 again: leave
    assert t.wait_dead() == 0


def test_quit_with_nothing_typed_leaves_at_once(person):
    t = person("en")
    t.keys("F10")
    assert t.wait_dead() == 0
    assert ASK["en"] not in t.screen()


def test_continue_opens_the_screen_where_the_person_stopped(person):
    t = person("ru")
    F = t.forms
    fill_to_region(t)
    choose(t, "region", "karaganda", "city")
    t.keys("F10")                           # nothing typed on the city screen
    assert t.wait_dead() == 0
    t.start()
    on_screen(t, "resume")
    t.press(F.button("resume", "resume"))
    scr = on_screen(t, "city")
    assert F.title("bin") not in scr
    # Back leads the way the form goes: the region chosen before.
    t.keys("Escape")
    on_screen(t, "region")


@pytest.fixture(scope="module")
def short_svc(tmp_path_factory):
    """A service whose BIN check holds 90 seconds (the screens trust it until a minute
    before its end)."""
    s = Service(tmp_path_factory.mktemp("tui-quit-svc") / "state",
                config={"policy": {"captcha_per_minute": 10000, "checks_per_minute": 10000,
                                   "token_lifetime": 90}})
    yield s
    s.stop()


def test_continue_after_the_check_expired_asks_the_code_then_goes_on(short_svc, tmp_path):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
    from harness import Tui
    from forms import Forms
    from conftest import BUILDDIR, SRCDIR
    t = Tui(BUILDDIR, short_svc, tmp_path / "home", lang="en")
    t.forms = F = Forms(os.path.join(SRCDIR, "forms"), "en")
    try:
        t.start()
        on_screen(t, "main")
        started = time.monotonic()
        fill_to_region(t)
        t.keys("F10")
        assert t.wait_dead() == 0
        # The check is trusted until a minute before it ends: 30 seconds after it.
        time.sleep(max(0, 35 - (time.monotonic() - started)))
        t.start()
        on_screen(t, "resume")
        t.press(F.button("resume", "resume"))
        scr = on_screen(t, "bin")
        assert "940140000385" in scr
        t.keys("Tab")
        t.type(short_svc.captcha_code)
        t.press(F.button("bin", "check_bin"))
        t.wait_for("Сарыарка")
        t.press(F.button("bin", "bin_next"))
        on_screen(t, "region")                # where the person stopped, not the IIN
    finally:
        t.stop()
