"""Drives the real full-screen ncaenroll in a private tmux server, as a person would.

Each `Tui` starts its own server (`tmux -L nca-<random> -f /dev/null`), so tests never
touch a tmux the developer runs, and runs
`<build>/uninstalled-env <build>/ncaenroll --service URL --ca-file CA --state FILE` in one
80x24 pane against a real `ncaenrolld` (tests/system/service.py). What a person sees is
`screen()` (`capture-pane -p -J`); keys go in with `keys()` (tmux key names: Enter, Tab,
BTab, Escape, F1, F2, F5, F10, Up, Down, Space, C-c...) and `type()` (literal text, any
script). `wait_for()` polls the screen until a text shows, and on timeout fails with the
screen as it was, so a failing test says what the person was looking at.

Golden screens: `check_golden(name)` compares the screen, with the parts that change from
run to run masked (request numbers, dates, times, the captcha picture and its id, the
temporary folder), with tests/tui/golden/NAME.txt. `GENERATE=1` writes the files instead;
review them like code.
"""
import difflib
import os
import re
import secrets
import shlex
import signal
import subprocess
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")

# What changes between runs, and what it is shown as in a golden file.
MASKS = [
    (re.compile(r"\d{4}(?:[- ]\d{4}){6}"), "NNNN-NNNN-NNNN-NNNN-NNNN-NNNN-NNNN"),
    (re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"),
     "YYYY-MM-DD"),
    (re.compile(r"\d{2}\.\d{2}\.\d{4}"), "DD.MM.YYYY"),
    (re.compile(r"(?<![0-9a-f])[0-9a-f]{16,}(?![0-9a-f])"), "<hex>"),
    (re.compile(r"(?<![0-9A-F])[0-9A-F]{16,}(?![0-9A-F])"), "<HEX>"),
]
PICTURE = re.compile(r"[▀▄█]")
# The request number drawn large (src/tui/widget-bignum.c): digits three rows tall, three
# columns wide, a blank column after each, groups of four three columns apart.
BOX = "┌┐└┘─│├┤┴"
BIG_ROW = re.compile(r"^ +[%s ]{3}(?: [%s ]{3})+(?: +[%s ]{3}(?: [%s ]{3})+)* *$"
                     % (BOX, BOX, BOX, BOX))
BIG_FONT = {
    ("┌─┐", "│ │", "└─┘"): "0", ("─┐ ", " │ ", "─┴─"): "1", ("──┐", "┌─┘", "└──"): "2",
    ("──┐", "──┤", "──┘"): "3", ("│ │", "└─┤", "  │"): "4", ("┌──", "└─┐", "──┘"): "5",
    ("┌──", "├─┐", "└─┘"): "6", ("──┐", "  │", "  │"): "7", ("┌─┐", "├─┤", "└─┘"): "8",
    ("┌─┐", "└─┤", "──┘"): "9",
}


def is_big_row(line):
    return bool(BIG_ROW.match(line)) and any(c in BOX for c in line)


def _big_digits(rows):
    """Three rows read as large digits: the digits, with "?" for a glyph that is none."""
    rows = [r.ljust(80) for r in rows]
    digits, x = "", 0
    while x < 80:
        # Every digit has ink in its first column, in one row or another.
        if any(row[x] in BOX for row in rows):
            digits += BIG_FONT.get(tuple(row[x:x + 3] for row in rows), "?")
            x += 4
        else:
            x += 1
    return digits


def _big_blocks(lines):
    """Where numbers are drawn large: the first line of each block of three rows that
    reads as four digits or more (a frame's empty rows do not)."""
    starts, i = [], 0
    while i + 2 < len(lines):
        block = lines[i:i + 3]
        if all(is_big_row(line) for line in block):
            d = _big_digits(block)
            if len(d) >= 4 and "?" not in d:
                starts.append(i)
                i += 3
                continue
        i += 1
    return starts


def large_number(text):
    """The digits of every number drawn large on the screen, read as a person reads them
    (left to right, top to bottom); "" when there is none."""
    lines = text.split("\n")
    return "".join(_big_digits(lines[i:i + 3]) for i in _big_blocks(lines))


SGR = re.compile(r"\x1b\[([0-9;]*)m")
OTHER_ESC = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][0-9A-Za-z]|.)")
BUTTON = re.compile(r"< ([^<>]+?) >")
EXITED = re.compile(r"\[(?:ncaenroll|ncaenroll-ra) exited (\d+)\]")


def mask(text, home=None):
    """The screen with what varies between runs replaced by fixed words."""
    if home:
        text = text.replace(str(home), "<HOME>")
    lines = text.split("\n")
    # The captcha is random in shape and placement: a row may be blank in one run and
    # inked in the next. Only that a picture stands there is stable, so its rows, with
    # the blank rows at its edges, become one line.
    rows = [i for i, line in enumerate(lines) if PICTURE.search(line)]
    if rows:
        first, last = rows[0], rows[-1]
        while first > 0 and not lines[first - 1].strip(" │"):
            first -= 1
        while last + 1 < len(lines) and not lines[last + 1].strip(" │"):
            last += 1
        lines[first:last + 1] = ["  <picture>"]
    # A number drawn large is as random as the number it shows.
    for i in reversed(_big_blocks(lines)):
        lines[i:i + 3] = ["  <large number>"]
    out = []
    for line in lines:
        for rx, word in MASKS:
            line = rx.sub(word, line)
        out.append(line.rstrip())
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def unlike(want, got, most=5):
    """Where lines of the same number first differ, character by character: a Latin
    "a" for a Cyrillic "а" looks the same in a diff, and is named here."""
    out = []
    for n, (a, b) in enumerate(zip(want.split("\n"), got.split("\n"))):
        if a == b or len(out) == most:
            continue
        col = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        out.append(f"line {n + 1}, column {col + 1}: golden {_char_at(a, col)}, "
                   f"now {_char_at(b, col)}")
    return "".join(line + "\n" for line in out)


def _char_at(text, col):
    if col >= len(text):
        return "the end of the line"
    return f"{text[col]!r} ({unicodedata.name(text[col], 'unnamed')})"


class TuiTimeout(AssertionError):
    pass


class Tui:
    """One person at one terminal: a private tmux server with ncaenroll in its pane."""

    def __init__(self, builddir, svc, home, lang="en", cols=80, rows=24, term="tmux-256color",
                 extra_env=None, args=(), program="ncaenroll", program_args=None,
                 redirects=None):
        """program: which of this build's programs runs in the pane (ncaenroll-ra for the
        desk's console). program_args: its whole argument list, instead of the
        applicant's --service/--ca-file/--state/--lang. redirects: {fd: path} opened for
        it by the pane's shell (a password file for --password-fd 3, say)."""
        self.builddir = os.path.abspath(builddir)
        self.svc = svc
        self.home = str(home)
        self.lang = lang
        self.cols, self.rows = cols, rows
        self.state = os.path.join(self.home, "state.yaml")
        self.keys_dir = os.path.join(self.home, "keys")
        self.socket = "nca-" + secrets.token_hex(6)
        self.term = term
        self.extra_env = dict(extra_env or {})
        self.args = list(args)
        self.program = program
        self.program_args = None if program_args is None else list(program_args)
        self.redirects = dict(redirects or {})
        self.session = "tui"
        self.started = False
        os.makedirs(self.home, exist_ok=True)

    # ---- the tmux server ----

    def tmux(self, *args, check=True, capture=True):
        p = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                           capture_output=capture, text=True, timeout=30,
                           env=self._tmux_env())
        if check and p.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {p.stderr.strip()}")
        return p

    def _tmux_env(self):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "HOME": self.home, "TERM": "xterm-256color",
               "TMUX_TMPDIR": os.environ.get("TMUX_TMPDIR", "/tmp")}
        return env

    def command(self):
        env = {"HOME": self.home, "LANG": "C.UTF-8", "LANGUAGE": self.lang,
               "XDG_STATE_HOME": os.path.join(self.home, "xdg"),
               "XDG_CONFIG_HOME": os.path.join(self.home, "cfg"),
               "TERM": self.term}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "NCAENROLL_DATADIR"):
            if k in os.environ:
                env[k] = os.environ[k]
        env.update(self.extra_env)
        driver = os.environ.get("NCA_TUI_DRIVER")
        if self.program_args is not None:
            argv = [os.path.join(self.builddir, "uninstalled-env"),
                    os.path.join(self.builddir, self.program), *self.program_args]
        elif driver:
            # A stand-in program taking URL CA STATE LANG (for work on the screens
            # before ncaenroll itself starts the TUI); it runs with the same data.
            env.setdefault("NCAENROLL_DATADIR", os.path.abspath(os.path.join(HERE, "../..")))
            env.setdefault("NCAENROLL_LOCALEDIR", os.path.join(self.builddir, "locale"))
            argv = [driver, self.svc.base, self.svc.cafile, self.state, self.lang]
        else:
            argv = [os.path.join(self.builddir, "uninstalled-env"),
                    os.path.join(self.builddir, "ncaenroll"),
                    "--service", self.svc.base, "--ca-file", self.svc.cafile,
                    "--state", self.state, "--lang", self.lang, *self.args]
        redirect = "".join(f" {fd}<{shlex.quote(path)}" for fd, path in self.redirects.items())
        # The shell stays as the pane's process and says how the program ended: tmux
        # does not always reap a pane's own process promptly, its child it need not.
        return "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) \
            + " PATH=/usr/bin:/bin " + " ".join(shlex.quote(a) for a in argv) + redirect \
            + f'; echo "[{self.program} exited $?]"; exec sleep 100000'


    def start(self):
        """Starts (or, after a kill, starts again) ncaenroll in a fresh pane."""
        if not self.started:
            self.tmux("new-session", "-d", "-s", self.session, "-x", str(self.cols),
                      "-y", str(self.rows), self.command(), ";",
                      "set-option", "-g", "status", "off")
            self.started = True
        else:
            self.tmux("respawn-pane", "-k", "-t", self.session, self.command())
        return self

    def stop(self):
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- what the person does ----

    def keys(self, *keys, pause=0.15):
        """tmux key names, one at a time (a screen may redraw between two keys)."""
        for k in keys:
            self.tmux("send-keys", "-t", self.session, k)
            time.sleep(pause)

    def type(self, text, pause=0.15):
        """Literal text: letters of any script, digits, punctuation."""
        if text:
            self.tmux("send-keys", "-t", self.session, "-l", text)
        time.sleep(pause)

    def resize(self, cols, rows):
        self.tmux("resize-window", "-t", self.session, "-x", str(cols), "-y", str(rows))
        self.cols, self.rows = cols, rows
        time.sleep(0.3)

    # ---- what the person sees ----

    def screen(self):
        return self.tmux("capture-pane", "-p", "-J", "-t", self.session).stdout

    def lines(self):
        return self.screen().split("\n")

    def settled(self, quiet=0.2, timeout=10):
        """The screen once it has not changed for `quiet` seconds: a program's update can
        reach the terminal in pieces, and a capture between two shows half of each."""
        end = time.monotonic() + timeout
        scr = self.screen()
        while time.monotonic() < end:
            time.sleep(quiet)
            now = self.screen()
            if now == scr:
                return now
            scr = now
        return scr

    def styled(self):
        """The screen as (text, styles) per line: styles[i] is the (background, reverse)
        the i-th character is drawn with, read from capture-pane -e's SGR sequences."""
        raw = self.tmux("capture-pane", "-p", "-e", "-t", self.session).stdout
        out = []
        bg, rev = None, False
        for line in raw.split("\n"):
            text, styles, i = [], [], 0
            while i < len(line):
                m = SGR.match(line, i)
                if m:
                    params = [int(x) if x else 0 for x in m.group(1).split(";")]
                    j = 0
                    while j < len(params):
                        v = params[j]
                        if v == 0:
                            bg, rev = None, False
                        elif v == 7:
                            rev = True
                        elif v == 27:
                            rev = False
                        elif 40 <= v <= 47 or 100 <= v <= 107:
                            bg = v
                        elif v == 49:
                            bg = None
                        elif v in (38, 48):
                            # 256-colour or RGB: 38;5;n / 48;5;n / 48;2;r;g;b
                            n = 3 if j + 1 < len(params) and params[j + 1] == 5 else 5
                            if v == 48 and j + 2 < len(params):
                                bg = ("c", params[j + 2])
                            j += n - 1
                        j += 1
                    i = m.end()
                    continue
                if line[i] == "\x1b":
                    m2 = OTHER_ESC.match(line, i)
                    i = m2.end() if m2 else i + 1
                    continue
                text.append(line[i])
                styles.append((bg, rev))
                i += 1
            out.append(("".join(text), styles))
        return out

    def focused_button(self):
        """The label of the button that has the focus, or None when a field has it. The
        engine draws it "< Label >" in TC_BUTTON_FOCUS: white on red in colour, reverse
        video in monochrome (src/tui/tui.c)."""
        for text, styles in self.styled():
            for m in BUTTON.finditer(text):
                bg, rev = styles[m.start()]
                if rev or bg == 41:
                    return m.group(1).strip()
        return None

    def press(self, label, tries=40):
        """Moves the focus to the button with this label (Tab) and presses it (Enter)."""
        for _ in range(tries):
            if self.focused_button() == label:
                self.keys("Enter")
                return
            self.keys("Tab", pause=0.08)
        raise TuiTimeout(f"no button {label!r} took the focus; the screen:\n{self.screen()}")

    def cursor(self):
        """(row, column) of the terminal's cursor, 0-based."""
        y, x = self.pane("#{cursor_y} #{cursor_x}").split()
        return int(y), int(x)

    def pane(self, fmt):
        return self.tmux("display-message", "-p", "-t", self.session, fmt).stdout.strip()

    def pid(self):
        """ncaenroll's process id (the pane's shell is its parent), or None once it ended."""
        shell = self.pane("#{pane_pid}")
        out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", shell], capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            pid, args = line.strip().split(None, 1)
            if not args.startswith("sleep"):
                return int(pid)
        return None

    def exit_status(self):
        """How ncaenroll ended (128 + N for signal N, as the shell says), or None."""
        m = EXITED.search(self.screen())
        return int(m.group(1)) if m else None

    def dead(self):
        return self.exit_status() is not None

    def wait_for(self, *texts, timeout=30, gone=False):
        """Until any of texts is on the screen (or, gone=True, none is); the screen."""
        end = time.monotonic() + timeout
        scr = ""
        while time.monotonic() < end:
            scr = self.screen()
            found = any(t in scr for t in texts)
            if found != gone:
                return scr
            if self.dead() and not gone:
                scr = self.screen()
                if any(t in scr for t in texts):
                    return scr
                raise TuiTimeout(f"ncaenroll ended (status {self.exit_status()}) before "
                                 f"{texts!r} showed; the screen:\n{scr}")
            time.sleep(0.1)
        raise TuiTimeout(f"{'still' if gone else 'never'} saw {texts!r} within {timeout}s; "
                         f"the screen:\n{scr}")

    def wait_dead(self, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.dead():
                return self.exit_status()
            time.sleep(0.1)
        raise TuiTimeout(f"ncaenroll still runs after {timeout}s:\n{self.screen()}")

    def signal(self, sig):
        """Sends sig to ncaenroll itself."""
        os.kill(self.pid(), sig)

    def sigkill(self):
        self.signal(signal.SIGKILL)
        self.wait_dead()

    # ---- golden screens ----

    def check_golden(self, name, screen=None):
        got = mask(screen if screen is not None else self.screen(), self.home)
        path = os.path.join(GOLDEN, name + ".txt")
        if os.environ.get("GENERATE"):
            os.makedirs(GOLDEN, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(got)
            return got
        if not os.path.exists(path):
            raise AssertionError(f"no golden screen {path}; run with GENERATE=1 and review "
                                 f"it. The screen:\n{got}")
        with open(path, encoding="utf-8") as f:
            want = f.read()
        if got != want:
            # What changed, line by line (the golden's line numbers), then the whole
            # screen: a word that went wrong is found in the first, a shift in the second.
            diff = "\n".join(difflib.unified_diff(
                want.split("\n"), got.split("\n"), f"{name}.txt (golden)",
                f"{name} (the screen now)", lineterm="", n=1))
            raise AssertionError(f"{name}: the screen differs from {path} (GENERATE=1 "
                                 f"rewrites it; read the result):\n{diff}\n"
                                 f"{unlike(want, got)}\nThe screen:\n{got}")
        return got


def width(line):
    """Display columns of a line (Kazakh and Russian letters are one column each)."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c)
               else 1 for c in line)
