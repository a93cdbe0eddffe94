"""What a person reads when the service refuses something: for every error code the service
documents (doc/api*.md), in Kazakh and in Russian, a sentence of the person's language,
with the field named as the person knows it: no English from the service, no wire names
such as captcha_answer. A code the client does not know is the one case where the
service's own sentence is shown, and the code is logged.

The walk over every code needs a service that answers each code on demand, which the real
one cannot: a scripted HTTPS stand-in (fakesvc.py) answers it, and the real ncaenroll
reads it. The refusals applicants meet most are then provoked on the real ncaenrolld."""
import json
import os
import re
import subprocess
import time

import pexpect
import pytest

import idref

from conftest import BUILDDIR
from fakesvc import FakeService
from service import Service, program_env, set_clock
from svcdocs import doc_codes, doc_files, server_codes

pytestmark = pytest.mark.long(3)  # minutes under ASan: conftest.py starts it first

# Every request member of doc/api*.md: none may reach a person's screen by its wire name.
WIRE_FIELDS = ["bin", "iin", "captcha_id", "captcha_answer", "token", "email", "role",
               "region", "city", "gu_code", "storage", "lang", "csr_auth", "csr_sign",
               "request_number", "nonce", "signature", "documents", "reason", "text", "q",
               "scope", "office", "limit", "offset", "max_age_days", "newer_than_days",
               "older_than_days"]
# Latin-script words a Kazakh or Russian sentence may hold: names of programs and products.
LATIN_ALLOWED = {"ncaenroll", "ncaenrolld", "ncaenroll-ra", "PKCS#12", "PKCS#10", "eToken",
                 "JaCarta", "Kaztoken", "AKey", "https"}
SERVICE_SENTENCE = "Service sentence in English"
DAMM = [[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]


def request_number(n):
    """A well-formed request number (27 digits + Damm check digit), dashed by fours."""
    digits = f"{n:027d}"
    c = 0
    for d in digits:
        c = DAMM[c][int(d)]
    digits += str(c)
    return "-".join(digits[i:i + 4] for i in range(0, 28, 4))


def latin_words(text):
    words = re.findall(r"[A-Za-z][A-Za-z0-9#_+.-]*[A-Za-z0-9#]|[A-Za-z]", text)
    return [w for w in words if w not in LATIN_ALLOWED]


def wire_names(text):
    return [f for f in WIRE_FIELDS if re.search(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", text)]


def cases():
    """(code, status, field) for every documented code: each documented field, and for the
    codes about any member (field.*), every member."""
    out = []
    for code, info in sorted(doc_codes().items()):
        fields = sorted(info["fields"]) or [None]
        if code.startswith("field."):
            fields = WIRE_FIELDS
        out.extend((code, info["status"], f) for f in fields)
    return out


def ncaenroll(fake, state, *args, lang="en"):
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--lang", lang, "--service", fake.base, "--ca-file", fake.cafile, "--state", state,
           *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=program_env(),
                          stdin=subprocess.DEVNULL, timeout=300)


def write_state(path, numbers):
    with open(path, "w", encoding="utf-8") as f:
        f.write("schema: 1\napplications:\n")
        for i, n in enumerate(numbers):
            f.write(f'- id: "{i:016x}"\n  state: submitted\n  fields:\n'
                    f'    request_number: "{n}"\n')


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    with FakeService(tmp_path_factory.mktemp("fake")) as f:
        yield f


def test_docs_list_every_code_the_service_sends():
    documented = doc_codes()
    assert len(documented) > 60 and "captcha.wrong" in documented, "the docs were not read"
    wild = sorted(c for c in documented if "*" in c)
    assert not wild, f"list each code, not a pattern: {wild}"
    missing = sorted(server_codes() - set(documented))
    assert not missing, f"sent by src/ncaenrolld but in no doc/api*.md table: {missing}"


@pytest.mark.walk  # minutes under ASan: in one build only (conftest.py)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_documented_code_reads_in_the_persons_language(fake, tmp_path, lang):
    """One `ncaenroll status` over one application per (code, field): the service answers
    each with its code, and each answer's line is checked."""
    todo = cases()
    numbers = [request_number(i + 1) for i in range(len(todo))]
    by_number = {n.replace("-", ""): c for n, c in zip(numbers, todo)}

    def answer(method, path, body):
        code, status, field = by_number[path.rsplit("/", 1)[1].replace("-", "")]
        return status, {"error": {"code": code, "field": field, "message": SERVICE_SENTENCE}}

    fake.answer = answer
    state = str(tmp_path / "state.yaml")
    write_state(state, numbers)
    # One run per number: `status` with no number stops at a failure that is not about
    # one application (a 5xx, a rate limit), as a person would want.
    lines = []
    for n in numbers:
        p = ncaenroll(fake, state, "status", n, lang=lang)
        assert p.returncode in (1, 3), p.stderr
        assert len(p.stderr.splitlines()) == 1, p.stderr
        lines.append(p.stderr.rstrip("\n"))
    bad = []
    for (code, status, field), line in zip(todo, lines):
        assert line.startswith("ncaenroll: "), line
        text = line[len("ncaenroll: "):]
        problems = []
        if SERVICE_SENTENCE in text:
            problems.append("the service's own sentence")
        if latin_words(text):
            problems.append(f"Latin words {latin_words(text)}")
        if wire_names(text):
            problems.append(f"wire names {wire_names(text)}")
        if len(text) < 10:
            problems.append("no sentence")
        if problems:
            bad.append(f"{code} field={field}: {text!r}: {', '.join(problems)}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("status,code,want", [
    (404, "bin.not_found", 1), (429, "rate_limited", 1), (500, "internal", 3),
    (503, "internal", 3)])
def test_exit_status_says_refused_or_failed(fake, tmp_path, status, code, want):
    fake.answer = lambda m, p, b: (status, {"error": {"code": code, "field": None,
                                                      "message": SERVICE_SENTENCE}})
    p = ncaenroll(fake, str(tmp_path / "s.yaml"), "status", request_number(7), lang="ru")
    assert p.returncode == want, p.stderr
    assert SERVICE_SENTENCE not in p.stderr


def test_unknown_code_shows_the_services_sentence_and_logs_the_code(fake, tmp_path):
    """The last resort: a code newer than this client. The person reads the service's own
    sentence (there is nothing better to say), and the code is logged for whoever
    updates the program (the log is stderr, the one diagnostic sink of ncaenroll)."""
    fake.answer = lambda m, p, b: (409, {"error": {"code": "moon.full", "field": "bin",
                                                   "message": "the moon is full"}})
    p = ncaenroll(fake, str(tmp_path / "s.yaml"), "--json", "status", request_number(9),
                  lang="kk")
    assert p.returncode == 1
    err = json.loads(p.stdout)["error"]
    assert err["code"] == "moon.full" and err["field"] == "bin"
    assert "the moon is full" in err["message"]
    assert "БСН" in err["message"], "the field is named as a person knows it"
    assert "moon.full" in p.stderr, "the unknown code is logged"


# ---- the real service: the refusals applicants meet most ----

UNKNOWN_BIN = "990140000384"     # well-formed, in no registry
UNKNOWN_IIN = "900101300146"
DEMO = dict(bin="940140000385", iin="871008401427", role="ROLE02", region="karaganda",
            city="karaganda", gu_code="1001")

EXPECT = {
    # (what is provoked): {lang: words the sentence must hold}
    "bin": {"kk": "БСН", "ru": "БИН"},
    "iin": {"kk": "ЖСН", "ru": "ИИН"},
    "captcha": {"kk": "сурет", "ru": "картинк"},
    "rate": {"kk": "көп", "ru": "много"},
}


def refusal(stderr):
    """The lines ncaenroll reports a failure on (not the organization's name, nor the hint
    how to resume, which quotes a command)."""
    return "\n".join(line[len("ncaenroll: "):] for line in stderr.splitlines()
                     if line.startswith("ncaenroll: "))


def assert_persons_language(text, lang):
    assert text.strip(), "nothing was said"
    assert not latin_words(text), f"{lang}: Latin words {latin_words(text)} in {text!r}"
    assert not wire_names(text), f"{lang}: wire names {wire_names(text)} in {text!r}"


def apply(svc, home, lang, **over):
    values = dict(DEMO, captcha_answer=svc.captcha_code, dir=str(home / "keys"))
    values.update(over)
    args = ["--lang", lang, "--service", svc.base, "--ca-file", svc.cafile, "--state",
            str(home / "applicant.yaml"), "apply"]
    for k, v in values.items():
        args += ["--" + k.replace("_", "-"), v]
    env = program_env()
    env.update(HOME=str(home))
    return subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                           os.path.join(BUILDDIR, "ncaenroll"), *args],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=120)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    s = Service(tmp_path_factory.mktemp("real") / "state")
    yield s
    s.stop()


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("what", ["bin", "iin", "captcha"])
def test_real_refusals_read_in_the_persons_language(real, tmp_path, lang, what):
    assert idref.bin_ok(UNKNOWN_BIN) and idref.iin_ok(UNKNOWN_IIN), "must pass the local checks"
    over = {"bin": {"bin": UNKNOWN_BIN}, "iin": {"iin": UNKNOWN_IIN},
            "captcha": {"captcha_answer": "WRONG9"}}[what]
    p = apply(real, tmp_path, lang, **over)
    assert p.returncode == 1, p.stderr
    assert_persons_language(refusal(p.stderr), lang)
    assert EXPECT[what][lang] in p.stderr, p.stderr


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_real_rate_limit_reads_in_the_persons_language(tmp_path, lang):
    svc = Service(tmp_path / "state", config={"policy": {"checks_per_minute": 1,
                                                         "captcha_per_minute": 100}})
    try:
        assert apply(svc, tmp_path, lang, gu_code="9999").returncode == 1  # uses the one check
        p = apply(svc, tmp_path, lang)
    finally:
        svc.stop()
    assert p.returncode == 1, p.stderr
    assert_persons_language(refusal(p.stderr), lang)
    assert EXPECT["rate"][lang] in p.stderr, p.stderr
    assert re.search(r"\d+", p.stderr), "how long to wait is said"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_real_expired_captcha_reads_in_the_persons_language(tmp_path, lang):
    """The picture is shown, the service's test clock moves past its lifetime, then the
    person types the code."""
    clock = tmp_path / "clock"
    now = int(time.time())
    set_clock(clock, now)
    svc = Service(tmp_path / "state", extra=["--test-clock", str(clock)])
    try:
        env = program_env()
        env.update(HOME=str(tmp_path), TERM="xterm")
        p = pexpect.spawn(os.path.join(BUILDDIR, "uninstalled-env"),
                          [os.path.join(BUILDDIR, "ncaenroll"), "--lang", lang, "--service",
                           svc.base, "--ca-file", svc.cafile, "--state",
                           str(tmp_path / "applicant.yaml"), "apply", "--bin", DEMO["bin"]],
                          env=env, encoding="utf-8", timeout=60, dimensions=(24, 80))
        p.expect("[▀▄█]")
        p.expect(": $")
        set_clock(clock, now + 3600)
        p.sendline(svc.captcha_code)
        p.expect(r"ncaenroll: ([^\r\n]*)\r?\n")
        said = p.match.group(1)
        p.terminate(force=True)
    finally:
        svc.stop()
    assert_persons_language(said, lang)
    assert EXPECT["captcha"][lang] in said, said
