"""The desk's console tells the operator of a mail that did not reach the applicant
(issue #14): the application's view shows, after the address in full, that the mail to it
was refused and that the operator is to tell the applicant in person, in the
console's language (kk, ru, en), within 80x24.

The real ncaenroll-ra in tmux, the real ncaenrolld with a test clock and an aiosmtpd sink
that refuses the address for good (550; test_mail_show.py's world).
"""
import os
import shutil
import sys
import tempfile

import pytest

pytest.importorskip("yaml")
pytest.importorskip("aiosmtpd.controller")

from conftest import BUILDDIR  # noqa: E402
from test_mail_show import BAD, refused_application, world  # noqa: E402,F401
from test_ra_cli import DEMO_OPERATOR_PASSWORD, demo_operator_p12  # noqa: E402
from test_ra_tui import RA_FORMS, flat, look, open_app  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from forms import Forms  # noqa: E402
from harness import Tui  # noqa: E402
from words import odd_words  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

TELL = {"en": "tell the applicant in person", "ru": "сообщите заявителю лично",
        "kk": "өтініш берушіге жеке айтыңыз"}


def console(svc, home, lang):
    pwfile = os.path.join(home, "password")
    with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(DEMO_OPERATOR_PASSWORD + "\n")
    args = ["--service", svc.base, "--ca-file", svc.cafile, "--operator",
            demo_operator_p12(svc), "--lang", lang, "--password-fd", "3"]
    t = Tui(BUILDDIR, svc, home, lang=lang, program="ncaenroll-ra", program_args=args,
            redirects={3: pwfile})
    t.s = Forms(RA_FORMS, lang)
    t.start()
    t.wait_for(t.s.title("main"), timeout=60)
    return t


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_console_tells_of_a_mail_not_delivered(world, lang):
    svc = world[0]
    _, number, mails = refused_application(world, "console-" + lang)
    home = tempfile.mkdtemp(prefix="nca-ra-", dir="/tmp")
    t = console(svc, home, lang)
    try:
        open_app(t, number)
        scr = t.wait_for(TELL[lang].split()[-1], timeout=15)
        scr = look(t, "app")
        words = flat(scr)
        assert BAD in words and TELL[lang] in words, scr
        if lang != "en":
            odd = odd_words(scr, (mails[0]["error"], BAD, number))
            assert not odd, f"{odd}\n{scr}"
    finally:
        t.stop()
        shutil.rmtree(home, ignore_errors=True)
