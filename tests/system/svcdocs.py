"""The error codes the service documents, read from doc/api*.md as a person reads them:
rows of the error tables (a 4xx/5xx status, the code column, the field column) and the
"400 `code`" / "`429 code`" mentions in the prose. Shared by the tests that check what a
person is shown for each code."""
import glob
import os
import re

from conftest import SRCDIR

CODE = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_*]+)?"
_TICK = re.compile(r"`(" + CODE + r")`")
_PROSE = [re.compile(r"\b([45]\d\d) `(" + CODE + r")`"),
          re.compile(r"`([45]\d\d) (" + CODE + r")`")]


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def doc_files():
    return sorted(glob.glob(os.path.join(SRCDIR, "doc", "api*.md")))


def doc_codes():
    """{code: {"status": int, "fields": set of wire field names (may be empty)}}."""
    codes = {}

    def add(code, status, fields=()):
        e = codes.setdefault(code, {"status": status, "fields": set()})
        e["fields"].update(fields)

    for path in doc_files():
        lines = open(path, encoding="utf-8").read().splitlines()
        header = None
        for i, line in enumerate(lines):
            if not line.startswith("|"):
                header = None
                for rx in _PROSE:
                    for status, code in rx.findall(line):
                        add(code, int(status))
                continue
            if re.fullmatch(r"\|[\s:|-]+\|?", line.strip()):
                continue
            cells = _cells(line)
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if header is None and re.fullmatch(r"\|[\s:|-]+\|?", nxt.strip()):
                header = [c.lower() for c in cells]
                continue
            if header is None or "code" not in header:
                for rx in _PROSE:
                    for status, code in rx.findall(line):
                        add(code, int(status))
                continue
            row = dict(zip(header, cells))
            status = row.get("status", "")
            status = int(status) if status.isdigit() else 403  # api-ra.md: "a refusal is 403"
            if "status" in header and not 400 <= status < 600:
                continue
            fields = set(_TICK.findall(row.get("field", "")))
            for rx in _PROSE:
                for st, code in rx.findall(row["code"]):
                    add(code, int(st), fields)
            for code in _TICK.findall(row["code"]):
                add(code, status, fields)
    return codes


def server_codes():
    """The codes src/ncaenrolld sends by name, and the validators' codes it passes on."""
    found = set()
    for path in glob.glob(os.path.join(SRCDIR, "src", "ncaenrolld", "*.c")):
        text = open(path, encoding="utf-8").read()
        found.update(re.findall(r'(?:http_error|app_fail)\(\s*[\w&>.-]+,\s*\d+,\s*"(' + CODE
                                + r')"', text))
        found.update(c for c in re.findall(r'\{\s*"(ra\.[a-z_]+)"', text) if c != "ra.ok")
    for name in ("idnum", "email", "gucode", "reqnum"):
        text = open(os.path.join(SRCDIR, "src", "common", name + ".c"), encoding="utf-8").read()
        found.update(re.findall(r'problems_add\(\s*p,\s*"(' + CODE + r')"', text))
        for pair in re.findall(r'idnum_(?:shape|check)\(s,\s*"(' + CODE + r')",\s*"(' + CODE
                               + r')"', text):
            found.update(pair)
    return found
