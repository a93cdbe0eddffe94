"""The folder step (issue #10, point 6): a folder the keys cannot be written to is refused
there, with the reason in the person's language, not at Apply with a technical message;
a path can be typed, slashes and all; and a folder that already holds the keys of
another application is said before it is taken, with the choice to take it anyway or
choose another. The real ncaenroll in tmux against the real ncaenrolld; the other
application is made with the command line (tests/system/test_apply_cli.py)."""
import json
import os
import re

import pytest

pytest.importorskip("yaml")

from test_apply_cli import Applicant  # noqa: E402
from test_tui_path import choose, fill_to_region, look, on_screen  # noqa: E402
from test_tui_path import person, svc  # noqa: E402,F401 (fixtures)

# The reason /proc is refused: it belongs to the running system, not to files.
PROC = {"en": "running system", "ru": "работающей системы", "kk": "жұмыс істеп тұрған жүйе"}
SHARED = {"en": "other users", "ru": "другие пользователи", "kk": "басқа пайдаланушылар"}


def flat(scr):
    return re.sub(r"\s+", " ", scr)


def to_folder(t):
    fill_to_region(t)
    choose(t, "region", "karaganda", "city")
    choose(t, "city", "karaganda", "gucode")
    choose(t, "gucode", None, "storage")
    choose(t, "storage", None, "folder")
    return t.screen()


def go(t, path):
    """Types a path at the folder list and opens it: the list shows that folder."""
    t.type(path)
    t.wait_for(path)                        # the path line shows it as typed, "/" and all
    t.keys("Enter")
    return t.wait_for(os.path.basename(path.rstrip("/")) or "/")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_folder_that_takes_no_files_is_refused_at_once(person, lang):
    t = person(lang)
    F = t.forms
    to_folder(t)
    go(t, "/proc")
    t.keys("Enter")                         # [Choose this folder]
    scr = t.wait_for(PROC[lang])
    look(t, "folder refused")
    assert F.title("folder") in scr
    assert "/proc" in scr
    if lang != "en":                        # nothing of the system's English
        assert not re.search(r"[A-Za-z]{4,}", flat(scr).split("/proc", 1)[1].split("<")[0]
                             .replace("proc", "")), scr


def test_a_folder_others_may_write_is_refused_at_once(person):
    t = person("ru")
    F = t.forms
    shared = os.path.join(t.home, "shared")
    os.mkdir(shared)
    os.chmod(shared, 0o775)
    to_folder(t)
    go(t, shared)
    t.keys("Enter")
    scr = t.wait_for(SHARED["ru"])
    assert F.title("folder") in scr
    t.press(F.button("folder", "choose_folder"))
    scr = t.wait_for(SHARED["ru"])
    assert F.title("folder") in scr, "Next does not take it either"


def test_a_folder_with_another_applications_keys(person, svc):
    """An application sent from this computer keeps its keys in home/keys; a new one
    choosing that folder is told whose keys are there, No stays to choose another, Yes
    takes it."""
    t = person("en")
    F = t.forms
    me = Applicant(svc, t.home)
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    to_folder(t)
    go(t, me.keys)
    t.keys("Enter")
    scr = t.wait_for("another application")
    assert number in flat(scr).replace(" ", "") or number in scr, scr
    t.keys("Right", "Enter")                # No
    scr = on_screen(t, "folder")
    t.keys("Home", "Enter")
    t.wait_for("another application")
    t.keys("Enter")                         # Yes
    scr = on_screen(t, "apply")
    assert me.keys in flat(scr).replace(" ", "") or me.keys in scr
