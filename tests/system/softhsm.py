"""A real PKCS#11 token for system tests: SoftHSM2 with a configuration and token folder of
its own in a temporary folder, initialised with softhsm2-util.

    tok = SoftHSM(tmp_path / "token")        # or the `softhsm` fixture
    env.update(tok.env())                    # SOFTHSM2_CONF + NCAENROLL_PKCS11_MODULE
    tok.serial, tok.pin, tok.label, tok.module, tok.uri   # "pkcs11:serial=..."
    tok.import_p12(p12, password, label="operator", key_id="01")
    tok.objects()                            # what is on the token, as pkcs11-tool lists it

The PIN goes to the program under test through a pipe (--password-fd), never its argv or
environment; only this helper's own set-up runs pkcs11-tool with --pin, as a test fixture.
"""
import os
import re
import signal
import subprocess
import time

import pytest

MODULE = "/usr/lib/softhsm/libsofthsm2.so"


class SoftHSM:
    """One initialised token in its own SoftHSM2 store."""

    module = MODULE

    def __init__(self, directory, label="ncaenroll test", pin="482915", so_pin="11223344"):
        self.dir = str(directory)
        self.label, self.pin, self.so_pin = label, pin, so_pin
        tokens = os.path.join(self.dir, "tokens")
        os.makedirs(tokens, mode=0o700, exist_ok=True)
        self.conf = os.path.join(self.dir, "softhsm2.conf")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                    "log.level = ERROR\nslots.removable = false\n")
        self._run("softhsm2-util", "--init-token", "--free", "--label", label,
                  "--pin", pin, "--so-pin", so_pin)
        self.serial = self._serial()
        self.uri = f"pkcs11:serial={self.serial}"

    def env(self):
        """What a program needs in its environment to see this token (no PIN)."""
        return {"SOFTHSM2_CONF": self.conf, "NCAENROLL_PKCS11_MODULE": self.module}

    def _run(self, *cmd, check=True):
        env = dict(os.environ)
        env.update(self.env())
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                           stdin=subprocess.DEVNULL)
        if check:
            assert p.returncode == 0, f"{cmd[0]}: {p.stdout}{p.stderr}"
        return p

    def _serial(self):
        out = self._run("softhsm2-util", "--show-slots").stdout
        serial = None
        for line in out.splitlines():
            m = re.match(r"\s*Serial number:\s*(\S*)", line)
            if m:
                serial = m.group(1)
            m = re.match(r"\s*Label:\s*(.*?)\s*$", line)
            if m and m.group(1) == self.label and serial:
                return serial
        raise AssertionError(f"softhsm2-util shows no token labelled {self.label!r}:\n{out}")

    def pkcs11_tool(self, *args, login=True, check=True):
        cmd = ["pkcs11-tool", "--module", self.module, "--token-label", self.label]
        if login:
            cmd += ["--login", "--pin", self.pin]
        return self._run(*cmd, *args, check=check)

    def import_p12(self, p12, password, label, key_id="01"):
        """The desk's provisioning step (doc/tokens.md): the key and the certificate of a
        PKCS#12 container written to the token under one label and CKA_ID. The key passes
        through a 0600 file in this token's folder, removed at once."""
        key_pem = os.path.join(self.dir, "import-key.pem")
        key_der = os.path.join(self.dir, "import-key.der")
        cert_der = os.path.join(self.dir, "import-cert.der")
        pw_env = dict(os.environ, NCA_P12_PASSWORD=password)
        try:
            old = os.umask(0o077)
            for cmd in (["openssl", "pkcs12", "-in", p12, "-nocerts", "-nodes",
                         "-passin", "env:NCA_P12_PASSWORD", "-out", key_pem],
                        ["openssl", "pkey", "-in", key_pem, "-outform", "DER", "-out", key_der]):
                p = subprocess.run(cmd, capture_output=True, text=True, env=pw_env, timeout=60)
                assert p.returncode == 0, p.stderr
            p = subprocess.run(["openssl", "pkcs12", "-in", p12, "-clcerts", "-nokeys",
                                "-passin", "env:NCA_P12_PASSWORD"], capture_output=True,
                               env=pw_env, timeout=60)
            assert p.returncode == 0, p.stderr
            p = subprocess.run(["openssl", "x509", "-outform", "DER", "-out", cert_der],
                               input=p.stdout, capture_output=True, timeout=60)
            assert p.returncode == 0, p.stderr
            self.pkcs11_tool("--write-object", key_der, "--type", "privkey", "--id", key_id,
                             "--label", label, "--usage-sign")
            self.pkcs11_tool("--write-object", cert_der, "--type", "cert", "--id", key_id,
                             "--label", label)
        finally:
            os.umask(old)
            for f in (key_pem, key_der, cert_der):
                if os.path.exists(f):
                    os.remove(f)

    def serve(self):
        """The token served by `p11-kit server` on a socket beside it: (process, env), env
        pointing a program at it through p11-kit's client module. unplug(process) then takes
        it away, as a USB token is pulled out."""
        sock = os.path.join(self.dir, "p11-kit.sock")
        env = dict(os.environ)
        env.update(self.env())
        proc = subprocess.Popen(["p11-kit", "server", "-f", "-n", sock, "--provider",
                                 self.module, self.uri], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        assert os.path.exists(sock), "p11-kit server did not start"
        libdir = subprocess.run(["pkg-config", "--variable=p11_module_path", "p11-kit-1"],
                                capture_output=True, text=True, check=True).stdout.strip()
        return proc, {"SOFTHSM2_CONF": self.conf,
                      "NCAENROLL_PKCS11_MODULE": os.path.join(libdir, "p11-kit-client.so"),
                      "P11_KIT_SERVER_ADDRESS": f"unix:path={sock}"}

    @staticmethod
    def unplug(proc):
        """Ends the server and the process it forked to serve a client (by their ids)."""
        try:
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children", encoding="ascii") as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            children = []
        for c in children:
            os.kill(c, signal.SIGKILL)
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()

    def objects(self):
        """[{"type": "Private Key Object"|..., "label":, "id":, "access": ...}]"""
        out = self.pkcs11_tool("--list-objects").stdout
        objs, cur = [], None
        for line in out.splitlines():
            if line and not line.startswith(" "):
                cur = {"type": line.split(";")[0].strip()}
                objs.append(cur)
            elif cur is not None and ":" in line:
                k, v = line.split(":", 1)
                cur[k.strip().lower()] = v.strip()
        return objs


@pytest.fixture
def softhsm(tmp_path):
    return SoftHSM(tmp_path / "softhsm")
