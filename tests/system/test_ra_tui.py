"""The registration desk's full-screen console (`ncaenroll-ra` with no command), driven in
tmux against the real ncaenrolld over mutual TLS, as an operator at the desk would: the
queue with the days left, an application in full, the documents ticked, approval and
rejection confirmed, a decision taken once (and another desk's decision said in the
console's box), search and filter, the history, 80x24 in Kazakh and Russian, and an
operator the service refuses told so on the plain terminal before any screen is drawn.

Applications are made the applicant's ways: `ncaenroll apply` and, once, the applicant's
own full-screen application. What is asserted is what a person sees (capture-pane), read
against the words of forms/ra/*.yaml in the language under test. The harness is
tests/tui/harness.py; nothing is mocked.
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

pytest.importorskip("yaml")               # python3-yaml: forms.py reads the words of forms/ra

from conftest import BUILDDIR, SRCDIR  # noqa: E402
from fixtures import service_fixture  # noqa: E402
from service import SANITIZER_MARKS, Service, program, program_env, set_clock  # noqa: E402
from test_apply_cli import Applicant, wait_status  # noqa: E402
from test_ra_cli import (DEMO_OPERATOR_PASSWORD, Desk, add_operator,  # noqa: E402
                         demo_operator_p12, ensure_demo_operator, ncaenrolld)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from forms import Forms  # noqa: E402
from harness import Tui, TuiTimeout, width  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

PERSON = "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ"
ORG_RU = "АО «Национальная компания «Сарыарка Жылу Энерго»»"
# A second applicant, in another region (data/demo: persons.json, organizations.json).
OTHER = dict(bin="961141000023", iin="760212350620", region="pavlodar", city="pavlodar",
             gu_code="2002")
OTHER_PERSON = "КОВАЛЕНКО СЕРГЕЙ ВИКТОРОВИЧ"
NUMBER = re.compile(r"\d{4}(?:-\d{4}){6}")
ISSUED = "Registration certificates are issued"
RA_FORMS = os.path.join(SRCDIR, "forms", "ra")


# The real service in demo mode with its operator, deciding nothing by itself.
svc = service_fixture("ra-tui", operator=True)


@pytest.fixture
def console(svc):
    """Starts the console in tmux as an operator (the demo's unless told); stopped after.
    password: typed at the prompt (tty=True) or read from descriptor 3 (a file)."""
    started, homes = [], []

    def start(lang="en", p12=None, password=DEMO_OPERATOR_PASSWORD, tty=False, wait=True,
              service=None, extra_env=None, extra_args=()):
        s = service or svc
        homes.append(tempfile.mkdtemp(prefix="nca-ra-", dir="/tmp"))
        args = ["--service", s.base, "--ca-file", s.cafile, "--operator",
                p12 or demo_operator_p12(s), "--lang", lang, *extra_args]
        redirects = {}
        if not tty:
            pwfile = os.path.join(homes[-1], "password")
            with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write(password + "\n")
            args += ["--password-fd", "3"]
            redirects = {3: pwfile}
        t = Tui(BUILDDIR, s, homes[-1], lang=lang, program="ncaenroll-ra", program_args=args,
                redirects=redirects, extra_env=extra_env)
        t.s = Forms(RA_FORMS, lang)
        started.append(t)
        t.start()
        if wait:
            t.wait_for(t.s.title("main"), timeout=60)
        return t

    yield start
    for t in started:
        t.stop()
    for h in homes:
        shutil.rmtree(h, ignore_errors=True)


@pytest.fixture
def applicant(svc, tmp_path):
    """Applies through `ncaenroll apply`: (the applicant, a function making one more)."""
    me = Applicant(svc, str(tmp_path / "applicant"))
    os.makedirs(me.home, exist_ok=True)

    def apply(**over):
        p = me.apply(**over)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)["request_number"]
    return me, apply


# ---- what every screen must be ----

def look(t, where=""):
    """The screen as a person at 80x24 needs it: nothing wider than the terminal, no more
    lines than it has, and (no box open) the key bar on the bottom line."""
    scr = t.settled()
    lines = scr.rstrip("\n").split("\n")
    for n, line in enumerate(lines):
        assert width(line) <= t.cols, f"{where}: line {n + 1} is wider than {t.cols}:\n{scr}"
    assert len(lines) <= t.rows, f"{where}: more than {t.rows} lines:\n{scr}"
    if len(lines) == t.rows and "┌─" not in scr:
        assert "F1" in lines[-1] and "F10" in lines[-1], f"{where}: no key bar:\n{scr}"
    return scr


def leave(t):
    """F10: the console ends with status 0, and (a sanitizer build) nothing leaked. With
    something typed or ticked and not saved the engine asks first; F10 again leaves."""
    t.keys("F10")
    time.sleep(0.3)
    if not t.dead() and "┌─" in t.screen():
        t.keys("F10")
    status = t.wait_dead(timeout=60)
    scr = t.screen()
    assert status == 0, scr
    for mark in SANITIZER_MARKS:
        assert mark not in scr, scr


def flat(text):
    """The screen's words with the frames' sides and the line breaks as single spaces,
    so a sentence wrapped inside a box or a text block reads as one."""
    return re.sub(r"\s+", " ", re.sub(r"[│]", " ", text))


def whole(t, form):
    """Every label and button of the screen is there, whole, in the screen's language."""
    scr = look(t, form)
    assert t.s.title(form) in scr.split("\n")[0], scr
    for word in t.s.words(form):
        assert flat(word) in flat(scr), f"{form}: {word!r} is not whole on the screen:\n{scr}"
    return scr


def on(t, form, timeout=30):
    t.wait_for(t.s.title(form), timeout=timeout)
    time.sleep(0.3)                         # what the screen fills in as it opens
    return look(t, form)


def line_of(scr, text):
    for line in scr.split("\n"):
        if text in line:
            return line
    raise AssertionError(f"{text!r} is not on the screen:\n{scr}")


def find(t, text, lands="main"):
    """Find → the text → Search: an IIN or BIN back on the queue, narrowed; a request
    number on that application."""
    S = t.s
    t.press(S.button("main", "goto", "find"))
    on(t, "find")
    t.type(text)
    t.press(S.button("find", "find"))
    return on(t, lands)


def open_app(t, number):
    """The application by its number, as the operator types it from the printed form."""
    scr = find(t, number, lands="app")
    assert number in scr
    return scr


def tick_all(t):
    """Ticks every document of the approval's checklist, one by one (Space, Down)."""
    scr = t.screen()
    for _ in range(scr.count("[ ]")):
        t.keys("Space", "Down")
    t.wait_for("[x]")
    scr = t.screen()
    assert "[ ]" not in scr, scr
    return scr


def approve(t, number, name=PERSON):
    """App → Approve → every document → Approve → Yes: the service's answer, then the
    application again, now issued."""
    S = t.s
    t.press(S.button("app", "approve_open", "approve"))
    scr = on(t, "approve")
    assert scr.count("[ ]") == 3, "three documents to check, none ticked yet"
    tick_all(t)
    t.press(S.button("approve", "approve"))
    scr = t.wait_for("┌─")
    assert number in flat(scr) and name.split()[0] in scr, f"the question names them:\n{scr}"
    t.keys("Left", "Enter")                 # Yes (No has the focus)
    return t.wait_for("Approved", timeout=60)


# ---- the desk's work ----

def test_approve_from_the_queue(console, applicant):
    """An application made with `ncaenroll apply` is in the queue with its days left; the
    operator opens it, ticks the documents and approves; the applicant's status then
    reads issued, and a second decision is refused, saying who took the first."""
    me, apply = applicant
    number = apply()
    t = console(tty=True, wait=False)
    # The password is asked on the plain terminal, before any screen, and not echoed.
    t.wait_for("Password for", timeout=60)
    assert "demo-operator.p12" in t.screen()
    t.type(DEMO_OPERATOR_PASSWORD)
    t.keys("Enter")
    scr = on(t, "main", timeout=60)
    assert DEMO_OPERATOR_PASSWORD not in scr
    assert "demo-operator" in line_of(scr, t.s.label("main", "operator"))
    whole(t, "main")
    # The newest application has the furthest deadline: the last row.
    t.keys("End")
    scr = t.wait_for(number)
    row = line_of(scr, number)
    assert re.search(r"\b(29|30)\b", row), f"no days left on its row: {row!r}"
    assert t.cursor()[0] == scr.split("\n").index(row), "the cursor is on it"
    assert PERSON in scr and "Сарыарка" in scr
    t.keys("Enter")
    scr = on(t, "app")
    whole(t, "app")
    for want in (number, PERSON, "871008401427", "940140000385", ORG_RU, "buhgalter@mail.kz",
                 "Person with the right of signature", "1001", "Karaganda"):
        assert want in scr, f"the application lacks {want}:\n{scr}"
    # Not every document ticked: nothing is sent, and the screen says which is missing.
    t.press(t.s.button("app", "approve_open", "approve"))
    on(t, "approve")
    t.keys("Space")
    t.press(t.s.button("approve", "approve"))
    scr = t.wait_for("Not ticked")
    assert "identity document" in flat(scr) and "┌─" not in scr
    assert wait_status(me, number, "submitted", seconds=5)
    t.keys("Escape")
    on(t, "app")
    scr = approve(t, number)
    assert "both certificates are issued" in flat(scr)
    t.keys("Enter")
    scr = on(t, "app")
    assert ISSUED in scr and "operator demo-operator" in scr
    st = wait_status(me, number, "issued", seconds=20)
    assert st["status"] == "issued"
    p = me.run("status", number)
    assert ISSUED in p.stdout, p.stdout + p.stderr
    # A decision is taken once: the console refuses a second and says who took it.
    t.press(t.s.button("app", "approve_open", "approve"))
    scr = t.wait_for("already decided by")
    assert "operator demo-operator" in flat(scr) and t.s.title("app") in scr
    t.keys("Enter")
    t.press(t.s.button("app", "reject_open", "reject"))
    t.wait_for("already decided by")
    t.keys("Enter")
    leave(t)


def test_approve_what_the_applicants_tui_submitted(console, svc):
    """A demo operator verifies and approves an application submitted through the
    applicant's own full-screen application."""
    from test_tui_path import FORMS, apply_and_number, fill_to_apply
    home = tempfile.mkdtemp(prefix="nca-", dir="/tmp")
    try:
        # In Russian, the applicant's screens compared with their Russian goldens.
        person = Tui(BUILDDIR, svc, home, lang="ru")
        person.forms = Forms(FORMS, "ru")
        with person:
            person.wait_for(person.forms.title("main"), timeout=60)
            fill_to_apply(person)
            number, _ = apply_and_number(person)
            person.keys("F10")
            person.wait_dead()
        t = console()
        open_app(t, number)
        approve(t, number)
        t.keys("Enter")
        assert ISSUED in on(t, "app")
        me = Applicant(svc, home)
        me.state = person.state
        p = me.run("status", number)
        assert ISSUED in p.stdout, p.stdout + p.stderr
        leave(t)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_reject_with_a_reason_and_text(console, applicant):
    """A reason from the service's list; "Other reason" refuses to go without the
    explanation; the applicant's status then reads rejected, with the reason."""
    me, apply = applicant
    number = apply()
    t = console()
    open_app(t, number)
    S = t.s
    t.press(S.button("app", "reject_open", "reject"))
    scr = on(t, "reject")
    whole(t, "reject")
    for reason in ("The applicant's identity could not be confirmed", "Other reason"):
        assert reason in scr, scr
    t.keys("End", "Enter")                   # the last reason, Other, and Enter rejects
    scr = t.wait_for("needs an explanation")
    assert "┌─" not in scr, "refused at the field, not in a box"
    t.type("пришёл без паспорта")
    t.press(S.button("reject", "reject"))
    scr = t.wait_for("┌─")
    assert number in flat(scr) and "Other reason" in scr and "пришёл без паспорта" in scr
    t.keys("Left", "Enter")                 # Yes (No has the focus)
    scr = t.wait_for("on its way tells the applicant", timeout=60)  # the demo mails (maildir)
    t.keys("Enter")
    scr = on(t, "app")
    assert "Rejected" in scr and "пришёл без паспорта" in flat(scr)
    wait_status(me, number, "rejected", seconds=20)
    p = me.run("status", number)
    assert "Rejected" in p.stdout and "пришёл без паспорта" in p.stdout, p.stdout
    leave(t)


def test_declining_the_question_decides_nothing(console, applicant):
    me, apply = applicant
    number = apply()
    t = console()
    open_app(t, number)
    t.press(t.s.button("app", "approve_open", "approve"))
    on(t, "approve")
    tick_all(t)
    t.press(t.s.button("approve", "approve"))
    t.wait_for("┌─")
    t.keys("Enter")                         # No: it has the focus
    t.wait_for("┌─", gone=True)
    assert t.s.title("approve") in t.screen()
    assert wait_status(me, number, "submitted", seconds=5)
    leave(t)


def test_another_desk_decides_meanwhile(console, svc, applicant, tmp_path):
    """While the console shows the application, another operator approves it on the
    command line: the console's approval gets the service's "already decided by ...",
    and the application comes back as the other operator left it."""
    me, apply = applicant
    number = apply()
    other = add_operator(svc, "clerk-meanwhile", str(tmp_path / "clerk.p12"),
                         "Clerk-pass-2026", role="supervisor")
    t = console()
    open_app(t, number)
    t.press(t.s.button("app", "approve_open", "approve"))
    on(t, "approve")
    tick_all(t)
    p = Desk(svc, str(tmp_path), p12=other, password="Clerk-pass-2026").run(
        "approve", number, "--documents", "form,identity,authority", "--yes")
    assert p.returncode == 0, p.stderr
    t.press(t.s.button("approve", "approve"))
    t.wait_for("┌─")
    t.keys("Left", "Enter")                 # Yes (No has the focus)
    scr = t.wait_for("already decided by", timeout=60)
    assert "clerk-meanwhile" in flat(scr), scr
    assert "Approved" not in scr
    t.keys("Enter")
    scr = on(t, "app")
    assert ISSUED in scr and "operator clerk-meanwhile" in scr
    p = me.run("status", number)
    assert ISSUED in p.stdout
    leave(t)


def test_search_and_filter(console, applicant):
    """Search by request number, IIN and BIN (every city); a mistyped number is caught
    at its field; a filter by region, and an office the service does not know."""
    _, apply = applicant
    here = apply()
    there = apply(**OTHER)
    t = console()
    S = t.s
    scr = look(t, "queue")
    assert there not in scr, "another region's application is not in this office's queue"
    for q in (OTHER["iin"], OTHER["bin"]):
        scr = find(t, q)
        assert there in scr and OTHER_PERSON in scr and here not in scr, scr
        assert set(NUMBER.findall(scr)) == {there}, f"{q} finds one application:\n{scr}"
        assert q in line_of(scr, S.label("main", "shown"))
    # A request number, typed without its dashes, opens that application.
    scr = find(t, there.replace("-", ""), lands="app")
    assert there in scr and OTHER_PERSON in scr and "Pavlodar" in scr
    t.press(S.button("app", "goto", "main"))
    on(t, "main")
    # A digit wrong: caught by the check digit, at the field, before the network.
    t.press(S.button("main", "goto", "find"))
    on(t, "find")
    wrong = here[:-1] + str((int(here[-1]) + 1) % 10)
    t.type(wrong)
    t.press(S.button("find", "find"))
    time.sleep(0.5)
    scr = look(t, "typo")
    assert S.title("find") in scr and "┌─" not in scr
    below = scr.split("\n")[scr.split("\n").index(line_of(scr, wrong)) + 1]
    assert below.strip(), f"no reason under the number:\n{scr}"
    t.type("x")                              # not a digit: said so too
    t.press(S.button("find", "find"))
    t.wait_for("28 digits")
    t.press(S.button("find", "find_clear"))
    scr = on(t, "main")
    assert there not in scr
    # The filter: regions and offices from the service's lists, found by typing.
    t.press(S.button("main", "goto", "filter"))
    scr = on(t, "filter")
    whole(t, "filter")
    assert "Any region" in scr and "Any office" in scr, scr
    t.type("Pavlodar")
    t.wait_for("Pavlodar Region")
    t.keys("Enter")                          # chosen, and the filter applied
    scr = on(t, "main")
    assert there in scr and here not in scr, scr
    assert "Pavlodar Region" in line_of(scr, S.label("main", "shown"))
    t.press(S.button("main", "goto", "filter"))
    scr = on(t, "filter")
    assert "Pavlodar Region" in scr, "the filter opens as it was set"
    # An office elsewhere (Karaganda's): Pavlodar's application is not in its queue.
    t.keys("Tab")
    t.type("Karaganda PSC No. 1")
    t.wait_for("Karaganda: Karaganda PSC No. 1")
    t.keys("Enter")
    scr = on(t, "main")
    assert there not in scr, scr
    t.press(S.button("main", "goto", "filter"))
    on(t, "filter")
    t.press(S.button("filter", "filter_clear"))
    scr = on(t, "main")
    assert there not in scr
    leave(t)


def test_history_says_who_did_what(console, svc, applicant, tmp_path):
    _, apply = applicant
    number = apply()
    p = Desk(svc, str(tmp_path)).run("approve", number, "--documents",
                                     "form,identity,authority", "--yes")
    assert p.returncode == 0, p.stderr
    t = console()
    open_app(t, number)
    t.press(t.s.button("app", "goto", "history"))
    scr = on(t, "history")
    whole(t, "history")
    text = flat(scr)
    for want in (f"applicant {PERSON} (127.0.0.1)", "operator demo-operator", ISSUED,
                 "documents checked", number):
        assert want in text, f"the history lacks {want}:\n{scr}"
    # Oldest first: the submission before the decision.
    assert text.index("applicant ") < text.index("operator demo-operator")
    t.keys("Escape")
    on(t, "app")
    t.press(t.s.button("app", "goto", "form"))
    scr = on(t, "form")
    assert number in scr and "APPLICATION" in scr
    t.keys("PgDn", "PgDn")
    scr = t.screen()
    assert "Person with the right of signature" in scr, "names, not ROLE02"
    leave(t)


def test_the_form_reads_in_the_desks_language(console, applicant):
    """The application form on the desk's screen is in the operator's language, with
    the names of role, region and city, not their ids."""
    _, apply = applicant
    number = apply()
    t = console("ru")
    open_app(t, number)
    t.press(t.s.button("app", "goto", "form"))
    scr = on(t, "form")
    assert "ЗАЯВКА" in scr and number in scr, scr
    t.keys("PgDn", "PgDn")
    scr = t.screen()
    assert "Лицо с правом подписи" in scr and "Карагандинская область" in scr, scr
    assert "ROLE02" not in scr
    leave(t)


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_every_screen_fits_80x24(console, applicant, lang):
    """Each screen of the console in Kazakh and Russian at exactly 80x24: every label and
    button whole, nothing wider than the terminal; F2 goes on to the next language;
    a smaller terminal is said so and the screen comes back."""
    _, apply = applicant
    number = apply()
    t = console(lang)
    S = t.s
    whole(t, "main")
    t.press(S.button("main", "goto", "find"))
    on(t, "find")
    whole(t, "find")
    t.keys("Escape")
    on(t, "main")
    t.press(S.button("main", "goto", "filter"))
    on(t, "filter")
    whole(t, "filter")
    t.keys("Escape")
    on(t, "main")
    open_app(t, number)
    whole(t, "app")
    for action, target in (("approve_open", "approve"), ("reject_open", "reject"),
                           ("goto", "history"), ("goto", "form")):
        t.press(S.button("app", action, target))
        on(t, target)
        whole(t, target)
        t.keys("Escape")
        on(t, "app")
    # The longest lines reach no further than the last column.
    longest = max(t.screen().split("\n"), key=width)
    assert width(longest) <= 80
    nxt = {"kk": "ru", "ru": "en"}[lang]
    t.keys("F2")
    t.wait_for(Forms(RA_FORMS, nxt).title("app"))
    look(t, "after F2")
    assert Forms(RA_FORMS, nxt).button("app", "approve_open", "approve") in t.screen()
    t.resize(70, 20)
    scr = t.screen()
    assert "80" in scr and "24" in scr, "too small a terminal is said so"
    t.resize(80, 24)
    t.wait_for(Forms(RA_FORMS, nxt).title("app"))
    look(t, "back at 80x24")
    leave(t)


def test_urgent_applications_stand_out(tmp_path, console):
    """Fewer than 7 days left: the row says "!" and is drawn in the error colour; in
    monochrome the mark is still there."""
    clock = tmp_path / "clock"
    set_clock(clock, int(time.time()))
    s = Service(tmp_path / "state", extra=["--test-clock", str(clock)])
    try:
        ensure_demo_operator(s)
        me = Applicant(s, str(tmp_path / "applicant"))
        os.makedirs(me.home, exist_ok=True)
        numbers = [json.loads(me.apply().stdout)["request_number"] for _ in range(2)]
        set_clock(clock, int(time.time()) + 25 * 86400)
        t = console(service=s)
        scr = t.wait_for(numbers[1])
        for n in numbers:
            assert re.search(r"\b[45]!", line_of(scr, n)), line_of(scr, n)
        # The cursor's row is drawn as the cursor; the other one white on red.
        cursor = t.cursor()[0]
        styled = t.styled()
        other = next(n for n in numbers if numbers and n not in styled[cursor][0])
        text, styles = next(row for row in styled if other in row[0])
        assert styles[text.index(other)][0] == 41, f"not highlighted: {text!r}"
        leave(t)
        t = console(service=s, extra_env={"NO_COLOR": "1"})
        scr = t.wait_for(numbers[1])
        assert re.search(r"\b[45]!", line_of(scr, numbers[1]))
        leave(t)
    finally:
        s.stop()


# ---- an operator the service will not serve ----

def test_a_wrong_password_gets_a_sentence_and_no_screen(console):
    t = console(password="not-the-password", wait=False)
    status = t.wait_dead(timeout=60)
    scr = t.screen()
    assert status == 1, scr
    assert "password does not open" in flat(scr), scr
    assert "not-the-password" not in scr
    assert "F10" not in scr and Forms(RA_FORMS, "en").title("main") not in scr, "no curses screen"


def test_a_revoked_operator_is_told_before_any_screen(console, svc, tmp_path):
    p12 = add_operator(svc, "clerk-gone", str(tmp_path / "gone.p12"), "Gone-pass-2026")
    r = ncaenrolld("--demo", "--state-dir", svc.state, "operator", "revoke", "clerk-gone")
    assert r.returncode == 0, r.stdout + r.stderr
    t = console(p12=p12, password="Gone-pass-2026", wait=False)
    status = t.wait_dead(timeout=60)
    scr = t.screen()
    assert status == 1, scr
    assert "revoked" in scr and "administrator" in flat(scr), scr
    assert "F10" not in scr


def test_without_a_terminal_it_names_the_commands(svc, tmp_path):
    env = program_env()
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    p = subprocess.run(program("ncaenroll-ra") + ["--service", svc.base, "--ca-file",
                       svc.cafile], capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 2
    assert "terminal" in p.stderr and "--help" in p.stderr
    for mark in SANITIZER_MARKS:
        assert mark not in p.stderr


def test_demo_console_signs_in_as_the_demo_operator(svc):
    """`ncaenroll-ra --demo`: a private demo service of its own, the demo operator signed
    in with no password asked, the queue; F10 leaves and takes the service with it."""
    home = tempfile.mkdtemp(prefix="nca-ra-", dir="/tmp")
    t = Tui(BUILDDIR, svc, home, lang="kk", program="ncaenroll-ra",
            program_args=["--demo", "--lang", "kk"])
    t.s = Forms(RA_FORMS, "kk")
    try:
        with t:
            t.wait_for(t.s.title("main"), timeout=120)
            # The queue's frame is drawn before the service's answers fill it: under load
            # the title can be on the screen while the operator's line is still empty.
            scr = t.wait_for("demo-operator", timeout=30)
            assert "demo-operator" in line_of(scr, t.s.label("main", "operator"))
            assert "Password" not in scr
            whole(t, "main")
            leave(t)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def every_office_box(t):
    """The filter's "Every office" line as drawn: its box and label."""
    return line_of(t.screen(), t.s.label("filter", "all"))


def test_clear_forgets_every_office(console):
    """A supervisor who ticked "Every office" and then pressed Clear sees their own
    office again, and the filter opens unticked: Clear leaves nothing of the old filter."""
    t = console()
    S = t.s
    t.press(S.button("main", "goto", "filter"))
    on(t, "filter")
    for _ in range(12):
        if t.focused_button() is None and S.label("filter", "all") in \
                t.screen().split("\n")[t.cursor()[0]]:
            break
        t.keys("Tab")
    t.keys("Space")
    t.wait_for("[x]")
    assert "[x]" in every_office_box(t)
    t.press(S.button("filter", "filter"))
    on(t, "main")
    t.press(S.button("main", "goto", "filter"))
    on(t, "filter")
    assert "[x]" in every_office_box(t), "the filter opens as it was set"
    t.press(S.button("filter", "filter_clear"))
    on(t, "main")
    t.press(S.button("main", "goto", "filter"))
    on(t, "filter")
    assert "[ ]" in every_office_box(t), t.screen()
    t.keys("Escape")
    on(t, "main")
    leave(t)
