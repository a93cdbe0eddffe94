"""An installed application: `install` again asks for nothing and says where and when it
was installed (it used to ask a new password, say both containers were written, and
change nothing); another password is the explicit `ncaenroll passwd NUMBER`, which really
rewrites both containers: afterwards OpenSSL and GnuTLS certtool (and Java keytool when
installed) open them with the new password and not with the old, in the layout they had.
Against the real ncaenrolld; the containers are the ones install wrote."""
import io
import json
import os
import re
import shutil
import subprocess

import pexpect
import pytest

from conftest import BUILDDIR
from fixtures import service_fixture
from service import program_env
from softhsm import SoftHSM
from test_apply_cli import Applicant, wait_status, snapshot
from test_containers import LAYOUT_LINES, openssl, sh
from test_token_apply import Applicant as TokenApplicant

OLD, NEW = "Qwerty12", "Zhaksy2026"
KEYTOOL = shutil.which("keytool")


svc = service_fixture("passwd", extra=["--auto-approve", "1"])


def installed(svc, tmp_path, legacy=False):
    me = Applicant(svc, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(me, number, "issued")
    args = ["--json", "install", "--password-fd", "PWFD"] + (["--legacy"] if legacy else [])
    p = me.run(*args, number, password=OLD)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    return me, number, [done["auth"], done["sign"]]


def run_fds(me, *args, old=None, new=None, lang="en"):
    """ncaenroll ARGS with the old password on one pipe (OLDFD) and the new on another."""
    env = program_env()
    env.update(HOME=me.home, LANGUAGE=lang)
    fds, args = [], list(args)
    for mark, value in (("OLDFD", old), ("NEWFD", new)):
        if value is None:
            continue
        r, w = os.pipe()
        os.write(w, value.encode() + b"\n")
        os.close(w)
        args = [a if a != mark else str(r) for a in args]
        fds.append(r)
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--service", me.svc.base, "--ca-file", me.svc.cafile, "--state", me.state, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                       pass_fds=fds, timeout=120)
    for fd in fds:
        os.close(fd)
    p.argv = cmd
    return p


def opens(path, pw, legacy=False):
    r = openssl("pkcs12", *(["-legacy"] if legacy else []), "-info", "-noout", "-in", path,
                "-passin", f"pass:{pw}", check=False)
    return r.returncode == 0


def test_install_again_asks_nothing_and_says_where_and_when(svc, tmp_path):
    me, number, paths = installed(svc, tmp_path)
    files = snapshot(me.keys)
    p = me.run("install", number)                  # no password, no terminal: none asked
    assert p.returncode == 0, p.stderr
    assert "already installed" in p.stdout, p.stdout
    for path in paths:
        assert path in p.stdout
    assert re.search(r"\d{4}-\d{2}-\d{2}", p.stdout), "when it was installed"
    assert p.stderr == "" and "New password" not in p.stdout
    assert f"ncaenroll passwd {number}" in p.stdout, "another password is a separate step"
    assert snapshot(me.keys) == files
    p = me.run("--json", "install", number)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    assert done["already_installed"] is True and done["status"] == "installed"
    assert [done["auth"], done["sign"]] == paths and done["installed"], done
    # On a terminal nothing is asked either.
    env = program_env()
    env.update(HOME=me.home, TERM="xterm")
    t = pexpect.spawn(os.path.join(BUILDDIR, "uninstalled-env"),
                      [os.path.join(BUILDDIR, "ncaenroll"), "--service", svc.base,
                       "--ca-file", svc.cafile, "--state", me.state, "install", number],
                      env=env, encoding="utf-8", timeout=60)
    t.logfile_read = io.StringIO()
    t.expect(pexpect.EOF)
    t.close()
    assert t.exitstatus == 0
    assert "already installed" in t.logfile_read.getvalue()
    assert "New password" not in t.logfile_read.getvalue(), "nothing is asked"


@pytest.mark.parametrize("layout", ["modern", "legacy"])
def test_passwd_rewrites_both_containers(svc, tmp_path, layout):
    legacy = layout == "legacy"
    me, number, paths = installed(svc, tmp_path, legacy=legacy)
    p = run_fds(me, "passwd", "--password-fd", "OLDFD", "--new-password-fd", "NEWFD", number,
                old=OLD, new=NEW)
    assert p.returncode == 0, p.stderr
    for path in paths:
        assert path in p.stdout
        assert opens(path, NEW, legacy), f"{path} does not open with the new password"
        assert not opens(path, OLD, legacy), f"{path} still opens with the old password"
        info = openssl("pkcs12", *(["-legacy"] if legacy else []), "-info", "-nokeys",
                       "-in", path, "-passin", f"pass:{NEW}")
        text = (info.stdout + info.stderr).decode()
        for line in LAYOUT_LINES[layout]:
            assert line in text, f"the layout changed: {line!r} not in {text}"
        r = sh("certtool", "--p12-info", "--inder", "--infile", path, "--password", NEW)
        assert "BEGIN ENCRYPTED PRIVATE KEY" in r.stdout.decode()
        assert sh("certtool", "--p12-info", "--inder", "--infile", path, "--password", OLD,
                  check=False).returncode != 0
        if KEYTOOL is not None:
            r = sh(KEYTOOL, "-list", "-storetype", "PKCS12", "-keystore", path, "-storepass",
                   NEW)
            assert b"PrivateKeyEntry" in r.stdout
    # Never through argv or the environment.
    assert NEW not in " ".join(p.argv)
    assert NEW not in open(me.state, encoding="utf-8").read()


def test_wrong_old_password_changes_nothing(svc, tmp_path):
    me, number, paths = installed(svc, tmp_path)
    files = snapshot(me.keys)
    p = run_fds(me, "passwd", "--password-fd", "OLDFD", "--new-password-fd", "NEWFD", number,
                old="Wrong1234", new=NEW)
    assert p.returncode == 1, p.stderr
    assert "old password does not open" in p.stderr, p.stderr
    assert snapshot(me.keys) == files


def test_new_password_must_meet_the_policy(svc, tmp_path):
    me, number, paths = installed(svc, tmp_path)
    files = snapshot(me.keys)
    p = run_fds(me, "passwd", "--password-fd", "OLDFD", "--new-password-fd", "NEWFD", number,
                old=OLD, new="short")
    assert p.returncode == 1, p.stderr
    # The first rule it breaks, in its own sentence (password.c).
    assert p.stderr == "ncaenroll: too short: 5 characters, at least 6 are needed\n", \
        p.stderr
    assert snapshot(me.keys) == files


def test_a_change_cut_short_is_finished_by_running_it_again(svc, tmp_path):
    """As a crash between the two writes leaves them: AUTH new, SIGN still old."""
    me, number, paths = installed(svc, tmp_path)
    sign_before = open(paths[1], "rb").read()
    assert run_fds(me, "passwd", "--password-fd", "OLDFD", "--new-password-fd", "NEWFD",
                   number, old=OLD, new=NEW).returncode == 0
    with open(paths[1], "wb") as f:
        f.write(sign_before)
    assert opens(paths[0], NEW) and opens(paths[1], OLD)
    p = run_fds(me, "passwd", "--password-fd", "OLDFD", "--new-password-fd", "NEWFD", number,
                old=OLD, new=NEW)
    assert p.returncode == 0, p.stderr
    assert opens(paths[0], NEW) and opens(paths[1], NEW) and not opens(paths[1], OLD)


def test_passwd_at_a_terminal(svc, tmp_path):
    me, number, paths = installed(svc, tmp_path)
    env = program_env()
    env.update(HOME=me.home, TERM="xterm")
    t = pexpect.spawn(os.path.join(BUILDDIR, "uninstalled-env"),
                      [os.path.join(BUILDDIR, "ncaenroll"), "--service", svc.base,
                       "--ca-file", svc.cafile, "--state", me.state, "passwd", number],
                      env=env, encoding="utf-8", timeout=60)
    t.logfile_read = io.StringIO()
    t.expect("Current password: ")
    t.sendline(OLD)
    t.expect("can never be recovered")
    t.expect("New password: ")
    t.sendline(NEW)
    t.expect("Repeat it: ")
    t.sendline(NEW)
    t.expect(pexpect.EOF)
    t.close()
    assert t.exitstatus == 0, t.logfile_read.getvalue()
    seen = t.logfile_read.getvalue()
    assert OLD not in seen and NEW not in seen, "a password was echoed"
    assert opens(paths[0], NEW) and opens(paths[1], NEW)


def test_passwd_without_a_terminal_or_descriptors_is_a_usage_error(svc, tmp_path):
    me, number, paths = installed(svc, tmp_path)
    p = me.run("passwd", number)
    assert p.returncode == 2
    assert "--password-fd" in p.stderr and "--new-password-fd" in p.stderr


def test_passwd_of_what_is_not_installed(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    number = json.loads(me.apply().stdout)["request_number"]
    p = run_fds(me, "passwd", "--password-fd", "OLDFD", "--new-password-fd", "NEWFD", number,
                old=OLD, new=NEW)
    assert p.returncode == 1
    assert "not installed" in p.stderr


def test_passwd_on_a_token_says_the_pin_is_the_tokens(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken 7")
    me = TokenApplicant(svc, tmp_path / "home", tok)
    p = me.apply(tok.pin)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    for _ in range(120):
        if json.loads(me.run("--json", "status", number).stdout)["status"] == "issued":
            break
    assert me.run("install", "--pin-fd", "PINFD", number, pin=tok.pin).returncode == 0
    p = me.run("install", number)
    assert p.returncode == 0 and "already installed" in p.stdout and "Kaztoken 7" in p.stdout
    p = me.run("passwd", number)
    assert p.returncode == 1, p.stderr
    assert "token's own tool" in p.stderr
