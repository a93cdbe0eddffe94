"""Where the keys will live (issue #10, point 25): NCA's process warns, where the storage
is chosen, that a folder on a PC is not secure storage and recommends secure media. The
storage screen, and the folder screen after it, say so before any folder is chosen, in
the person's language. The real ncaenroll in tmux
against the real ncaenrolld (tests/tui/harness.py)."""
import re

import pytest

pytest.importorskip("yaml")

from test_tui_path import choose, fill_to_region, look, on_screen  # noqa: E402
from test_tui_path import person, svc  # noqa: E402,F401 (fixtures)

# What the warning must say, in each language: the PC is not secure, secure media (a
# token) recommended, against the keys being compromised.
WARNING = {
    "en": ("not secure", "strongly recommend", "compromised"),
    "ru": ("небезопасно", "настоятельно рекомендуем", "компрометации"),
    "kk": ("қауіпсіз қойма емес", "ұсынамыз", "компрометациялану"),
}


def flat(scr):
    return re.sub(r"\s+", " ", scr.lower())


def warned(t, scr):
    """Every word of the warning on the screen, in the screen's language."""
    for word in WARNING[t.lang]:
        assert word in flat(scr), f"{word!r} is not on the screen:\n{scr}"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pc_storage_warning_before_the_folder(person, lang):
    t = person(lang)
    fill_to_region(t)
    choose(t, "region", "karaganda", "city")
    choose(t, "city", "karaganda", "gucode")
    choose(t, "gucode", None, "storage")
    scr = look(t, "storage")
    warned(t, scr)
    t.keys("Enter")                          # a folder on this computer
    scr = on_screen(t, "folder")
    warned(t, scr)
