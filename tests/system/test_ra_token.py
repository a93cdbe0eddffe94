"""The desk with the operator's key and certificate on a PKCS#11 token (SoftHSM2) instead of a
.p12 file, against the real ncaenrolld over mutual TLS. The operator identity is the one
`ncaenrolld operator add` issues, put on the token as the desk's provisioning step does
(doc/tokens.md): then `ncaenroll-ra --operator pkcs11:serial=SERIAL` works with the PIN
from --password-fd or typed without echo, over TLS 1.3 (RSA-PSS made by the token) and
TLS 1.2; a wrong PIN is refused in words with exit status 1 (as a wrong password for a
container is), a token that is not connected with 4 (a local device), and the PIN is never
taken from the command line, the URI or the environment."""
import os
import subprocess
import time

import pexpect
import pytest

from conftest import BUILDDIR
from service import SANITIZER_MARKS
from softhsm import SoftHSM
from test_ra_cli import Desk, add_operator, applied, svc  # noqa: F401 (fixtures)

CLERK_PASSWORD = "Token-clerk-2026"


class TokenDesk(Desk):
    """A desk whose operator signs in with a token: --operator is the token's URI and the
    "password" the PIN; the environment only says where the token is."""

    def __init__(self, svc, home, tok, pin=None, uri=None):
        super().__init__(svc, home, p12=uri or tok.uri, password=tok.pin if pin is None else pin)
        self.tok = tok

    def env(self):
        env = super().env()
        env.update(self.tok.env())
        return env


@pytest.fixture(scope="module")
def token(svc, tmp_path_factory):
    """A token holding the key and certificate of operator token-clerk (karaganda-1)."""
    d = tmp_path_factory.mktemp("operator-token")
    p12 = add_operator(svc, "token-clerk", str(d / "token-clerk.p12"), CLERK_PASSWORD)
    tok = SoftHSM(d / "softhsm", label="RA desk token")
    tok.import_p12(p12, CLERK_PASSWORD, label="token-clerk", key_id="c1e4")
    os.remove(p12)                  # the key lives on the token now, as doc/tokens.md says
    return tok


def pipe_with(text):
    r, w = os.pipe()
    os.write(w, text.encode() + b"\n")
    os.close(w)
    return r


def test_the_token_holds_the_operator(token):
    objs = token.objects()
    keys = [o for o in objs if o["type"].startswith("Private Key")]
    certs = [o for o in objs if o["type"].startswith("Certificate")]
    assert len(keys) == 1 and len(certs) == 1
    assert keys[0]["id"] == certs[0]["id"] == "c1e4"
    assert "sensitive" in keys[0].get("access", "")


def test_queue_with_the_operator_on_a_token(svc, tmp_path, applied, token):
    _, number = applied
    desk = TokenDesk(svc, tmp_path, token)
    p = desk.run("queue")
    assert p.returncode == 0, p.stderr
    assert number in p.stdout
    p, answer = desk.json("queue")
    assert p.returncode == 0, p.stderr
    assert number in [a["request_number"] for a in answer["applications"]]


def test_the_pin_is_not_in_argv_or_environment(svc, tmp_path, token):
    desk = TokenDesk(svc, tmp_path, token)
    r, w = os.pipe()
    cmd = desk.cmd() + ["--operator", token.uri, "--password-fd", str(r), "queue"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=desk.env(), stdin=subprocess.DEVNULL, pass_fds=(r,))
    os.close(r)
    try:
        # What anyone on this computer could read about the process (ps, /proc).
        seen = b""
        for _ in range(50):
            try:
                with open(f"/proc/{proc.pid}/cmdline", "rb") as f:
                    seen = f.read()
                with open(f"/proc/{proc.pid}/environ", "rb") as f:
                    seen += f.read()
            except OSError:
                pass
            if b"ncaenroll-ra" in seen and b"uninstalled-env" not in seen.split(b"\0")[0]:
                break
            time.sleep(0.1)
        assert b"ncaenroll-ra" in seen
        assert token.pin.encode() not in seen
        os.write(w, token.pin.encode() + b"\n")
    finally:
        os.close(w)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert token.pin not in out + err


def test_pin_typed_without_echo(svc, tmp_path, token):
    desk = TokenDesk(svc, tmp_path, token)
    cmd = desk.cmd() + ["--operator", token.uri, "queue"]
    env = desk.env()
    env.update(TERM="xterm")
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, encoding="utf-8", timeout=120,
                          dimensions=(24, 80))
    child.expect("PIN for the token pkcs11:serial=" + token.serial + ": ")
    child.sendline(token.pin)
    child.expect("Request number")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert token.pin not in child.before


def test_wrong_pin_is_refused(svc, tmp_path, token):
    desk = TokenDesk(svc, tmp_path, token, pin="000000")
    p = desk.run("queue")
    assert p.returncode == 1, p.stderr
    assert 'the PIN is wrong for the token "RA desk token"' in p.stderr
    assert "000000" not in p.stderr + p.stdout
    p, answer = desk.json("queue")
    assert p.returncode == 1
    assert answer["error"]["code"] == "operator.pin"
    # The right PIN still opens it: nothing was locked by the refusals.
    assert TokenDesk(svc, tmp_path, token).run("queue").returncode == 0


def test_a_token_that_is_not_connected(svc, tmp_path, token):
    desk = TokenDesk(svc, tmp_path, token, uri="pkcs11:serial=0000feedface0000")
    p = desk.run("queue")
    assert p.returncode == 4, p.stderr
    assert "no token with serial number 0000feedface0000 is connected" in p.stderr
    assert token.serial in p.stderr                    # the one that is connected
    p, answer = desk.json("queue")
    assert answer["error"]["code"] == "operator.token"


def test_a_token_without_an_operator(svc, tmp_path):
    empty = SoftHSM(tmp_path / "empty", label="empty token")
    p = TokenDesk(svc, tmp_path, empty).run("queue")
    assert p.returncode == 1, p.stderr
    assert "holds no certificate with its private key" in p.stderr
    assert "doc/tokens.md" in p.stderr


def test_the_pin_is_never_taken_from_the_command_line(svc, tmp_path, token):
    desk = TokenDesk(svc, tmp_path, token)
    for args in (["--operator", token.uri, "--pin", token.pin],
                 ["--operator", token.uri, f"--pin={token.pin}"],
                 ["--operator", f"{token.uri}?pin-value={token.pin}"]):
        p = subprocess.run(desk.cmd() + args + ["queue"], capture_output=True, text=True,
                           env=desk.env(), stdin=subprocess.DEVNULL, timeout=60)
        assert p.returncode == 2, args
        assert "never taken from the command line" in p.stderr
        assert token.pin not in p.stderr + p.stdout
    # No terminal and no --password-fd: it says how to give the PIN instead of hanging.
    p = subprocess.run(desk.cmd() + ["--operator", token.uri, "queue"], capture_output=True,
                       text=True, env=desk.env(), stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 2
    assert "PIN" in p.stderr and "--password-fd" in p.stderr


@pytest.mark.parametrize("tls12,version", [(False, "TLSv1.3"), (True, "TLSv1.2")])
def test_both_tls_versions(svc, token, tls12, version):
    """TLS 1.3 needs the token to sign RSA-PSS (raw RSA on the token); a token that cannot
    keeps the desk on TLS 1.2 with PKCS#1 v1.5. Both must open the desk."""
    tool = os.path.join(BUILDDIR, "tests", "tools", "p11-tls-tool")
    if not os.access(tool, os.X_OK):
        pytest.skip("p11-tls-tool is not built (make check builds it)")
    fd = pipe_with(token.pin)
    env = dict(os.environ)
    env.update(token.env())
    cmd = [tool] + (["-2"] if tls12 else []) + ["-p", str(fd), svc.base, svc.cafile, token.uri]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, pass_fds=(fd,),
                       stdin=subprocess.DEVNULL, timeout=120)
    os.close(fd)
    for mark in SANITIZER_MARKS:
        assert mark not in p.stderr, p.stderr
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == f"HTTP 200 {version}"


def test_a_token_pulled_out_after_sign_in(svc, tmp_path, token):
    """The desk signed in, then the token went away (its p11-kit server ended): the next
    call says the token was disconnected, not that the service is untrusted."""
    tool = os.path.join(BUILDDIR, "tests", "tools", "p11-tls-tool")
    if not os.access(tool, os.X_OK):
        pytest.skip("p11-tls-tool is not built (make check builds it)")
    server, tok_env = token.serve()
    fd = pipe_with(token.pin)
    env = dict(os.environ)
    env.update(tok_env)
    try:
        proc = subprocess.Popen([tool, "-w", "-p", str(fd), svc.base, svc.cafile, token.uri],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env, pass_fds=(fd,))
        os.close(fd)
        assert proc.stdout.readline() == "ready\n", proc.stderr.read()
    finally:
        SoftHSM.unplug(server)
    out, err = proc.communicate("go\n", timeout=120)
    for mark in SANITIZER_MARKS:
        assert mark not in err, err
    assert proc.returncode == 1, out + err
    assert 'the token "RA desk token"' in err and "was disconnected" in err, err
    assert "not the one we trust" not in err
