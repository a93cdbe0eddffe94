"""Every character typed counts, or the person sees why it did not (issue #10, point 1).

The password of the containers cannot be recovered: a 33rd character dropped unseen
would give the containers a password nobody typed. Here the real ncaenroll runs in tmux
against the real ncaenrolld (the application made with the command line, which is
quicker and not under test), and the keys and PIN are real (SoftHSM2 as the token).
The engine's own fields (tests/tools/tui-form on tests/system/tui-forms/engine.yaml)
say out loud when a key cannot go in: the field is full, or the character does not
belong there.
"""
import json
import os
import shutil
import time

import pytest

pytest.importorskip("yaml")               # python3-yaml: forms.py reads the labels of forms/

import fixtures  # noqa: E402
from softhsm import SoftHSM  # noqa: E402
from test_apply_cli import issued, svc  # noqa: E402,F401 (svc: a fixture)
from test_token_apply import Applicant as TokenApplicant  # noqa: E402
from test_token_apply import wait_status as token_wait_status  # noqa: E402
from test_tui_engine import Pane  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

# 33 characters the policy allows: only the length breaks a rule.
LONG = "Qwerty12" * 4 + "X"


def tui(svc, home, lang="en", env=None):
    t = fixtures.tui(svc, home, lang, extra_env=env)
    t.start()
    t.wait_for(t.forms.title("main"))
    return t


def to_install(t, form):
    F = t.forms
    t.press(F.button("main", "goto", "install_pick"))
    t.wait_for(F.title("install_pick"))
    time.sleep(0.3)
    t.keys("Enter")                         # the one application of this computer
    t.wait_for(F.title(form))


def rule_line(scr, rule):
    return next(line for line in scr.split("\n") if rule in line)


def test_33rd_character_of_the_password_counts(svc, home):
    """33 characters show 33 dots and a ✗ for "at most 32"; a confirmation that
    differs only in its 33rd character is refused, and so are 33 typed twice: no
    container is written, and the application is not installed."""
    me, number = issued(svc, home)
    t = tui(svc, home)
    try:
        F = t.forms
        to_install(t, "install_password")
        # The confirmation differs from the password only in its 33rd character.
        t.type(LONG[:32])
        scr = t.screen()
        assert "✓" in rule_line(scr, "at most 32 characters"), scr
        t.keys("Tab")
        t.type(LONG)
        t.press(F.button("install_password", "install"))
        scr = t.wait_for("differ")
        assert F.title("install_password") in scr
        # 33 characters, twice: every one counts, the rule says no.
        t.type(LONG)
        scr = t.screen()
        assert "●" * 33 in scr, scr
        assert "✗" in rule_line(scr, "at most 32 characters"), scr
        t.keys("Tab")
        t.type(LONG)
        t.press(F.button("install_password", "install"))
        time.sleep(1)
        scr = t.screen()
        assert F.title("install_password") in scr, scr
        assert "at most 32 characters" in scr
        assert not [f for f in os.listdir(me.keys) if f.endswith(".p12")]
        p = me.run("--json", "status", number)
        assert json.loads(p.stdout)["status"] == "issued", p.stdout
    finally:
        t.stop()


def test_every_character_of_a_pin_counts(svc, home, tmp_path):
    """A PIN of 64 characters typed in the PIN box opens the token (all 64 of them
    reach it), and a 65th is refused where the person sees it."""
    pin = ("482915ab" * 8)[:64]
    tok = SoftHSM(tmp_path / "token", label="Kaztoken PIN", pin=pin)
    me = TokenApplicant(svc, home, tok)
    p = me.apply(pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    token_wait_status(me, number, "issued")
    t = tui(svc, home, env=tok.env())
    try:
        F = t.forms
        to_install(t, "install_token")
        t.press(F.button("install_token", "install_token"))
        t.wait_for("Token PIN")
        t.type(pin)
        assert "at most" not in t.screen()
        t.type("Z")
        scr = t.wait_for("at most 64")
        assert "Z" not in scr
        t.keys("Enter")
        scr = t.wait_for(F.title("installed"), "wrong", timeout=60)
        assert F.title("installed") in scr, scr
    finally:
        t.stop()


# ---- the engine's fields: a key that cannot go in is said, not swallowed ----

@pytest.fixture
def pane(tmp_path):
    panes = []

    def start(**kw):
        p = Pane(tmp_path, "engine.yaml", **kw)
        panes.append(p)
        return p
    yield start
    for p in panes:
        p.kill()


def below(scr, label):
    lines = scr.split("\n")
    i = next(n for n, line in enumerate(lines) if line.lstrip().startswith(label))
    return lines[i + 1]


@pytest.mark.parametrize("lang,full", [("en", "at most 40"), ("ru", "не более 40"),
                                       ("kk", "ең көбі 40")])
def test_a_full_field_says_so(pane, lang, full):
    p = pane(lang=lang)
    label = {"en": "Full name", "ru": "Ф.И.О.", "kk": "Аты-жөні"}[lang]
    p.wait_text(label)
    p.type("a" * 40)
    assert full not in p.screen()
    p.type("bc")
    scr = p.wait_text(full)
    assert full in below(scr, label), scr
    p.keys("BSpace")
    assert full not in p.screen()           # room again: the note goes
    rc, out = p.quit()
    assert out["values"]["first"] == "a" * 39


def test_letters_in_a_digits_field_are_said(pane):
    p = pane()
    p.wait_text("BIN")
    p.keys("Tab")
    p.type("12a")
    scr = p.wait_text("only digits")
    assert "only digits" in below(scr, "BIN")
    assert "12" in scr


def test_the_password_field_takes_more_than_the_policy(pane):
    """The password field is not cut at the policy's 32: the 33rd goes in (and the rule
    says no); past what the field can hold at all, it says so."""
    p = pane()
    p.wait_text("Password")
    p.keys("Tab", "Tab", "Tab")
    p.type(LONG)
    scr = p.screen()
    assert "✗" in rule_line(scr, "at most 32 characters")
    p.type("y" * (64 - 33))
    assert "no more" not in p.screen().lower()
    p.type("y")
    assert "at most 64" in p.wait_text("at most 64")
