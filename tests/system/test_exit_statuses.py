"""Every exit status the manual pages document is one a real command gives. The EXIT
STATUS sections of doc/ncaenroll.1 and doc/ncaenroll-ra.1 are read here; the table below
holds, for each program and status, commands that must end with it (against the real
service on loopback, with stdin not a terminal). A status the page documents with no row
here, or a row for a status the page does not document, fails; so does a row that ends
with another status. (test_cli_exit_status.py and test_cli_contract.py say more about
each; this file is the check that the pages and the programs agree.)

Among the rows: `ncaenroll status` without a number asks about every submitted
application, and when those lookups fail because the service cannot be reached, that is
status 3, not 0 with nothing said."""
import json
import os
import re

import pytest

from conftest import SRCDIR
from test_cli_contract import UNREACHABLE, World, svc  # noqa: F401 (svc: a fixture)
from test_ra_cli import DEMO_OPERATOR_PASSWORD

PROGRAMS = ("ncaenroll", "ncaenroll-ra")


def documented(prog):
    """The statuses of the page's EXIT STATUS section, as numbers."""
    with open(os.path.join(SRCDIR, "doc", prog + ".1"), encoding="utf-8") as f:
        page = f.read()
    assert ".SH EXIT STATUS" in page, f"{prog}.1 has no EXIT STATUS section"
    section = page.split(".SH EXIT STATUS", 1)[1].split("\n.SH", 1)[0]
    found = [int(n) for n in re.findall(r"^\.B ([0-9]+)$", section, re.M)]
    assert found, f"{prog}.1: no status found in EXIT STATUS"
    return found


# (program, status, what the row shows, its arguments, what stderr must name). Values in
# {braces} come from World: an application sent, one issued, a mistyped number...
ROWS = [
    ("ncaenroll", 0, "the status of a sent application", ["status", "{sent}"], None),
    ("ncaenroll", 0, "the status of every sent application", ["status"], None),
    ("ncaenroll", 1, "a mistyped request number", ["status", "{typo}"], "mistyped"),
    ("ncaenroll", 1, "the service refuses", ["abandon", "{sent}"], "registration desk"),
    ("ncaenroll", 2, "an unknown option", ["status", "--colour"], "--colour"),
    ("ncaenroll", 2, "no password without a terminal", ["install", "{issued}"],
     "--password-fd"),
    ("ncaenroll", 3, "the service unreachable", ["--service", UNREACHABLE, "status",
                                                 "{sent}"], "127.0.0.1:1"),
    ("ncaenroll", 3, "every lookup fails: the service unreachable",
     ["--service", UNREACHABLE, "status"], "127.0.0.1:1"),
    ("ncaenroll", 3, "every lookup fails, under --json",
     ["--service", UNREACHABLE, "--json", "status"], None),
    ("ncaenroll", 4, "a damaged state file", ["--state", "{damaged}", "list"], "{damaged}"),
    ("ncaenroll", 4, "a missing CA file", ["--ca-file", "{home}/none.pem", "status",
                                           "{sent}"], "{home}/none.pem"),
    ("ncaenroll", 6, "a token still on its factory PIN", ["apply", "{factory_pin}"],
     "factory PIN"),
    ("ncaenroll-ra", 0, "an application shown", ["show", "{sent}"], None),
    ("ncaenroll-ra", 1, "a mistyped request number", ["show", "{typo}"], None),
    ("ncaenroll-ra", 1, "a decision already taken",
     ["approve", "{issued}", "--documents", "form,identity,authority", "--yes"],
     "already decided"),
    ("ncaenroll-ra", 2, "an unknown option", ["queue", "--colour"], "--colour"),
    ("ncaenroll-ra", 3, "the service unreachable", ["--service", UNREACHABLE, "queue"],
     "127.0.0.1:1"),
    ("ncaenroll-ra", 4, "the operator's container missing",
     ["--operator", "{home}/nowhere.p12", "queue"], "{home}/nowhere.p12"),
]


@pytest.fixture(scope="module")
def world(svc, tmp_path_factory):  # noqa: F811
    return World(svc, tmp_path_factory.mktemp("statuses"))


def fill(world, text):
    return text.format(**world.values)


def factory_pin_apply(world):
    """apply onto a token (SoftHSM2) still on Kaztoken's factory PIN, scripted."""
    from softhsm import SoftHSM
    from test_token_factory_pin import KAZTOKEN_PIN, Desk
    home = os.path.join(world.home, "factory-pin")
    tok = SoftHSM(os.path.join(home, "token"), label="Factory", pin=KAZTOKEN_PIN)
    # (--json: the refusal is in the JSON; what was said before it, on stderr.)
    return Desk(world.svc, os.path.join(home, "home"), tok).apply("kaztoken", KAZTOKEN_PIN)


def run(world, prog, args):
    if "{factory_pin}" in args:
        return factory_pin_apply(world)
    args = [fill(world, a) for a in args]
    if prog == "ncaenroll":
        return world.run(prog, args)
    if "--operator" not in args:
        args = ["--operator", world.values["p12"], *args]
    return world.run(prog, ["--password-fd", "PWFD", *args], password=DEMO_OPERATOR_PASSWORD)


@pytest.mark.parametrize("prog", PROGRAMS)
def test_every_documented_status_has_a_row(prog):
    have = {status for p, status, *_ in ROWS if p == prog}
    want = set(documented(prog))
    assert want - have == set(), f"{prog}.1 documents {sorted(want - have)}: no command here"
    assert have - want == set(), f"rows give {sorted(have - want)}, which {prog}.1 does " \
                                 "not document"


@pytest.mark.parametrize("prog,status,what,args,names", ROWS,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in ROWS])
def test_the_command_gives_the_status(world, prog, status, what, args, names):
    p = run(world, prog, args)
    assert p.returncode == status, f"{what}: {p.returncode}\n{p.stdout}\n{p.stderr}"
    if names is not None:
        assert fill(world, names) in p.stderr, f"{what}: {p.stderr}"
    if status != 0 and "--json" in args:
        err = json.loads(p.stdout)["error"]
        assert "127.0.0.1:1" in err["message"], err
    elif status != 0:
        assert p.stderr.strip(), f"{what}: nothing said on stderr"
