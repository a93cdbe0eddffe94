"""The holder revokes online: `ncaenroll revoke NUMBER --reason R`, signed with the
application's current AUTH key — from the PC container after its password (a wrong one is
refused with the way left: a registration desk), or on a SoftHSM2 token after its PIN.
Against the real ncaenrolld: the service's status then reads revoked with the reason and
"holder"; a second revoke is answered with its date and reason and exits 0, asking
nothing; the local state, `list` and `status` say revoked; a revoked application cannot
be renewed. Passwords and PINs go through pipes, never argv or the environment."""
import json
import os
import re

import pytest

from fixtures import service_fixture
from softhsm import SoftHSM
from test_apply_cli import Applicant, wait_status
from test_token_apply import Applicant as TokenApplicant, wait_status as token_wait

PASSWORD = "Qwerty12"

svc = service_fixture("holder-revoke", extra=["--auto-approve", "1"])


def installed(svc, home):
    os.makedirs(home, exist_ok=True)
    me = Applicant(svc, str(home))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(me, number, "issued")
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=PASSWORD)
    assert p.returncode == 0, p.stderr
    return me, number


def service_status(svc, number):
    st, body = svc.request("GET", f"/api/v1/applications/{number}")
    assert st == 200, body
    return body


def test_holder_revokes_with_the_container_password(svc, tmp_path):
    me, number = installed(svc, tmp_path / "home")

    # A wrong password: the container refuses it, nothing is sent, the desk is named.
    p = me.run("revoke", number, "--reason", "keyCompromise", "--yes", "--password-fd",
               "PWFD", password="Wrong1234")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "registration desk" in p.stderr and "lost password" in p.stderr, p.stderr
    assert service_status(svc, number)["status"] == "installed"

    p = me.run("revoke", number, "--reason", "keyCompromise", "--yes", "--password-fd",
               "PWFD", password=PASSWORD)
    assert p.returncode == 0, p.stderr
    assert f"The certificates of application {number} are revoked" in p.stdout, p.stdout
    assert "Key compromised" in p.stdout, p.stdout
    st = service_status(svc, number)
    assert st["status"] == "revoked", st
    assert st["revocation"]["reason"] == "keyCompromise" and st["revocation"]["by"] == "holder"

    # Locally too: the state, the list and the status say revoked, with when and why.
    with open(me.state, encoding="utf-8") as f:
        text = f.read()
    assert "state: revoked" in text and "revoke_reason: \"keyCompromise\"" in text, text
    assert PASSWORD not in text
    [a] = json.loads(me.run("--json", "list").stdout)
    assert a["state"] == "revoked", a
    p = me.run("status", number)
    assert re.search(r"Revoked: \d{4}-\d{2}-\d{2} .*\(Key compromised\)", p.stdout), p.stdout

    # Again: answered with its date and reason, nothing asked (no terminal, no password).
    p = me.run("revoke", number, "--reason", "affiliationChanged")
    assert p.returncode == 0, p.stderr
    assert "already revoked on" in p.stdout and "Key compromised" in p.stdout, p.stdout
    p = me.run("--json", "revoke", number, "--reason", "affiliationChanged")
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    assert done["already_revoked"] is True and done["status"] == "revoked", done
    assert done["revocation"]["reason"] == "keyCompromise", done
    assert service_status(svc, number)["revocation"]["reason"] == "keyCompromise"

    # Revoked certificates are not renewed: said before anything is asked.
    p = me.run("renew", number)
    assert p.returncode == 1, p.stderr
    assert "revoked and cannot be renewed: a new application is needed" in p.stderr


def test_revoke_in_russian_and_kazakh(svc, tmp_path):
    me, number = installed(svc, tmp_path / "home")
    p = me.run("revoke", number, "--reason", "affiliationChanged", "--yes", "--password-fd",
               "PWFD", password=PASSWORD, lang="ru")
    assert p.returncode == 0, p.stderr
    assert "отозваны" in p.stdout and "Уход из организации" in p.stdout, p.stdout
    p = me.run("revoke", number, "--reason", "affiliationChanged", lang="kk")
    assert p.returncode == 0, p.stderr
    assert "кері қайтарылған" in p.stdout and "Ұйымнан кетті" in p.stdout, p.stdout


def test_revoke_refusals_before_anything_is_sent(svc, tmp_path):
    me, number = installed(svc, tmp_path / "home")
    for reason in ("superseded", "lostPassword"):
        p = me.run("--json", "revoke", number, "--reason", reason, "--yes")
        assert p.returncode == 2, p.stdout
        err = json.loads(p.stdout)["error"]
        assert err["code"] == "reason.unknown" and err["field"] == "reason", err
    p = me.run("revoke", number)
    assert p.returncode == 2 and "--reason" in p.stderr, p.stderr
    # For good: without a terminal to ask on, --yes is wanted.
    p = me.run("revoke", number, "--reason", "keyCompromise", "--password-fd", "PWFD",
               password=PASSWORD)
    assert p.returncode == 2 and "--yes" in p.stderr, p.stderr
    assert service_status(svc, number)["status"] == "installed"
    # The help says where a lost password leads.
    p = me.run("revoke", "--help")
    assert "registration desk" in p.stdout, p.stdout


def test_holder_revokes_on_the_token_with_its_pin(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken R")
    me = TokenApplicant(svc, tmp_path / "home", tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    token_wait(me, number, "issued")
    p = me.run("--json", "install", "--pin-fd", "PINFD", number, pin=tok.pin)
    assert p.returncode == 0, p.stderr

    p = me.run("--json", "revoke", number, "--reason", "cessationOfOperation", "--yes",
               "--pin-fd", "PINFD", pin="000000")
    assert p.returncode == 1, p.stdout
    assert json.loads(p.stdout)["error"]["code"] == "pin.wrong"
    assert service_status(svc, number)["status"] == "installed"

    p = me.run("--json", "revoke", number, "--reason", "cessationOfOperation", "--yes",
               "--pin-fd", "PINFD", pin=tok.pin)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    assert done["status"] == "revoked" and done["already_revoked"] is False, done
    assert done["revocation"]["reason"] == "cessationOfOperation", done
    st = service_status(svc, number)
    assert st["status"] == "revoked" and st["revocation"]["by"] == "holder", st
    assert tok.pin not in " ".join(p.argv) and tok.pin not in "".join(p.env.values())
    with open(me.state, encoding="utf-8") as f:
        assert tok.pin not in f.read()
