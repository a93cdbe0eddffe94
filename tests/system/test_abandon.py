"""Giving up an application, and its keys. Pending private keys are plain PEM: once an
application can no longer be issued (never sent, rejected at the desk, cancelled after its
month) `ncaenroll abandon` removes them for good, overwritten and then unlinked (or, on a
token, destroyed there), after the person confirms: on a terminal in their language, or
with --yes. `ncaenroll status` tells of the keys left by a refusal, and removes nothing
itself. A submitted, issued or installed application is not abandoned, and the person is
told why and what to do instead. Against the real ncaenrolld and desk; SoftHSM2 is the
token."""
import json
import os
import subprocess
import time

import pexpect
import pytest

from appstate import SUBMITTED, write_state
from conftest import BUILDDIR
from fixtures import service_fixture
from service import program_env, set_clock
from softhsm import SoftHSM
from test_apply_cli import Applicant, wait_status
from test_ra_cli import Desk
from test_token_apply import Applicant as TokenApplicant, objects


svc = service_fixture("abandon", operator=True, clock=True)


def applied(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    return me, json.loads(p.stdout)["request_number"]


def key_files(me):
    return sorted(n for n in os.listdir(me.keys) if n.endswith(".key"))


def reject(svc, tmp_path, number):
    p, _ = Desk(svc, tmp_path / "desk").json("reject", number, "--reason", "other",
                                             "--text", "no passport", "--yes")
    assert p.returncode == 0, p.stderr


def test_a_rejection_is_told_and_its_keys_removed_only_when_confirmed(svc, tmp_path):
    me, number = applied(svc, tmp_path)
    keys = key_files(me)
    assert len(keys) == 2
    reject(svc, tmp_path, number)
    # status learns it, says the keys are left and how to remove them, removes nothing.
    p = me.run("status", number)
    assert p.returncode == 0, p.stderr
    assert "Rejected" in p.stdout and f"ncaenroll abandon {number}" in p.stdout, p.stdout
    assert me.keys in p.stdout
    assert key_files(me) == keys
    p = me.run("--json", "status", number)
    st = json.loads(p.stdout)
    assert st["keys_pending"] is True and st["keys_dir"] == me.keys and "token" not in st, st
    # Without a terminal to ask on, nothing is removed without --yes.
    p = me.run("abandon", number)
    assert p.returncode == 2, p.stderr
    assert "--yes" in p.stderr
    assert key_files(me) == keys
    # A second name for one key, to read what became of its bytes.
    spy = tmp_path / "spy.key"
    os.link(os.path.join(me.keys, keys[0]), spy)
    size = os.path.getsize(spy)
    p = me.run("abandon", "--yes", number)
    assert p.returncode == 0, p.stderr
    assert key_files(me) == []
    assert "removed" in p.stdout and me.keys in p.stdout, p.stdout
    data = spy.read_bytes()
    assert len(data) == size and data.strip(b"\0") == b"", "the key was overwritten first"
    # The application stays what it is: rejected; status no longer speaks of keys.
    apps = json.loads(me.run("--json", "list").stdout)
    assert apps[0]["state"] == "rejected"
    p = me.run("status", number)
    assert "abandon" not in p.stdout
    assert json.loads(me.run("--json", "status", number).stdout).get("keys_pending") is not True
    # Again: nothing left to remove, and said so.
    p = me.run("--json", "abandon", "--yes", number)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["keys_removed"] == 0


def test_a_cancelled_application_can_be_abandoned(svc, clock, tmp_path):
    me, number = applied(svc, tmp_path)
    set_clock(clock, int(time.time()) + 31 * 86400)
    try:
        wait_status(me, number, "cancelled")
    finally:
        set_clock(clock, int(time.time()))
    p = me.run("--json", "abandon", "--yes", number)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    assert done["keys_removed"] == 2 and done["state"] == "cancelled", done
    assert key_files(me) == []


def test_keys_never_sent_are_removed_with_the_application(tmp_path):
    """keys_ready: the keys were made, the submission never got through."""
    tool = os.path.join(BUILDDIR, "tests", "tools", "keystore-tool")
    if not os.access(tool, os.X_OK):
        pytest.skip("tests/tools/keystore-tool is not built (make check builds it)")
    keys = tmp_path / "keys"
    app = "0123456789abcdef"
    subprocess.run([tool, "generate", str(keys), app], check=True, capture_output=True)
    fields = {k: v for k, v in SUBMITTED.items() if k != "request_number"}
    state = tmp_path / "applicant.yaml"
    write_state(state, [{"id": app, "state": "keys_ready", "fields": dict(fields, dir=str(keys))}])
    env = program_env()
    env.update(HOME=str(tmp_path))
    run = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--state", str(state)]
    p = subprocess.run(run + ["abandon", "--yes", app], capture_output=True, text=True,
                       env=env, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    assert f"Application {app} is abandoned." in p.stdout
    assert sorted(os.listdir(keys)) == []
    p = subprocess.run(run + ["--json", "list"], capture_output=True, text=True, env=env)
    assert json.loads(p.stdout)[0]["state"] == "abandoned"


def test_what_cannot_be_abandoned_says_what_to_do(svc, tmp_path):
    me, number = applied(svc, tmp_path)
    keys = key_files(me)
    p = me.run("abandon", "--yes", number)
    assert p.returncode == 1
    assert "registration desk" in p.stderr and "at the applicant's request" in p.stderr, p.stderr
    assert key_files(me) == keys
    p, _ = Desk(svc, tmp_path / "desk").json("approve", number, "--documents",
                                             "form,identity,authority", "--yes")
    assert p.returncode == 0, p.stderr
    wait_status(me, number, "issued")
    p = me.run("abandon", "--yes", number)
    assert p.returncode == 1
    assert f"ncaenroll install {number}" in p.stderr, p.stderr
    p = me.run("install", "--password-fd", "PWFD", number, password="Qwerty12")
    assert p.returncode == 0, p.stderr
    p = me.run("abandon", "--yes", number)
    assert p.returncode == 1
    assert "revoke" in p.stderr, p.stderr


def spawn(me, *args):
    env = program_env()
    env.update(HOME=me.home, TERM="xterm")
    cmd = [os.path.join(BUILDDIR, "ncaenroll"), "--service", me.svc.base, "--ca-file",
           me.svc.cafile, "--state", me.state, *args]
    return pexpect.spawn(os.path.join(BUILDDIR, "uninstalled-env"), cmd, env=env,
                         encoding="utf-8", timeout=60, dimensions=(24, 80))


def test_the_person_is_asked_in_their_language(svc, tmp_path):
    me, number = applied(svc, tmp_path)
    keys = key_files(me)
    reject(svc, tmp_path, number)
    p = spawn(me, "--lang", "ru", "abandon", number)
    p.expect(r"\[д/Н\]")
    before = p.before
    assert me.keys in before.replace("\r\n", "") and "удал" in before, before
    p.sendline("н")
    p.expect(pexpect.EOF)
    p.close()
    assert p.exitstatus == 1
    assert key_files(me) == keys, "no: nothing is removed"
    p = spawn(me, "--lang", "kk", "abandon", number)
    p.expect(r"\[и/Ж\]")
    p.sendline("и")
    p.expect(pexpect.EOF)
    p.close()
    assert p.exitstatus == 0
    assert key_files(me) == []


def test_keys_on_a_token_are_destroyed_there(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken 9")
    me = TokenApplicant(svc, tmp_path / "home", tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    assert len([o for o in objects(tok) if o["class"] == "Private Key"]) == 2
    reject(svc, tmp_path, number)
    p = me.run("status", number)
    assert "ncaenroll abandon" in p.stdout and "Kaztoken 9" in p.stdout, p.stdout
    st = json.loads(me.run("--json", "status", number).stdout)
    assert st["keys_pending"] is True and "Kaztoken 9" in st["token"] and \
        "keys_dir" not in st, st
    p = me.run("abandon", "--yes", "--pin-fd", "PINFD", number, pin="000000")
    assert p.returncode == 1, p.stderr                       # a wrong PIN: nothing done
    assert len([o for o in objects(tok) if o["class"] == "Private Key"]) == 2
    p = me.run("--json", "abandon", "--yes", "--pin-fd", "PINFD", number, pin=tok.pin)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["keys_removed"] == 2
    left = [o for o in objects(tok) if o.get("label", "").startswith("ncaenroll-")]
    assert left == [], left
