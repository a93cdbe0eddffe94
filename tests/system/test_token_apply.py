"""Keys on a token, from the applicant's command line: SoftHSM2 is the token, the real
ncaenrolld on loopback issues the certificates. The token connected is found by itself;
the keys are made inside it and never leave it; the certificates are stored beside them;
the PIN goes through a pipe and is never written anywhere. Nothing is mocked."""
import json
import os
import re
import subprocess
import time

from conftest import BUILDDIR
from service import program_env
from softhsm import SoftHSM
# The applicant's demo answers, and the service approving by itself (a fixture).
from test_apply_cli import DEMO, svc  # noqa: F401 (fixtures)


class Applicant:
    """One person's computer with a token plugged in."""

    def __init__(self, svc, home, token):
        self.svc, self.home, self.token = svc, str(home), token
        self.state = os.path.join(self.home, "state.yaml")
        os.makedirs(self.home, exist_ok=True)

    def run(self, *args, pin=None):
        env = program_env()
        env.update(HOME=self.home, XDG_STATE_HOME=os.path.join(self.home, "xdg"),
                   XDG_CONFIG_HOME=os.path.join(self.home, "cfg"), LANGUAGE="en")
        env.update(self.token.env())
        cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
               "--service", self.svc.base, "--ca-file", self.svc.cafile,
               "--state", self.state]
        fds = ()
        args = list(args)
        if pin is not None:
            r, w = os.pipe()
            os.write(w, pin.encode() + b"\n")
            os.close(w)
            args = [a if a != "PINFD" else str(r) for a in args]
            fds = (r,)
        p = subprocess.run(cmd + args, capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, pass_fds=fds, timeout=180)
        for fd in fds:
            os.close(fd)
        p.argv, p.env = cmd + args, env
        return p

    def apply(self, pin, **over):
        values = dict(DEMO, captcha_answer=self.svc.captcha_code, storage="kaztoken",
                      email="buhgalter@mail.kz")
        values.update(over)
        args = ["apply", "--json", "--pin-fd", "PINFD"]
        for k, v in values.items():
            if v is not None:
                args += ["--" + k.replace("_", "-"), v]
        return self.run(*args, pin=pin)


def objects(token):
    """(class, label, id) of every object on the token, as pkcs11-tool lists them."""
    out = token.pkcs11_tool("--list-objects").stdout
    found, cur = [], None
    for line in out.splitlines():
        m = re.match(r"(Private Key|Public Key|Certificate) Object", line)
        if m:
            cur = {"class": m.group(1)}
            found.append(cur)
        elif cur is not None and ":" in line:
            k, v = line.split(":", 1)
            cur[k.strip()] = v.strip()
    return found


def wait_status(me, number, want, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        p = me.run("--json", "status", number)
        if p.returncode == 0 and json.loads(p.stdout)["status"] == want:
            return
        time.sleep(0.5)
    raise AssertionError(f"{number} never became {want}")


def test_apply_and_install_on_the_token(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken 1")
    me = Applicant(svc, tmp_path / "home", tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    # The one token connected was found without being named.
    assert json.loads(p.stdout)["token"] == tok.serial
    number = json.loads(p.stdout)["request_number"]

    keys = [o for o in objects(tok) if o["class"] == "Private Key"]
    assert sorted(o["label"] for o in keys) == sorted(
        o["label"] for o in keys if re.fullmatch(r"ncaenroll-[0-9a-f]+-(AUTH|SIGN)", o["label"]))
    assert len(keys) == 2, objects(tok)
    for k in keys:   # made inside the token and kept there
        assert "never extractable" in k.get("Access", ""), k
        assert "sensitive" in k.get("Access", ""), k
    # Nothing but the state file on this computer: no key files anywhere in the home.
    files = [os.path.join(d, f) for d, _, fs in os.walk(me.home) for f in fs]
    assert all(not f.endswith(".key") and not f.endswith(".p12") for f in files), files

    wait_status(me, number, "issued")
    p = me.run("--json", "install", "--pin-fd", "PINFD", number, pin=tok.pin)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    assert done["status"] == "installed" and done["token"] == tok.serial, done
    # Each certificate sits beside its key: the same CKA_ID.
    objs = objects(tok)
    certs = [o for o in objs if o["class"] == "Certificate"]
    assert len(certs) == 2, objs
    assert sorted(c["ID"] for c in certs) == sorted(k["ID"] for k in keys)
    wait_status(me, number, "installed")

    # The PIN was never written, passed in argv or put in the environment.
    with open(me.state, encoding="utf-8") as f:
        assert tok.pin not in f.read()
    assert tok.pin not in " ".join(p.argv) and tok.pin not in "".join(p.env.values())


def test_a_wrong_pin_is_refused_and_nothing_is_lost(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken 2")
    me = Applicant(svc, tmp_path / "home", tok)
    p = me.apply("000000")
    assert p.returncode == 1, p.stderr
    err = json.loads(p.stdout)["error"]
    assert err["field"] == "pin" and err["code"] == "pin.wrong", err
    assert "PIN" in err["message"] and "Kaztoken 2" in err["message"], err
    assert not [o for o in objects(tok) if o["class"] == "Private Key"]
    draft = json.loads(me.run("--json", "list").stdout)
    assert [a["state"] for a in draft] == ["draft"]
    # The right PIN then: the same draft goes on.
    p = me.run("--json", "apply", "--resume", draft[0]["id"], "--pin-fd", "PINFD",
               "--captcha-answer", svc.captcha_code, pin=tok.pin)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["id"] == draft[0]["id"]


def test_no_token_connected(svc, tmp_path):
    """A token storage with nothing connected is refused at the token, before any key."""
    tok = SoftHSM(tmp_path / "token", label="Kaztoken 3")
    me = Applicant(svc, tmp_path / "home", tok)
    p = me.apply(tok.pin, token="0000000000000000")
    assert p.returncode == 1
    err = json.loads(p.stdout)["error"]
    assert err["field"] == "token", err
    assert "no token with serial number 0000000000000000 is connected" in err["message"]
