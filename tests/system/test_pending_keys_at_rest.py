"""The pending keys at rest (issue #13, doc/keys-at-rest.md): between apply and install the
two private keys lie in the chosen folder for up to 30 days. A copy of that folder alone
(a backup, a synced profile, a USB stick) must not yield a usable private key: the keys
are PKCS#8 EncryptedPrivateKeyInfo (PBES2, AES-256) under a random wrapping key kept in
the per-user data folder ($XDG_DATA_HOME/ncaenroll/wrap/ID.key), which install and
abandon remove. An application made before this version (plain PKCS#8 keys, no wrapping
key) still installs. Real service over TLS, real `openssl` reading the files."""
import json
import os
import re
import shutil
import stat
import subprocess

from fixtures import service_fixture
from test_abandon_unsent import unsent
from test_apply_cli import Applicant, snapshot, wait_status
from test_passwd import opens

PW = "Qwerty12"

svc = service_fixture("keys-at-rest", extra=["--auto-approve", "1"])


def openssl(*args):
    return subprocess.run(["openssl", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, timeout=60)


def pending(me, app):
    return [os.path.join(me.keys, f"ncaenroll-{app}-{k}.key") for k in ("AUTH", "SIGN")]


def wrap_key(home, app):
    """Where the wrapping key is: $XDG_DATA_HOME, which Applicant leaves unset, so
    $HOME/.local/share."""
    return os.path.join(home, ".local", "share", "ncaenroll", "wrap", f"{app}.key")


def applied(svc, home):
    me = Applicant(svc, str(home))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    sent = json.loads(p.stdout)
    [a] = json.loads(me.run("--json", "list").stdout)
    return me, a["id"], sent["request_number"]


def test_pending_keys_are_encrypted_and_their_key_is_not_in_the_folder(svc, tmp_path):
    me, app, _ = applied(svc, tmp_path)
    keys = pending(me, app)
    assert sorted(os.listdir(me.keys)) == sorted(os.path.basename(k) for k in keys)
    wrap = wrap_key(str(tmp_path), app)
    for k in keys:
        # Without a password OpenSSL finds no private key in it...
        r = openssl("pkey", "-in", k, "-passin", "pass:", "-noout")
        assert r.returncode != 0, f"{k} reads as an unencrypted private key"
        with open(k) as f:
            text = f.read()
        assert text.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), text[:40]
        # ...it is an EncryptedPrivateKeyInfo: PBES2, PBKDF2, AES-256-CBC.
        r = openssl("asn1parse", "-in", k)
        assert r.returncode == 0, r.stderr
        for alg in ("PBES2", "PBKDF2", "aes-256-cbc"):
            assert alg in r.stdout, r.stdout
        assert stat.S_IMODE(os.stat(k).st_mode) == 0o600
        # The wrapping key opens it (as doc/keys-at-rest.md tells a person who needs to).
        r = openssl("pkey", "-in", k, "-passin", f"file:{wrap}", "-noout", "-text")
        assert r.returncode == 0 and "Private-Key: (2048 bit" in r.stdout, r.stderr
    assert stat.S_IMODE(os.stat(wrap).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(wrap)).st_mode) == 0o700
    with open(wrap) as f:
        secret = f.read().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", secret), "256 random bits, as hex"
    with open(me.state) as f:
        assert secret not in f.read(), "the wrapping key is in the state file"


def test_a_copy_of_the_folder_alone_does_not_install(svc, tmp_path):
    home, other = tmp_path / "home", tmp_path / "other"
    home.mkdir()
    other.mkdir()
    me, app, number = applied(svc, home)
    wait_status(me, number, "issued")
    # Another computer (or profile) with a copy of the key folder and of the state, but
    # not of the data folder the wrapping key is in.
    thief = Applicant(svc, str(other))
    shutil.copytree(me.keys, thief.keys)
    with open(me.state) as f:
        state = f.read().replace(str(home), str(other))
    with open(thief.state, "w") as f:
        f.write(state)
    before = snapshot(thief.keys)
    p = thief.run("install", "--password-fd", "PWFD", number, password=PW)
    assert p.returncode == 4, (p.stdout, p.stderr)        # a local file: ncaenroll(1)
    said = " ".join(p.stderr.split())
    assert wrap_key(str(other), app) in said, said
    assert "not on this computer" in said and "apply again" in said, said
    assert snapshot(thief.keys) == before, "nothing was written"
    for k in pending(thief, app):
        assert openssl("pkey", "-in", k, "-passin", "pass:", "-noout").returncode != 0
    # On the computer where the keys were made: installed, the wrapping key gone with them.
    wrap = wrap_key(str(home), app)
    assert os.path.exists(wrap)
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=PW)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    assert opens(done["auth"], PW) and opens(done["sign"], PW)
    assert not any(os.path.exists(k) for k in pending(me, app))
    assert not os.path.exists(wrap), "the wrapping key outlived the pending keys"


def test_an_application_made_before_this_version_still_installs(svc, tmp_path):
    me, app, number = applied(svc, tmp_path)
    wait_status(me, number, "issued")
    # What an older ncaenroll left: plain PKCS#8 keys, 0600, and no wrapping key.
    wrap = wrap_key(str(tmp_path), app)
    for k in pending(me, app):
        r = openssl("pkey", "-in", k, "-passin", f"file:{wrap}", "-out", k + ".plain")
        assert r.returncode == 0, r.stderr
        os.chmod(k + ".plain", 0o600)
        os.replace(k + ".plain", k)
        with open(k) as f:
            assert f.read().startswith("-----BEGIN PRIVATE KEY-----")
    os.unlink(wrap)
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=PW)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    assert opens(done["auth"], PW) and opens(done["sign"], PW)
    assert not any(os.path.exists(k) for k in pending(me, app))


def test_abandon_removes_the_wrapping_key_too(svc, tmp_path):
    me, app = unsent(svc, tmp_path)
    wrap = wrap_key(str(tmp_path), app)
    assert os.path.exists(wrap)
    p = me.run("abandon", "--yes", app)
    assert p.returncode == 0, p.stderr
    assert not any(os.path.exists(k) for k in pending(me, app))
    assert not os.path.exists(wrap), "the wrapping key outlived the application"


def test_a_wrong_or_damaged_wrapping_key_is_said_and_nothing_is_written(svc, tmp_path):
    me, app, number = applied(svc, tmp_path)
    wait_status(me, number, "issued")
    wrap = wrap_key(str(tmp_path), app)
    with open(wrap) as f:
        right = f.read()
    before = snapshot(me.keys)
    for text, said_what in ((os.urandom(32).hex() + "\n", "does not open"),
                            (right[:40] + "\n", "is not the key")):
        with open(wrap, "w") as f:
            f.write(text)
        p = me.run("install", "--password-fd", "PWFD", number, password=PW)
        assert p.returncode == 4, (p.stdout, p.stderr)
        said = " ".join(p.stderr.split())
        assert said_what in said and wrap in said, said
        assert snapshot(me.keys) == before
    with open(wrap, "w") as f:
        f.write(right)
    p = me.run("install", "--password-fd", "PWFD", number, password=PW)
    assert p.returncode == 0, p.stderr
    assert not os.path.exists(wrap)
