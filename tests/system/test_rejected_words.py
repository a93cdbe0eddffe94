"""An application rejected at the registration desk reads "rejected" in the person's
language wherever the applicant's programs show it: `ncaenroll list` (whose JSON keeps
the state's wire name for scripts), the full-screen list of applications (the apps
screen), and `ncaenroll install`, which refuses it. The real service rejects it through
the real desk command line; the words are the catalogs' (po/*.po)."""
import json
import os
import re
import shutil
import sys

import pytest

from conftest import BUILDDIR, SRCDIR
from service import Service
from test_apply_cli import Applicant, wait_status
from test_ra_cli import Desk, ensure_demo_operator

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from harness import Tui  # noqa: E402

REJECTED = {"en": "rejected", "ru": "отклонена", "kk": "қабылданбады"}
# What a rejected application must not read as: its neighbours in the state machine.
NOT = {"en": ["submitted", "cancelled", "abandoned"],
       "ru": ["подана", "аннулирована", "отменена", "rejected"],
       "kk": ["берілді", "күші жойылды", "бас тартылды", "rejected"]}
LANGS = ("kk", "ru", "en")


@pytest.fixture(scope="module")
def rejected(tmp_path_factory):
    s = Service(tmp_path_factory.mktemp("rejected-words") / "state")
    ensure_demo_operator(s)
    me = Applicant(s, str(tmp_path_factory.mktemp("person")))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    # A second application, left submitted: the words must tell the two apart.
    p = me.apply(dir=os.path.join(me.home, "keys2"))
    assert p.returncode == 0, p.stderr
    waiting = json.loads(p.stdout)["request_number"]
    desk = Desk(s, str(tmp_path_factory.mktemp("desk")))
    p = desk.run("reject", number, "--reason", "documents_missing", "--yes")
    assert p.returncode == 0, p.stdout + p.stderr
    wait_status(me, number, "rejected", seconds=20)
    yield me, number, waiting
    s.stop()


def line_of(text, number):
    lines = [line for line in text.splitlines() if number in line]
    assert len(lines) == 1, f"{number} is not on one line:\n{text}"
    return lines[0]


@pytest.mark.parametrize("lang", LANGS)
def test_list_says_rejected_in_the_readers_language(rejected, lang):
    me, number, waiting = rejected
    p = me.run("list", lang=lang)
    assert p.returncode == 0, p.stderr
    line = line_of(p.stdout, number)
    assert REJECTED[lang] in line, line
    for word in NOT[lang]:
        assert word not in line, line
    assert REJECTED[lang] not in line_of(p.stdout, waiting), p.stdout
    # The columns stay in line whatever the language: the number starts at one column.
    starts = {line.index(n) for n, line in ((number, line), (waiting, line_of(p.stdout,
                                                                                waiting)))}
    assert len(starts) == 1, p.stdout
    assert all(len(ln) <= 80 for ln in p.stdout.splitlines()), p.stdout


def test_lists_json_keeps_the_wire_name(rejected):
    me, number, _ = rejected
    p = me.run("--json", "list", lang="kk")
    apps = {a.get("request_number"): a for a in json.loads(p.stdout)}
    assert apps[number]["state"] == "rejected", apps


@pytest.mark.parametrize("lang", LANGS)
def test_install_says_rejected_in_the_readers_language(rejected, lang):
    me, number, _ = rejected
    p = me.run("install", "--password-fd", "PWFD", number, password="Qwerty12", lang=lang)
    assert p.returncode == 1, (p.stdout, p.stderr)
    said = " ".join(p.stderr.split())
    assert REJECTED[lang] in said, said
    if lang != "en":
        assert "rejected" not in said, said
    assert not [n for n in os.listdir(me.keys) if n.endswith(".p12")]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_the_apps_screen_says_rejected_in_the_readers_language(rejected, lang):
    pytest.importorskip("yaml")
    from forms import Forms
    me, number, waiting = rejected
    t = Tui(BUILDDIR, me.svc, me.home, lang=lang)
    t.forms = F = Forms(os.path.join(SRCDIR, "forms"), lang)
    try:
        t.start()
        t.wait_for(F.title("main"), F.title("resume"))
        if F.title("resume") in t.screen():
            t.keys("Escape")
            t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "apps"))
        scr = t.wait_for(F.title("apps"))
        scr = t.wait_for(number)
        line = line_of(scr, number)
        assert REJECTED[lang] in line, scr
        for word in NOT[lang]:
            assert word not in re.sub(r"\d{4}(-\d{4}){6}", "", line), scr
        assert REJECTED[lang] not in line_of(scr, waiting), scr
    finally:
        t.stop()
