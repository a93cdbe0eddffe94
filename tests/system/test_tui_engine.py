"""The TUI form engine (src/tui) driven in a private tmux server, as a person would use it.

tests/tools/tui-form shows one form from tests/system/tui-forms/ with the engine and, when it
leaves, prints the values as JSON (passwords left out). Each test starts its own tmux server
(-L nca-engine-PID), types with send-keys and reads the screen with capture-pane.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import BUILDDIR, SRCDIR

FORMS = os.path.join(SRCDIR, "tests", "system", "tui-forms")
FLOW = os.path.join(SRCDIR, "tests", "system", "tui-flow")
TOOL = os.path.join(os.path.abspath(BUILDDIR), "tests", "tools", "tui-form")

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not os.path.exists(TOOL), reason="tests/tools/tui-form is not built"),
]


class Pane:
    """One tui-form in its own tmux server, and what it leaves behind."""

    def __init__(self, tmp_path, form, lang="en", size=(80, 24), env=None, term="screen-256color",
                 flow=None):
        self.sock = f"nca-engine-{os.getpid()}-{time.monotonic_ns()}"
        self.out = tmp_path / "values.json"
        self.err = tmp_path / "stderr"
        self.rc = tmp_path / "rc"
        e = {"LANG": "C.UTF-8", "TERM": term, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                e[k] = os.environ[k]
        e.update(env or {})
        envs = " ".join(f"{k}='{v}'" for k, v in e.items())
        args = (f"--flow {flow} --lang {lang}" if flow else
                f"--lang {lang} {os.path.join(FORMS, form)}")
        cmd = (f"env -i {envs} {os.path.join(os.path.abspath(BUILDDIR), 'uninstalled-env')} "
               f"{TOOL} {args} >{self.out} 2>{self.err}; "
               f"echo $? >{self.rc}.tmp; mv {self.rc}.tmp {self.rc}; sleep 600")
        self.tmux("new-session", "-d", "-x", str(size[0]), "-y", str(size[1]), cmd)
        self.wait_for(lambda s: s.strip() != "" or self.rc.exists())

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", *args],
                              capture_output=True, text=True, check=check, timeout=20)

    def screen(self, escapes=False):
        args = ["capture-pane", "-p"] + (["-e"] if escapes else [])
        return self.tmux(*args).stdout

    def lines(self):
        return self.screen().split("\n")

    def keys(self, *keys, literal=False):
        for k in keys:
            self.tmux("send-keys", *(["-l"] if literal else []), k)
        time.sleep(0.15)

    def type(self, text):
        self.keys(text, literal=True)

    def wait_for(self, ok, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = self.screen()
            if ok(s):
                return s
            time.sleep(0.05)
        raise AssertionError("the screen never showed what was expected:\n" + self.screen())

    def wait_text(self, text, timeout=10):
        return self.wait_for(lambda s: text in s, timeout)

    def resize(self, cols, rows):
        self.tmux("resize-window", "-x", str(cols), "-y", str(rows))

    def finish(self, timeout=10):
        """Waits for the program to leave: its exit status and the JSON it printed."""
        end = time.monotonic() + timeout
        while not self.rc.exists():
            if time.monotonic() > end:
                raise AssertionError("tui-form did not leave:\n" + self.screen())
            time.sleep(0.05)
        rc = int(self.rc.read_text())
        out = self.out.read_text()
        err = self.err.read_text()
        assert "Sanitizer" not in err and "runtime error" not in err, err
        return rc, (json.loads(out) if out.strip() else None)

    def quit(self):
        """F10; when something typed is not saved the engine asks first, and F10 again
        leaves."""
        self.keys("F10")
        time.sleep(0.2)
        if not self.rc.exists() and "┌─" in self.screen():
            self.keys("F10")
        return self.finish()

    def kill(self):
        path = self.tmux("display-message", "-p", "#{socket_path}", check=False).stdout.strip()
        self.tmux("kill-server", check=False)
        if path:                                # tmux leaves the socket file behind
            try:
                os.unlink(path)
            except OSError:
                pass


@pytest.fixture
def pane(tmp_path):
    panes = []

    def start(form="engine.yaml", **kw):
        p = Pane(tmp_path, form, **kw)
        panes.append(p)
        return p
    yield start
    for p in panes:
        p.kill()


def row_of(screen, text):
    return next(line for line in screen.split("\n") if text in line)


def test_kazakh_letters_typed_and_deleted(pane):
    p = pane(lang="kk")
    p.wait_text("Аты-жөні")
    p.type("Әлия Қасымұлы")
    assert "Әлия Қасымұлы" in row_of(p.screen(), "Аты-жөні")
    p.keys("BSpace")            # one Kazakh letter (two bytes) goes, not half of it
    assert row_of(p.screen(), "Аты-жөні").rstrip().endswith("Әлия Қасымұл")
    p.keys("Home", "Right", "Right", "DC")    # the cursor moves by letters: "Әл|ия" -> "Әла"
    p.type("ғ")
    rc, out = p.quit()
    assert rc == 0
    assert out["values"]["first"] == "Әлғя Қасымұл"


def test_tab_order(pane):
    p = pane()
    p.wait_text("Full name")
    p.type("a")
    p.keys("Tab")
    p.type("1")
    p.keys("Tab")
    p.type("b@example.kz")
    p.keys("Tab", "Tab", "Space")          # past the password to the checkbox
    assert "[x] I agree" in p.screen()
    p.keys("BTab", "BTab", "BTab")          # back up to the BIN
    p.type("2")
    p.keys("Down", "Down", "Down", "Up", "Up", "Up", "Up")   # arrows move as Tab does
    p.type("z")
    rc, out = p.quit()
    assert out["values"] == {"first": "az", "bin": "12", "email": "b@example.kz", "agree": "1"}
    assert "password" not in out["values"]


def test_digits_field_ignores_letters(pane):
    p = pane(lang="ru")
    p.wait_text("БИН")
    p.keys("Tab")
    p.type("12ab3 ә4-5")
    assert row_of(p.screen(), "БИН").split("БИН", 1)[1].strip() == "12345"
    rc, out = p.quit()
    assert out["values"]["bin"] == "12345"


def test_bad_value_refused_at_its_field(pane):
    p = pane()
    p.wait_text("Full name")
    p.keys("Tab")
    p.type("12345")
    p.keys("Tab")                          # leaving a field checks it
    s = p.wait_text("12 digits")
    lines = s.split("\n")
    bin_row = next(i for i, line in enumerate(lines) if line.lstrip().startswith("BIN"))
    assert "12 digits" in lines[bin_row + 1]   # the reason is right under the field
    # OK with a bad value stays on the screen, and the cursor goes back to the BIN.
    p.keys("BTab", "BTab")
    p.type("x")
    p.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Enter")
    assert "12 digits" in p.screen()
    p.keys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
    p.type("940140000385")
    assert "12 digits" not in p.screen()
    for _ in range(4):
        p.keys("Tab")
    p.keys("Enter")
    rc, out = p.finish()
    assert out["exit"] == "next"
    assert out["values"]["bin"] == "940140000385"
    assert out["values"]["first"] == "x"    # nothing typed elsewhere was lost


def test_action_error_lands_under_the_field(pane):
    p = pane()
    p.wait_text("Full name")
    p.type("Bad")
    for _ in range(5):
        p.keys("Tab")
    p.keys("Right", "Enter")                # "Refuse": the stub action refuses the name
    s = p.wait_text("The service refused this value.")
    lines = s.split("\n")
    name_row = next(i for i, line in enumerate(lines) if "Full name" in line)
    assert "The service refused this value." in lines[name_row + 1]
    p.type("X")                             # the cursor is back in the name field
    assert "BadX" in p.screen()
    assert "refused" not in p.screen()      # and typing there clears the error


def test_password_hidden_and_checklist_live(pane):
    p = pane()
    p.wait_text("Password")
    p.keys("Tab", "Tab", "Tab")
    s = p.screen()
    assert "✗ at least 6 characters" in s
    assert "✗ at least one digit" in s
    p.type("Sec")
    assert "●●●" in p.screen() and "Sec" not in p.screen()
    p.type("ret9")
    s = p.screen()
    assert "Secret9" not in s and "ret9" not in s
    assert "●●●●●●●" in row_of(s, "Password")
    assert "✓ at least 6 characters" in s
    assert "✓ at least one digit" in s
    assert "✓ at least one Latin letter" in s
    p.type("ж")
    assert "✗ only Latin letters" in p.screen()
    p.keys("BSpace")
    assert "✓ only Latin letters" in p.screen()
    rc, out = p.quit()
    assert "password" not in out["values"] and "Secret9" not in json.dumps(out)


def test_f2_switches_language(pane):
    p = pane(lang="kk")
    s = p.wait_text("Қозғалтқышты тексеру")
    assert "Аты-жөні" in s and "кемінде 6 таңба" in s
    p.type("Айгүл")
    p.keys("F2")
    s = p.wait_text("Проверка движка")
    assert "Ф.И.О." in s and "Аты-жөні" not in s
    assert "не менее 6 символов" in s
    assert "Айгүл" in s                     # values stay
    p.keys("F2")
    s = p.wait_text("Engine check")
    assert "Full name" in s and "at least 6 characters" in s
    p.keys("F2")
    p.wait_text("Қозғалтқышты тексеру")


def test_f1_help_for_the_field(pane):
    p = pane()
    p.wait_text("Full name")
    p.keys("F1")
    s = p.wait_text("Your full name, as in your ID.")
    assert "< OK >" in s
    p.keys("Enter")
    p.wait_for(lambda s: "Your full name" not in s)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_80x24_nothing_cut_off(pane, lang):
    p = pane(lang=lang)
    words = {
        "kk": ["Қозғалтқышты тексеру", "Өрістерді толтырыңыз. Tab келесі өріске өтеді.",
               "Аты-жөні", "БСН", "Электрондық пошта", "Құпиясөз", "[ ] Келісемін",
               "< Жарайды >", "< Бас тарту >", "< Артқа >"],
        "ru": ["Проверка движка", "Заполните поля. Tab переходит к следующему полю.",
               "Ф.И.О.", "БИН", "Электронная почта", "Пароль", "[ ] Согласен",
               "< Готово >", "< Отказ >", "< Назад >"],
        "en": ["Engine check", "Fill in the fields. Tab moves to the next field.",
               "Full name", "BIN", "E-mail", "Password", "[ ] I agree",
               "< OK >", "< Refuse >", "< Back >"],
    }[lang]
    s = p.wait_text(words[0])
    lines = s.split("\n")
    assert len(lines) >= 24
    for w in words:
        assert w in s, w
    assert words[0] in lines[0]
    assert "F1" in lines[23] and "F10" in lines[23]
    for line in lines[:24]:
        assert len(line) <= 80
    # The screen against its golden capture (GENERATE=1 writes it; review the diff). The
    # key bar is left out: its words come from the catalogs, which grow on their own.
    shown = "\n".join(line.rstrip() for line in lines[:23]) + "\n"
    golden = os.path.join(FORMS, "golden", f"engine-{lang}.txt")
    if os.environ.get("GENERATE") == "1":
        os.makedirs(os.path.dirname(golden), exist_ok=True)
        with open(golden, "w", encoding="utf-8") as f:
            f.write(shown)
    with open(golden, encoding="utf-8") as f:
        assert shown == f.read()


def test_long_form_scrolls(pane):
    p = pane("long.yaml")
    s = p.wait_text("A long form")
    assert "Field number 12" not in s
    assert "↓" in p.lines()[23]             # the key bar says there is more below
    seen = set()
    for _ in range(16):
        p.keys("Tab")
        s = p.screen()
        seen.update(re.findall(r"Field number \d+", s))
        assert "A long form" in s.split("\n")[0]
        assert "F10" in s.split("\n")[23]
    assert seen == {f"Field number {i}" for i in range(1, 13)}
    assert "< Back >" in s
    # The agreement scrolls by itself on PgDn while it has the focus.
    p2 = pane("long.yaml")
    p2.wait_text("Clause 1:")
    p2.keys("PgDn", "PgDn", "PgDn")
    assert "THE END." in p2.screen() and "100%" in p2.screen()


def test_too_small_then_resized(pane):
    p = pane(size=(60, 20))
    s = p.wait_text("smaller than 80x24")
    assert "60x20" in s
    p.resize(80, 24)
    s = p.wait_text("Engine check")
    assert "smaller" not in s
    p.resize(79, 24)
    p.wait_text("smaller than 80x24")
    p.resize(100, 30)
    s = p.wait_text("Engine check")
    assert "F10" in p.lines()[29]
    p.type("still here")
    rc, out = p.quit()
    assert out["values"]["first"] == "still here"


def test_no_color_is_monochrome(pane):
    colour = re.compile(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5;\d+|48;5;\d+)[;m]")
    p = pane()
    p.wait_text("Engine check")
    assert colour.search(p.screen(escapes=True)), "colours expected without NO_COLOR"
    m = pane(env={"NO_COLOR": "1"})
    m.wait_text("Engine check")
    s = m.screen(escapes=True)
    assert not colour.search(s)
    assert "\x1b[7m" in s                   # focus and the key bar still stand out, in reverse
    v = pane(term="vt100")
    v.wait_text("Engine check")
    assert not colour.search(v.screen(escapes=True))


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_hangup_leaves_cleanly(pane, sig):
    p = pane()
    p.wait_text("Full name")
    p.type("kept")
    mine = []                               # the tui-form writing to this test's file
    for pid in (int(d) for d in os.listdir("/proc") if d.isdigit()):
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            out = os.readlink(f"/proc/{pid}/fd/1")
        except OSError:
            continue
        if exe.endswith("tui-form") and out == str(p.out):
            mine.append(pid)
    assert len(mine) == 1
    os.kill(mine[0], sig)
    rc, out = p.finish()
    assert rc == 0 and out["exit"] == "quit" and out["values"]["first"] == "kept"


def test_bad_forms_file_refused(tmp_path, run):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: {en: Bad}\nfields:\n  - name: a\n    type: slider\n")
    r = run("tests/tools/tui-form", str(bad))
    assert r.returncode == 2
    assert f"{bad}:4: unknown field type 'slider'" in r.stderr
    bad.write_text("title: {kk: Тек қазақша}\n")
    r = run("tests/tools/tui-form", str(bad))
    assert r.returncode == 2
    assert f"{bad}:1: 'title' has no English text (en)" in r.stderr


def test_esc_goes_back_and_ctrl_l_redraws(pane):
    p = pane(lang="ru")
    before = p.wait_text("Проверка движка")
    p.keys("C-l")
    assert p.screen() == before
    p.type("Ә")
    p.keys("Escape")
    rc, out = p.finish()
    assert rc == 0 and out["exit"] == "back" and out["values"]["first"] == "Ә"


def test_message_confirm_and_progress(pane):
    p = pane("long.yaml")
    p.wait_text("A long form")
    for _ in range(14):
        p.keys("Tab")
    p.keys("Right", "Right", "Enter")       # "Message"
    p.wait_text("This is a message box.")
    p.keys("Enter")
    p.wait_for(lambda s: "This is a message box." not in s)
    p.keys("Right", "Enter")                # "Confirm": No stays, Yes leaves
    p.wait_text("Leave this form?")
    p.keys("Right", "Enter")
    p.wait_for(lambda s: "Leave this form?" not in s)
    assert "A long form" in p.screen()
    p.keys("Left", "Left", "Enter")          # "Work": the key bar shows the progress
    p.wait_text("Working...")
    p.wait_for(lambda s: "F10" in s.split("\n")[23], timeout=15)
    assert "Stopped." not in p.screen()
    p.keys("Enter")                          # again, and Esc stops the work, not the screen
    p.wait_text("Working...")
    p.keys("Escape")
    p.wait_text("Stopped.")
    p.keys("Enter")
    p.wait_for(lambda s: "F10" in s.split("\n")[23])
    assert "A long form" in p.screen()
    p.keys("Right", "Right", "Enter")
    p.wait_text("Leave this form?")
    p.keys("Enter")
    rc, out = p.finish()
    assert out["exit"] == "next"


def test_flow_between_screens(pane):
    p = pane(flow=FLOW)
    s = p.wait_text("Main menu")
    assert "< Go to one >" in s and "< Quit      >" in s    # a menu: one button a row
    p.keys("Enter")
    p.wait_text("Screen one")
    p.keys("Tab", "Enter")                  # Next with the required field empty
    p.wait_text("This field is required.")
    p.type("x")
    p.keys("Enter", "Enter")                # Enter in the field goes to Next, then presses it
    p.wait_text("Screen two")                # next: two
    p.keys("Escape")
    p.wait_text("Screen one")
    p.keys("Escape")
    p.wait_text("Main menu")
    p.keys("Down", "Enter")
    p.wait_text("Screen two")
    p.keys("Enter")                          # goto main: back to the start, not deeper
    p.wait_text("Main menu")
    p.keys("Escape")                         # Esc on the first screen leaves
    rc, _ = p.finish()
    assert rc == 0


def test_flow_refuses_a_bad_folder(tmp_path, run):
    data = tmp_path / "data"
    shutil.copytree(FLOW, data)
    forms = data / "forms"
    (forms / "two.yaml").write_text("title: {en: Two}\nbuttons:\n  - label: {en: Go}\n"
                                    "    action: goto\n    target: three\n")
    r = run("tests/tools/tui-form", "--flow", str(data))
    assert r.returncode == 2
    assert f"{forms}/two.yaml:3: the target 'three' has no file" in r.stderr
    (forms / "two.yaml").write_text("title: {en: Two}\nfields:\n  - {name: a, type: entry}\n"
                                    "  - {name: a, type: digits}\n")
    r = run("tests/tools/tui-form", "--flow", str(data))
    assert r.returncode == 2
    assert f"{forms}/two.yaml:4: field name 'a' is used twice" in r.stderr
