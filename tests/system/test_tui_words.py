"""Every word of the applicant's path, in Kazakh and in Russian (issue #10: "the whole path
in kk and ru shows no English word and no wire field name").

The real ncaenroll runs in tmux (tests/tui/harness.py) against the real ncaenrolld and
walks the whole path a person walks: every screen of forms/*.yaml the applicant reaches,
the F1 box on each, and every refusal and box a person meets on the way (the agreement
not ticked, a BIN or IIN mistyped or unknown, a wrong picture code, a bad e-mail, a role
that matches nothing, another organization's ГУ/СКС code, no token connected, a folder
that takes no files, a mistyped or unknown request number, passwords too short, too long
or differing, the quit question, the service unreachable, too many requests...). After
every step the screen is read by tests/tui/words.py: no Latin word off its short
allow-list, no wire name, nothing past 80x24. The walk goes on after a finding and each
test fails once, with the whole list, naming the step and the words.

A walk is a list of steps, each (name, what the person does): add a step by adding a row.
Findings that come from a file another branch is changing are rows of KNOWN_ELSEWHERE:
they are reported apart and fail nothing; remove a row once that branch is merged (the
report lists rows that matched nothing).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

pytest.importorskip("yaml")               # python3-yaml: forms.py reads the labels of forms/

from conftest import BUILDDIR, SRCDIR  # noqa: E402
from fixtures import service_fixture  # noqa: E402
from service import Service, set_clock  # noqa: E402
from softhsm import SoftHSM  # noqa: E402
from test_apply_cli import Applicant, wait_status  # noqa: E402
from test_ra_cli import Desk  # noqa: E402
from test_token_apply import Applicant as TokenApplicant  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from forms import Forms  # noqa: E402
from harness import Tui, TuiTimeout  # noqa: E402
from words import Findings  # noqa: E402

pytestmark = [
    pytest.mark.long(7),  # minutes under ASan: conftest.py starts it first
    pytest.mark.walk,     # in one build only (conftest.py)
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

LANGS = ("kk", "ru")
FORMS = os.path.join(SRCDIR, "forms")
BIN, IIN = "940140000385", "871008401427"           # data/demo/README.md: test vectors
ORG = {"kk": "Сарыарқа Жылу Энерго", "ru": "Сарыарка Жылу Энерго"}
PERSON = "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ"
EMAIL = "buhgalter@mail.kz"
PASSWORD = "Qwerty12"
NUMBER = re.compile(r"\d{4}(?:-\d{4}){6}")
# A box drawn over the screen: its top line, away from the left edge (a text's frame is
# at the margin) and whole: a corner, a title perhaps, and no other line-drawing piece
# (the large digits of the request number are made of those pieces).
BOX = re.compile(r"^.{4,}?┌─[^┌┐│├┤└┘┴┬┼\n]{20,}┐", re.M)

# (step pattern, word pattern, where it comes from): findings in files another branch is
# changing now (src/ncaenroll/screens*.c, forms/*.yaml). Listed in the report, not failed.
KNOWN_ELSEWHERE = [
]


# ---- numbers that are well formed and belong to nobody ----

def _id_check_digit(digits11):
    """The check digit of an IIN or BIN (two passes of weights), or None."""
    for weights in (range(1, 12), list(range(3, 12)) + [1, 2]):
        c = sum(int(d) * w for d, w in zip(digits11, weights)) % 11
        if c != 10:
            return c
    return None


def unknown_id(like, data_file, serial="9999"):
    """An IIN or BIN shaped like `like` (its date and kind digits kept), its serial
    changed, a right check digit, in no demo registry."""
    with open(os.path.join(SRCDIR, "data", "demo", data_file), encoding="utf-8") as f:
        registry = f.read()
    for n in range(100):
        body = like[:7] + f"{int(serial) - n:04d}"
        c = _id_check_digit(body)
        if c is not None and body + str(c) not in registry:
            return body + str(c)
    raise AssertionError("no unknown number found")


DAMM = [[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]


def damm(digits):
    i = 0
    for d in digits:
        i = DAMM[i][int(d)]
    return i


def unknown_number():
    """A request number with a right check digit that the service never gave."""
    body = "1234567890" * 2 + "1234567"
    digits = body + str(damm(body))
    return "-".join(digits[i:i + 4] for i in range(0, 28, 4))


def mistyped(number):
    """The number with its last digit changed: the check digit catches it."""
    return number[:-1] + ("0" if number[-1] != "0" else "1")


# ---- a walk ----

class Walk:
    """One person at one terminal in one language, and what the walk found."""

    def __init__(self, t, lang, svc, findings):
        self.t, self.lang, self.svc, self.f = t, lang, svc, findings
        self.F = t.forms
        # What the person typed or owns: not a finding wherever it shows.
        self.data = [t.home, EMAIL, svc.captcha_code, "AAAAA", "/proc", "zzzz"]
        self.number = None

    # what the person does
    def press(self, form, action, target=None):
        self.t.press(self.F.button(form, action, target))

    def on(self, form, timeout=30):
        self.t.wait_for(self.F.title(form), timeout=timeout)

    def settle(self, quiet=0.5, timeout=15):
        """Until the screen stops changing (an answer drawn, a box opened) with no work
        running (the key bar back on the bottom line, or a box open)."""
        end = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < end:
            scr = self.t.screen()
            if scr != last:
                last, since = scr, time.monotonic()
            elif time.monotonic() - since >= quiet and (
                    BOX.search(scr) or "F10" in scr.rstrip().split("\n")[-1]
                    or self.t.dead()):
                return scr
            time.sleep(0.1)
        return last

    def retype(self, text, n=40):
        self.t.keys("End")
        for _ in range(n):
            self.t.keys("BSpace", pause=0.02)
        self.t.type(text)

    def box(self, timeout=30):
        """Until a box is drawn over the screen."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if BOX.search(self.t.screen()):
                return
            time.sleep(0.1)
        raise TuiTimeout(f"no box within {timeout}s:\n{self.t.screen()}")

    def boxed(self):
        return bool(BOX.search(self.t.screen()))

    def clear(self, name=None):
        """The boxes still open after the last step (or opened on the way, `name`):
        each read, then closed."""
        if self.boxed():
            if name is not None:
                self.check(name)
            self.close_boxes(name or self.last)

    def enter(self, timeout=10):
        """Enter, then until the screen has changed (under load a key takes its time)
        and settled: the screen."""
        before = self.t.screen()
        self.t.keys("Enter")
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.t.screen() == before:
            time.sleep(0.1)
        return self.settle()

    def close_boxes(self, name):
        """Closes the box shown (Enter: its first button), and reads and closes each box
        that follows it (one failure may say itself twice)."""
        for k in range(2, 7):
            if not BOX.search(self.enter()):
                return
            self.check(f"{name} (box {k})")
        raise TuiTimeout(f"boxes keep coming:\n{self.t.screen()}")

    def box_closed(self):
        """The box shown closed with Enter, and no other after it. The screen may change
        under the box before the key is read (a mail's answer drawn beneath it): the box
        has a few seconds to go."""
        scr = self.enter()
        end = time.monotonic() + 5
        while BOX.search(scr) and time.monotonic() < end:
            time.sleep(0.2)
            scr = self.settle(quiet=0.3)
        if BOX.search(scr):
            raise TuiTimeout(f"the box stays, or another follows:\n{scr}")

    # what the walk checks
    def check(self, name):
        scr = self.settle()
        self.f.check(name, scr, self.data, self.t.cols, self.t.rows)
        dump(self.lang, name, scr)
        # A box taller than its room scrolls: read the rest too.
        for i in range(40):
            if not box_scrolls(scr):
                break
            self.t.keys("Down", pause=0.05)
            scr = self.settle(quiet=0.2)
            self.f.check(f"{name} (scrolled {i + 1})", scr, self.data, self.t.cols,
                         self.t.rows)

    def help(self, name):
        """F1 on the screen as it is (the focused field's help, or the keys')."""
        self.t.keys("F1")
        try:
            self.box(timeout=10)
        except TuiTimeout:
            # Something was drawn, but not a whole box: said, read, and closed.
            scr = self.settle()
            self.f.found.append((f"{name} / F1", "box", "no whole box is drawn", scr))
            self.f.check(f"{name} / F1", scr, self.data, self.t.cols, self.t.rows)
            self.t.keys("Enter")
            self.settle()
            return
        self.check(f"{name} / F1")
        self.box_closed()

    def run(self, steps):
        for step in steps:
            name, do = step[0], step[1]
            flags = step[2] if len(step) > 2 else ""
            try:
                do(self)
                self.last = name
                self.check(name)
                if "F1" in flags:
                    self.help(name)
            except Exception as e:          # noqa: BLE001 (said with the screen)
                self.f.broken(name, e, self.t.screen())
                return


def box_scrolls(scr):
    """Whether the box drawn over the screen has more below (its ↓, inside its frame)."""
    m = BOX.search(scr)
    if not m:
        return False
    top = scr[:m.end()].count("\n")
    lines = scr.split("\n")
    left = lines[top].index("┌")
    right = lines[top].index("┐", left)
    return any(left < line.find("↓") < right for line in lines[top + 1:])


def dump(lang, name, scr):
    """WORDS_DUMP=DIR: every screen read is also written there, to be looked at."""
    folder = os.environ.get("WORDS_DUMP")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{lang}-{len(os.listdir(folder)):03d}-"
                               + re.sub(r"\W+", "_", name) + ".txt"), "w",
                  encoding="utf-8") as f:
            f.write(scr)


@pytest.fixture
def walker(request):
    """Starts ncaenroll in tmux in a language against a service: a Walk. Each test's
    findings fail it once at its end."""
    made = []

    def start(svc, lang, env=None, home=None):
        home = home or tempfile.mkdtemp(prefix="nca-", dir="/tmp")
        t = Tui(BUILDDIR, svc, home, lang=lang, extra_env=env)
        t.forms = Forms(FORMS, lang)
        t.start()
        t.wait_for(t.forms.title("main"), t.forms.title("resume"), timeout=60)
        w = Walk(t, lang, svc, Findings(lang, KNOWN_ELSEWHERE))
        made.append(w)
        return w

    yield start
    for w in made:
        w.t.stop()
        shutil.rmtree(w.t.home, ignore_errors=True)


def finish(*walks):
    report = "\n".join(w.f.report() for w in walks)
    print(report)
    assert not any(w.f.found for w in walks), report


# The service, deciding nothing by itself (the desk's command line decides).
svc = service_fixture("tui-words", operator=True)


def no_tokens(tmp_path):
    """SoftHSM2 with an empty token folder: the token screen finds none."""
    (tmp_path / "no-tokens").mkdir(exist_ok=True)
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'no-tokens'}\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
    return {"SOFTHSM2_CONF": str(conf), "NCAENROLL_PKCS11_MODULE": SoftHSM.module}


# ---- the steps: the form, from the main menu to the request number ----

def s_main(w):
    w.on("main")


def s_lang(w):
    w.press("main", "goto", "lang")
    w.on("lang")


def s_lang_back(w):
    w.t.keys("Escape")
    w.on("main")
    w.press("main", "goto", "obtain")
    w.on("obtain")


def s_individuals(w):
    w.press("obtain", "goto", "individuals")
    w.on("individuals")


def s_legal(w):
    w.t.keys("Escape")
    w.on("obtain")
    w.press("obtain", "goto", "legal")
    w.on("legal")


def s_info(w):
    w.press("legal", "new")
    w.on("info")


def s_agreement(w):
    w.press("info", "goto", "agreement")
    w.on("agreement")
    # The checkbox has the focus (F1 tells about it).
    while w.t.focused_button() is not None:
        w.t.keys("Tab")


def s_agreement_read(w):
    """The agreement's text, a page at a time to its end (its frame says how far)."""
    for i in range(30):
        scr = w.t.screen()
        if "100%" in scr or "%" not in scr:
            return
        w.f.check(f"agreement (page {i + 1})", scr, w.data)
        w.t.keys("PageDown")
        w.settle(quiet=0.3)
    raise TuiTimeout(f"the agreement never reached its end:\n{w.t.screen()}")


def s_agreement_refused(w):
    w.press("agreement", "accept")
    w.settle()
    assert w.F.title("agreement") in w.t.screen()


def s_bin(w):
    w.t.keys("Space")
    w.t.wait_for("[x]")
    w.press("agreement", "accept")
    w.on("bin")


def s_bin_code_help(w):
    w.t.keys("Tab")                         # the code from the picture: its own F1


def s_bin_check_digit(w):
    w.t.keys("BTab")
    w.t.type(BIN[:-1] + "6")
    w.t.keys("Tab")
    w.t.type(w.svc.captcha_code)
    w.press("bin", "check_bin")


def s_bin_unknown(w):
    w.bin_field()
    w.retype(w.unknown_bin, 12)
    w.t.keys("Tab")
    w.retype(w.svc.captcha_code, 8)
    w.press("bin", "check_bin")


def s_bin_wrong_code(w):
    w.bin_field()
    w.retype(BIN, 12)
    w.t.keys("Tab")
    w.retype("AAAAA", 8)
    w.press("bin", "check_bin")


def s_bin_checked(w):
    w.bin_field()
    w.t.keys("Tab")
    w.retype(w.svc.captcha_code, 8)
    w.press("bin", "check_bin")
    w.t.wait_for(ORG[w.lang])


def s_iin(w):
    w.press("bin", "bin_next")
    w.on("iin")


def s_iin_check_digit(w):
    w.t.type(IIN[:-1] + "8")
    w.press("iin", "check_iin")


def s_iin_unknown(w):
    w.first_field()
    w.retype(w.unknown_iin, 12)
    w.press("iin", "check_iin")


def s_iin_checked(w):
    w.first_field()
    w.retype(IIN, 12)
    w.press("iin", "check_iin")
    w.t.wait_for(PERSON)


def s_email(w):
    w.press("iin", "iin_next")
    w.on("email")


def s_email_bad(w):
    w.t.type("buhgalter@mail")
    w.press("email", "set_email")


def s_quit_question(w):
    w.first_field()
    w.t.keys("End")
    w.t.type(".kz")
    w.t.keys("F10")
    w.box()


def s_email_confirm(w):
    w.box_closed()                          # Enter: stay
    w.press("email", "set_email")
    w.box()


def s_role(w):
    w.t.keys("Enter")                       # Yes
    w.on("role")


def s_role_nothing(w):
    w.t.type("zzzz")
    w.t.keys("Enter")


def s_region(w):
    for _ in range(4):
        w.t.keys("BSpace")
    w.t.type("ROLE02")
    w.t.keys("Enter")
    w.on("region")


def s_resume(w):
    w.t.sigkill()
    w.t.start()
    w.on("resume")


def s_resumed(w):
    w.press("resume", "resume", "bin")
    w.on("region")


def s_city(w):
    w.t.type("karaganda")
    w.t.keys("Enter")
    w.on("city")


def s_gucode(w):
    w.t.type("karaganda")
    w.t.keys("Enter")
    w.on("gucode")


def s_gucode_foreign(w):
    w.t.keys("Tab")
    w.t.type("9999")
    w.press("gucode", "choose_gucode")


def s_storage(w):
    for _ in range(4):
        w.t.keys("BSpace")
    w.t.type("100385")
    w.press("gucode", "choose_gucode")
    w.on("storage")


def s_token(w):
    w.t.keys("Down", "Enter")
    w.on("token")
    w.settle()


def s_token_again(w):
    w.press("token", "choose_token")


def s_token_connected(w):
    """A token plugged in now (SoftHSM2 initialises one in the empty folder), and
    "Search again" finds it."""
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "Kaztoken",
                    "--pin", "482915", "--so-pin", "11223344"], check=True,
                   capture_output=True, env={**os.environ, **w.env}, timeout=60)
    w.press("token", "tokens_refresh")
    w.t.wait_for("Kaztoken")
    # What the token says of itself: its maker's names for it, as a person reads them
    # on the token (CK_TOKEN_INFO's manufacturer and model).
    w.data += ["SoftHSM project", "SoftHSM v2"]


def s_folder(w):
    w.t.keys("Escape")
    w.on("storage")
    w.t.keys("Home", "Enter")
    w.on("folder")


def s_folder_proc(w):
    w.t.type("/proc")
    w.t.wait_for("/proc")
    w.t.keys("Enter")
    w.settle()
    w.t.keys("Home", "Enter")               # [Choose this folder]


def s_folder_new(w):
    """A folder of its own under $HOME: typed, made, chosen."""
    w.clear()
    w.t.type(w.t.home)
    w.t.keys("Enter")
    w.settle()
    w.t.keys("Home", "Down", "Enter")       # [New folder...]: its name is asked


def s_apply(w):
    w.t.type("keys")
    w.t.keys("Enter")
    w.t.wait_for(os.path.basename(w.t.home) + "/keys")
    w.t.keys("Home", "Enter")
    w.on("apply")


def s_number(w):
    w.press("apply", "apply")
    w.on("number", timeout=120)
    w.number = NUMBER.search(w.t.screen()).group(0)
    w.data.append(w.number)


def s_number_saved(w):
    w.press("number", "save_form")
    w.box()


def s_number_shown(w):
    w.clear()
    w.press("number", "show_form")
    w.settle()


def s_number_back(w):
    w.clear()
    w.on("number")
    w.press("number", "goto", "main")
    w.on("main")


FORM_PATH = [
    ("main", s_main, "F1"),
    ("language", s_lang, "F1"),
    ("obtain", s_lang_back, "F1"),
    ("individuals", s_individuals, "F1"),
    ("legal", s_legal, "F1"),
    ("info", s_info, "F1"),
    ("agreement", s_agreement, "F1"),
    ("agreement, its end", s_agreement_read),
    ("agreement not ticked", s_agreement_refused),
    ("bin", s_bin, "F1"),
    ("bin, the code's help", s_bin_code_help, "F1"),
    ("bin with a wrong check digit", s_bin_check_digit),
    ("bin unknown", s_bin_unknown),
    ("bin, a wrong code", s_bin_wrong_code),
    ("bin checked", s_bin_checked),
    ("iin", s_iin, "F1"),
    ("iin with a wrong check digit", s_iin_check_digit),
    ("iin unknown", s_iin_unknown),
    ("iin checked", s_iin_checked),
    ("email", s_email, "F1"),
    ("email without a domain", s_email_bad),
    ("quit question", s_quit_question),
    ("email, the address shown back", s_email_confirm),
    ("role", s_role, "F1"),
    ("role matching nothing", s_role_nothing),
    ("region", s_region, "F1"),
    ("resume after a kill", s_resume, "F1"),
    ("region, resumed", s_resumed),
    ("city", s_city, "F1"),
    ("gucode", s_gucode, "F1"),
    ("gucode of another organization", s_gucode_foreign),
    ("storage", s_storage, "F1"),
    ("token, none connected", s_token, "F1"),
    ("token, choose with none", s_token_again),
    ("token, one connected", s_token_connected),
    ("folder", s_folder, "F1"),
    ("folder /proc", s_folder_proc),
    ("folder, a new one", s_folder_new),
    ("apply", s_apply, "F1"),
    ("number", s_number, "F1"),
    ("number, form saved", s_number_saved),
    ("number, form shown", s_number_shown),
    ("main again", s_number_back),
]


def _bin_field(w):
    """The focus to the first field (the BIN): Tab round until no button has it, then
    back over the code."""
    w.first_field()


def _first_field(w):
    for _ in range(12):
        if w.t.focused_button() is None and w.t.cursor()[0] == w.first_row():
            return
        w.t.keys("Tab", pause=0.08)
    raise TuiTimeout(f"the first field never took the focus:\n{w.t.screen()}")


def _first_row(w):
    """The row of the first field: the first line holding its label."""
    top = w.t.screen().split("\n")[0].strip()
    form = max((k for k in w.F.f if top.startswith(w.F.title(k))),
               key=lambda k: len(w.F.title(k)))
    label = next(fd for fd in w.F.f[form]["fields"]
                 if fd["type"] in ("digits", "entry", "email", "password"))["label"]
    label = label.get(w.lang) or label["en"]
    for n, line in enumerate(w.t.screen().split("\n")):
        if n > 0 and re.match(r"\s*" + re.escape(label) + r"(\s|$)", line):
            return n
    return -1


Walk.bin_field = _bin_field
Walk.first_field = _first_field
Walk.first_row = _first_row


@pytest.mark.parametrize("lang", LANGS)
def test_the_form_in_words_of_the_language(walker, svc, tmp_path, lang):
    """Main menu -> ... -> the request number, with every refusal on the way."""
    env = no_tokens(tmp_path)
    w = walker(svc, lang, env=env)
    w.env = env
    w.unknown_bin = unknown_id(BIN, "organizations.json")
    w.unknown_iin = unknown_id(IIN, "persons.json")
    w.run(FORM_PATH)
    finish(w)


# ---- the steps: an application's status, installing it, this computer's list ----

def s_status(w):
    w.press("main", "goto", "status")
    w.on("status")
    w.first_field()


def s_status_typed(w, number):
    w.first_field()
    w.retype(number)
    w.press("status", "status_search")


def s_status_mistyped(w):
    s_status_typed(w, mistyped(w.number))


def s_status_unknown(w):
    s_status_typed(w, unknown_number())


def s_status_submitted(w):
    s_status_typed(w, w.number)
    w.t.wait_for(w.number)


def s_status_rejected(w):
    s_status_typed(w, w.rejected)


def s_status_issued(w):
    p = Desk(w.svc, w.t.home).run("approve", w.number, "--documents",
                                  "form,identity,authority", "--yes")
    assert p.returncode == 0, p.stderr
    s_status_typed(w, w.number)
    w.t.wait_for("AUTH")                    # the certificates' serials are shown


def s_install_password(w):
    w.press("status", "status_install", "install_password")
    w.on("install_password")


def s_passwords(w, first, second):
    w.first_field()
    w.retype(first, 70)
    w.t.keys("Tab")
    w.retype(second, 70)
    w.press("install_password", "install")


def s_password_short(w):
    s_passwords(w, "Zq9w", "Zq9w")


def s_password_long(w):
    s_passwords(w, "Qwerty12" * 4 + "X", "Qwerty12" * 4 + "X")


def s_password_differ(w):
    s_passwords(w, PASSWORD, PASSWORD + "x")


def s_installed(w):
    s_passwords(w, PASSWORD, PASSWORD)
    w.on("installed", timeout=120)


def s_passwd(w):
    """Another password for the containers just installed (forms/passwd.yaml)."""
    w.press("installed", "goto", "passwd")
    w.on("passwd")


def s_passwd_typed(w, current, new, again):
    w.first_field()
    w.retype(current, 70)
    w.t.keys("Tab")
    w.retype(new, 70)
    w.t.keys("Tab")
    w.retype(again, 70)
    w.press("passwd", "passwd")


def s_passwd_wrong(w):
    s_passwd_typed(w, "Wrong123", "Asdfgh34", "Asdfgh34")
    w.settle(timeout=60)


def s_passwd_short(w):
    w.clear()
    s_passwd_typed(w, PASSWORD, "Zq9w", "Zq9w")


def s_passwd_differ(w):
    w.clear()
    s_passwd_typed(w, PASSWORD, "Asdfgh34", "Asdfgh35")


def s_passwd_changed(w):
    w.clear()
    s_passwd_typed(w, PASSWORD, "Asdfgh34", "Asdfgh34")
    w.settle(timeout=60)


def to_main(w):
    """Back to the main menu, a box closed and a screen at a time."""
    for _ in range(8):
        w.clear()
        if w.F.title("main") in w.t.screen().split("\n")[0]:
            return
        w.t.keys("Escape")
        w.settle()
    w.on("main")


def s_apps(w):
    to_main(w)
    w.press("main", "goto", "apps")
    w.on("apps")


def s_apps_status(w):
    """The rejected one's status from the list (Enter on it presses Status)."""
    w.t.keys("Down", "Enter")
    w.on("status")


def s_install_pick(w):
    w.t.keys("Escape")
    w.on("apps")
    w.t.keys("Escape")
    w.on("main")
    w.press("main", "goto", "install_pick")
    w.on("install_pick")


def s_install_pick_typed(w, number):
    w.first_field()
    w.retype(number)
    w.press("install_pick", "install_pick")


def s_install_pick_mistyped(w):
    s_install_pick_typed(w, mistyped(w.rejected))


def s_install_pick_rejected(w):
    s_install_pick_typed(w, w.rejected)


def s_install_pick_installed(w):
    w.clear()
    if w.F.title("install_pick") not in w.t.screen().split("\n")[0]:
        w.t.keys("Escape")                  # taken on to the password: back
        w.on("install_pick")
    s_install_pick_typed(w, w.number)


STATUS_PATH = [
    ("status", s_status, "F1"),
    ("status, a mistyped number", s_status_mistyped),
    ("status, an unknown number", s_status_unknown),
    ("status, submitted", s_status_submitted, "F1"),
    ("status, rejected", s_status_rejected),
    ("status, issued", s_status_issued),
    ("install_password", s_install_password, "F1"),
    ("install_password, too short", s_password_short),
    ("install_password, 33 characters", s_password_long),
    ("install_password, passwords differ", s_password_differ),
    ("installed", s_installed, "F1"),
    ("passwd", s_passwd, "F1"),
    ("passwd, the current password wrong", s_passwd_wrong),
    ("passwd, too short", s_passwd_short),
    ("passwd, passwords differ", s_passwd_differ),
    ("passwd, changed", s_passwd_changed),
    ("apps", s_apps, "F1"),
    ("apps, the status of one", s_apps_status),
    ("install_pick", s_install_pick, "F1"),
    ("install_pick, a mistyped number", s_install_pick_mistyped),
    ("install_pick, a rejected one", s_install_pick_rejected),
    ("install_pick, one installed", s_install_pick_installed),
]


def applied(svc, home, **over):
    me = Applicant(svc, home)
    p = me.apply(**over)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["request_number"]


@pytest.mark.parametrize("lang", LANGS)
def test_status_and_install_in_words_of_the_language(walker, svc, lang):
    """Status (mistyped, unknown, submitted, rejected, issued) -> install with every
    password refusal -> installed -> this computer's list -> install another."""
    home = tempfile.mkdtemp(prefix="nca-", dir="/tmp")
    number = applied(svc, home)
    rejected = applied(svc, home, dir=os.path.join(home, "keys-b"))
    p = Desk(svc, home).run("reject", rejected, "--reason", "identity_mismatch", "--text",
                            "паспорт не совпадает", "--yes")
    assert p.returncode == 0, p.stderr
    w = walker(svc, lang, home=home)
    w.number, w.rejected = number, rejected
    w.data += [number, rejected, "паспорт не совпадает"]
    w.run(STATUS_PATH)
    finish(w)


# ---- certificates onto a token ----

def s_install_token(w):
    w.press("main", "goto", "install_pick")
    w.on("install_pick")
    w.t.keys("Enter")                       # the one application of this computer
    w.on("install_token")


def s_token_pin(w):
    w.press("install_token", "install_token")
    w.box()


def s_token_pin_wrong(w):
    w.t.type("000000")
    w.t.keys("Enter")
    w.box()                                 # the refusal, in a box of its own
    w.t.wait_for("●", gone=True)


def s_token_installed(w):
    w.clear()
    if w.F.title("install_token") in w.t.screen().split("\n")[0]:
        w.press("install_token", "install_token")
    w.box()
    w.t.type(w.pin)
    w.t.keys("Enter")
    w.on("installed_token" if "installed_token" in w.F.f else "installed", timeout=120)


TOKEN_PATH = [
    ("install_token", s_install_token, "F1"),
    ("install_token, the PIN asked", s_token_pin),
    ("install_token, a wrong PIN", s_token_pin_wrong),
    ("installed on the token", s_token_installed, "F1"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_install_on_a_token_in_words_of_the_language(walker, svc, tmp_path, lang):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken")
    home = tempfile.mkdtemp(prefix="nca-", dir="/tmp")
    me = TokenApplicant(svc, home, tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    p = Desk(svc, home).run("approve", number, "--documents", "form,identity,authority",
                            "--yes")
    assert p.returncode == 0, p.stderr
    w = walker(svc, lang, env=tok.env(), home=home)
    w.pin = tok.pin
    w.data += [number, tok.serial, "000000"]
    w.run(TOKEN_PATH)
    finish(w)


# ---- the service away, refusing, or ending an application ----

def to_bin(w):
    w.press("main", "goto", "obtain")
    w.on("obtain")
    w.press("obtain", "goto", "legal")
    w.on("legal")
    w.press("legal", "new")
    w.on("info")
    w.press("info", "goto", "agreement")
    w.on("agreement")
    while w.t.focused_button() is not None:
        w.t.keys("Tab")
    w.t.keys("Tab")                         # past the text, to the checkbox
    w.t.keys("Space")
    w.t.wait_for("[x]")
    w.press("agreement", "accept")
    w.on("bin")
    w.settle()


def s_down_bin(w):
    to_bin(w)
    w.svc.stop()
    w.t.type(BIN)
    w.t.keys("Tab")
    w.t.type(w.svc.captcha_code)
    w.press("bin", "check_bin")
    w.settle(timeout=60)


def s_down_picture(w):
    w.clear()
    w.first_field()
    w.t.keys("Tab")                         # F5 at the code: a new picture
    w.t.keys("F5")
    w.settle(timeout=60)


def s_down_status(w):
    w.clear()
    w.t.keys("Escape")
    w.t.wait_for(w.F.title("agreement"))
    for form in ("info", "legal", "obtain", "main"):
        w.t.keys("Escape")
        w.on(form)
    w.press("main", "goto", "status")
    w.on("status")
    w.first_field()
    w.retype(unknown_number())
    w.press("status", "status_search")
    w.settle(timeout=60)


DOWN_PATH = [
    ("bin, the service unreachable", s_down_bin),
    ("bin, a new picture with the service unreachable", s_down_picture),
    ("status, the service unreachable", s_down_status),
]


@pytest.mark.parametrize("lang", LANGS)
def test_the_service_unreachable_in_words_of_the_language(walker, tmp_path, lang):
    """The service stops while the person works: what needs it says so."""
    s = Service(tmp_path / "state")
    try:
        w = walker(s, lang)
        w.run(DOWN_PATH)
    finally:
        s.stop()
    finish(w)


def s_limit_bin(w):
    """The BIN checked (the one check of the minute); the new picture after it is the
    second of the minute, one too many."""
    to_bin(w)
    w.t.type(BIN)
    w.t.keys("Tab")
    w.t.type(w.svc.captcha_code)
    w.press("bin", "check_bin")
    w.settle()                              # the name, under the box that refuses


def s_limit_iin(w):
    w.clear()
    w.press("bin", "bin_next")
    w.on("iin")
    w.t.type(IIN)
    w.press("iin", "check_iin")


def s_limit_iin_again(w):
    """Again (a minute may have begun since): one of two is refused."""
    w.clear()
    w.press("iin", "check_iin")


def s_limit_picture(w):
    w.clear()
    w.t.keys("Escape")
    w.on("bin")
    w.settle()
    w.clear("bin again, a picture too many")   # the picture fetched on the way in
    w.first_field()
    w.t.keys("Tab")
    w.t.keys("F5")


def s_limit_picture_again(w):
    w.clear()
    w.t.keys("F5")


LIMIT_PATH = [
    ("bin checked, a picture too many", s_limit_bin),
    ("iin, a check too many", s_limit_iin),
    ("iin, a check too many, again", s_limit_iin_again),
    ("bin, a picture too many", s_limit_picture),
    ("bin, a picture too many, again", s_limit_picture_again),
]


@pytest.mark.parametrize("lang", LANGS)
def test_too_many_requests_in_words_of_the_language(walker, tmp_path, lang):
    """A service allowing one picture and one check a minute: the second of each is
    refused, and the person is told so."""
    s = Service(tmp_path / "state", config={"policy": {"captcha_per_minute": 1,
                                                       "checks_per_minute": 1}})
    try:
        w = walker(s, lang)
        w.run(LIMIT_PATH)
    finally:
        s.stop()
    finish(w)


def s_cancelled_status(w):
    w.press("main", "goto", "status")
    w.on("status")
    w.first_field()
    w.retype(w.number)
    w.press("status", "status_search")
    w.t.wait_for(w.number)


def s_cancelled_apps(w):
    w.t.keys("Escape")
    w.on("main")
    w.press("main", "goto", "apps")
    w.on("apps")


CANCELLED_PATH = [
    ("status, cancelled", s_cancelled_status),
    ("apps, one cancelled", s_cancelled_apps),
]


@pytest.mark.parametrize("lang", LANGS)
def test_a_cancelled_application_in_words_of_the_language(walker, tmp_path, lang):
    """Not verified in time: the service cancels it (its clock moved 31 days on)."""
    clock = tmp_path / "clock"
    set_clock(clock, int(time.time()))
    s = Service(tmp_path / "state", extra=["--test-clock", str(clock)])
    try:
        home = tempfile.mkdtemp(prefix="nca-", dir="/tmp")
        number = applied(s, home)
        set_clock(clock, int(time.time()) + 31 * 86400)
        wait_status(Applicant(s, home), number, "cancelled", seconds=30)
        w = walker(s, lang, home=home)
        w.number = number
        w.data.append(number)
        w.run(CANCELLED_PATH)
    finally:
        s.stop()
    finish(w)
