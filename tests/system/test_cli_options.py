"""How both client programs read their command lines, the same way everywhere: options may
come before or after the operands (GNU getopt's permutation), `--` ends the options,
`--help` after any command prints that command's usage and options on stdout with exit
status 0, the program's own options work after the command name too, and getopt's
complaints are said in the reader's language."""
import json
import re

import pytest

from test_apply_cli import wait_status  # noqa: F401  (World needs it imported)
from test_cli_contract import World, svc  # noqa: F401  (svc is a fixture)
from test_ra_cli import DEMO_OPERATOR_PASSWORD

NCAENROLL_COMMANDS = {
    "apply": ["--bin", "--iin", "--email", "--role", "--region", "--city", "--gu-code",
              "--storage", "--dir", "--token", "--pin-fd", "--new-pin-fd", "--captcha-answer",
              "--resume"],
    "status": [],
    "install": ["--password-fd", "--pin-fd", "--legacy"],
    "list": [],
    "form": ["--pdf", "--print"],
    "abandon": [],
    "validate": [],
}
RA_COMMANDS = {
    "queue": ["--all", "--region", "--city", "--office", "--max-age", "--search"],
    "show": [],
    "approve": ["--documents", "--yes"],
    "reject": ["--reason", "--text", "--yes"],
    "history": [],
    "reasons": [],
}


@pytest.fixture(scope="module")
def world(svc, tmp_path_factory):  # noqa: F811
    return World(svc, tmp_path_factory.mktemp("options"))


def columns(line):
    return len(line)    # kk, ru and en text here is one column a character


HELP_CASES = [("ncaenroll", c, o) for c, o in NCAENROLL_COMMANDS.items()] + \
             [("ncaenroll-ra", c, o) for c, o in RA_COMMANDS.items()]


@pytest.mark.parametrize("prog,command,options", HELP_CASES,
                         ids=[f"{p}-{c}" for p, c, _ in HELP_CASES])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_after_every_command(run, prog, command, options, flag):
    r = run(prog, command, flag)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.startswith(f"Usage: {prog} {command}"), r.stdout
    for opt in options + ["--help"]:
        assert re.search(re.escape(opt) + r"\b", r.stdout), (opt, r.stdout)
    for line in r.stdout.splitlines():
        assert columns(line) <= 80, line
    # Options put after the operands, as a person types them, work the same.
    r2 = run(prog, command, "SOMETHING", flag)
    assert r2.returncode == 0 and r2.stdout == r.stdout


@pytest.mark.parametrize("prog,command", [("ncaenroll", "install"), ("ncaenroll-ra", "queue")])
@pytest.mark.parametrize("lang,word", [("kk", "Қолданылуы"), ("ru", "Использование")])
def test_command_help_in_the_readers_language(run, prog, command, lang, word):
    r = run(prog, command, "--help", lang=lang)
    assert r.returncode == 0
    assert r.stdout.startswith(word), r.stdout
    assert "Usage" not in r.stdout and "Options" not in r.stdout
    # Every help sentence is translated: Latin letters spell only what is typed or a name.
    names = {"ncaenroll", "apply", "install", "list", "queue", "show", "reject", "reasons",
             "other", "demo", "operator", "pkcs", "serial", "https", "JSON", "English",
             "CUPS", "etoken", "jacarta", "kaztoken", "akey"}
    for line in r.stdout.splitlines():
        assert columns(line) <= 80, line
        words = re.findall(r"[A-Za-z]{4,}", re.sub(r"--[\w-]+", "", line))
        assert not [w for w in words if w not in names], (line, words)


def test_abandon_help_is_not_an_application_id(run):
    r = run("ncaenroll", "abandon", "--help")
    assert r.returncode == 0
    assert "no application" not in r.stdout + r.stderr


def test_options_after_operands(world):
    sent, issued = world.values["sent"], world.values["issued"]
    p = world.run("ncaenroll", ["status", sent, "--json"])
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["request_number"] == sent
    p = world.run("ncaenroll", ["validate", "iin", "871008401427", "--json"])
    assert p.returncode == 0 and json.loads(p.stdout)["valid"] is True
    p = world.run("ncaenroll", ["form", sent, "--pdf", world.values["home"] + "/f.pdf"])
    assert p.returncode == 0, p.stderr
    p = world.run("ncaenroll", ["install", issued, "--password-fd", "PWFD", "--json"],
                  password="Qwerty12")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["status"] == "installed"
    p = world.run("ncaenroll", ["abandon", world.fresh_draft(), "--json"])
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["state"] == "abandoned"


def test_program_options_after_the_command_name(world):
    home = world.values["home"]
    p = world.run("ncaenroll", ["list", "--json"])
    assert p.returncode == 0 and isinstance(json.loads(p.stdout), list)
    p = world.run("ncaenroll", ["status", "--json", "--lang", "ru", world.values["sent"]])
    assert p.returncode == 0 and json.loads(p.stdout)["status"] == "submitted"
    p = world.run("ncaenroll", ["validate", "iin", "871008401420", "--lang", "ru"])
    assert p.returncode == 1 and "ИИН" in p.stderr, p.stderr
    p = world.run("ncaenroll", ["list", "--state", home + "/other.yaml"])
    assert p.returncode == 0 and "No applications" in p.stdout, p.stdout
    p = world.run("ncaenroll-ra", ["queue", "--all", "--json", "--operator",
                                   world.values["p12"], "--password-fd", "PWFD"],
                  password=DEMO_OPERATOR_PASSWORD)
    assert p.returncode == 0, p.stderr
    assert world.values["sent"] in [a["request_number"]
                                    for a in json.loads(p.stdout)["applications"]]


def test_double_dash_ends_the_options(world):
    p = world.run("ncaenroll", ["validate", "email", "-buh@mail.kz"])
    assert p.returncode == 2, "an operand that looks like an option is one"
    p = world.run("ncaenroll", ["validate", "email", "--", "-buh@mail.kz"])
    assert p.returncode == 0, p.stderr
    p = world.run("ncaenroll", ["abandon", "--", "--help"])
    assert p.returncode == 1 and "--help" in p.stderr and "Usage" not in p.stdout
    # After --, --json is an operand, not the option.
    p = world.run("ncaenroll", ["status", "--", "--json"])
    assert p.returncode == 1 and not p.stdout.startswith("{")


@pytest.mark.parametrize("prog,args,shown", [
    ("ncaenroll", ["status", "--colour"], "--colour"),
    ("ncaenroll", ["install", "--password-fd"], "--password-fd"),
    ("ncaenroll", ["install", "--legacy=yes", "1"], "--legacy"),
    ("ncaenroll", ["--colour", "status"], "--colour"),
    ("ncaenroll-ra", ["queue", "-z"], "-z"),
    ("ncaenroll-ra", ["show", "--max-age", "3", "1"], "--max-age"),
])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_option_errors_in_the_readers_language(run, prog, args, shown, lang):
    r = run(prog, *args, lang=lang)
    assert r.returncode == 2
    assert shown in r.stderr
    assert r.stdout == ""
    for english in ("unrecognized", "requires an argument", "doesn't allow", "invalid option"):
        assert english not in r.stderr, r.stderr
    if lang != "en":
        assert "Usage" not in r.stderr and "Try" not in r.stderr, r.stderr
