"""An application that can no longer be issued, in the full-screen program (issue #10,
points 4 and 5). "Start anew" gives up an unfinished application and removes the keys
made for it, after a question that names them with "No" focused. A rejected or cancelled
application's status says why and what to do next, Install asks no password for it (nor
for one still at the desk), and its keys, left on disk, are removed when the person
confirms: the files are gone, or, declining, kept and said where. The real ncaenroll in
tmux against the real ncaenrolld and desk; the service's test clock cancels; SoftHSM2 is
the token."""
import json
import os
import re
import shutil
import subprocess
import time

import pytest

pytest.importorskip("yaml")

from appstate import SUBMITTED, write_state  # noqa: E402
from conftest import BUILDDIR  # noqa: E402
from fixtures import service_fixture, tui  # noqa: E402
from service import Service, set_clock  # noqa: E402
from test_apply_cli import Applicant, wait_status  # noqa: E402
from test_ra_cli import Desk, ensure_demo_operator  # noqa: E402
from test_reject_reasons import NAMES, TEXT  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

NO = {"kk": "Жоқ", "ru": "Нет", "en": "No"}
YES = {"kk": "Иә", "ru": "Да", "en": "Yes"}
OK = {"kk": "Жарайды", "ru": "ОК", "en": "OK"}
# "Apply again", and "waits for the registration desk", as each language says it.
AGAIN = {"kk": "қайта өтінім", "ru": "заново"}
WAITS = {"kk": "тексеруді күтуде", "ru": "ждёт проверки"}
# A word of Latin letters on a Kazakh or Russian screen (paths and file names taken out).
ENGLISH = re.compile(r"\b[A-Za-z]{3,}\b")


svc = service_fixture("tui-refused", operator=True, clock=True)


def flat(scr):
    """The screen's words in one line: a box's frame and its wrapping gone."""
    return " ".join(scr.replace("│", " ").split())


def box(scr):
    """The text of the box on the screen (a message or a question), its frame gone."""
    lines = scr.split("\n")
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    end = next(i for i in range(top, len(lines)) if "└" in lines[i])
    return flat("\n".join(line.split("│")[1] if "│" in line else line
                          for line in lines[top:end]))


def english(text, *names):
    """The Latin words of a text read in Kazakh or Russian, paths and names taken out."""
    for n in names:
        text = text.replace(n, "")
    return ENGLISH.findall(text)


def wait_flat(t, text, timeout=30):
    """Until text shows, wrapped over lines or not; the screen."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        scr = t.screen()
        if text in flat(scr):
            return scr
        time.sleep(0.2)
    raise AssertionError(f"never saw {text!r}:\n{t.screen()}")


def key_files(folder):
    return sorted(n for n in os.listdir(folder) if n.endswith(".key")) \
        if os.path.isdir(folder) else []


def keys_never_sent(home):
    """An application whose two keys were made but never sent (keys_ready), as a crash
    between the keys and the submission leaves it."""
    tool = os.path.join(BUILDDIR, "tests", "tools", "keystore-tool")
    if not os.access(tool, os.X_OK):
        pytest.skip("tests/tools/keystore-tool is not built (make check builds it)")
    keys = os.path.join(home, "keys")
    app = "0123456789abcdef"
    subprocess.run([tool, "generate", keys, app], check=True, capture_output=True)
    fields = {k: v for k, v in SUBMITTED.items() if k != "request_number"}
    write_state(os.path.join(home, "state.yaml"),
                [{"id": app, "state": "keys_ready", "fields": dict(fields, dir=keys)}])
    return keys


# ---- C(1): "Start anew" removes the keys it made, after asking ----

@pytest.mark.parametrize("lang", ("ru", "kk"))
def test_start_anew_removes_the_keys_after_asking(svc, home, lang):
    keys = keys_never_sent(home)
    files = key_files(keys)
    assert len(files) == 2
    t = tui(svc, home, lang)
    F = t.forms
    with t:
        t.wait_for(F.title("resume"))
        t.press(F.button("resume", "abandon"))
        scr = t.wait_for(files[0])
        # The question names the folder and both files, in the person's language, and
        # Enter alone decides nothing.
        assert keys in flat(scr) and files[1] in scr, scr
        assert not english(box(scr), keys, *files), scr
        assert t.focused_button() == NO[lang], scr
        t.keys("Enter")
        t.wait_for(F.title("resume"))
        time.sleep(0.5)
        assert key_files(keys) == files, "No: nothing is removed"
        t.press(F.button("resume", "abandon"))
        t.wait_for(files[0])
        t.keys("Left")
        assert t.focused_button() == YES[lang]
        t.keys("Enter")
        # What was removed is said, and where from.
        scr = t.wait_for(OK[lang])
        assert keys in flat(scr) and "2" in scr, scr
        assert key_files(keys) == [], "Yes: both keys are gone"
        t.keys("Enter")
        t.wait_for(F.title("info"))
        t.sigkill()
        t.start()
        t.wait_for(F.title("main"))
    with open(os.path.join(home, "state.yaml"), encoding="utf-8") as f:
        assert "state: abandoned" in f.read()


# ---- B: what a refused application says, and Install asks nothing for it ----

def applied(svc, home):
    me = Applicant(svc, home)
    p = me.apply()
    assert p.returncode == 0, p.stderr
    return me, json.loads(p.stdout)["request_number"]


def reject(svc, home, number):
    p = Desk(svc, os.path.join(home, "desk")).run(
        "reject", number, "--reason", "documents_missing", "--text", TEXT, "--yes")
    assert p.returncode == 0, p.stdout + p.stderr


def to_status(t, number):
    """Main menu -> request status -> Search, this computer's number offered."""
    F = t.forms
    t.wait_for(F.title("main"))
    t.press(F.button("main", "goto", "status"))
    t.wait_for(number)
    t.press(F.button("status", "status_search"))


def no_password_asked(t):
    """A moment for a wrong screen to open: neither the password's nor the token's."""
    time.sleep(2)
    scr = t.screen()
    for form in ("install_password", "install_token"):
        assert t.forms.title(form) not in scr, scr
    return scr


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_rejected_says_why_and_what_next_and_install_asks_nothing(svc, home, lang):
    me, number = applied(svc, home)
    reject(svc, home, number)
    t = tui(svc, home, lang)
    F = t.forms
    with t:
        to_status(t, number)
        scr = t.wait_for(NAMES[lang])
        assert TEXT in flat(scr), scr
        # What to do next, in the reader's words, and the way to do it.
        assert AGAIN[lang] in flat(scr), scr
        assert F.button("status", "new") in scr
        t.press(F.button("status", "status_install"))
        scr = no_password_asked(t)
        assert F.title("status") in scr
        # Said at the number: rejected, why, and what to do; no wire word.
        assert NAMES[lang] in flat(scr) and AGAIN[lang] in flat(scr), scr
        assert "rejected" not in scr and "documents_missing" not in scr, scr
        # The way to a new application.
        t.press(F.button("status", "new"))
        t.wait_for(F.title("info"))


def test_cancelled_says_what_next_and_install_asks_nothing(svc, clock, home):
    me, number = applied(svc, home)
    set_clock(clock, int(time.time()) + 31 * 86400)
    try:
        wait_status(me, number, "cancelled")
    finally:
        set_clock(clock, int(time.time()))
    t = tui(svc, home, "ru")
    F = t.forms
    with t:
        to_status(t, number)
        scr = wait_flat(t, AGAIN["ru"])
        assert "аннулирована" in scr or "Аннулирована" in scr, scr
        # My applications -> Install: refused at the list, nothing asked.
        t.keys("Escape")
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "apps"))
        t.wait_for(number)
        t.keys("Space")                     # this one, the only one
        t.press(F.button("apps", "apps_install"))
        scr = no_password_asked(t)
        assert F.title("apps") in scr and AGAIN["ru"] in flat(scr), scr
        assert "cancelled" not in scr, scr


def test_still_at_the_desk_install_says_it_waits(svc, home):
    me, number = applied(svc, home)
    t = tui(svc, home, "kk")
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "install_pick"))
        t.wait_for(number)
        t.keys("Enter")                     # this one, the only one: Next

        scr = no_password_asked(t)
        assert F.title("install_pick") in scr and WAITS["kk"] in flat(scr), scr


def test_a_refusal_known_here_is_said_with_the_service_down(tmp_path, home):
    """Rejected for good: once this computer knows it, Install says so without asking a
    password even when the service cannot be asked."""
    s = Service(tmp_path / "state")
    try:
        ensure_demo_operator(s)
        me, number = applied(s, home)
        reject(s, home, number)
        wait_status(me, number, "rejected")
    finally:
        s.stop()
    t = tui(s, home, "kk")
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "apps"))
        t.wait_for(number)
        t.keys("Space")
        t.press(F.button("apps", "apps_install"))
        scr = no_password_asked(t)
        assert F.title("apps") in scr and AGAIN["kk"] in flat(scr), scr
        assert "rejected" not in scr, scr


# ---- C(2): a refused application's keys, removed when the person says so ----

REMOVE = {"kk": "Кілттерді жою", "ru": "Удалить ключи", "en": "Remove keys"}


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_status_offers_to_remove_a_rejected_applications_keys(svc, home, lang):
    me, number = applied(svc, home)
    files = key_files(me.keys)
    assert len(files) == 2
    reject(svc, home, number)
    t = tui(svc, home, lang)
    F = t.forms
    with t:
        to_status(t, number)
        scr = wait_flat(t, me.keys)
        # Said where the keys still are, and the button that removes them is offered.
        assert t.focused_button() == F.button("status", "remove_keys"), scr
        t.keys("Enter")
        scr = t.wait_for(files[0])
        assert me.keys in box(scr) and files[1] in scr, scr
        assert not english(box(scr), me.keys, *files), scr
        assert t.focused_button() == NO[lang]
        t.keys("Enter")                     # No
        scr = t.wait_for(OK[lang])
        assert me.keys in box(scr), "declining says where the keys stay"
        assert not english(box(scr), me.keys), scr
        t.keys("Enter")
        assert key_files(me.keys) == files
        t.press(F.button("status", "remove_keys"))
        t.wait_for(files[0])
        t.keys("Left", "Enter")             # Yes
        scr = t.wait_for(OK[lang])
        assert me.keys in box(scr) and "2" in box(scr), scr
        assert key_files(me.keys) == []
        t.keys("Enter")
        # Asked again: nothing is left, and the status no longer speaks of keys.
        t.press(F.button("status", "status_search"))
        time.sleep(2)
        assert me.keys not in flat(t.screen()), t.screen()
    with open(me.state, encoding="utf-8") as f:
        assert "state: rejected" in f.read()


def test_my_applications_removes_a_cancelled_applications_keys(svc, clock, home):
    me, number = applied(svc, home)
    set_clock(clock, int(time.time()) + 31 * 86400)
    try:
        wait_status(me, number, "cancelled")
    finally:
        set_clock(clock, int(time.time()))
    t = tui(svc, home, "ru")
    F = t.forms
    with t:
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "apps"))
        t.wait_for(number)
        t.keys("Space")
        t.press(F.button("apps", "apps_remove_keys"))
        scr = t.wait_for("AUTH.key")
        assert me.keys in box(scr), scr
        t.keys("Left", "Enter")
        t.wait_for(OK["ru"])
        assert key_files(me.keys) == []


def test_keys_on_a_token_are_destroyed_after_the_pin(svc, tmp_path):
    from softhsm import SoftHSM
    from test_token_apply import Applicant as TokenApplicant, objects
    tok = SoftHSM(tmp_path / "token", label="Kaztoken 9")
    me = TokenApplicant(svc, tmp_path / "home", tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    reject(svc, str(tmp_path), number)
    t = tui(svc, me.home, "kk", extra_env=tok.env())
    F = t.forms
    with t:
        to_status(t, number)
        wait_flat(t, "Kaztoken 9")
        t.press(F.button("status", "remove_keys"))
        scr = t.wait_for(NO["kk"])
        assert "Kaztoken 9" in box(scr), scr
        t.keys("Left", "Enter")
        t.wait_for("PIN")
        t.type(tok.pin)
        t.keys("Enter")
        scr = t.wait_for(OK["kk"], timeout=60)
        assert "Kaztoken 9" in box(scr), scr
    left = [o for o in objects(tok) if o.get("label", "").startswith("ncaenroll-")]
    assert left == [], left
