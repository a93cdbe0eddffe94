"""A number mistyped in the full-screen program is said as soon as the person leaves its
field (Tab), under the field, before any button is pressed and before the service is
asked: the rule of each field is its form's `validator` (forms/bin.yaml, forms/iin.yaml;
forms/README.md). Driven in tmux against the real ncaenrolld, as test_tui_path.py."""
import shutil

import pytest

pytest.importorskip("yaml")               # python3-yaml: forms.py reads the labels of forms/

from test_tui_path import (BIN, PERSON, accept, bin_screen, person, row_of,  # noqa: E402,F401
                           svc, to_agreement)

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
