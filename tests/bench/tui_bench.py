#!/usr/bin/python3
"""Benchmark: ncaenroll's full-screen TUI against `dialog --form`, in one run.

Measures, for both programs at exactly 80x24 with TERM=xterm-256color, each under a
pseudo-terminal this script makes itself:
  1. start-up to the first screen (median and p90 of N runs, ms);
  2. peak resident memory (VmHWM) while the first screen is shown (kB);
  3. bytes written to the terminal for: the first paint, moving to the next field,
     typing 12 digits into a field, and the repaint after a screen change.
It reports (a table on stdout, raw numbers with --json FILE) and does not judge: exit 0,
or 2 when a program could not be started or did not draw its screens. --check makes it
exit 1 when a ratio ncaenroll/dialog is above the bounds given. tests/bench/README.md
says what each number means. Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import fcntl
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsvc  # noqa: E402

COLS, ROWS = 80, 24
TERM = "xterm-256color"
# Twelve digits typed into the first field: a valid BIN (no "wrong BIN" message is drawn on
# leaving the field, so "next field" counts only the move).
DIGITS = b"940140000385"
QUIET = 0.150           # no output for this long after some output: the screen is drawn
SETTLE_MAX = 10.0       # seconds to wait for a screen at most
HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.abspath(os.path.join(HERE, "../.."))

# Keys as an xterm sends them once the program turned on keypad mode (both do).
KEY = {"tab": b"\t", "btab": b"\x1b[Z", "enter": b"\r", "down": b"\x1bOB", "space": b" ", "f10": b"\x1b[21~",
       "esc": b"\x1b"}


# ---------------------------------------------------------------------------------------
# A small terminal emulator: enough of xterm to know which text is where, so screens are
# found by what they show (their title), not by byte offsets or fixed rows.

ACS = {"q": "─", "x": "│", "l": "┌", "k": "┐", "m": "└", "j": "┘", "t": "├", "u": "┤",
       "w": "┬", "v": "┴", "n": "┼", "a": "▒", "h": "▒", "0": "█", "~": "·", "`": "◆",
       "f": "°", "g": "±", "o": "⎺", "s": "⎽", "+": "→", ",": "←", "-": "↑", ".": "↓"}
CSI_RE = re.compile(rb"\x1b\[([?>=]?)([0-9;:]*)([ -/]*)([@-~])")


class Screen:
    def __init__(self, cols=COLS, rows=ROWS):
        self.cols, self.rows = cols, rows
        self.cells = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.top, self.bottom = 0, rows - 1
        self.g0_acs = False
        self.saved = (0, 0)
        self.pending = b""

    def text(self):
        return "\n".join("".join(r).rstrip() for r in self.cells)

    def _clip(self):
        self.x = max(0, min(self.cols - 1, self.x))
        self.y = max(0, min(self.rows - 1, self.y))

    def _scroll_up(self, n=1, top=None):
        top = self.top if top is None else top
        for _ in range(n):
            del self.cells[top]
            self.cells.insert(self.bottom, [" "] * self.cols)

    def _scroll_down(self, n=1, top=None):
        top = self.top if top is None else top
        for _ in range(n):
            del self.cells[self.bottom]
            self.cells.insert(top, [" "] * self.cols)

    def _lf(self):
        if self.y == self.bottom:
            self._scroll_up()
        elif self.y < self.rows - 1:
            self.y += 1

    def _put(self, ch):
        if self.x >= self.cols:          # pending wrap (xterm's autowrap)
            self.x = 0
            self._lf()
        if self.g0_acs and ch in ACS:
            ch = ACS[ch]
        self.cells[self.y][self.x] = ch
        self.x += 1

    def feed(self, data):
        data = self.pending + data
        self.pending = b""
        i, n = 0, len(data)
        while i < n:
            b = data[i]
            if b == 0x1b:
                if i + 1 >= n:
                    self.pending = data[i:]
                    return
                c = data[i + 1]
                if c == ord("["):
                    m = CSI_RE.match(data, i)
                    if not m:
                        if n - i < 32:
                            self.pending = data[i:]
                            return
                        i += 2
                        continue
                    self._csi(m.group(1), m.group(2), m.group(4))
                    i = m.end()
                elif c == ord("]"):                      # OSC ... BEL or ST
                    end = data.find(b"\x07", i)
                    st = data.find(b"\x1b\\", i)
                    if end < 0 and st < 0:
                        self.pending = data[i:]
                        return
                    ends = [e for e in (end + 1 if end >= 0 else -1,
                                        st + 2 if st >= 0 else -1) if e > 0]
                    i = min(ends)
                elif c in b"()*+":
                    if i + 2 >= n:
                        self.pending = data[i:]
                        return
                    if c == ord("("):
                        self.g0_acs = data[i + 2] == ord("0")
                    i += 3
                elif c == ord("7"):
                    self.saved = (self.x, self.y)
                    i += 2
                elif c == ord("8"):
                    self.x, self.y = self.saved
                    i += 2
                elif c == ord("M"):                      # reverse index
                    if self.y == self.top:
                        self._scroll_down()
                    elif self.y > 0:
                        self.y -= 1
                    i += 2
                elif c == ord("D"):
                    self._lf()
                    i += 2
                elif c == ord("E"):
                    self.x = 0
                    self._lf()
                    i += 2
                else:                                    # ESC = , ESC > and the like
                    i += 2
            elif b == 0x0d:
                self.x = 0
                i += 1
            elif b in (0x0a, 0x0b, 0x0c):
                self._lf()
                i += 1
            elif b == 0x08:
                self.x = max(0, min(self.x, self.cols - 1) - 1)
                i += 1
            elif b == 0x09:
                self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
                i += 1
            elif b == 0x0e or b == 0x0f:                 # SO/SI: not used with xterm's smacs
                i += 1
            elif b < 0x20 or b == 0x7f:
                i += 1
            else:
                # one UTF-8 character
                ln = 1 if b < 0x80 else 2 if b < 0xe0 else 3 if b < 0xf0 else 4
                if i + ln > n:
                    self.pending = data[i:]
                    return
                self._put(data[i:i + ln].decode("utf-8", "replace"))
                i += ln

    def _csi(self, priv, params, final):
        final = chr(final[0])
        if priv:
            return                                       # modes: ?1049h, ?25l, ...
        ps = [int(p) if p.isdigit() else 0 for p in params.decode().replace(":", ";").split(";")] \
            if params else []
        p1 = ps[0] if ps else 0
        n1 = p1 or 1
        if final in "Hf":
            self.y = (ps[0] if ps and ps[0] else 1) - 1
            self.x = (ps[1] if len(ps) > 1 and ps[1] else 1) - 1
            self._clip()
        elif final == "d":
            self.y = n1 - 1
            self._clip()
        elif final in "G`":
            self.x = n1 - 1
            self._clip()
        elif final == "A":
            self.y -= n1
            self._clip()
        elif final in "Be":
            self.y += n1
            self._clip()
        elif final in "Ca":
            self.x = min(self.x, self.cols - 1) + n1
            self._clip()
        elif final == "D":
            self.x = min(self.x, self.cols - 1) - n1
            self._clip()
        elif final == "E":
            self.y += n1
            self.x = 0
            self._clip()
        elif final == "F":
            self.y -= n1
            self.x = 0
            self._clip()
        elif final == "K":
            x = min(self.x, self.cols - 1)
            row = self.cells[self.y]
            if p1 == 0:
                row[x:] = [" "] * (self.cols - x)
            elif p1 == 1:
                row[:x + 1] = [" "] * (x + 1)
            else:
                row[:] = [" "] * self.cols
        elif final == "J":
            if p1 == 2 or p1 == 3:
                self.cells = [[" "] * self.cols for _ in range(self.rows)]
            elif p1 == 0:
                self._csi(b"", b"0", b"K")
                for r in range(self.y + 1, self.rows):
                    self.cells[r] = [" "] * self.cols
            elif p1 == 1:
                self._csi(b"", b"1", b"K")
                for r in range(0, self.y):
                    self.cells[r] = [" "] * self.cols
        elif final == "X":
            x = min(self.x, self.cols - 1)
            e = min(self.cols, x + n1)
            self.cells[self.y][x:e] = [" "] * (e - x)
        elif final == "P":
            x = min(self.x, self.cols - 1)
            row = self.cells[self.y]
            del row[x:x + n1]
            row.extend([" "] * (self.cols - len(row)))
        elif final == "@":
            x = min(self.x, self.cols - 1)
            row = self.cells[self.y]
            for _ in range(n1):
                row.insert(x, " ")
            del row[self.cols:]
        elif final == "L":
            if self.top <= self.y <= self.bottom:
                self._scroll_down(n1, top=self.y)
        elif final == "M":
            if self.top <= self.y <= self.bottom:
                self._scroll_up(n1, top=self.y)
        elif final == "S":
            self._scroll_up(n1)
        elif final == "T":
            self._scroll_down(n1)
        elif final == "r":
            self.top = (ps[0] if ps and ps[0] else 1) - 1
            self.bottom = (ps[1] if len(ps) > 1 and ps[1] else self.rows) - 1
            self.x = self.y = 0
        elif final == "b":                              # repeat the last character
            x = min(self.x, self.cols - 1)
            ch = self.cells[self.y][x - 1] if x > 0 else " "
            for _ in range(n1):
                self._put(ch)
        # m (colours), h/l (modes), t (window ops), n (reports): nothing on the text


# ---------------------------------------------------------------------------------------
# One program under a pseudo-terminal.

class Term:
    """A program on a pty of 80x24: what it writes is counted and drawn into a Screen."""

    def __init__(self, argv, env, devnull_fd3=False):
        self.argv, self.env = argv, env
        self.screen = Screen()
        self.total = 0
        self.raw = bytearray()
        self.log = []          # (time, bytes) of every read
        self.alive = True
        self.t0 = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
                if devnull_fd3:
                    # Python opens files close-on-exec. When fd 3 was free, os.open
                    # returns 3 itself and no dup2 (which makes its copy inheritable)
                    # happens: the flag has to be cleared by hand, or dialog starts
                    # with fd 3 closed and fails on --output-fd 3.
                    nul = os.open(os.devnull, os.O_WRONLY)
                    if nul != 3:
                        os.dup2(nul, 3)
                        os.close(nul)
                    else:
                        os.set_inheritable(3, True)
                os.execve(argv[0], argv, env)
            except BaseException as e:
                os.write(2, f"cannot run {argv[0]}: {e}\n".encode())
            os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return None
        try:
            d = os.read(self.fd, 65536)
        except OSError:
            d = b""
        if not d:
            self.alive = False
            return b""
        now = time.monotonic()
        self.log.append((now, len(d)))
        self.total += len(d)
        self.raw += d
        self.screen.feed(d)
        return d

    def settle(self, marker=None, quiet=QUIET, limit=SETTLE_MAX):
        """Reads until some output came, then none for `quiet` seconds (and, when given,
        `marker` is on the screen). Returns (bytes read, time of the last byte or None,
        whether the marker showed)."""
        start_total = self.total
        last = None
        deadline = time.monotonic() + limit
        while self.alive:
            now = time.monotonic()
            if now >= deadline:
                break
            if last is None:
                wait = deadline - now
            else:
                wait = min(deadline - now, last + quiet - now)
            d = self._read(wait)
            if d is None:                      # quiet for `quiet` (or the deadline)
                if last is not None and (marker is None or marker in self.screen.text()):
                    break
                if last is not None and marker is not None:
                    last = time.monotonic()    # drawn, but not what we wait for: go on
                continue
            if d == b"":
                break
            last = self.log[-1][0]
        got = marker is None or marker in self.screen.text()
        return self.total - start_total, last, got

    def send(self, data):
        os.write(self.fd, data)

    def vmhwm_kb(self):
        """Peak RSS of the program. uninstalled-env execs, so the pid is the program's."""
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def mem_kb(self):
        """VmHWM, VmRSS, RssAnon, RssFile, RssShmem (kB) from /proc/PID/status."""
        out = {}
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    k = line.split(":")[0]
                    if k in ("VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem"):
                        out[k] = int(line.split()[1])
        except OSError:
            pass
        return out

    def close(self, quit_keys=None):
        if quit_keys and self.alive:
            try:
                self.send(quit_keys)
                self.settle(quiet=0.1, limit=1.0)
            except OSError:
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    break
                os.kill(self.pid, sig)
            except (ChildProcessError, ProcessLookupError):
                break
            for _ in range(40):
                try:
                    pid, _ = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:
                    pid = self.pid
                if pid:
                    break
                self._read(0.05)
            else:
                continue
            break
        try:
            os.close(self.fd)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------
# What the screens say: read from forms/*.yaml (a tolerant reader of the few shapes those
# files use), so the dialog form matches ncaenroll's and the markers follow the files.

def _unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        s = s[1:-1]
    return s


def _flow_get(s, lang):
    """{kk: "..", ru: "..", en: ".."} -> the value for lang (or en)."""
    out = {}
    for m in re.finditer(r'(\w+)\s*:\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[^,}]+)', s.strip("{} ")):
        out[m.group(1)] = _unquote(m.group(2))
    return out.get(lang) or out.get("en")


def read_form(path, lang="ru"):
    """{'title': str, 'text': str, 'fields': [{name, type, max, label}], 'buttons': [str]}"""
    form = {"title": None, "text": None, "fields": [], "buttons": []}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError:
        return form
    section, item, sub = None, None, None

    def block_value(i, indent):
        """A `key: >-`/`|-` block or a plain value continuing on indented lines."""
        parts = []
        for ln in lines[i + 1:]:
            if ln.strip() == "":
                parts.append("")
                continue
            if len(ln) - len(ln.lstrip()) <= indent:
                break
            parts.append(ln.strip())
        return " ".join(p for p in parts if p)

    for i, raw in enumerate(lines):
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        s = line.strip()
        if indent == 0:
            key = s.split(":")[0]
            section, item, sub = key, None, None
            continue
        if section in ("title", "text") and indent > 0:
            m = re.match(r"(\w+):\s*(.*)$", s)
            if m and m.group(1) == lang or (m and m.group(1) == "en" and not form[section]):
                v = m.group(2)
                if v in (">-", ">", "|-", "|", ""):
                    v = block_value(i, indent)
                val = _unquote(v)
                if m.group(1) == lang:
                    form[section] = val
                    form["_" + section + "_lang"] = True
                elif not form.get("_" + section + "_lang"):
                    form[section] = val
            continue
        if section in ("fields", "buttons"):
            if s.startswith("- "):
                item = {}
                (form[section]).append(item)
                s = s[2:].strip()
                sub = None
            if item is None:
                continue
            m = re.match(r"(\w+):\s*(.*)$", s)
            if not m:
                continue
            k, v = m.group(1), m.group(2)
            if sub is not None and k in ("kk", "ru", "en") and indent > sub[1]:
                if k == lang or (k == "en" and sub[0] not in item):
                    item[sub[0]] = _unquote(v)
                continue
            if v.startswith("{"):
                item[k] = _flow_get(v, lang)
                sub = None
            elif v == "":
                sub = (k, indent)
            else:
                item[k] = _unquote(v)
                sub = None
    form["buttons"] = [b.get("label") or "" for b in form["buttons"]]
    for f in form["fields"]:
        f.setdefault("label", f.get("name", "?"))
    return form


# ---------------------------------------------------------------------------------------
# The two programs.

def base_env(home):
    return {"PATH": "/usr/bin:/bin", "TERM": TERM, "LANG": "C.UTF-8",
            "HOME": home, "XDG_STATE_HOME": os.path.join(home, "xdg"),
            "XDG_CONFIG_HOME": os.path.join(home, "cfg")}


class Ncaenroll:
    name = "ncaenroll"

    def __init__(self, builddir, srcdir, tmp, service, cafile, lang):
        self.builddir, self.srcdir, self.tmp = builddir, srcdir, tmp
        self.service, self.cafile, self.lang = service, cafile, lang
        self.forms = {n: read_form(os.path.join(srcdir, "forms", n + ".yaml"), lang)
                      for n in ("main", "obtain", "legal", "info", "agreement", "bin", "iin")}
        self.runs = 0

    def form(self, screen):
        if screen not in self.forms:
            self.forms[screen] = read_form(
                os.path.join(self.srcdir, "forms", screen + ".yaml"), self.lang)
        return self.forms[screen]

    def marker(self, screen):
        t = self.form(screen)["title"]
        return t[:30] if t else None

    def start(self):
        self.runs += 1
        home = os.path.join(self.tmp, f"nca-home-{self.runs}")
        os.makedirs(home, exist_ok=True)
        env = base_env(home)
        env["LANGUAGE"] = self.lang
        for k in ("NCAENROLL_DATADIR",):
            if k in os.environ:
                env[k] = os.environ[k]
        argv = [os.path.join(self.builddir, "uninstalled-env"),
                os.path.join(self.builddir, "ncaenroll"),
                "--state", os.path.join(home, "s.yaml"),
                "--service", self.service, "--ca-file", self.cafile, "--lang", self.lang]
        return Term(argv, env)

    quit_keys = KEY["f10"]
    first = "main"


class Dialog:
    name = "dialog"

    def __init__(self, prog, nca):
        self.prog, self.nca = prog, nca
        self.runs = 0

    def _form(self, screen):
        """dialog --form arguments equivalent to ncaenroll's `screen`: its title, text,
        and one line per field with the same label; value fields are display-only."""
        f = self.nca.form(screen)
        title = f["title"] or screen
        args = ["--title", title, "--form", f["text"] or "", str(ROWS), str(COLS), "12"]
        fields = f["fields"] or [{"label": "?", "type": "entry"}]
        labw = min(26, max(len(x["label"]) for x in fields) + 2)
        for i, fld in enumerate(fields, 1):
            typ = fld.get("type", "entry")
            try:
                mx = int(fld.get("max", 0)) or (12 if typ == "digits" else 64)
            except ValueError:
                mx = 12
            if typ == "value":
                flen, ilen = 0, 0              # shown, not editable
            else:
                flen, ilen = min(mx, COLS - labw - 10), mx
            args += [fld["label"] + ":", str(i), "1", "", str(i), str(labw + 1),
                     str(flen), str(ilen)]
        return args

    def marker(self, screen):
        return self.nca.marker(screen)

    def start(self, second=False):
        self.runs += 1
        home = os.path.join(self.nca.tmp, f"dlg-home-{self.runs}")
        os.makedirs(home, exist_ok=True)
        env = base_env(home)
        env["DIALOGRC"] = "/dev/null"          # the built-in look, not a user's file
        # What the person typed goes to fd 3 (/dev/null), as a script would send it to a
        # file: by default dialog writes it to stderr, the terminal, between two widgets.
        argv = [self.prog, "--output-fd", "3"] + self._form("bin")
        if second:
            argv += ["--and-widget"] + self._form("iin")
        return Term(argv, env, devnull_fd3=True)

    quit_keys = b"\x1b\x1b"
    first = "bin"


# ---------------------------------------------------------------------------------------

class Failed(Exception):
    pass


class Service:
    """`ncaenrolld --demo` from the build tree on a free loopback port: the BIN screen asks
    it for a captcha picture on arrival (the main menu and the screens before need none)."""

    def __init__(self, builddir, tmp):
        state = os.path.join(tmp, "svc")
        os.makedirs(state, exist_ok=True)
        cfg = os.path.join(tmp, "svc.yaml")
        with open(cfg, "w") as f:
            f.write("policy:\n  captcha_per_minute: 10000\n  checks_per_minute: 10000\n")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LANGUAGE": "en"}
        self.proc = subprocess.Popen(
            [os.path.join(builddir, "uninstalled-env"), os.path.join(builddir, "ncaenrolld"),
             "--demo", "--listen", "127.0.0.1:0", "--state-dir", state, "--config", cfg],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.base = benchsvc.read_base(self.proc, 60)
        self.cafile = os.path.join(state, "ca-chain.pem")
        if not self.base:
            self.stop()
            raise Failed("ncaenrolld --demo did not start")

    def stop(self):
        benchsvc.stop_process(self.proc, 30)
        self.proc.stdout.close()


def startup(prog, reps, log):
    """Start-up times (ms) to the first screen drawn and quiet, and VmHWM (kB) on it."""
    times, rss, mem = [], [], {}
    for _ in range(reps):
        t = prog.start()
        try:
            n, last, got = t.settle(marker=prog.marker(prog.first))
            if not n or last is None or not got:
                raise Failed(f"{prog.name}: the first screen did not show "
                             f"({n} bytes; screen:\n{t.screen.text()})")
            times.append((last - t.t0) * 1000.0)
            rss.append(t.vmhwm_kb())
            mem = t.mem_kb()
        finally:
            t.close(prog.quit_keys)
        log(f"  {prog.name}: start {times[-1]:.1f} ms, VmHWM {rss[-1]} kB")
    return times, rss, mem


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def step(t, keys, marker=None, what=""):
    """Sends keys (one at a time, each read until quiet) and returns the bytes written."""
    total = 0
    for k in keys:
        t.send(k)
        n, _, _ = t.settle(quiet=QUIET, limit=3.0)
        total += n
    if marker is not None:
        n, _, got = t.settle(marker=marker, quiet=QUIET, limit=3.0)
        total += n
        if not got:
            raise Failed(f"{what}: '{marker}' did not show; screen:\n{t.screen.text()}")
    return total


SGR_RE = re.compile(rb"\x1b\[[0-9;]*m")


class Recorder:
    """Bytes per measured step, and what they are made of: full clears of the screen
    (ESC[2J: a needless full repaint shows here) and SGR (colour/attribute) sequences."""

    def __init__(self, t):
        self.t, self.bytes, self.detail = t, {}, {}

    def __call__(self, key, fn):
        start = len(self.t.raw)
        fn()
        seg = bytes(self.t.raw[start:])
        self.bytes[key] = len(seg)
        self.detail[key] = {"bytes": len(seg), "full_clears": seg.count(b"\x1b[2J"),
                            "sgr": len(SGR_RE.findall(seg)),
                            "sgr_bytes": sum(len(m) for m in SGR_RE.findall(seg))}


def type_digits(t):
    for d in DIGITS:
        t.send(bytes([d]))
        t.settle(quiet=0.05, limit=2.0)
    t.settle(quiet=QUIET, limit=1.0)


def bytes_nca(nca, log):
    """ncaenroll: first paint (main menu); Tab on the menu; Enter on the first menu item
    (a screen change); then on to the BIN screen, each screen found by its title: 12
    digits into the BIN field, Tab to the next field."""
    t = nca.start()
    rec = Recorder(t)
    try:
        def first():
            if not t.settle(marker=nca.marker("main"))[2]:
                raise Failed(f"ncaenroll: main menu did not show; screen:\n{t.screen.text()}")
        rec("first_paint", first)
        rec("menu_next_item", lambda: step(t, [KEY["tab"]]))
        rec("menu_back_to_first", lambda: step(t, [KEY["btab"]]))
        rec("screen_change", lambda: step(t, [KEY["enter"]], nca.marker("obtain"),
                                          "ncaenroll: main menu -> obtain"))
        # Legal entities -> the treasury user (a new draft) -> information -> agreement.
        rec("screen_change_obtain_legal", lambda: step(
            t, [KEY["enter"]], nca.marker("legal"), "ncaenroll: obtain -> legal"))
        rec("screen_change_legal_info", lambda: step(
            t, [KEY["enter"]], nca.marker("info"), "ncaenroll: legal -> info"))
        rec("screen_change_info_agreement", lambda: step(
            t, [KEY["enter"]], nca.marker("agreement"), "ncaenroll: info -> agreement"))
        # The agreement: the focus is on the text; move to the box, tick it, Confirm.
        rec("agreement_text_to_checkbox", lambda: step(t, [KEY["tab"]]))
        rec("agreement_tick", lambda: step(t, [KEY["space"]]))
        step(t, [KEY["tab"]])
        rec("screen_change_agreement_bin", lambda: step(
            t, [KEY["enter"]], nca.marker("bin"), "ncaenroll: agreement -> BIN"))
        # The BIN field has the focus on arrival: type twelve digits, then Tab.
        rec("type_12_digits", lambda: type_digits(t))
        rec("next_field", lambda: step(t, [KEY["tab"]]))
        screen = t.screen.text()
    finally:
        t.close(nca.quit_keys)
    return {"bytes": rec.bytes, "detail": rec.detail, "screens": {"bin": screen}}


def bytes_dialog(dlg, log):
    """dialog: first paint (the BIN form); 12 digits into the first field; Down to the
    next field (dialog's key for it: Tab goes to the buttons); Tab to OK; Enter, and the
    second form of --and-widget drawn (the IIN form): the screen change."""
    t = dlg.start(second=True)
    rec = Recorder(t)
    try:
        def first():
            if not t.settle(marker=dlg.marker("bin"))[2]:
                raise Failed(f"dialog: the form did not show; screen:\n{t.screen.text()}")
        rec("first_paint", first)
        rec("type_12_digits", lambda: type_digits(t))
        rec("next_field", lambda: step(t, [KEY["down"]]))
        rec("tab_to_buttons", lambda: step(t, [KEY["tab"]]))
        # The OK button now has the focus: Enter ends the first form, the second is drawn.
        rec("screen_change", lambda: step(t, [KEY["enter"]], dlg.marker("iin"),
                                          "dialog: --and-widget second form"))
        screen = t.screen.text()
    finally:
        t.close(dlg.quit_keys)
    return {"bytes": rec.bytes, "detail": rec.detail, "screens": {"iin": screen}}


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--builddir", default=os.environ.get("NCA_BUILDDIR",
                                                         os.path.join(SRCDIR, "build")))
    ap.add_argument("--srcdir", default=os.environ.get("NCA_SRCDIR", SRCDIR))
    ap.add_argument("--dialog", default=shutil.which("dialog") or "/usr/bin/dialog")
    ap.add_argument("-n", "--reps", type=int, default=15, help="start-ups per program (15)")
    ap.add_argument("--lang", default="ru", help="ncaenroll's language and the forms' (ru)")
    ap.add_argument("--service", default=None,
                    help="the service ncaenroll uses (default: start ncaenrolld --demo from "
                         "the build tree; the BIN screen fetches a captcha from it)")
    ap.add_argument("--ca-file", default="/dev/null", help="with --service")
    ap.add_argument("--json", metavar="FILE", help="write the raw numbers and ratios here")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when a target is missed: the bounds below when given, "
                         "else issue 16's (<= 10 B per typed character, RSS <= 2x, "
                         "start-up <= 1.0x)")
    ap.add_argument("--quick", action="store_true",
                    help="5 start-ups each instead of -n (tests/bench/run --quick)")
    ap.add_argument("--max-start-ratio", type=float, metavar="R",
                    help="with --check: bound for the start-up ratio (median)")
    ap.add_argument("--max-rss-ratio", type=float, metavar="R",
                    help="with --check: bound for the VmHWM ratio")
    ap.add_argument("--max-bytes-ratio", type=float, metavar="R",
                    help="with --check: bound for each of the four bytes ratios")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    a = ap.parse_args(argv)
    if a.quick:
        a.reps = 5
    bounds = any(x is not None for x in (a.max_start_ratio, a.max_rss_ratio,
                                         a.max_bytes_ratio))

    def log(msg):
        if not a.quiet:
            print(msg, file=sys.stderr, flush=True)

    builddir = os.path.abspath(a.builddir)
    for p in (os.path.join(builddir, "ncaenroll"), os.path.join(builddir, "uninstalled-env")):
        if not os.access(p, os.X_OK):
            print(f"tui_bench: {p} is missing: build ncaenroll first (NCA_BUILDDIR)",
                  file=sys.stderr)
            return 2
    if not os.access(a.dialog, os.X_OK):
        print(f"tui_bench: {a.dialog} is missing: apt-get install dialog", file=sys.stderr)
        return 77

    tmp = tempfile.mkdtemp(prefix="nca-bench-")
    svc = None
    try:
        service, cafile = a.service, a.ca_file
        if service is None:
            try:
                svc = Service(builddir, tmp)
            except (Failed, OSError) as e:
                print(f"tui_bench: {e}", file=sys.stderr)
                return 2
            service, cafile = svc.base, svc.cafile
            log(f"ncaenrolld --demo at {service}")
        nca = Ncaenroll(builddir, a.srcdir, tmp, service, cafile, a.lang)
        dlg = Dialog(a.dialog, nca)
        for s in ("main", "obtain", "bin", "iin"):
            if not nca.marker(s):
                print(f"tui_bench: no title for screen {s} in {a.srcdir}/forms", file=sys.stderr)
                return 2
        res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "host": os.uname().nodename, "cpus": os.cpu_count(), "reps": a.reps,
               "term": TERM, "size": f"{COLS}x{ROWS}", "lang": a.lang,
               "dialog_version": subprocess.run([a.dialog, "--version"], capture_output=True,
                                                text=True).stdout.strip(),
               "programs": {}}
        try:
            # Interleaved start-ups, so both see the same load on a shared machine.
            st = {"ncaenroll": ([], []), "dialog": ([], [])}
            mem = {}
            log(f"start-up, {a.reps} times each (interleaved)")
            for _ in range(a.reps):
                for prog in (nca, dlg):
                    t, r, mem[prog.name] = startup(prog, 1, log)
                    st[prog.name][0].extend(t)
                    st[prog.name][1].extend(r)
            log("bytes per screen change")
            by = {"ncaenroll": bytes_nca(nca, log), "dialog": bytes_dialog(dlg, log)}
        except (Failed, OSError) as e:
            print(f"tui_bench: {e}", file=sys.stderr)
            return 2
        for name in ("ncaenroll", "dialog"):
            times, rss = st[name]
            rss_ok = [x for x in rss if x]
            res["programs"][name] = {
                "startup_ms": [round(x, 2) for x in times],
                "startup_median_ms": round(statistics.median(times), 2),
                "startup_p90_ms": round(pct(times, 90), 2),
                "vmhwm_kb": rss,
                "vmhwm_median_kb": statistics.median(rss_ok) if rss_ok else None,
                "memory_last_run_kb": mem.get(name, {}),
                "bytes": by[name]["bytes"],
                "bytes_detail": by[name]["detail"],
                "screens": by[name]["screens"],
            }
        N, D = res["programs"]["ncaenroll"], res["programs"]["dialog"]
        res["ratios"] = {
            "startup_median": ratio(N["startup_median_ms"], D["startup_median_ms"]),
            "startup_p90": ratio(N["startup_p90_ms"], D["startup_p90_ms"]),
            "vmhwm": ratio(N["vmhwm_median_kb"], D["vmhwm_median_kb"]),
        }
        for k in ("first_paint", "next_field", "type_12_digits", "screen_change"):
            res["ratios"]["bytes_" + k] = ratio(N["bytes"].get(k), D["bytes"].get(k))
        for k, v in res["ratios"].items():
            res["ratios"][k] = round(v, 3) if v is not None else None
        res["rows"] = rows_of(res)

        report(res)
        if a.json:
            with open(a.json, "w", encoding="utf-8") as f:
                json.dump(res, f, ensure_ascii=False, indent=2)
                f.write("\n")
        if a.check and not bounds:
            bad = [r["measure"] for r in res["rows"] if r["met"] is False]
            if bad:
                print("check: targets missed: " + "; ".join(bad))
                return 1
            print("check: every target met")
        elif a.check:
            bad = []
            r = res["ratios"]
            for k, bound in (("startup_median", a.max_start_ratio), ("vmhwm", a.max_rss_ratio),
                             ("bytes_first_paint", a.max_bytes_ratio),
                             ("bytes_next_field", a.max_bytes_ratio),
                             ("bytes_type_12_digits", a.max_bytes_ratio),
                             ("bytes_screen_change", a.max_bytes_ratio)):
                if bound is not None and r.get(k) is not None and r[k] > bound:
                    bad.append(f"{k} {r[k]:.2f} > {bound:g}")
            if bad:
                print("check: over the bounds: " + "; ".join(bad))
                return 1
            print("check: every ratio within the bounds")
        return 0
    finally:
        if svc:
            svc.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# Issue 16's targets: bytes per character typed into a field, and memory and start-up
# as ratios against dialog.
TARGET_BYTES_PER_CHAR = 10.0
TARGET_RSS_RATIO = 2.0
TARGET_START_RATIO = 1.0


def rows_of(res):
    """The rows of the convention (tests/bench/README.md): value, baseline, ratio,
    target, met."""
    N, D, R = res["programs"]["ncaenroll"], res["programs"]["dialog"], res["ratios"]
    nd = len(DIGITS)

    def per_char(P):
        b = P["bytes"].get("type_12_digits")
        return round(b / nd, 2) if b is not None else None

    rows = [
        {"measure": "start-up to first screen (median)", "unit": "ms",
         "value": N["startup_median_ms"], "baseline": D["startup_median_ms"],
         "baseline_name": "dialog --form", "ratio": R["startup_median"],
         "target": f"<= {TARGET_START_RATIO:g}x",
         "met": None if R["startup_median"] is None
         else R["startup_median"] <= TARGET_START_RATIO},
        {"measure": "peak RSS on the first screen (VmHWM)", "unit": "kB",
         "value": N["vmhwm_median_kb"], "baseline": D["vmhwm_median_kb"],
         "baseline_name": "dialog --form", "ratio": R["vmhwm"],
         "target": f"<= {TARGET_RSS_RATIO:g}x",
         "met": None if R["vmhwm"] is None else R["vmhwm"] <= TARGET_RSS_RATIO},
        {"measure": "bytes per character typed into a field", "unit": "B",
         "value": per_char(N), "baseline": per_char(D), "baseline_name": "dialog --form",
         "ratio": R["bytes_type_12_digits"], "target": f"<= {TARGET_BYTES_PER_CHAR:g} B",
         "met": None if per_char(N) is None else per_char(N) <= TARGET_BYTES_PER_CHAR},
    ]
    for k, name in (("first_paint", "bytes: first paint"), ("next_field", "bytes: next field"),
                    ("screen_change", "bytes: screen change")):
        rows.append({"measure": name, "unit": "B", "value": N["bytes"].get(k),
                     "baseline": D["bytes"].get(k), "baseline_name": "dialog --form",
                     "ratio": R["bytes_" + k], "target": None, "met": None})
    return rows


def report(res):
    N, D, R = res["programs"]["ncaenroll"], res["programs"]["dialog"], res["ratios"]

    def f(v, fmt="{:.1f}"):
        return "-" if v is None else fmt.format(v)

    print(f"TUI benchmark {res['date']}, {res['size']} {res['term']}, lang {res['lang']}, "
          f"{res['reps']} start-ups each, {res['cpus']} CPUs; {res['dialog_version']}")
    print(f"{'measure':34} {'ncaenroll':>11} {'dialog':>11} {'ratio':>7}")
    rows = [
        ("start-up to first screen, median ms", N["startup_median_ms"], D["startup_median_ms"],
         R["startup_median"], "{:.1f}"),
        ("start-up to first screen, p90 ms", N["startup_p90_ms"], D["startup_p90_ms"],
         R["startup_p90"], "{:.1f}"),
        ("peak RSS (VmHWM), median kB", N["vmhwm_median_kb"], D["vmhwm_median_kb"],
         R["vmhwm"], "{:.0f}"),
        ("bytes: first paint", N["bytes"]["first_paint"], D["bytes"]["first_paint"],
         R["bytes_first_paint"], "{:d}"),
        ("bytes: next field", N["bytes"]["next_field"], D["bytes"]["next_field"],
         R["bytes_next_field"], "{:d}"),
        ("bytes: type 12 digits", N["bytes"]["type_12_digits"], D["bytes"]["type_12_digits"],
         R["bytes_type_12_digits"], "{:d}"),
        ("bytes: screen change", N["bytes"]["screen_change"], D["bytes"]["screen_change"],
         R["bytes_screen_change"], "{:d}"),
    ]
    for name, n, d, r, fmt in rows:
        print(f"{name:34} {f(n, fmt):>11} {f(d, fmt):>11} {f(r, '{:.2f}'):>7}")
    print("(ratio = ncaenroll / dialog; times are medians on a shared machine: compare ratios,"
          " not milliseconds)")
    for name, P in (("ncaenroll", N), ("dialog", D)):
        m = P.get("memory_last_run_kb") or {}
        if m:
            print(f"{name} on its first screen: " + ", ".join(f"{k} {v} kB" for k, v in m.items()))
    main4 = ("first_paint", "next_field", "type_12_digits", "screen_change")
    for name, P in (("ncaenroll", N), ("dialog", D)):
        extra = [(k, v) for k, v in P["bytes"].items() if k not in main4]
        if extra:
            print(f"{name}, more steps (bytes): " + ", ".join(f"{k} {v}" for k, v in extra))
    for name, P in (("ncaenroll", N), ("dialog", D)):
        det = P["bytes_detail"]
        clears = [k for k, v in det.items() if v["full_clears"] and k != "first_paint"]
        sgr = sum(v["sgr_bytes"] for v in det.values())
        tot = sum(v["bytes"] for v in det.values())
        print(f"{name}: {100.0 * sgr / tot if tot else 0:.0f}% of all bytes are colour/attribute"
              f" (SGR) sequences; full clears after the first paint: "
              f"{', '.join(clears) if clears else 'none'}")


if __name__ == "__main__":
    sys.exit(main())
