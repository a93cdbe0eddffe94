"""Each exit status ncaenroll(1) and ncaenroll-ra(1) document, provoked for real, with what
the person reads beside it:

  0 done; 1 input refused (a rule, or the service said no); 2 wrong usage, or a value
  missing with no terminal to ask on; 3 the service could not be reached, was not
  trusted, or failed; 4 a local file, folder or device failed.

(test_cli_contract.py runs every subcommand through success and its failures; this file
holds the cases whose status was once wrong: an http:// address and no service at all
said 3, a missing --ca-file said 3 and called a trusted service untrusted, install
without a terminal said 1.)"""
import json
import os
import re
import subprocess

import pytest

from test_apply_cli import wait_status  # noqa: F401
from test_cli_contract import World, svc  # noqa: F401
from test_ra_cli import DEMO_OPERATOR_PASSWORD


@pytest.fixture(scope="module")
def world(svc, tmp_path_factory):  # noqa: F811
    return World(svc, tmp_path_factory.mktemp("status"))


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory):
    """A CA certificate that exists and is not the service's."""
    d = tmp_path_factory.mktemp("otherca")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(d / "k.pem"), "-out", str(d / "ca.pem"), "-subj", "/CN=other",
                    "-days", "1"], check=True, capture_output=True)
    return str(d / "ca.pem")


def applicant(world, *args, password=None, service=True):
    return world.run("ncaenroll", list(args), password=password, service=service)


def desk(world, *args, password=DEMO_OPERATOR_PASSWORD, service=True):
    return world.run("ncaenroll-ra", ["--operator", world.values["p12"], "--password-fd",
                                      "PWFD", *args], password=password, service=service)


PROGRAMS = {"ncaenroll": applicant, "ncaenroll-ra": desk}


def command(prog, world):
    """A command of each program that needs the service."""
    return ["status", world.values["sent"]] if prog == "ncaenroll" else \
        ["show", world.values["sent"]]


@pytest.mark.parametrize("prog", PROGRAMS)
def test_0_done(world, prog):
    p = PROGRAMS[prog](world, *command(prog, world))
    assert p.returncode == 0, p.stderr
    assert world.values["sent"] in p.stdout


@pytest.mark.parametrize("prog", PROGRAMS)
def test_1_refused_by_the_service(world, prog):
    if prog == "ncaenroll":
        p = applicant(world, "abandon", world.values["sent"])
        assert "registration desk" in p.stderr
    else:
        p = desk(world, "approve", world.values["issued"], "--documents",
                 "form,identity,authority", "--yes")
        assert "already decided" in p.stderr
    assert p.returncode == 1, p.stderr


@pytest.mark.parametrize("prog", PROGRAMS)
def test_1_refused_by_a_rule(world, prog):
    p = PROGRAMS[prog](world, "status" if prog == "ncaenroll" else "show",
                       world.values["typo"])
    assert p.returncode == 1, p.stderr
    assert "mistyped" in p.stderr or "check digit" in p.stderr, p.stderr


@pytest.mark.parametrize("prog", PROGRAMS)
def test_2_http_service_is_wrong_usage(world, prog):
    p = PROGRAMS[prog](world, "--service", "http://127.0.0.1:1", "--json",
                       *command(prog, world))
    assert p.returncode == 2, (p.stdout, p.stderr)
    err = json.loads(p.stdout)["error"]
    assert err["code"] == "service.url" and "https://" in err["message"], err


@pytest.mark.parametrize("prog", PROGRAMS)
def test_2_no_service_is_wrong_usage(world, prog):
    p = PROGRAMS[prog](world, *command(prog, world), service=False)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "--service" in p.stderr and "--demo" in p.stderr, p.stderr


def test_2_no_service_for_every_submitted_application(world):
    p = applicant(world, "status", service=False)
    assert p.returncode == 2, (p.stdout, p.stderr)


def test_2_a_command_that_needs_no_service_works_without_one(world):
    p = applicant(world, "list", service=False)
    assert p.returncode == 0, p.stderr
    p = applicant(world, "form", world.values["sent"], service=False)
    assert p.returncode == 0, p.stderr


def test_2_install_without_a_terminal(world):
    p = applicant(world, "install", world.values["issued"])
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "--password-fd" in p.stderr


def test_2_password_without_a_terminal(world):
    p = world.run("ncaenroll-ra", ["--operator", world.values["p12"], "queue"])
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "--password-fd" in p.stderr


@pytest.mark.parametrize("prog", PROGRAMS)
def test_2_unknown_option(world, prog):
    p = PROGRAMS[prog](world, *command(prog, world), "--colour")
    assert p.returncode == 2
    assert "--colour" in p.stderr


@pytest.mark.parametrize("prog", PROGRAMS)
def test_3_unreachable(world, prog):
    p = PROGRAMS[prog](world, "--service", "https://127.0.0.1:1", *command(prog, world))
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "127.0.0.1:1" in p.stderr


@pytest.mark.parametrize("prog", PROGRAMS)
def test_3_not_trusted(world, other_ca, prog):
    p = PROGRAMS[prog](world, "--ca-file", other_ca, *command(prog, world))
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "trust" in p.stderr, p.stderr


@pytest.mark.parametrize("prog", PROGRAMS)
def test_4_missing_ca_file(world, prog):
    missing = os.path.join(world.values["home"], "no-such-ca.pem")
    p = PROGRAMS[prog](world, "--ca-file", missing, *command(prog, world))
    assert p.returncode == 4, (p.stdout, p.stderr)
    assert missing in p.stderr and "does not exist" in p.stderr, p.stderr
    assert "not the one we trust" not in p.stderr


@pytest.mark.parametrize("prog", PROGRAMS)
def test_4_local_file(world, prog):
    if prog == "ncaenroll":
        p = applicant(world, "--state", world.values["damaged"], "list")
        assert world.values["damaged"] in p.stderr
    else:
        missing = os.path.join(world.values["home"], "nowhere.p12")
        p = world.run("ncaenroll-ra", ["--operator", missing, "--password-fd", "PWFD",
                                       "queue"], password="x")
        assert missing in p.stderr
    assert p.returncode == 4, (p.stdout, p.stderr)


@pytest.mark.parametrize("prog", PROGRAMS)
def test_the_manual_page_lists_these_codes(prog):
    from conftest import SRCDIR
    page = open(os.path.join(SRCDIR, "doc", prog + ".1"), encoding="utf-8").read()
    section = page.split(".SH EXIT STATUS", 1)[1].split(".SH", 1)[0]
    # 6: apply with a token still on its factory PIN (test_token_factory_pin.py).
    codes = ["0", "1", "2", "3", "4"] + (["6"] if prog == "ncaenroll" else [])
    assert re.findall(r"^\.B ([0-9])$", section, re.M) == codes
    words = " ".join(section.split())
    assert "no terminal" in words and "reached" in words and "trusted" in words
    assert "https://" in words and "ca\\-file" in words
