"""The golden screens of the applicant's path (tests/tui/golden), read as files: every
screen the English path holds has its Kazakh and Russian golden, and each of those is in
its own language and fits 80x24.

test_tui_path.py compares each screen with its golden, so a screen that changes fails
there. This reads the goldens themselves, so that one rewritten with GENERATE=1 from a
screen that went wrong (an English word, a Russian line left in a Kazakh screen, a
Kazakh word in a Russian one, a line past column 80) is not taken for the truth. The
words are read by tests/tui/words.py, as the walks of test_tui_words.py read live screens.
No program runs: this takes a moment.
"""
import glob
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from harness import GOLDEN  # noqa: E402
from words import misfit, odd_words  # noqa: E402

LANGS = ("kk", "ru")
# The placeholders harness.mask() writes, put back as values of the same shape and
# width, so that the words and the width are read as the person read them.
UNMASK = [
    ("<HOME>", "/tmp/nca-abcd1234"),
    ("NNNN-NNNN-NNNN-NNNN-NNNN-NNNN-NNNN", "1234-5678-9012-3456-7890-1234-5678"),
    ("YYYY-MM-DD", "2026-01-02"),
    ("DD.MM.YYYY", "02.01.2026"),
    ("<hex>", "0123456789abcdef0123456789abcdef01234567"),
    ("<HEX>", "0123456789ABCDEF0123456789ABCDEF01234567"),
    ("<picture>", ""),
    ("<large number>", ""),
]
# What the person typed or the service answered (test_tui_path.py): data, in whatever
# script it is written, not words of the screen.
DATA = ("buhgalter@mail.kz", "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ",
        "««Сарыарқа Жылу Энерго» ұлттық компаниясы» АҚ")
# Letters Kazakh has and Russian has not.
KAZAKH = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
# Lines the same in every language: the way to the language screen, named in all three
# (the main menu), and each language offered in its own name (the language screen).
ANY_LANGUAGE = (re.compile(r"< Тіл / Язык / Language +>"),
                re.compile(r"^ *< (?:Қазақша|Русский|English) +> *$"))
CYRILLIC_WORD = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+")
# Words Kazakh writes as Russian does (a label of one such word reads the same in both).
SAME_IN_KAZAKH = {"Аутентификация"}


def goldens(lang):
    return sorted(glob.glob(os.path.join(GOLDEN, f"*-{lang}.txt")))


def screen_of(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for placeholder, value in UNMASK:
        text = text.replace(placeholder, value)
    return text


def stem(path, lang):
    return os.path.basename(path)[:-len(f"-{lang}.txt")]


def test_every_english_golden_is_in_kazakh_and_russian():
    english = {stem(p, "en") for p in goldens("en")}
    assert english, f"no English golden screens in {GOLDEN}"
    for lang in LANGS:
        have = {stem(p, lang) for p in goldens(lang)}
        assert have == english, (f"[{lang}] goldens missing: {sorted(english - have)}; "
                                 f"without an English one: {sorted(have - english)}")


@pytest.mark.parametrize("lang", LANGS)
def test_goldens_in_words_of_the_language(lang):
    found = []
    for path in goldens(lang):
        name = os.path.basename(path)
        scr = screen_of(path)
        lines = scr.rstrip("\n").split("\n")
        why = misfit(scr)
        if why:
            found.append(f"{name}: {why}")
        if not lines[0].rstrip().endswith(f" {lang}"):
            found.append(f"{name}: the title line does not end with {lang}: {lines[0]}")
        for kind, word, line in odd_words(scr, DATA):
            found.append(f"{name}: {kind} {word!r} in: {line}")
        if lang == "ru":
            found += [f"{name}: a Kazakh letter in: {line.strip()}" for line in lines
                      if KAZAKH.search(without_data(line))
                      and not any(rx.search(line) for rx in ANY_LANGUAGE)]
    assert not found, "\n".join(found)


def without_data(line):
    for d in DATA:
        line = line.replace(d, "")
    return line


def test_kazakh_goldens_are_not_russian():
    """A line of a Kazakh screen that stands, word for word, on the same screen in
    Russian is a Russian text left untranslated (a catalog or a form's kk: missing)."""
    found = []
    for path in goldens("kk"):
        ru_path = path[:-len("-kk.txt")] + "-ru.txt"
        if not os.path.exists(ru_path):
            continue                          # said by the test above
        ru = {norm(line) for line in screen_of(ru_path).split("\n")}
        for line in screen_of(path).split("\n"):
            words = set(CYRILLIC_WORD.findall(without_data(line)))
            if words - SAME_IN_KAZAKH and norm(line) in ru \
                    and not any(rx.search(line) for rx in ANY_LANGUAGE):
                found.append(f"{os.path.basename(path)}: the same in Russian: {line.strip()}")
    assert not found, "\n".join(found)


def norm(line):
    """A line's words, without the padding that places them."""
    return " ".join(without_data(line).split())
