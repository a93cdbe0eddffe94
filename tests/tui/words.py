"""Reads a Kazakh or Russian screen for words that do not belong on it (issue #10: "the
whole path in kk and ru shows no English word and no wire field name").

`Findings` collects, step by step, what a walk through the screens found: Latin words that
are not on the short allow-list below (product and standard names, key caps, the
language codes), wire names (request members, storage ids, state names, error codes), and
screens that do not fit the terminal. A walk checks every step and fails once at the end
with the whole list (`Findings.fail_if_any`), since a person fixing the words wants all of
them. What the person typed or owns (paths, file names, e-mail addresses, the code from
the picture) is passed as `data` and is not a finding; URLs, e-mail addresses, paths,
file names and hex (certificate serials, fingerprints) are data by their shape.

`known` takes (step pattern, word pattern, where) rows for findings another branch is
fixing: those are listed apart and do not fail the walk, and a row that matched nothing
is listed too, so it can be removed once that branch is merged.
"""
import re
import unicodedata

# Latin words a Kazakh or Russian screen may hold, each for a reason.
ALLOW = {
    # The tokens NCA RK names, by their makers' names, and the standards behind them.
    "eToken", "PRO", "72K", "JaCarta", "Kaztoken", "AKey", "PKCS#11", "PKCS#12",
    # NCA RK's names of the two keys, as their files are named (AUTH_RSA256_....p12 for
    # authentication, RSA256_....p12 for signing): the person finds them by these names.
    "AUTH", "RSA",
    # "PIN-код" and "ID-карта" are how Kazakh and Russian write them.
    "PIN", "ID",
    # Keys as their caps print them.
    "F1", "F2", "F5", "F10", "Esc", "Tab", "Enter", "Shift", "Ctrl", "Home", "End",
    "PgUp", "PgDn", "Backspace", "Del",
    # A file format everyone knows by this name.
    "PDF",
    # The protocol that says whether a certificate is revoked (RFC 6960), as NCA RK's site
    # and the certificates themselves name it: neither language has a word of its own.
    "OCSP",
    # The language offered in its own name (the language screen).
    "English",
}
# Words allowed on one kind of line only: (the line's pattern, the words).
ALLOW_ON = [
    # The main menu's way to the language names it in all three, so that a person who
    # cannot read the current one finds it.
    (re.compile(r"Тіл / Язык / Language"), {"Language"}),
]
# The language code at the right end of the title line.
LANG_CODES = {"kk", "ru", "en"}

# Names of the wire (doc/api*.md) and of the state file: a person never should read them.
WIRE = {
    "bin", "iin", "captcha", "captcha_id", "captcha_answer", "request_number", "gu_code",
    "check_token", "email", "role", "region", "city", "storage", "dir", "folder", "csr",
    "csr_auth", "csr_sign", "pc", "etoken72k", "jacarta", "akey", "idcard", "draft",
    "keys_ready", "submitted", "issued", "certs_ready", "installed", "rejected",
    "cancelled", "abandoned", "revoked", "expired", "status", "documents", "reason",
    "null", "true", "false",
}
WIRE_SHAPE = re.compile(r"^[a-z0-9]+(?:[_.][a-z0-9]+)+$|^ROLE\d+$")

SPLIT = re.compile(r"[\s│┌┐└┘─├┤┬┴┼▀▄█●✓✗↑↓<>\[\]()«»\"',;!?]+")
LATIN = re.compile(r"[0-9]*[A-Za-z][A-Za-z0-9#_.+-]*[A-Za-z0-9#]|[0-9]*[A-Za-z]")
URL = re.compile(r"^[a-z]+://")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PATH = re.compile(r"^(?:…|\.\.\.)?[~.]?/")
FILE = re.compile(r"[\w.-]*\.(?:p12|pfx|txt|pdf|key|pem|crt|cer|yaml|conf|so)\b", re.I)
HEX = re.compile(r"^[0-9A-Fa-f]{8,}$")
# A moment as machines write it (ISO 8601 in UTC): a person reads local time.
UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?Z?")
EXITED = re.compile(r"^\[ncaenroll(?:-ra)? exited \d+\]$")


def width(line):
    """Display columns of a line."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c)
               else 1 for c in line)


def odd_words(screen, data=()):
    """[(kind, word, line)] for every word of the screen that is neither Kazakh, Russian,
    nor allowed: kind "wire" for a wire name, "utc" for a moment written as machines
    write it (ISO 8601, UTC), "latin" for any other Latin word."""
    out = []
    lines = screen.rstrip("\n").split("\n")
    for n, line in enumerate(lines):
        if EXITED.match(line.strip()):
            continue
        for m in UTC.finditer(line):
            out.append(("utc", m.group(0), line.strip()))
        line = UTC.sub(" ", line).replace("[x]", "[ ]")     # a ticked box
        tokens = [tok for tok in SPLIT.split(line) if tok]
        if n == 0 and tokens and tokens[-1] in LANG_CODES:
            tokens = tokens[:-1]
        for tok in tokens:
            tok = tok.strip(".:")
            if not re.search(r"[A-Za-z]", tok) or URL.match(tok) or EMAIL.match(tok) \
                    or PATH.match(tok) or any(tok in d for d in data if d):
                continue
            for word in LATIN.findall(FILE.sub(" ", tok)):
                if allowed(word, line):
                    continue
                kind = "wire" if word in WIRE or WIRE_SHAPE.match(word) else "latin"
                out.append((kind, word, line.strip()))
    return out


def allowed(word, line):
    if word in ALLOW or all(part in ALLOW for part in word.split("-")):
        return True                         # Shift-Tab
    if re.fullmatch(r"Ctrl-[A-Z]", word):
        return True
    if HEX.match(word) and re.search(r"\d", word):
        return True
    return any(rx.search(line) and word in words for rx, words in ALLOW_ON)


def misfit(screen, cols=80, rows=24):
    """Why the screen does not fit cols x rows, or None."""
    lines = screen.rstrip("\n").split("\n")
    if len(lines) > rows:
        return f"{len(lines)} lines, more than {rows}"
    for n, line in enumerate(lines):
        if width(line) > cols:
            return f"line {n + 1} is {width(line)} columns wide"
    return None


class Findings:
    """What a walk found, step by step, in one language."""

    def __init__(self, lang, known=()):
        self.lang = lang
        self.known = [(re.compile(s), re.compile(w), where) for s, w, where in known]
        self.used = set()
        self.found = []                     # (step, kind, word, line)
        self.elsewhere = []                 # (step, kind, word, line, where)
        self.steps = []
        self.seen = set()

    def check(self, step, screen, data=(), cols=80, rows=24):
        """Reads one screen of a step; returns the new findings' count."""
        self.steps.append(step)
        before = len(self.found)
        why = misfit(screen, cols, rows)
        if why:
            self._add(step, "fit", why, screen.split("\n")[0].strip())
        # A box's title names what the box is about: not a table's header cells nor
        # what a text block shows while it is being read ("(reading…)").
        for m in re.finditer(r"┌─ (.+?) ─", screen):
            if m.group(1).startswith("(") or "|" in m.group(1):
                self._add(step, "title", m.group(1), m.group(0))
        for kind, word, line in odd_words(screen, data):
            self._add(step, kind, word, line)
        return len(self.found) - before

    def broken(self, step, error, screen):
        """A step that could not be walked: said, with the screen the person saw."""
        # An error that carries the screen it saw shows that one: by now it may be gone.
        said, _, seen = str(error).partition("\n")
        self.found.append((step, "walk", said, seen or screen))

    def _add(self, step, kind, word, line):
        base = re.sub(r" \((?:scrolled|page|box) \d+\)", "", step)
        if kind == "utc":
            word = "date-time"              # one finding, whatever the moment
        if (base, kind, word) in self.seen:
            return
        self.seen.add((base, kind, word))
        for i, (s, w, where) in enumerate(self.known):
            if s.search(step) and w.fullmatch(word):
                self.used.add(i)
                self.elsewhere.append((step, kind, word, line, where))
                return
        self.found.append((step, kind, word, line))

    def report(self):
        out = [f"[{self.lang}] {len(self.found)} finding(s) in {len(self.steps)} screens:"]
        out += self._grouped(self.found)
        if self.elsewhere:
            out.append(f"[{self.lang}] known, fixed elsewhere ({len(self.elsewhere)}):")
            out += self._grouped(self.elsewhere)
        unused = [k for i, k in enumerate(self.known) if i not in self.used]
        if unused:
            out.append(f"[{self.lang}] KNOWN_ELSEWHERE rows that matched nothing "
                       "(remove them once their branch is merged):")
            out += [f"  {s.pattern} / {w.pattern} -- {where}" for s, w, where in unused]
        return "\n".join(out)

    @staticmethod
    def _grouped(rows):
        """One line per step and screen line: the words found on it."""
        out, groups = [], {}
        for row in rows:
            step, kind, word, line = row[:4]
            if kind == "walk":
                out.append(f"  {step}: could not walk on: {word}\n{line}")
                continue
            key = (step, kind, line, row[4] if len(row) > 4 else "")
            groups.setdefault(key, []).append(word)
        for (step, kind, line, where), words in groups.items():
            out.append(f"  {step}: {kind} {', '.join(words)} in: {line}"
                       + (f"  -- {where}" if where else ""))
        return out

    def fail_if_any(self):
        print(self.report())
        assert not self.found, self.report()
