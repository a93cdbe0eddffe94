"""The quit question is the engine's (issue #10, point 7): the desk's console, on the same
engine, asks it too when something typed is not saved, in the operator's language, and
leaves at once when nothing is. ncaenroll-ra in tmux against the real ncaenrolld, signed
in as the demo operator (tests/system/test_ra_tui.py's fixtures)."""
import pytest

pytest.importorskip("yaml")

from test_ra_tui import console, on, svc  # noqa: E402,F401 (fixtures)

ASK = {"en": "not been saved", "ru": "не сохранено", "kk": "сақталмаған"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_desk_asks_before_losing_what_was_typed(console, lang):
    t = console(lang)
    S = t.s
    t.press(S.button("main", "goto", "find"))
    on(t, "find")
    t.type("871008401427")
    t.keys("C-c")
    scr = t.wait_for(ASK[lang])
    t.keys("Enter")                         # stay
    scr = on(t, "find")
    assert "871008401427" in scr
    t.keys("F10")
    t.wait_for(ASK[lang])
    t.keys("F10")
    assert t.wait_dead() == 0


def test_desk_leaves_at_once_with_nothing_typed(console):
    t = console("en")
    t.keys("F10")
    assert t.wait_dead() == 0
