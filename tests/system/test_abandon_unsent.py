"""An application whose keys were made but never sent: `ncaenroll apply` made the two key
pairs and then could not reach the service to submit them (the keys stay, so that the
next run sends the same ones). Such an application can be given up with `ncaenroll
abandon`, without the network: it is abandoned, its two private keys are overwritten and
deleted, and a later `apply --resume` does not bring it back. Made for real: the form
filled in against the real service, then the run that makes the keys pointed at a port
where nothing listens."""
import json
import os

from fixtures import service_fixture
from test_apply_cli import Applicant

UNREACHABLE = "https://127.0.0.1:1"


svc = service_fixture("abandon-unsent")


def keys(me):
    return sorted(n for n in os.listdir(me.keys) if n.endswith(".key"))


def unsent(svc, home):
    """An application in keys_ready: its two keys made, the submission never answered."""
    me = Applicant(svc, str(home))
    p = me.apply(email="buhgalter@mail")        # refused here: all else is kept
    assert p.returncode == 1, p.stderr
    app = json.loads(p.stdout)["error"]["id"]
    assert not os.path.exists(me.keys) or keys(me) == []
    base = me.svc.base
    me.svc.base = UNREACHABLE
    try:
        p = me.run("--json", "apply", "--resume", app, "--email", "buhgalter@mail.kz")
    finally:
        me.svc.base = base
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "127.0.0.1:1" in json.loads(p.stdout)["error"]["message"], p.stdout
    [a] = json.loads(me.run("--json", "list").stdout)
    assert a["id"] == app and a["state"] == "keys_ready" and "request_number" not in a, a
    assert keys(me) == [f"ncaenroll-{app}-AUTH.key", f"ncaenroll-{app}-SIGN.key"]
    return me, app


def test_keys_never_sent_are_abandoned_for_good(svc, tmp_path):
    me, app = unsent(svc, tmp_path)
    # A second name for a key, to see what became of its bytes.
    spy = tmp_path / "spy.key"
    os.link(os.path.join(me.keys, keys(me)[0]), spy)
    size = os.path.getsize(spy)
    assert b"PRIVATE KEY" in spy.read_bytes()
    base = svc.base
    svc.base = UNREACHABLE                      # giving up asks nothing of the service
    try:
        p = me.run("abandon", "--yes", app)
    finally:
        svc.base = base
    assert p.returncode == 0, p.stderr
    assert f"Application {app} is abandoned." in p.stdout, p.stdout
    assert f"Its 2 private keys were removed from {me.keys}." in p.stdout, p.stdout
    assert keys(me) == [], "the keys are still there"
    assert spy.read_bytes() == b"\0" * size, "a key was unlinked without being overwritten"
    [a] = json.loads(me.run("--json", "list").stdout)
    assert a["state"] == "abandoned", a
    # Resuming it now sends nothing and makes no keys.
    p = me.run("--json", "apply", "--resume", app)
    assert p.returncode == 1, p.stdout
    assert json.loads(p.stdout)["error"]["code"] == "application.closed", p.stdout
    assert keys(me) == []
    [a] = json.loads(me.run("--json", "list").stdout)
    assert a["state"] == "abandoned" and "request_number" not in a, a


def test_without_a_terminal_nothing_is_removed_unasked(svc, tmp_path):
    me, app = unsent(svc, tmp_path)
    before = keys(me)
    p = me.run("abandon", app)
    assert p.returncode == 2, p.stderr
    assert "--yes" in p.stderr
    assert keys(me) == before
    assert json.loads(me.run("--json", "list").stdout)[0]["state"] == "keys_ready"
