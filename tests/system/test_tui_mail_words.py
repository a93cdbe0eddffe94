"""The applicant's screens about mail, in Kazakh and Russian (issue #14): the last Apply
screen says the mail is on its way, and the status screen says plainly that the mail to the
(masked) address could not be delivered, in the reader's language, with no English word but
the relay's own, within 80x24.

The real ncaenroll in tmux (tests/tui/harness.py), the real ncaenrolld with its mailer
thread, and an aiosmtpd sink that refuses the person's address for
good ("550 5.1.1 <address>: ... User unknown", quoting it as Postfix does).
"""
import os
import shutil
import sys
import time

import pytest

pytest.importorskip("yaml")               # python3-yaml: forms.py reads the labels of forms/
pytest.importorskip("aiosmtpd.controller")

from fixtures import remove_home, short_home, tui  # noqa: E402
from service import DEMO_CONFIG_DEFAULT, Service  # noqa: E402
from test_mail_show import RefusingSink  # noqa: E402
from test_tui_path import apply_and_number, fill_to_apply, look, on_screen  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from words import odd_words  # noqa: E402

pytestmark = [
    pytest.mark.long(3),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

EMAIL = "buhgalter@mail.kz"              # what fill_to_apply types
MASKED = "b***@mail.kz"
ON_ITS_WAY = {"kk": "жіберілуде", "ru": "отправляется"}
REFUSED = {"kk": "пошта сервері қабылдамады", "ru": "отклонено его почтовым сервером"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("tuimail")
    sink = RefusingSink(EMAIL)
    config = dict(DEMO_CONFIG_DEFAULT, mail={
        "smtp_url": f"smtp://127.0.0.1:{sink.port}", "from": "ncaenrolld@example.kz"})
    svc = Service(root / "state", config=config)
    try:
        yield svc
    finally:
        svc.stop()
        sink.stop()


def no_english(scr, where, data=()):
    odd = odd_words(scr, data)
    assert not odd, f"{where}: {odd}\n{scr}"


def mails(svc, number, pred, seconds=30):
    end = time.monotonic() + seconds
    while True:
        st, s = svc.request("GET", f"/api/v1/applications/{number}")
        assert st == 200, s
        if pred(s.get("mail", [])):
            return s["mail"]
        assert time.monotonic() < end, s
        time.sleep(0.5)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_mail_words_on_the_apply_result_and_the_status(world, lang):
    svc = world
    home = short_home()
    t = tui(svc, home, lang)
    try:
        F = t.forms
        t.start()
        t.wait_for(F.title("main"), timeout=30)
        fill_to_apply(t)
        number, scr = apply_and_number(t)
        look(t, "number")
        assert f"{EMAIL}" in scr.replace("\n", " ") and ON_ITS_WAY[lang] in scr, scr
        no_english(scr, "the Apply result", data=(EMAIL,))
        # The relay refuses the address for good.
        last = mails(svc, number, lambda m: m and m[0]["state"] == "refused")
        assert last[0]["to"] == MASKED
        t.press(F.button("number", "goto", "main"))
        on_screen(t, "main")
        t.press(F.button("main", "goto", "status"))
        on_screen(t, "status")
        t.press(F.button("status", "status_search"))
        scr = t.wait_for(MASKED, timeout=30)
        scr = look(t, "status")
        flat = " ".join(scr.split())
        assert REFUSED[lang] in flat, scr
        assert F.label("status", "mail") in scr, scr
        assert EMAIL not in flat, "the address shows masked, in the relay's words too"
        no_english(scr, "the status", data=(last[0]["error"], MASKED))
    finally:
        t.stop()
        remove_home(home)
