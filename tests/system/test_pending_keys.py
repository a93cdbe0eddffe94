"""The pending keys between apply and install, as a person meets them: a key file that
others may read (someone copied it, or changed its mode) is used, and the person is
warned with the file and the command that makes it private again; and an application the
desk has not decided yet is not installed: `ncaenroll install` says it waits (until which
day) before any password is asked, and no key is touched. Real service, real desk-less
waiting."""
import json
import os

import pytest

from fixtures import service_fixture
from test_abandon_unsent import unsent
from test_apply_cli import Applicant


svc = service_fixture("pending")


@pytest.mark.parametrize("mode", [0o640, 0o604], ids=["group", "others"])
def test_a_key_others_may_read_is_warned_about(svc, tmp_path, mode):
    me, app = unsent(svc, tmp_path)
    key = os.path.join(me.keys, f"ncaenroll-{app}-AUTH.key")
    os.chmod(key, mode)
    p = me.run("apply", "--resume", app)
    assert p.returncode == 0, p.stderr
    said = " ".join(p.stderr.split())
    assert f"{key} may be read by other users (chmod 600 {key})" in said, said
    other = os.path.join(me.keys, f"ncaenroll-{app}-SIGN.key")
    assert other not in said, "the private one is not warned about"


def test_a_waiting_application_is_not_installed_and_nothing_is_asked(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    sent = json.loads(p.stdout)
    keys = {n: open(os.path.join(me.keys, n), "rb").read() for n in os.listdir(me.keys)}
    # No --password-fd and no terminal: had it asked, the status would be 2.
    for args in (["install", sent["request_number"]],
                 ["install", "--password-fd", "PWFD", sent["request_number"]]):
        p = me.run(*args, password="Qwerty12" if "PWFD" in args else None)
        assert p.returncode == 1, (p.stdout, p.stderr)
        said = " ".join(p.stderr.split())
        assert "not issued yet" in said and sent["deadline"][:10] in said, said
        assert "--password-fd" not in said, said
        assert {n: open(os.path.join(me.keys, n), "rb").read()
                for n in os.listdir(me.keys)} == keys
    [a] = json.loads(me.run("--json", "list").stdout)
    assert a["state"] == "submitted", a
