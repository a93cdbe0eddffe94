"""--json as a script reads it: a run prints exactly one JSON value on stdout. Exit status 0
goes with the command's answer, of the shape ncaenroll(1) and ncaenroll-ra(1) document;
any other status with one error object, usage errors included:

    {"error": {"code": "...", "message": "...", ["field": "...",]
               "fields": [{"field": "...", "code": "...", "message": "..."}, ...]}}

with no member ever null. (`validate` alone answers a value found invalid with its own
{"valid": false, ...}, as README.md shows.)"""
import json

import pytest

from test_apply_cli import wait_status  # noqa: F401
from test_cli_contract import APPLY, NCAENROLL, NCAENROLL_RA, OPERATOR, World, svc  # noqa: F401
from test_ra_cli import DEMO_OPERATOR_PASSWORD

pytestmark = pytest.mark.long(3)  # minutes under ASan: conftest.py starts it first


@pytest.fixture(scope="module")
def world(svc, tmp_path_factory):  # noqa: F811
    return World(svc, tmp_path_factory.mktemp("json"))


def no_nulls(value, where="answer"):
    if value is None:
        raise AssertionError(f"null at {where}")
    if isinstance(value, dict):
        for k, v in value.items():
            no_nulls(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            no_nulls(v, f"{where}[{i}]")


def one_value(p, nulls=False):
    """The one JSON value on stdout (a second one, or anything else, fails). nulls: the
    service's own answer, passed on as doc/api.md and doc/api-ra.md describe it."""
    text = p.stdout.strip()
    assert text, ("nothing on stdout", p.stderr)
    value, end = json.JSONDecoder().raw_decode(text)
    assert text[end:].strip() == "", ("more than one answer", p.stdout)
    if not nulls:
        no_nulls(value)
    return value


def error_object(p):
    answer = one_value(p)
    assert set(answer) == {"error"}, answer
    err = answer["error"]
    assert isinstance(err["code"], str) and err["code"], err
    assert isinstance(err["message"], str) and err["message"], err
    assert isinstance(err["fields"], list), err
    for f in err["fields"]:
        assert set(f) == {"field", "code", "message"}, f
        assert all(isinstance(v, str) and v for v in f.values()), f
    if "field" in err:
        assert err["fields"] and err["fields"][0]["field"] == err["field"], err
    assert set(err) <= {"code", "message", "field", "fields", "id"}, err
    return err


FAILURES = [r for r in NCAENROLL if r[4] != 0 and r[0] != "validate-invalid"]


@pytest.mark.parametrize("name,prog,args,password,status", FAILURES,
                         ids=[r[0] for r in FAILURES])
def test_every_ncaenroll_failure_is_one_error_object(world, name, prog, args, password,
                                                    status):
    p = world.run(prog, ["--json"] + world.fill(args), password=password)
    assert p.returncode == status, (p.stdout, p.stderr)
    err = error_object(p)
    if status == 2:
        assert err["code"] in ("usage", "field.missing", "settings", "service.url",
                               "service.none"), err


RA_FAILURES = [r for r in NCAENROLL_RA if r[3] != 0]


@pytest.mark.parametrize("name,args,password,status", RA_FAILURES,
                         ids=[r[0] for r in RA_FAILURES])
def test_every_ncaenroll_ra_failure_is_one_error_object(world, name, args, password, status):
    p = world.run("ncaenroll-ra", world.fill(["--json"] + OPERATOR + args), password=password)
    assert p.returncode == status, (p.stdout, p.stderr)
    error_object(p)


@pytest.mark.parametrize("args", [
    ["--json", "status", "--colour"],
    ["status", "--colour", "--json"],          # --json after the mistake counts too
    ["--json", "--colour", "status"],
    ["--json", "frobnicate"],
    ["--json", "install"],
    ["--json", "status", "1", "2"],
])
def test_usage_errors_under_json(world, args):
    p = world.run("ncaenroll", args)
    assert p.returncode == 2
    assert error_object(p)["code"] == "usage"


def test_missing_bin_is_a_field(world):
    p = world.run("ncaenroll", ["--json", "apply", "--captcha-answer", "K7M3P"])
    assert p.returncode == 2
    err = error_object(p)
    assert err["code"] == "field.missing" and err["field"] == "bin", err


def test_missing_captcha_answer_is_a_field_not_nulls(world):
    args = [a for a in APPLY if a not in ("--captcha-answer", "K7M3P")]
    p = world.run("ncaenroll", ["--json", "apply", *args, "--dir", world.values["home"] + "/kc"])
    assert p.returncode == 2, (p.stdout, p.stderr)
    err = error_object(p)
    assert err["field"] == "captcha_answer" and err["code"] == "field.missing", err
    assert "?" != err["message"]


def test_several_refused_fields_in_one_object(world):
    args = APPLY + ["--dir", world.values["home"] + "/k2", "--email", "buhgalter@mail",
                    "--gu-code", "9999"]
    p = world.run("ncaenroll", ["--json", "apply", *args])
    assert p.returncode == 1
    err = error_object(p)
    assert [f["field"] for f in err["fields"]] == ["email", "gu_code"], err
    assert err["field"] == "email" and err["code"] == "email.domain_no_dot"
    assert len(err["id"]) > 0, "the draft to continue with --resume"
    # The same run without --json names both refusals to a person.
    p = world.run("ncaenroll", ["apply", "--resume", err["id"], "--email", "a@mail",
                                "--gu-code", "9999", "--captcha-answer", "K7M3P"])
    assert p.returncode == 1
    assert "domain" in p.stderr and "9999" in p.stderr, p.stderr


def test_install_without_a_terminal(world):
    p = world.run("ncaenroll", ["--json", "install", world.values["issued"]])
    assert p.returncode != 0
    err = error_object(p)
    assert "--password-fd" in err["message"]


def test_status_of_several_that_fail_is_one_object(world):
    p = world.run("ncaenroll", ["--json", "--service", world.values["unreachable"], "status"])
    assert p.returncode == 3, (p.stdout, p.stderr)
    error_object(p)


def test_a_failure_says_nothing_on_stderr_under_json(world):
    p = world.run("ncaenroll", ["--json", "status", world.values["typo"]])
    assert p.returncode == 1
    error_object(p)
    assert p.stderr == ""


# ---- the answers on success, as the manual pages document them ----

def keys(value):
    return set(value)


def test_success_shapes(world):
    home = world.values["home"]
    p = world.run("ncaenroll", ["--json", "apply", *APPLY, "--dir", home + "/ks",
                                "--email", "buhgalter@mail.kz"])
    assert p.returncode == 0, p.stderr
    applied = one_value(p)
    assert keys(applied) == {"request_number", "id", "deadline", "mail"}, applied
    number = applied["request_number"]

    st = one_value(world.run("ncaenroll", ["--json", "status", number]), nulls=True)
    assert {"request_number", "status", "status_label"} <= keys(st), st
    all_ = one_value(world.run("ncaenroll", ["--json", "status"]), nulls=True)
    assert isinstance(all_, list) and number in [s["request_number"] for s in all_]

    listed = one_value(world.run("ncaenroll", ["--json", "list"]))
    mine = [a for a in listed if a.get("request_number") == number][0]
    assert {"id", "state", "request_number", "bin", "created"} <= keys(mine), mine

    form = one_value(world.run("ncaenroll", ["--json", "form", number]))
    assert keys(form) == {"request_number", "text"} and number in form["text"], form
    form = one_value(world.run("ncaenroll", ["--json", "form", number, "--pdf",
                                             home + "/f.pdf"]))
    assert form == {"request_number": number, "pdf": home + "/f.pdf", "printed": False}, form

    draft = world.fresh_draft()
    gone = one_value(world.run("ncaenroll", ["--json", "abandon", draft]))
    assert gone["id"] == draft and gone["state"] == "abandoned" and \
        gone["keys_removed"] == 0 and keys(gone) <= {"id", "state", "keys_removed",
                                                     "keys_dir"}, gone

    issued = world.fresh_number(issued=True)
    done = one_value(world.run("ncaenroll", ["--json", "install", "--password-fd", "PWFD",
                                             issued], password="Qwerty12"))
    assert keys(done) == {"request_number", "status", "auth", "sign"}, done

    ok = one_value(world.run("ncaenroll", ["--json", "validate", "bin", "940140000385"]))
    assert keys(ok) == {"valid", "kind", "details", "errors"} and ok["valid"] is True
    bad = world.run("ncaenroll", ["--json", "validate", "bin", "940140000386"])
    assert bad.returncode == 1 and one_value(bad)["valid"] is False


def test_ra_success_shapes(world):
    def ra(*args):
        p = world.run("ncaenroll-ra", world.fill(["--json"] + OPERATOR + list(args)),
                      password=DEMO_OPERATOR_PASSWORD)
        assert p.returncode == 0, p.stderr
        return one_value(p, nulls=True)
    sent = world.values["sent"]
    assert keys(ra("queue", "--all")) == {"applications"}
    assert {"request_number", "status", "applicant", "documents", "history"} <= \
        keys(ra("show", sent))
    assert keys(ra("history", sent)) == {"request_number", "history"}
    assert keys(ra("reasons")) == {"reasons"}
    number = world.fresh_number()
    approved = ra("approve", number, "--documents", "form,identity,authority", "--yes")
    assert approved["request_number"] == number and approved["status"] == "issued"
    number = world.fresh_number()
    rejected = ra("reject", number, "--reason", "identity_mismatch", "--yes")
    assert rejected["request_number"] == number and rejected["status"] == "rejected"
