"""The applicant's full-screen path, driven in tmux against the real ncaenrolld: the
screens of forms/ in Kazakh, Russian and English, from the main menu to two installed
containers; a bad value at each field; quitting mid-form (SIGKILL, SIGHUP) and being
offered to continue; resizing; 80x24 with nothing cut off.

What is asserted is what a person sees (capture-pane), read against the labels in
forms/*.yaml for the language under test, so a change of wording breaks no test but a
screen that shows the wrong language, loses a value or cuts a line does. The harness is
tests/tui/harness.py. Every screen of the path is also compared whole with its golden in
the language walked, tests/tui/golden/NAME-{kk,ru,en}.txt (GENERATE=1 rewrites them; read
each one then, and test_tui_golden_words.py reads the kk and ru ones for their words).
"""
import os
import re
import shutil
import signal
import stat
import sys
import time

import pytest

pytest.importorskip("yaml")               # python3-yaml: forms.py reads the labels of forms/

from conftest import SRCDIR  # noqa: E402
from fixtures import remove_home, service_fixture, short_home, tui  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from forms import Forms  # noqa: E402
from harness import large_number, width  # noqa: E402
from softhsm import SoftHSM  # noqa: E402

pytestmark = [
    pytest.mark.long(3),  # minutes under ASan: conftest.py starts it first
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

BIN, IIN = "940140000385", "871008401427"          # data/demo/README.md: test vectors
ORG_RU = "АО «Национальная компания «Сарыарка Жылу Энерго»»"
ORG_KK = "««Сарыарқа Жылу Энерго» ұлттық компаниясы» АҚ"
PERSON = "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ"
PASSWORD = "Qwerty12"
NUMBER = re.compile(r"\d{4}(?:-\d{4}){6}")
LANGS = ("kk", "ru", "en")
FORMS = os.path.join(SRCDIR, "forms")


svc = service_fixture("tui-svc", extra=["--auto-approve", "1"])


@pytest.fixture
def person(svc):
    """Starts a person's TUI in a language; stopped (tmux server gone) after the test.
    The home is /tmp/nca-XXXXXXXX: always as long, so paths on golden screens wrap alike."""
    started = []
    homes = []

    def start(lang="en", **kw):
        homes.append(short_home())
        t = tui(svc, homes[-1], lang, **kw)
        started.append(t)
        t.start()
        # A program that does not come up is a failure (the timeout shows its screen).
        t.wait_for(t.forms.title("main"), t.forms.title("resume"), timeout=30)
        return t

    yield start
    for t in started:
        t.stop()
    for h in homes:
        remove_home(h)


# ---- what every screen must be ----

def look(t, where=""):
    """The screen, checked as a person at 80x24 needs it: nothing wider than the
    terminal, the key bar on the bottom line. Returns the screen."""
    scr = t.screen()
    lines = scr.rstrip("\n").split("\n")
    for n, line in enumerate(lines):
        assert width(line) <= t.cols, f"{where}: line {n + 1} is wider than {t.cols}:\n{scr}"
    assert len(lines) <= t.rows, f"{where}: more than {t.rows} lines:\n{scr}"
    if len(lines) == t.rows and not any(b in scr for b in ("┌─", "└─")):
        assert "F1" in lines[-1] and "F10" in lines[-1], f"{where}: no key bar:\n{scr}"
    return scr


def row_of(scr, text):
    for n, line in enumerate(scr.split("\n")):
        if text in line:
            return n
    raise AssertionError(f"{text!r} is not on the screen:\n{scr}")


def golden(t, name, scr=None):
    """The screen against tests/tui/golden/NAME-LANG.txt in the language under test (a
    moment after it showed, so what the screen's action fills in on entry is there too).
    scr: a screen already read, compared as it is."""
    if scr is None:
        time.sleep(0.5)
    return t.check_golden(f"{name}-{t.lang}", scr)


def on_screen(t, form, timeout=30):
    t.wait_for(t.forms.title(form), timeout=timeout)
    return look(t, form)


# ---- the path, screen by screen ----

def to_agreement(t):
    F = t.forms
    t.press(F.button("main", "goto", "obtain"))
    on_screen(t, "obtain")
    t.press(F.button("obtain", "goto", "legal"))
    on_screen(t, "legal")
    t.press(F.button("legal", "new"))
    scr = on_screen(t, "info")
    assert "ГУ/СКС" in scr
    t.press(F.button("info", "goto", "agreement"))
    return on_screen(t, "agreement")


def accept(t, refuse_first=False):
    F = t.forms
    if refuse_first:
        t.press(F.button("agreement", "accept"))
        time.sleep(0.5)
        scr = look(t, "agreement refused")
        assert F.title("agreement") in scr and "[ ]" in scr, scr
        # The refusal sits under the checkbox, and the focus with it: Space ticks.
        assert row_of(scr, "[ ]") + 1 < row_of(scr, "< ")
        t.keys("Space")
    else:
        while "[x]" not in t.screen():
            t.keys("Tab")
            if t.focused_button() is None:
                t.keys("Space")
                if "[x]" not in t.screen():
                    t.keys("Space")
    t.wait_for("[x]")
    t.press(F.button("agreement", "accept"))
    scr = on_screen(t, "bin")
    golden(t, "bin")
    return scr


def check_bin(t, bin_=BIN, code=None):
    F = t.forms
    t.type(bin_)
    t.keys("Tab")
    t.type(code or t.svc.captcha_code)
    t.press(F.button("bin", "check_bin"))


def bin_screen(t):
    F = t.forms
    check_bin(t)
    t.wait_for(ORG_KK if t.lang == "kk" else ORG_RU)
    look(t, "bin checked")
    t.press(F.button("bin", "bin_next"))
    return on_screen(t, "iin")


def iin_screen(t):
    F = t.forms
    t.type(IIN)
    t.press(F.button("iin", "check_iin"))
    t.wait_for(PERSON)
    look(t, "iin checked")
    golden(t, "iin-checked")
    t.press(F.button("iin", "iin_next"))
    return on_screen(t, "email")


def email_screen(t, email="buhgalter@mail.kz"):
    F = t.forms
    t.type(email)
    t.press(F.button("email", "set_email"))
    if email:
        scr = t.wait_for(email)
        assert "┌─" in scr, "a new address is shown back once to be checked"
        t.keys("Enter")                   # Yes
    return on_screen(t, "role")


def choose(t, form, typed, next_form):
    if typed:
        t.type(typed)
    t.keys("Enter")
    return on_screen(t, next_form)


def folder_screen(t):
    # [Choose this folder], [New folder...], ...: make "keys" under $HOME and choose it.
    t.keys("Down", "Enter")
    t.type("keys")
    t.keys("Enter")
    t.wait_for(os.path.basename(t.home) + "/keys")  # a long path shows its end
    t.keys("Home", "Enter")
    return on_screen(t, "apply")


def fill_to_apply(t):
    to_agreement(t)
    accept(t)
    bin_screen(t)
    iin_screen(t)
    golden(t, "email")
    email_screen(t)
    choose(t, "role", "ROLE02", "region")
    choose(t, "region", "karaganda", "city")
    choose(t, "city", "karaganda", "gucode")
    golden(t, "gucode")
    choose(t, "gucode", None, "storage")
    golden(t, "storage")
    choose(t, "storage", None, "folder")
    scr = folder_screen(t)
    golden(t, "apply")
    return scr


def apply_and_number(t):
    F = t.forms
    t.press(F.button("apply", "apply"))
    scr = on_screen(t, "number", timeout=120)
    number = NUMBER.search(scr).group(0)
    # The number a person copies down is also drawn large, and reads the same.
    assert large_number(scr) == number.replace("-", "").replace(" ", ""), scr
    return number, scr


def wait_issued(t, number, seconds=60):
    F = t.forms
    end = time.time() + seconds
    while time.time() < end:
        t.press(F.button("status", "status_search"))
        time.sleep(1)
        scr = t.screen()
        if re.search(r"[0-9A-F]{40}", scr):
            return look(t, "status issued")
    raise AssertionError(f"{number} was not issued:\n{t.screen()}")


def install(t, password=PASSWORD):
    F = t.forms
    on_screen(t, "install_password")
    golden(t, "install_password")
    t.type(password)
    t.keys("Tab")
    t.type(password)
    t.press(F.button("install_password", "install"))
    return on_screen(t, "installed", timeout=120)


# ---- the tests ----

@pytest.mark.parametrize("lang", LANGS)
def test_whole_path(person, lang):
    """Main menu -> ... -> request number -> approval -> status -> install, in one
    language: every screen in that language, nothing cut off, two containers."""
    t = person(lang)
    F = t.forms
    look(t, "main")
    scr = fill_to_apply(t)
    # The summary shows what was entered, in the person's words.
    flat = re.sub(r"\s+", "", scr)         # a long path wraps inside its column
    for want in (BIN, IIN, PERSON, "buhgalter@mail.kz", "1001", t.keys_dir):
        assert re.sub(r"\s+", "", want) in flat, f"summary lacks {want}:\n{scr}"
    number, scr = apply_and_number(t)
    assert F.label("number", "request_number") in scr
    assert "buhgalter@mail.kz" in scr
    golden(t, "number", scr)
    # The form saved beside the keys, private to its owner (a name, IIN, e-mail).
    t.press(F.button("number", "save_form"))
    form_file = os.path.join(t.keys_dir, f"application-{number}.txt")
    t.wait_for(f"application-{number}"[:30])
    t.keys("Enter")
    assert os.path.exists(form_file)
    assert stat.S_IMODE(os.stat(form_file).st_mode) == 0o600
    with open(form_file, encoding="utf-8") as fh:
        assert number in fh.read()
    # And beside it the PDF to print.
    pdf_file = form_file[:-len(".txt")] + ".pdf"
    assert stat.S_IMODE(os.stat(pdf_file).st_mode) == 0o600
    with open(pdf_file, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    t.press(F.button("number", "goto", "main"))
    on_screen(t, "main")
    t.press(F.button("main", "goto", "status"))
    scr = on_screen(t, "status")
    assert number in scr, "the number of the application just sent is offered"
    wait_issued(t, number)
    if lang == "ru":
        # The other way in: Install certificates, this computer's list, Enter.
        t.keys("Escape")
        on_screen(t, "main")
        t.press(F.button("main", "goto", "install_pick"))
        scr = on_screen(t, "install_pick")
        assert number in scr
        t.keys("Enter")
    else:
        t.press(F.button("status", "status_install"))
    scr = install(t)
    golden(t, "installed")
    auth = re.search(r"AUTH_RSA256_[0-9a-f]{40}\.p12", scr)
    sign = re.search(r"(?<!AUTH_)RSA256_[0-9a-f]{40}\.p12", scr)
    assert auth and sign, scr
    assert os.path.exists(os.path.join(t.keys_dir, auth.group(0)))
    assert os.path.exists(os.path.join(t.keys_dir, sign.group(0)))
    # My applications: this one, installed; Enter opens its status.
    t.press(F.button("installed", "goto", "main"))
    on_screen(t, "main")
    t.press(F.button("main", "goto", "apps"))
    scr = on_screen(t, "apps")
    # The state word is in the screen's language (po/*.po, src/ncaenroll/screens-main.c).
    installed = {"en": "installed", "ru": "установлены", "kk": "орнатылды"}[lang]
    assert number in scr and installed in scr, scr
    t.keys("Enter")
    scr = on_screen(t, "status")
    assert number in scr
    t.keys("F10")
    assert t.wait_dead() == 0


def test_bad_value_at_every_field(person, tmp_path):
    """Each refusal is shown under its field, the focus stays there, and what was typed
    in the other fields is still there."""
    # A token module with no token in it: the token screen finds none.
    (tmp_path / "no-tokens").mkdir()
    (tmp_path / "softhsm2.conf").write_text(
        f"directories.tokendir = {tmp_path / 'no-tokens'}\nobjectstore.backend = file\n")
    t = person("en", extra_env={"SOFTHSM2_CONF": str(tmp_path / "softhsm2.conf"),
                                "NCAENROLL_PKCS11_MODULE": SoftHSM.module})
    F = t.forms
    to_agreement(t)
    accept(t, refuse_first=True)

    # BIN with a wrong check digit: refused before the picture is spent.
    check_bin(t, "940140000386")
    scr = t.wait_for("must be 5")
    assert row_of(scr, "must be 5") > row_of(scr, "940140000386")
    assert t.cursor()[0] == row_of(scr, "940140000386"), "the cursor stays at the BIN"
    assert t.svc.captcha_code in scr, "the code typed is kept"
    # A wrong code: refused at the code, the BIN kept, a new picture comes and the
    # spent code is gone.
    for _ in range(12):
        t.keys("BSpace")
    t.type(BIN)
    t.keys("Tab")
    for _ in range(8):
        t.keys("BSpace")
    t.type("AAAAA")
    t.press(F.button("bin", "check_bin"))
    scr = t.wait_for("wrong")
    look(t, "wrong code")
    assert BIN in scr and "AAAAA" not in scr
    assert row_of(scr, "wrong") > row_of(scr, F.label("bin", "captcha_answer"))
    assert t.cursor()[0] == row_of(scr, F.label("bin", "captcha_answer"))
    # Next before the check is refused too.
    t.press(F.button("bin", "bin_next"))
    time.sleep(0.5)
    assert F.title("bin") in t.screen()
    t.keys("Tab")                           # the focus was on Next
    t.type(t.svc.captcha_code)
    t.press(F.button("bin", "check_bin"))
    t.wait_for(ORG_RU)
    t.press(F.button("bin", "bin_next"))
    on_screen(t, "iin")

    # IIN with a wrong check digit, then the right one.
    t.type("871008401428")
    t.press(F.button("iin", "check_iin"))
    scr = t.wait_for("check digit", "must be")
    assert t.cursor()[0] == row_of(scr, "871008401428")
    for _ in range(12):
        t.keys("BSpace")
    iin_screen(t)

    # An e-mail without a domain.
    t.type("buhgalter@mail")
    t.press(F.button("email", "set_email"))
    time.sleep(0.5)
    scr = look(t, "bad email")
    assert F.title("email") in scr and "buhgalter@mail" in scr
    below = scr.split("\n")[row_of(scr, "buhgalter@mail") + 1]
    assert below.strip() and "<" not in below, f"no reason under the e-mail:\n{scr}"
    assert t.cursor()[0] == row_of(scr, "buhgalter@mail")
    t.keys("End")
    t.type(".kz")
    t.press(F.button("email", "set_email"))
    t.wait_for("buhgalter@mail.kz")
    t.keys("Enter")
    on_screen(t, "role")

    # A role that matches nothing: nothing is chosen, the list says so.
    t.type("zzzz")
    t.keys("Enter")
    time.sleep(0.5)
    assert F.title("role") in t.screen()
    for _ in range(4):
        t.keys("BSpace")
    choose(t, "role", "ROLE02", "region")
    choose(t, "region", "karaganda", "city")
    choose(t, "city", "karaganda", "gucode")

    # The longest code, 8 digits, is typed whole; a 9th key is refused at the field.
    t.keys("Tab")
    t.type("12345678")
    t.wait_for("12345678")
    t.type("9")
    time.sleep(0.5)
    assert "123456789" not in t.screen()
    for _ in range(8):
        t.keys("BSpace")

    # A ГУ/СКС code that is not this organization's.
    t.type("9999")
    t.press(F.button("gucode", "choose_gucode"))
    scr = t.wait_for("not a ГУ/СКС code")
    assert t.cursor()[0] == row_of(scr, "9999")
    for _ in range(4):
        t.keys("BSpace")
    t.type("100385")
    t.press(F.button("gucode", "choose_gucode"))
    on_screen(t, "storage")

    # A token, but none is connected: said at the token list; back to a folder.
    t.keys("Down", "Enter")
    on_screen(t, "token")
    t.press(F.button("token", "choose_token"))
    scr = t.wait_for("no token is connected")
    assert F.title("token") in scr
    t.keys("Escape")
    on_screen(t, "storage")
    t.keys("Up", "Enter")
    folder_screen(t)
    number, _ = apply_and_number(t)

    # A request number with a typo, then the install password refusals.
    t.press(F.button("number", "goto", "main"))
    on_screen(t, "main")
    t.press(F.button("main", "goto", "status"))
    on_screen(t, "status")
    t.keys("End")
    t.keys("BSpace")
    t.type("0" if number[-1] != "0" else "1")
    t.press(F.button("status", "status_search"))
    scr = t.wait_for("check digit", "mistyped", "typo")
    assert F.title("status") in scr
    t.keys("BSpace")
    t.type(number[-1])
    wait_issued(t, number)
    t.press(F.button("status", "status_install"))
    on_screen(t, "install_password")
    t.type("Zq9w")
    t.keys("Tab")
    t.type("Zq9w")
    t.press(F.button("install_password", "install"))
    scr = t.wait_for("too short", "at least 6")
    assert F.title("install_password") in scr
    t.keys("Escape")
    on_screen(t, "status")
    t.press(F.button("status", "status_install"))
    on_screen(t, "install_password")
    t.type(PASSWORD)
    t.keys("Tab")
    t.type(PASSWORD + "x")
    t.press(F.button("install_password", "install"))
    t.wait_for("differ")
    t.type(PASSWORD)
    t.keys("Tab")
    t.type(PASSWORD)
    t.press(F.button("install_password", "install"))
    on_screen(t, "installed", timeout=120)


def resume_checks(t):
    """After a restart: offered to continue, it opens where the person stopped (the
    region), and going back every value entered is there."""
    F = t.forms
    scr = on_screen(t, "resume")
    assert ORG_RU in scr and PERSON in scr, scr
    t.press(F.button("resume", "resume"))
    on_screen(t, "region")
    t.keys("Escape")
    on_screen(t, "role")
    t.keys("Escape")
    scr = on_screen(t, "email")
    assert "buhgalter@mail.kz" in scr
    t.keys("Escape")
    scr = on_screen(t, "iin")
    assert IIN in scr and PERSON in scr
    t.keys("Escape")
    on_screen(t, "bin")
    # The title comes first; the fields once the captcha picture is fetched, which may be
    # this process's first request (libcurl is opened then: src/enroll/curlload.c).
    t.wait_for(BIN)
    scr = look(t, "bin")
    assert BIN in scr and ORG_RU in scr, "the BIN and its check are restored"
    assert t.svc.captcha_code not in scr, "the code from the picture is never restored"
    # Forwards again: the role chosen before is the list's choice, Next takes it.
    t.press(F.button("bin", "bin_next"))
    on_screen(t, "iin")
    t.press(F.button("iin", "iin_next"))
    on_screen(t, "email")
    t.press(F.button("email", "set_email"))
    on_screen(t, "role")
    t.press(F.button("role", "choose_role"))
    on_screen(t, "region")


def fill_to_region(t):
    to_agreement(t)
    accept(t)
    bin_screen(t)
    iin_screen(t)
    email_screen(t)
    choose(t, "role", "ROLE02", "region")


def test_sigkill_mid_form_then_continue(person):
    t = person("en")
    fill_to_region(t)
    t.sigkill()
    t.start()
    resume_checks(t)


def test_sighup_mid_form_then_continue(person):
    """A dropped SSH connection: SIGHUP ends the program cleanly, nothing is lost."""
    t = person("ru")
    fill_to_region(t)
    t.signal(1)
    status = t.wait_dead()
    assert status == 0 or status == 129, f"ended with {status}"
    t.start()
    resume_checks(t)


def test_apply_stopped_while_the_service_does_not_answer(person, svc):
    """Apply waits on a service that does not answer (stopped with SIGSTOP): the bottom
    line says it is sending, Esc stops it at once, nothing is lost, and Apply again,
    with the service back, gives a number for the same two keys."""
    t = person("en")
    F = t.forms
    fill_to_apply(t)
    os.kill(svc.proc.pid, signal.SIGSTOP)
    try:
        t.press(F.button("apply", "apply"))
        t.wait_for("Sending the application", timeout=30)
        keys = sorted(os.listdir(t.keys_dir))
        assert [k.rsplit("-", 1)[-1] for k in keys] == ["AUTH.key", "SIGN.key"], keys
        t.keys("Escape")
        scr = t.wait_for("Nothing is lost", timeout=10)
        assert "Stopped" in scr
    finally:
        os.kill(svc.proc.pid, signal.SIGCONT)
    t.keys("Enter")
    on_screen(t, "apply")
    apply_and_number(t)
    assert sorted(os.listdir(t.keys_dir))[:2] == keys, "no new keys were made"


def test_start_anew_gives_up_the_unfinished_one(person):
    """"Start anew" asks first, "No" focused (it cannot be undone); No keeps the
    application, Yes gives it up, and the next start opens on the main menu instead of
    offering it again."""
    t = person("en")
    F = t.forms
    fill_to_region(t)
    t.sigkill()
    t.start()
    on_screen(t, "resume")
    t.press(F.button("resume", "abandon"))
    t.wait_for("Give up the unfinished application?")
    t.keys("Enter")                         # No, focused
    on_screen(t, "resume")
    t.press(F.button("resume", "abandon"))
    t.wait_for("Give up the unfinished application?")
    t.keys("Left", "Enter")                 # Yes
    on_screen(t, "info")
    t.sigkill()
    t.start()
    on_screen(t, "main")


def test_keys_on_a_token(person, tmp_path):
    """Storage "Kaztoken": the connected token (SoftHSM2) is found and chosen by itself,
    Apply asks its PIN in a box (a wrong one is refused and nothing is lost), the keys
    are made on the token, and installing stores the certificates there."""
    tok = SoftHSM(tmp_path / "token", label="Kaztoken TUI")
    t = person("en", extra_env=tok.env())
    F = t.forms
    fill_to_region(t)
    choose(t, "region", "karaganda", "city")
    choose(t, "city", "karaganda", "gucode")
    choose(t, "gucode", None, "storage")
    t.keys("Down", "Down", "Down")          # pc, eToken, JaCarta, Kaztoken
    t.keys("Enter")
    scr = on_screen(t, "token")
    assert "Kaztoken TUI" in scr and tok.serial in scr, scr
    t.keys("Enter")                         # the one token found is already chosen
    scr = on_screen(t, "apply")
    assert "Kaztoken TUI" in scr, scr
    t.press(F.button("apply", "apply"))
    t.wait_for("Token PIN")
    t.type("000000")
    t.keys("Enter")
    scr = t.wait_for("is wrong", timeout=30)
    assert "000000" not in scr and "●" not in scr
    t.keys("Enter")
    on_screen(t, "apply")
    t.press(F.button("apply", "apply"))
    t.wait_for("Token PIN")
    t.type(tok.pin)
    t.keys("Enter")
    scr = on_screen(t, "number", timeout=120)
    number = NUMBER.search(scr).group(0)
    assert tok.pin not in scr
    t.press(F.button("number", "goto", "main"))
    on_screen(t, "main")
    t.press(F.button("main", "goto", "status"))
    on_screen(t, "status")
    wait_issued(t, number)
    t.press(F.button("status", "status_install"))
    scr = on_screen(t, "install_token")
    assert "Kaztoken TUI" in scr and number in scr
    t.press(F.button("install_token", "install_token"))
    t.wait_for("Token PIN")
    t.type(tok.pin)
    t.keys("Enter")
    scr = on_screen(t, "installed_token", timeout=120)
    assert "Kaztoken TUI" in scr, scr
    out = tok.pkcs11_tool("--list-objects").stdout
    assert out.count("Certificate Object") == 2 and out.count("Private Key Object") == 2, out
    with open(t.state, encoding="utf-8") as f:
        assert tok.pin not in f.read()


def test_f2_retells_what_the_screen_says(person):
    """F2 on the summary: not only the labels, the values written in words (the role,
    the region and city, the storage) change language too."""
    t = person("en")
    fill_to_apply(t)
    before = t.screen()
    role_en = line_of_label(before, "Role")
    t.keys("F2")                            # en -> kk
    scr = t.wait_for("Рөл")
    role_kk = line_of_label(scr, "Рөл")
    assert role_kk and role_kk != role_en, scr
    assert "Дербес компьютер" not in before and "Personal computer" in before
    assert "Personal computer" not in scr, scr


def line_of_label(scr, label):
    return next((line.split(label, 1)[1].strip() for line in scr.split("\n")
                 if line.strip().startswith(label)), "")


def test_resize_and_small_terminal(person):
    t = person("kk")
    F = t.forms
    to_agreement(t)
    t.resize(100, 30)
    scr = t.screen()
    lines = scr.rstrip("\n").split("\n")
    assert F.title("agreement") in lines[0]
    assert lines[0].rstrip().endswith("kk") and width(lines[0].rstrip()) > 80, lines[0]
    assert "F10" in lines[-1] and len(lines) == 30
    t.resize(80, 24)
    look(t, "back at 80x24")
    t.resize(70, 20)
    scr = t.screen()
    assert "80" in scr and "24" in scr, "too small a terminal is said so"
    t.resize(80, 24)
    scr = t.wait_for(F.title("agreement"))
    look(t, "after too small")


@pytest.mark.parametrize("lang", LANGS)
def test_every_screen_fits_80x24(person, lang):
    """Each screen a person can reach without a service answer, in each language:
    nothing wider than 80 columns, the key bar on the bottom line, as its golden screen."""
    t = person(lang)
    F = t.forms
    golden(t, "main")
    for form, via in (("obtain", ("main", "goto", "obtain")), ("legal", ("obtain", "goto",
                      "legal")), ("info", ("legal", "new", None)),
                      ("agreement", ("info", "goto", "agreement"))):
        t.press(F.button(via[0], via[1], via[2]))
        scr = on_screen(t, form)
        golden(t, form, scr)
    for form in ("info", "legal", "obtain", "main"):
        t.keys("Escape")
        on_screen(t, form)
    for target in ("status", "install_pick", "apps", "lang"):
        t.press(F.button("main", "goto", target))
        scr = on_screen(t, target)
        golden(t, target, scr)
        t.keys("Escape")
        on_screen(t, "main")


def test_language_from_the_menu(person):
    """The language screen switches every label and message; F2 does too, anywhere."""
    t = person("en")
    t.press(t.forms.button("main", "goto", "lang"))
    on_screen(t, "lang")
    t.press("Русский")
    ru = Forms(FORMS, "ru")
    t.wait_for(ru.title("main"))
    look(t, "main in Russian")
    t.keys("F2")                                # ru -> en
    t.wait_for(Forms(FORMS, "en").title("main"))
    t.keys("F2")                                # en -> kk
    t.wait_for(Forms(FORMS, "kk").title("main"))
