"""Where to turn for help, on the applicant's screens (issue #10, point 27). The service's
configuration names a support contact (a demo: NCA's contact centre, 1414, and its web
site); the F1 help of every screen ends with it, in the screen's language, and so does
every message box that reports a failure the person cannot get past alone (the service
unreachable or failing...). A service that names none adds nothing, and a service that
cannot be asked adds nothing either: never an error about the contact itself. The real
ncaenroll in tmux against the real ncaenrolld."""
import json
import os
import shutil
import sys
import time

import pytest

pytest.importorskip("yaml")

from conftest import SRCDIR  # noqa: E402
from fixtures import service_fixture, tui  # noqa: E402
from service import Service  # noqa: E402
from test_apply_cli import Applicant  # noqa: E402
from test_support import CONFIG  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from forms import Forms  # noqa: E402
from test_tui_refused import ENGLISH, box, flat  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

FORMS = os.path.join(SRCDIR, "forms")
OK = {"kk": "Жарайды", "ru": "ОК", "en": "OK"}
# The heading the contact comes under, as each language says it.
HEADING = {"kk": "Көмек", "ru": "помощ", "en": "help"}
WEB = "https://pki.gov.kz"
# The names of keys, printed on them: the same in every language.
KEYS = {"Tab", "Shift", "Enter", "Esc"}


demo = service_fixture("tui-support", fixture="demo")


def help_box(t):
    """F1, the box it opens (its words), and the box closed again."""
    t.keys("F1")
    scr = t.wait_for(OK[t.lang])
    text = box(scr).rsplit("< ", 1)[0].rstrip()        # the OK button left out
    t.keys("Enter")
    t.wait_for(OK[t.lang], gone=True)
    return text


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_f1_ends_with_the_contact_on_every_screen(demo, home, lang):
    t = tui(demo, home, lang)
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        seen = []
        for via in (None, ("main", "goto", "status"), ("main", "goto", "apps"),
                    ("main", "goto", "install_pick")):
            if via is not None:
                t.press(F.button(*via))
                t.wait_for(F.title(via[2]))
            text = help_box(t)
            # The screen's own help first, the contact at the end.
            assert "1414" in text and WEB in text, text
            assert text.index("1414") > len(text) // 3, text
            assert HEADING[lang] in text, text
            assert not [w for w in ENGLISH.findall(text.replace(WEB, ""))
                        if w not in KEYS], text
            seen.append(text)
            if via is not None:
                t.keys("Escape")
                t.wait_for(F.title("main"))
        # The status screen's field help is its own, and still ends with the contact.
        assert F.f["status"]["fields"][0]["help"][lang][:20] in flat(seen[1]), seen[1]


def test_the_configured_contact_in_the_screens_language(tmp_path, home):
    state = tmp_path / "state"
    os.makedirs(state)
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text(CONFIG, encoding="utf-8")
    s = Service(state, config=None, extra=["--config", str(conf)])
    try:
        t = tui(s, home, "kk")
        with t:
            t.wait_for(t.forms.title("main"))
            text = help_box(t)
            assert "Астана қ., Мәңгілік Ел даңғылы, 1" in text, text
            assert "help@example.kz" in text and "Mangilik El Avenue" not in text, text
            t.keys("F2")                        # kk -> ru
            t.wait_for(Forms(FORMS, "ru").title("main"))
            t.lang = "ru"
            text = help_box(t)
            assert "г. Астана, проспект Мангилик Ел, 1" in text, text
            assert "Понедельник–пятница" in text, text
    finally:
        s.stop()


def test_a_failure_box_ends_with_the_contact_when_the_service_stops(tmp_path, home):
    s = Service(tmp_path / "state")
    me = Applicant(s, home)
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    t = tui(s, home, "ru")
    F = t.forms
    try:
        with t:
            t.wait_for(F.title("main"))
            t.press(F.button("main", "goto", "status"))
            t.wait_for(number)
            t.press(F.button("status", "status_search"))
            t.wait_for("Подана")
            s.stop()
            t.press(F.button("status", "status_search"))
            scr = t.wait_for(OK["ru"], timeout=60)
            text = box(scr)
            assert "1414" in text and HEADING["ru"] in text, text
            # The service's words come first: what failed, then where to turn.
            assert text.index("1414") > len(text) // 2, text
            t.keys("Enter")
            # F1 too, from what was had before the service stopped.
            assert "1414" in help_box(t)
    finally:
        s.stop(check=False)


def test_a_service_down_from_the_start_adds_nothing(tmp_path, home):
    s = Service(tmp_path / "state")
    s.stop()
    t = tui(s, home, "ru")
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        text = help_box(t)
        assert "1414" not in text and HEADING["ru"] not in text, text
        t.press(F.button("main", "goto", "status"))
        t.wait_for(F.title("status"))
        t.type("0000-0000-0000-0000-0000-0000-0000")
        t.press(F.button("status", "status_search"))
        scr = t.wait_for(OK["ru"], timeout=60)
        text = box(scr)
        assert "1414" not in text and HEADING["ru"] not in text, text
        assert "контакт" not in text.lower(), text


def test_a_service_without_a_contact_adds_nothing(tmp_path, home):
    """A real (not demo) service whose configuration names no support."""
    demo_dir = tmp_path / "demo"
    Service(demo_dir).stop()            # a PKI and a loaded database to point at
    conf = {"tls": {"cert": str(demo_dir / "tls.pem"), "key": str(demo_dir / "tls.key")},
            "ca": {"cert": str(demo_dir / "ca.pem"), "key": str(demo_dir / "ca.key"),
                   "chain": str(demo_dir / "ca-chain.pem"),
                   "crl_url": "http://crl.example.kz/ca.crl",
                   "delta_crl_url": "http://crl.example.kz/ca_d.crl",
                   "ocsp_url": "http://ocsp.example.kz",
                   "ca_issuers_url": "http://pki.example.kz/ca.cer",
                   "cps_url": "https://pki.example.kz/cps"},
            "store": "sqlite:" + str(demo_dir / "ncaenrolld.db")}
    s = Service(tmp_path / "real", config=conf, demo=False, fixed_captcha=None,
                cafile=str(demo_dir / "ca-chain.pem"))
    try:
        status, answer = s.request("GET", "/api/v1/directories/support")
        assert status == 200 and answer["phone"] is None, answer
        t = tui(s, home, "kk")
        with t:
            t.wait_for(t.forms.title("main"))
            t.press(t.forms.button("main", "goto", "status"))
            t.wait_for(t.forms.title("status"))
            text = help_box(t)
            assert HEADING["kk"] not in text and "1414" not in text, text
            # The field's own help, whole, and nothing after it.
            assert text.rstrip().endswith(
                t.forms.f["status"]["fields"][0]["help"]["kk"].rstrip()[-15:]), text
    finally:
        s.stop()
