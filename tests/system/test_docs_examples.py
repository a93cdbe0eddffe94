"""Every example in README.md, ncaenroll(1), ncaenroll-ra(1) and ncaenrolld(8) runs here,
verbatim, and says what the page claims beside it. A documented example that cannot work
is a defect like any other.

What an example is:
- README.md: a fenced block whose language is `sh` or `console`. The rest of the fence's
  first line may say `not-run: WHY` (skipped, and the reason shown) or `terminal` (run on
  a pseudo-terminal, its questions answered as a person would).
- A manual page: each `.nf`/`.fi` block of its EXAMPLES section; a roff comment
  `.\\" example: not-run: WHY` or `.\\" example: terminal` before it says the same.
- A `console` block, or one whose lines start with `$ `: the commands after `$ `, and
  after each the lines it prints. Otherwise every line is a command, and a comment
  `# prints: TEXT` on it or on the line after it claims what it prints. In both, `...`
  stands for anything. A command must exit 0 unless `# exit status N` says otherwise.
- Blocks of one page run in order, in one temporary HOME with no terminal (stdin is
  /dev/null) unless marked `terminal`; `CMD &` runs in the background until the page is
  done. ncaenroll-ra(1)'s demo examples run after ncaenroll(1)'s, as the page says.

What is substituted, and nothing else: the programs are this build's (through PATH); the
request number the pages use (DOC_NUMBER) becomes the one an earlier line printed, the
one a renewal made (DOC_RENEWED) the one `renew` printed, and the port in https://127.0.0.1:PORT likewise; /tmp/nca becomes a temporary folder; the
placeholder PASSWORD is the password typed at the terminal's question."""
import os
import re
import shlex
import signal
import subprocess
import time

import pexpect
import pytest

from conftest import BUILDDIR, SRCDIR
from service import SANITIZER_MARKS

pytestmark = pytest.mark.long(2)  # minutes under ASan: conftest.py starts it first

DOC_NUMBER = "4821-0937-5512-0684-3319-7725-4402"
DOC_RENEWED = "5310-2204-7781-0456-9932-1108-6645"     # the application a renewal makes
RENEWED_RE = r"New certificates are issued: application (\d{4}(?:-\d{4}){6})"
DOC_PORT = "40875"
NUMBER_RE = r"\d{4}(?:-\d{4}){6}"
PROGRAMS = ("ncaenroll", "ncaenroll-ra", "ncaenrolld")
OPERATOR_PASSWORD = "Aigerim2026"      # what PASSWORD stands for
CONTAINER_PASSWORD = "Zhaksy2026"

# A person's answers to the questions the programs ask on a terminal.
ANSWERS = [
    (r"\[y/N\] $", "y"),
    (r"Reason \(type its code\): $", "identity_mismatch"),
    (r"Explanation for the applicant \(optional\): $", ""),
    (r"E-mail for notices[^\n]*: $", ""),
    (r"(Password for the operator's PKCS#12|The same password again): $",
     OPERATOR_PASSWORD),
    (r"(New password|Repeat it): $", CONTAINER_PASSWORD),
]


class Block:
    def __init__(self, page, index, text, rule):
        self.page, self.index, self.text, self.rule = page, index, text, rule

    @property
    def id(self):
        return f"{self.page}#{self.index}"


def markdown_blocks(page):
    text = open(os.path.join(SRCDIR, page), encoding="utf-8").read()
    out = []
    for m in re.finditer(r"^```(\w*)([^\n]*)\n(.*?)^```", text, re.M | re.S):
        if m.group(1) in ("sh", "console", "shell"):
            out.append(Block(page, len(out) + 1, m.group(3), m.group(2).strip()))
    return out


def deroff(line):
    for a, b in (("\\-", "-"), ("\\e", "\\"), ("\\(em", "—"), ("\\&", ""), ("\\(aq", "'")):
        line = line.replace(a, b)
    return line


def man_blocks(page):
    text = open(os.path.join(SRCDIR, "doc", page), encoding="utf-8").read()
    section = text.split(".SH EXAMPLES", 1)[1].split("\n.SH ", 1)[0]
    out, rule, inside, lines = [], "", False, []
    for line in section.split("\n"):
        m = re.match(r'^\.\\" example: (.*)$', line)
        if m:
            rule = m.group(1).strip()
        elif line == ".nf":
            inside, lines = True, []
        elif line == ".fi":
            inside = False
            out.append(Block(page, len(out) + 1, "\n".join(lines) + "\n", rule))
            rule = ""
        elif inside:
            lines.append(deroff(line))
    return out


class Step:
    """One command and what is claimed of it."""

    def __init__(self, command):
        self.command, self.claims, self.status = command, [], 0

    def claim(self, comment):
        m = re.search(r"prints:\s*(.*)$", comment.strip())
        if m:
            self.claims.append(m.group(1).strip())
        m = re.search(r"exit status (\d)", comment)
        if m:
            self.status = int(m.group(1))


def steps(block):
    lines = block.text.rstrip("\n").split("\n")
    transcript = any(line.startswith("$ ") for line in lines)
    out, pending = [], None
    i = 0
    while i < len(lines):
        line = lines[i]
        if transcript and not line.startswith("$ "):
            if out and line.strip():
                out[-1].claims.append(line.strip())
            i += 1
            continue
        if transcript:
            line = line[2:]
        if not line.strip():
            i += 1
            continue
        if line.lstrip().startswith("#"):
            if pending is not None:
                pending.claim(line)
            i += 1
            continue
        command = line
        while command.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            command = command.rstrip()[:-1] + " " + lines[i].strip()
        comment = ""
        if " # " in command:
            command, comment = command.split(" # ", 1)
        pending = Step(command.strip())
        if comment:
            pending.claim("# " + comment)
        out.append(pending)
        i += 1
    return out


def claim_regex(claim):
    rx = re.escape(claim)
    rx = rx.replace(re.escape(DOC_NUMBER), NUMBER_RE).replace(DOC_PORT, r"\d+")
    rx = rx.replace(re.escape(DOC_RENEWED), NUMBER_RE)
    return rx.replace(re.escape("..."), ".*?")


class Page:
    """One page's examples running in one HOME."""

    def __init__(self, tmp_path):
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.nca = str(tmp_path / "nca")
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        for prog in PROGRAMS:
            w = self.bin / prog
            w.write_text("#!/bin/sh\nexec %s %s \"$@\"\n" % (
                shlex.quote(os.path.join(os.path.abspath(BUILDDIR), "uninstalled-env")),
                shlex.quote(os.path.join(os.path.abspath(BUILDDIR), prog))))
            w.chmod(0o755)
        self.number, self.port, self.background = None, None, []
        self.renewed = None
        self.env = {"PATH": f"{self.bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                    "HOME": str(self.home), "LANG": "C.UTF-8", "LANGUAGE": "en",
                    "TERM": "xterm"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "G_SLICE"):
            if k in os.environ:
                self.env[k] = os.environ[k]

    def substitute(self, command):
        if self.number:
            command = command.replace(DOC_NUMBER, self.number)
        if self.renewed:
            command = command.replace(DOC_RENEWED, self.renewed)
        if self.port:
            command = command.replace(f"127.0.0.1:{DOC_PORT}", f"127.0.0.1:{self.port}")
        return command.replace("/tmp/nca", self.nca).replace("PASSWORD", OPERATOR_PASSWORD)

    def learn(self, output):
        m = re.search(RENEWED_RE, output)
        if m:                   # the new application; the old one stays DOC_NUMBER
            self.renewed = m.group(1)
        else:                   # a number the renewal made is never DOC_NUMBER
            got = [n for n in re.findall(NUMBER_RE, output) if n != self.renewed]
            if got:
                self.number = got[0]
        m = re.search(r"https://127\.0\.0\.1:(\d+)", output)
        if m:
            self.port = m.group(1)

    def check(self, step, output, status):
        where = f"{step.command}\n--- said (status {status}):\n{output}"
        for mark in SANITIZER_MARKS:
            assert mark not in output, where
        assert status == step.status, where
        pos = 0
        for claim in step.claims:
            m = re.compile(claim_regex(claim), re.S).search(output, pos)
            assert m, f"claimed {claim!r}\n{where}"
            pos = m.end()
        self.learn(output)

    def run(self, step, terminal):
        command = self.substitute(step.command)
        if command.endswith("&"):
            return self.start(step, command[:-1].strip())
        if terminal:
            return self.on_terminal(step, command)
        p = subprocess.run(["bash", "-c", command], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=self.env, cwd=self.home, timeout=300)
        self.check(step, p.stdout, p.returncode)

    def start(self, step, command):
        p = subprocess.Popen(["bash", "-c", "exec " + command], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env=self.env, cwd=self.home)
        self.background.append(p)
        seen, end = "", time.monotonic() + 120
        while time.monotonic() < end:
            line = p.stdout.readline()
            if not line:
                break
            seen += line
            if all(re.search(claim_regex(c), seen) for c in step.claims):
                break
        for claim in step.claims:
            assert re.search(claim_regex(claim), seen), (claim, seen)
        self.learn(seen)

    def on_terminal(self, step, command):
        child = pexpect.spawn("bash", ["-c", command], env=self.env, cwd=str(self.home),
                              encoding="utf-8", timeout=120, dimensions=(24, 80))
        said = []
        patterns = [re.compile(rx) for rx, _ in ANSWERS]
        while True:
            i = child.expect(patterns + [pexpect.EOF, pexpect.TIMEOUT], timeout=5)
            said.append(child.before + (child.after if isinstance(child.after, str) else ""))
            if i < len(ANSWERS):
                child.sendline(ANSWERS[i][1])
            elif i == len(ANSWERS):
                break
            else:
                # A full screen waits for its keys: F10 leaves.
                child.send("\x1b[21~")
        child.close()
        # What the terminal shows, without its control sequences.
        shown = re.sub(r"\x1b(\[[0-9;?]*[A-Za-z@`]|[()][0-9A-Za-z]|[=>78])", "", "".join(said))
        self.check(step, shown, child.exitstatus)

    def stop(self):
        for p in self.background:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            p.stdout.close()


def run_page(tmp_path, blocks, before=()):
    page = Page(tmp_path)
    skipped = []
    try:
        for block in list(before) + list(blocks):
            if block.rule.startswith("not-run"):
                skipped.append(f"{block.id}: {block.rule}")
                continue
            for step in steps(block):
                page.run(step, block.rule == "terminal")
    finally:
        page.stop()
    return skipped


def skip_report(skipped):
    """Examples a test cannot run are named, with the page's own reason, never hidden."""
    for s in skipped:
        print("not run:", s)


README = markdown_blocks("README.md")
NCAENROLL = man_blocks("ncaenroll.1")
NCAENROLL_RA = man_blocks("ncaenroll-ra.1")
NCAENROLLD = man_blocks("ncaenrolld.8")


def test_every_example_is_found():
    assert len(README) >= 3 and NCAENROLL and NCAENROLL_RA and NCAENROLLD
    for block in README + NCAENROLL + NCAENROLL_RA + NCAENROLLD:
        assert block.rule in ("", "terminal") or re.match(r"not-run: \S", block.rule), \
            (block.id, block.rule)
        assert steps(block), block.id


@pytest.mark.parametrize("name,blocks", [("README.md", README), ("ncaenroll.1", NCAENROLL),
                                         ("ncaenrolld.8", NCAENROLLD)])
def test_examples_of(tmp_path, name, blocks):
    skip_report(run_page(tmp_path, blocks))


def test_examples_of_ncaenroll_ra(tmp_path):
    skip_report(run_page(tmp_path, NCAENROLL_RA))


NOT_RUN = [b for b in README + NCAENROLL + NCAENROLL_RA + NCAENROLLD
           if b.rule.startswith("not-run")]


@pytest.mark.parametrize("block", NOT_RUN, ids=[b.id for b in NOT_RUN])
def test_examples_not_run(block):
    pytest.skip(f"{block.id}: {block.rule}")
