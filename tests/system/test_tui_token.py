"""The token screen when no token is connected (issue #10, point 8): it says so at once,
and how to look again, with the focus on the way to look again; a token connected
afterwards is found by "Search again". SoftHSM2 is the token: its module is loaded with
an empty token folder, then a token is initialised there while the screen is open.
The real ncaenroll runs in tmux against the real ncaenrolld (tests/tui/harness.py)."""
import os
import subprocess

import pytest

pytest.importorskip("yaml")

from softhsm import SoftHSM  # noqa: E402
# The path to the storage screen, the service and a person at a terminal (fixtures).
from test_tui_path import choose, fill_to_region, look, on_screen  # noqa: E402
from test_tui_path import person, svc  # noqa: E402,F401

NONE = {"en": "no token is connected", "ru": "токен не подключён", "kk": "токен қосылмаған"}


def empty_module(tmp_path):
    """SoftHSM2 with a token folder and no token in it: the module loads, lists none."""
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                    "log.level = ERROR\nslots.removable = false\n")
    return {"SOFTHSM2_CONF": str(conf), "NCAENROLL_PKCS11_MODULE": SoftHSM.module}


def to_token_screen(t):
    fill_to_region(t)
    choose(t, "region", "karaganda", "city")
    choose(t, "city", "karaganda", "gucode")
    choose(t, "gucode", None, "storage")
    t.keys("Down", "Down", "Down")          # pc, eToken, JaCarta, Kaztoken
    t.keys("Enter")
    return on_screen(t, "token")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_token_is_said_at_once(person, tmp_path, lang):
    env = empty_module(tmp_path)
    t = person(lang, extra_env=env)
    F = t.forms
    to_token_screen(t)
    # Said without a key pressed, and Enter looks again.
    scr = t.wait_for(NONE[lang], timeout=10)
    look(t, "token, none connected")
    assert F.button("token", "tokens_refresh") in scr.split(NONE[lang], 1)[1], scr
    assert t.focused_button() == F.button("token", "tokens_refresh"), scr
    # Looking again with still none: said again, the focus stays there.
    t.keys("Enter")
    scr = t.wait_for(NONE[lang])
    assert t.focused_button() == F.button("token", "tokens_refresh"), scr
    if lang != "en":
        return
    # A token connected now is found by looking again, and chosen.
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "Kaztoken late",
                    "--pin", "482915", "--so-pin", "11223344"], check=True,
                   capture_output=True, env={**os.environ, **env}, timeout=60)
    t.keys("Enter")
    scr = t.wait_for("Kaztoken late")
    assert NONE[lang] not in scr
    t.press(F.button("token", "choose_token"))
    scr = on_screen(t, "apply")
    assert "Kaztoken late" in scr
