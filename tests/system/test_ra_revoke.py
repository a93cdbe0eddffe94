"""Revocation at the registration desk (issue 13): `ncaenroll-ra revoke NUMBER` against the
real ncaenrolld over mutual TLS revokes both certificates of an issued or installed
application after the documents checklist an approval needs, for a reason of
src/common/revocation.c a desk may give; the applicant's status then reads revoked with
the reason; a second revocation is answered with the first one's date and reason (exit 0),
never repeated; an application with no certificates is refused (exit 1). `ncaenroll-ra
certs --iin IIN` finds every certificate of a person, in 80 columns. Nothing is mocked:
the applications are made with `ncaenroll apply` and approved with `ncaenroll-ra approve`.
"""
import json
import os
import re

import pexpect
import pytest

from fixtures import service_fixture
from test_apply_cli import Applicant, wait_status
from test_ra_cli import DEMO_IIN, DEMO_OPERATOR_PASSWORD, Desk, applied  # noqa: F401

DOCS = "form,identity,authority"
NUMBER = re.compile(r"\d{4}(?:-\d{4}){6}")
SERIAL = re.compile(r"\b[0-9A-F]{32,40}\b")

svc = service_fixture("ra-revoke", operator=True)


def width(line):
    return len(line)                     # Cyrillic and Latin letters: one column each


@pytest.fixture
def approved(svc, tmp_path, applied):  # noqa: F811
    """An application approved at the desk: (applicant, number, desk)."""
    me, number = applied
    desk = Desk(svc, tmp_path)
    p = desk.run("approve", number, "--documents", DOCS, "--yes")
    assert p.returncode == 0, p.stderr
    wait_status(me, number, "issued", seconds=20)
    return me, number, desk


def test_revoke_an_issued_application(approved):
    me, number, desk = approved
    p = desk.run("revoke", number, "--reason", "keyCompromise", "--documents", DOCS, "--yes",
                 "--text", "ключ утерян")
    assert p.returncode == 0, p.stderr
    assert "Revoked" in p.stdout and "Key compromised" in p.stdout, p.stdout
    assert "operator demo-operator" in p.stdout, p.stdout
    # The applicant reads it in their status; the desk in its view and history.
    st = wait_status(me, number, "revoked", seconds=20)
    assert st["revocation"]["reason"] == "keyCompromise"
    p, app = desk.json("show", number)
    assert p.returncode == 0, p.stderr
    assert app["status"] == "revoked"
    assert app["revocation"]["reason"] == "keyCompromise"
    assert app["revocation"]["by"] == "operator:demo-operator"
    p = desk.run("show", number)
    assert "Certificates revoked" in p.stdout and "Key compromised" in p.stdout, p.stdout
    # Asked twice: answered with the first one's reason, not done again (exit 0).
    p = desk.run("revoke", number, "--reason", "affiliationChanged", "--documents", DOCS,
                 "--yes")
    assert p.returncode == 0, p.stderr
    assert "already revoked" in p.stdout and "Key compromised" in p.stdout, p.stdout
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", p.stdout), "with its date"
    p, answer = desk.json("revoke", number, "--reason", "keyCompromise", "--documents",
                          DOCS, "--yes")
    assert p.returncode == 0, p.stderr
    assert answer["already_revoked"] is True and answer["status"] == "revoked"
    assert answer["revocation"]["reason"] == "keyCompromise"
    assert answer["request_number"] == number
    p, app = desk.json("show", number)
    assert app["revocation"]["reason"] == "keyCompromise", "the first reason stays"


def test_revoke_an_installed_application_in_russian(svc, approved):
    me, number, desk = approved
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    wait_status(me, number, "installed", seconds=20)
    p, answer = desk.json("revoke", number, "--reason", "affiliationChanged", "--documents",
                          DOCS, "--yes")
    assert p.returncode == 0, p.stderr
    assert answer["status"] == "revoked"
    assert answer["revocation"]["reason"] == "affiliationChanged"
    p = desk.run("revoke", number, "--reason", "affiliationChanged", "--documents", DOCS,
                 "--yes", lang="ru")
    assert p.returncode == 0, p.stderr
    assert "Уход из организации" in p.stdout, p.stdout
    assert "affiliationChanged" not in p.stdout


def test_nothing_to_revoke_before_the_certificates(svc, tmp_path, applied):  # noqa: F811
    _, number = applied
    desk = Desk(svc, tmp_path)
    p = desk.run("revoke", number, "--reason", "keyCompromise", "--documents", DOCS, "--yes")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "no certificates to revoke" in p.stderr, p.stderr
    p, answer = desk.json("revoke", number, "--reason", "keyCompromise", "--documents", DOCS,
                          "--yes")
    assert p.returncode == 1
    assert answer["error"]["code"] == "application.not_revocable"
    p, app = desk.json("show", number)
    assert app["status"] == "submitted"


def test_the_reason_and_the_documents_are_checked(approved):
    _, number, desk = approved
    # superseded is the service's own (a renewal), never a desk's; a made-up one neither.
    for reason in ("superseded", "bad_weather"):
        p, answer = desk.json("revoke", number, "--reason", reason, "--documents", DOCS,
                              "--yes")
        assert p.returncode == 1, p.stdout
        assert answer["error"]["code"] == "reason.unknown"
        assert answer["error"]["field"] == "reason"
        assert "keyCompromise" in answer["error"]["message"]
        # Refused here, before the password is read or the service asked: a desk with
        # no service to reach is told the same.
        nowhere = Desk(desk.svc, desk.home)
        nowhere.svc = type("Gone", (), {"base": "https://127.0.0.1:9", "cafile":
                                        desk.svc.cafile})()
        p = nowhere.run("revoke", number, "--reason", reason, "--documents", DOCS, "--yes")
        assert p.returncode == 1 and "keyCompromise" in p.stderr, p.stderr
    # The same documents as an approval: one missing, nothing revoked.
    p, answer = desk.json("revoke", number, "--reason", "keyCompromise", "--documents",
                          "form", "--yes")
    assert p.returncode == 1, p.stdout
    assert answer["error"]["field"] == "documents"
    # Without a terminal, everything is spelled out.
    p = desk.run("revoke", number, "--reason", "keyCompromise", "--documents", DOCS)
    assert p.returncode == 2 and "--yes" in p.stderr
    p = desk.run("revoke", number, "--documents", DOCS, "--yes")
    assert p.returncode == 2 and "--reason" in p.stderr
    p = desk.run("revoke", number, "--reason", "keyCompromise", "--yes")
    assert p.returncode == 2 and "--documents" in p.stderr
    p, app = desk.json("show", number)
    assert app["status"] == "issued"


def test_revoke_at_a_terminal_asks_reason_documents_and_confirmation(approved):
    me, number, desk = approved
    cmd = desk.cmd() + ["--operator", desk.p12, "revoke", number]
    env = desk.env()
    env.update(TERM="xterm", LANGUAGE="en")
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, encoding="utf-8", timeout=60,
                          dimensions=(24, 80))
    child.expect("Password for .*: ")
    child.sendline(DEMO_OPERATOR_PASSWORD)
    child.expect("ЖАҚСЫЛЫҚОВА")
    child.expect("Reason \\(type its code\\): ")
    assert "cessationOfOperation" in child.before and "superseded" not in child.before
    child.sendline("cessationOfOperation")
    ticked = 0
    while child.expect([r"Checked.*\? \[y/N\] ", r"Explanation .*: "]) == 0:
        child.sendline("y")
        ticked += 1
    assert ticked == 3
    child.sendline("")
    child.expect(r"Revoke both certificates of application .*\? .*\[y/N\] ")
    child.sendline("y")
    child.expect("Revoked")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    st = wait_status(me, number, "revoked", seconds=20)
    assert st["revocation"]["reason"] == "cessationOfOperation"


def test_certs_by_iin(approved, tmp_path):
    me, number, desk = approved
    # A second application of the same person, still waiting: it has no certificates.
    p = me.apply()
    assert p.returncode == 0, p.stderr
    waiting = json.loads(p.stdout)["request_number"]
    p = desk.run("revoke", number, "--reason", "keyCompromise", "--documents", DOCS, "--yes")
    assert p.returncode == 0, p.stderr
    p = desk.run("certs", "--iin", DEMO_IIN)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert number in out and waiting not in out, out
    row = next(line for line in out.splitlines() if number in line)
    assert "Revoked" in row, f"the application's own line says revoked:\n{out}"
    assert "Key compromised" in out, out
    assert len(SERIAL.findall(out)) >= 2, f"both serials:\n{out}"
    for line in out.splitlines():
        assert width(line) <= 80, line
    p, answer = desk.json("certs", "--iin", DEMO_IIN)
    assert p.returncode == 0, p.stderr
    rows = {a["request_number"]: a for a in answer["applications"]}
    assert number in rows and waiting not in rows
    assert rows[number]["status"] == "revoked"
    assert rows[number]["revocation"]["reason"] == "keyCompromise"
    # In Russian: the words of the reader, not the wire's.
    p = desk.run("certs", "--iin", DEMO_IIN, lang="ru")
    assert "Компрометация ключа" in p.stdout and "keyCompromise" not in p.stdout, p.stdout
    for line in p.stdout.splitlines():
        assert width(line) <= 80, line


def test_certs_of_a_mistyped_iin_and_of_nobody(svc, tmp_path):
    desk = Desk(svc, tmp_path)
    wrong = DEMO_IIN[:-1] + str((int(DEMO_IIN[-1]) + 1) % 10)
    p, answer = desk.json("certs", "--iin", wrong)
    assert p.returncode == 1, p.stdout
    assert answer["error"]["field"] == "iin"
    p = desk.run("certs")
    assert p.returncode == 2 and "--iin" in p.stderr
    # A valid IIN no certificate was issued to.
    p = desk.run("certs", "--iin", "760212350620")
    assert p.returncode == 0, p.stderr
    assert "No certificates" in p.stdout
