"""The holder renews online: `ncaenroll renew NUMBER` makes two new key pairs in the same
folder (or on the same token), signs with the current AUTH key after the containers'
password (or the token's PIN), and the real ncaenrolld issues a NEW application at once;
`ncaenroll install NEW` installs it as any other, and then the old application reads
revoked, superseded by "renewal NEW". Expired certificates (the service's clock moved past
notAfter) and revoked ones are refused with "a new application is needed"."""
import json
import os
import time

from faults import faults_program
from fixtures import service_fixture
from softhsm import SoftHSM
from test_apply_cli import Applicant, wait_status
from test_token_apply import Applicant as TokenApplicant, objects, wait_status as token_wait
from service import set_clock

PASSWORD, NEW_PASSWORD = "Qwerty12", "Zhaksy2026"

svc = service_fixture("holder-renew", extra=["--auto-approve", "1"], clock=True)


def tick(clock):
    """The service's clock, frozen by --test-clock, moved on to now so that it approves
    by itself (a second after the submission, by its clock) and never ahead of the
    applicant's (the certificates would not be valid yet)."""
    time.sleep(1.1)
    set_clock(clock, int(time.time()))


def installed(svc, home, clock):
    os.makedirs(home, exist_ok=True)
    me = Applicant(svc, str(home))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    tick(clock)
    wait_status(me, number, "issued")
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=PASSWORD)
    assert p.returncode == 0, p.stderr
    return me, number


def service_status(svc, number):
    st, body = svc.request("GET", f"/api/v1/applications/{number}")
    assert st == 200, body
    return body


def test_renew_then_install_supersedes_the_old(svc, tmp_path, clock):
    me, old = installed(svc, tmp_path / "home", clock)
    before = sorted(os.listdir(me.keys))

    p = me.run("renew", old, "--password-fd", "PWFD", password="Wrong1234")
    assert p.returncode == 1 and "registration desk" in p.stderr, p.stderr

    p = me.run("--json", "renew", old, "--password-fd", "PWFD", password=PASSWORD)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    new = done["request_number"]
    assert new != old and done["renews"] == old and done["status"] == "issued", done
    assert done["keys_dir"] == me.keys, done
    st = service_status(svc, new)
    assert st["status"] == "issued" and st["renews"] == old, st
    assert service_status(svc, old)["status"] == "installed", "revoked only after install"
    # Two new pending keys in the same folder, beside the installed containers.
    pending = sorted(set(os.listdir(me.keys)) - set(before))
    assert len(pending) == 2 and all(f.endswith(".key") for f in pending), pending

    # Installed as any other application: a new password for the new containers.
    p = me.run("--json", "install", "--password-fd", "PWFD", new, password=NEW_PASSWORD)
    assert p.returncode == 0, p.stderr
    inst = json.loads(p.stdout)
    assert os.path.dirname(inst["auth"]) == me.keys, inst
    old_st = service_status(svc, old)
    assert old_st["status"] == "revoked", old_st
    assert old_st["revocation"]["reason"] == "superseded", old_st
    assert old_st["revocation"]["by"] == f"renewal {new}", old_st
    apps = {a["request_number"]: a for a in json.loads(me.run("--json", "list").stdout)}
    assert apps[old]["state"] == "revoked" and apps[new]["state"] == "installed", apps
    p = me.run("status", old)
    assert "Superseded by new certificates" in p.stdout and new in p.stdout, p.stdout

    # A superseded application is not renewed again.
    p = me.run("renew", old)
    assert p.returncode == 1 and "a new application is needed" in p.stderr, p.stderr


def test_renew_in_kazakh_says_how_to_install(svc, tmp_path, clock):
    me, old = installed(svc, tmp_path / "home", clock)
    p = me.run("renew", old, "--password-fd", "PWFD", password=PASSWORD, lang="kk")
    assert p.returncode == 0, p.stderr
    assert "Жаңа сертификаттар берілді" in p.stdout and "ncaenroll install" in p.stdout


def test_renew_on_the_same_token(svc, tmp_path, clock):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken N")
    me = TokenApplicant(svc, tmp_path / "home", tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    old = json.loads(p.stdout)["request_number"]
    tick(clock)
    token_wait(me, old, "issued")
    p = me.run("--json", "install", "--pin-fd", "PINFD", old, pin=tok.pin)
    assert p.returncode == 0, p.stderr

    p = me.run("--json", "renew", old, "--pin-fd", "PINFD", pin=tok.pin)
    assert p.returncode == 0, p.stderr
    new = json.loads(p.stdout)["request_number"]
    assert json.loads(p.stdout)["token"] == "Kaztoken N", p.stdout
    keys = [o for o in objects(tok) if o["class"] == "Private Key"]
    assert len(keys) == 4, objects(tok)
    p = me.run("--json", "install", "--pin-fd", "PINFD", new, pin=tok.pin)
    assert p.returncode == 0, p.stderr
    token_wait(me, old, "revoked")


def test_expired_is_not_renewed(svc, tmp_path, clock):
    me, old = installed(svc, tmp_path / "home", clock)
    st = service_status(svc, old)
    end = st["certificates"]["not_after"]
    later = int(time.mktime(time.strptime(end, "%Y-%m-%dT%H:%M:%SZ"))) - time.timezone + 86400
    set_clock(clock, later)
    try:
        p = me.run("renew", old, "--password-fd", "PWFD", password=PASSWORD)
        assert p.returncode == 1, (p.stdout, p.stderr)
        assert "expired and cannot be renewed: a new application is needed" in p.stderr
        p = me.run("renew", old, "--password-fd", "PWFD", password=PASSWORD, lang="ru")
        assert "нужна новая заявка" in p.stderr, p.stderr
    finally:
        set_clock(clock, int(time.time()))
    # Nothing was issued: only the old application and the unsent renewal's draft.
    assert all(a["state"] in ("installed", "keys_ready", "draft")
               for a in json.loads(me.run("--json", "list").stdout))


class Crashing(Applicant):
    """The same computer running ncaenroll-faults, killed at a crash point (fault.h)."""

    def __init__(self, applicant, point):
        super().__init__(applicant.svc, applicant.home)
        self.point = point

    def program(self):
        return faults_program()

    def env(self, lang):
        return dict(super().env(lang), NCAENROLL_FAULT=self.point)


def test_a_renewal_cut_short_is_taken_up(svc, tmp_path, clock):
    """Killed after the service issued the renewal, before it was recorded here: run
    again, the same new keys are used, the service's renewal is found (its keys are
    known to it: key.reused) and recorded, and it installs; no third pair, no second
    renewal."""
    me, old = installed(svc, tmp_path / "home", clock)
    p = Crashing(me, "renew.answered").run("renew", old, "--password-fd", "PWFD",
                                            password=PASSWORD)
    assert p.returncode == -9, (p.returncode, p.stderr)
    renewed_by = service_status(svc, old).get("renewed_by")
    assert renewed_by, "the service issued the renewal before the crash"
    keys = sorted(os.listdir(me.keys))
    p = me.run("--json", "renew", old, "--password-fd", "PWFD", password=PASSWORD)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["request_number"] == renewed_by, p.stdout
    assert sorted(os.listdir(me.keys)) == keys, "the same new keys, no third pair"
    p = me.run("--json", "install", "--password-fd", "PWFD", renewed_by,
               password=NEW_PASSWORD)
    assert p.returncode == 0, p.stderr
    assert service_status(svc, old)["status"] == "revoked"
