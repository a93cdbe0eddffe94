"""The PC-folder containers as real consumers see them.

keystore-tool (tests/tools) makes the keys and CSRs and installs the certificates; the
`openssl` command line plays the CA. Then OpenSSL, GnuTLS certtool and Java keytool open
what was written: with the password they see the key and the certificate, without it (or
with a wrong one) they do not.
"""
import hashlib
import os
import shutil
import stat
import subprocess

import pytest

TOOL = "tests/tools/keystore-tool"
APP = "A2611-0042"
PW = "Qwerty12"
USAGE = {"auth": "digitalSignature,keyEncipherment", "sign": "digitalSignature,nonRepudiation"}
PREFIX = {"auth": "AUTH_RSA256_", "sign": "RSA256_"}
# What `openssl pkcs12 -info` says of each layout; the legacy lines are those of NCA's own
# container (the reference nca-test-k2-user.p12).
LAYOUT_LINES = {
    "modern": ["MAC: sha256",
               "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC",
               "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC",
               "PRF hmacWithSHA256"],
    "legacy": ["MAC: sha1, Iteration 1024",
               "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 1024",
               "PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 1024"],
}


def sh(*args, input=None, check=True):
    r = subprocess.run(list(args), input=input, capture_output=True,
                       env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"{args[0]} failed ({r.returncode}): "
                             f"{r.stderr.decode(errors='replace')}")
    return r


def openssl(*args, **kw):
    return sh("openssl", *args, **kw)


class Ca:
    """A root CA on disk, driven through the openssl command line."""

    def __init__(self, d, name):
        self.key, self.pem = str(d / f"{name}.key"), str(d / f"{name}.pem")
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key,
                "-out", self.pem, "-days", "30", "-subj", f"/CN={name}",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def issue(self, d, csr, usage):
        """A certificate for csr with NCA's SKI: SHA-1 over the whole DER SPKI."""
        pub = openssl("req", "-in", csr, "-noout", "-pubkey").stdout
        der = openssl("pkey", "-pubin", "-outform", "DER", input=pub).stdout
        ski = hashlib.sha1(der).hexdigest()
        ext = d / f"{ski}.ext"
        ext.write_text(f"keyUsage=critical,{usage}\n"
                       f"subjectKeyIdentifier={':'.join(ski[i:i + 2] for i in range(0, 40, 2))}\n"
                       "authorityKeyIdentifier=keyid\n")
        out = str(d / f"{ski}.pem")
        openssl("x509", "-req", "-in", csr, "-CA", self.pem, "-CAkey", self.key,
                "-set_serial", "0x" + os.urandom(19).hex(), "-days", "365",
                "-extfile", str(ext), "-out", out)
        return out, ski


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return Ca(tmp_path_factory.mktemp("ca"), "Test Root CA")


class Folder:
    """One application's keys in a PC folder, through keystore-tool."""

    def __init__(self, run, ca, tmp):
        self.run, self.ca, self.tmp = run, ca, tmp
        self.dir = str(tmp / "keys")
        self.cert, self.ski = {}, {}

    def tool(self, *args, input=None):
        return self.run(TOOL, *args, input=input)

    def generate(self):
        r = self.tool("generate", self.dir, APP)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    def issue(self, usage=USAGE):
        for k in ("auth", "sign"):
            r = self.tool("csr", self.dir, APP, k)
            assert r.returncode == 0, r.stderr
            csr = self.tmp / f"{k}.csr"
            csr.write_text(r.stdout)
            openssl("req", "-in", str(csr), "-noout", "-verify")
            self.cert[k], self.ski[k] = self.ca.issue(self.tmp, str(csr), usage[k])

    def install(self, password=PW, legacy=False, cert=None, chain=None):
        cert = cert or self.cert
        args = ["install", "-p", "0"] + (["-l"] if legacy else [])
        return self.tool(*args, self.dir, APP, cert["auth"], cert["sign"],
                         chain or self.ca.pem, input=password + "\n")

    def container(self, k):
        return os.path.join(self.dir, f"{PREFIX[k]}{self.ski[k]}.p12")

    def listing(self):
        out = {}
        for name in sorted(os.listdir(self.dir)):
            p = os.path.join(self.dir, name)
            with open(p, "rb") as f:
                out[name] = (os.stat(p).st_mode, hashlib.sha256(f.read()).hexdigest())
        return out


@pytest.fixture
def folder(run, ca, tmp_path):
    f = Folder(run, ca, tmp_path)
    assert f.generate() == "created"
    f.issue()
    return f


@pytest.fixture(params=["modern", "legacy"])
def installed(request, folder):
    legacy = request.param == "legacy"
    r = folder.install(legacy=legacy)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [folder.container("auth"), folder.container("sign")]
    folder.layout = request.param
    return folder


def p12_args(f):
    return ["-legacy"] if f.layout == "legacy" else []


def test_folder_after_install(installed):
    f = installed
    assert stat.S_IMODE(os.stat(f.dir).st_mode) == 0o700
    assert sorted(os.listdir(f.dir)) == sorted(
        os.path.basename(f.container(k)) for k in ("auth", "sign"))
    for k in ("auth", "sign"):
        assert stat.S_IMODE(os.stat(f.container(k)).st_mode) == 0o600


def test_generate_keeps_keys(run, ca, tmp_path):
    f = Folder(run, ca, tmp_path)
    assert f.generate() == "created"
    names = sorted(os.listdir(f.dir))
    assert names == [f"ncaenroll-{APP}-AUTH.key", f"ncaenroll-{APP}-SIGN.key"]
    before = f.listing()
    assert f.generate() == "kept"
    assert f.listing() == before


def test_openssl_reads(installed):
    f = installed
    for k in ("auth", "sign"):
        p = f.container(k)
        r = openssl("pkcs12", *p12_args(f), "-info", "-nokeys", "-in", p, "-passin",
                    f"pass:{PW}")
        info = (r.stdout + r.stderr).decode()     # the MAC line goes to stderr
        for line in LAYOUT_LINES[f.layout]:
            assert line in info, f"{line!r} not in {info}"
        assert f"friendlyName: {f.ski[k]}" in info
        keyid = " ".join(f.ski[k][i:i + 2] for i in range(0, 40, 2)).upper()
        assert f"localKeyID: {keyid}" in info
        assert info.count("BEGIN CERTIFICATE") == 1          # no chain
        # The key inside is the certificate's key, and the certificate the issued one.
        pem = openssl("pkcs12", *p12_args(f), "-in", p, "-passin", f"pass:{PW}",
                      "-nodes").stdout
        key_pub = openssl("pkey", "-pubout", input=pem).stdout
        cert_pub = openssl("x509", "-noout", "-pubkey", input=pem).stdout
        assert key_pub == cert_pub
        issued = openssl("x509", "-outform", "DER", "-in", f.cert[k]).stdout
        assert openssl("x509", "-outform", "DER", input=pem).stdout == issued


def test_openssl_refuses_without_password(installed):
    f = installed
    for k in ("auth", "sign"):
        for pw in ("", "Qwerty13"):
            r = openssl("pkcs12", *p12_args(f), "-info", "-noout", "-in", f.container(k),
                        "-passin", f"pass:{pw}", check=False)
            assert r.returncode != 0
            assert b"Mac verify error" in r.stderr


def test_certtool_reads(installed):
    f = installed
    for k in ("auth", "sign"):
        r = sh("certtool", "--p12-info", "--inder", "--infile", f.container(k),
               "--password", PW)
        out = r.stdout.decode()
        assert f"Friendly name: {f.ski[k]}" in out
        assert "BEGIN ENCRYPTED PRIVATE KEY" in out
        assert out.count("BEGIN CERTIFICATE") == 1
        assert ("AES-256-CBC" if f.layout == "modern" else "RC2-40") in out
        for pw in ("Qwerty13",):
            r = sh("certtool", "--p12-info", "--inder", "--infile", f.container(k),
                   "--password", pw, check=False)
            assert r.returncode != 0
        r = sh("certtool", "--p12-info", "--inder", "--infile", f.container(k),
               "--null-password", check=False)
        assert r.returncode != 0


KEYTOOL = shutil.which("keytool")


@pytest.mark.skipif(KEYTOOL is None, reason="keytool (Debian default-jre-headless) is not installed")
def test_keytool_reads(installed, tmp_path):
    f = installed
    for k in ("auth", "sign"):
        p = f.container(k)
        r = sh(KEYTOOL, "-list", "-storetype", "PKCS12", "-keystore", p, "-storepass", PW)
        out = r.stdout.decode()
        assert f"{f.ski[k]}, " in out and "PrivateKeyEntry" in out
        fp = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", f.cert[k])
        assert fp.stdout.decode().strip().split("=", 1)[1] in out
        # Java can decrypt the key itself: it copies the entry into a store of its own.
        dest = str(tmp_path / f"{k}-copy.p12")
        r = sh(KEYTOOL, "-importkeystore", "-noprompt", "-srckeystore", p,
               "-srcstoretype", "PKCS12", "-srcstorepass", PW, "-destkeystore", dest,
               "-deststoretype", "PKCS12", "-deststorepass", "Other123")
        assert b"1 entries successfully imported" in r.stdout + r.stderr


@pytest.mark.skipif(KEYTOOL is None, reason="keytool (Debian default-jre-headless) is not installed")
def test_keytool_refuses_without_password(installed):
    f = installed
    p = f.container("auth")
    r = sh(KEYTOOL, "-list", "-storetype", "PKCS12", "-keystore", p, "-storepass", "Qwerty13",
           check=False)
    assert r.returncode != 0
    assert b"password was incorrect" in r.stdout + r.stderr
    # Without a password keytool sees an entry but neither checks nor opens it.
    r = sh(KEYTOOL, "-list", "-storetype", "PKCS12", "-keystore", p, input=b"\n",
           check=False)
    out = (r.stdout + r.stderr).decode()
    assert "NOT been verified" in out
    assert "Certificate fingerprint" not in out


@pytest.mark.parametrize("pw", ["Qwe12", "Qwerty12Qwerty12Qwerty12Qwerty123", "Qwerty 12",
                                "Qwertyui", "12345678", "Qwerty12Ж"])
def test_password_policy_refused_before_writing(folder, pw):
    before = folder.listing()
    r = folder.install(password=pw)
    assert r.returncode == 1
    assert "password" in r.stderr
    assert folder.listing() == before


def test_wrong_certificates_refused(folder, ca, tmp_path):
    before = folder.listing()
    swapped = {"auth": folder.cert["sign"], "sign": folder.cert["auth"]}
    r = folder.install(cert=swapped)
    assert r.returncode == 1 and "swapped" in r.stderr
    other = Ca(tmp_path, "Another CA")
    r = folder.install(chain=other.pem)
    assert r.returncode == 1 and "does not chain" in r.stderr
    assert folder.listing() == before


def test_repeat_and_resume(folder):
    # The pending keys, and their wrapping key, which keystore-tool keeps in DIR.wrap.
    wrap = folder.dir + ".wrap"
    keys = {os.path.join(d, n): open(os.path.join(d, n), "rb").read()
            for d in (folder.dir, wrap) for n in os.listdir(d)}
    r = folder.install()
    assert r.returncode == 0, r.stderr
    after = folder.listing()
    assert os.listdir(wrap) == []
    r = folder.install()                       # repeated after success: nothing changes
    assert r.returncode == 0, r.stderr
    assert folder.listing() == after
    for p, data in keys.items():               # a crash before the keys were removed
        with open(os.open(p, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as fp:
            fp.write(data)
    r = folder.install()
    assert r.returncode == 0, r.stderr
    assert sorted(folder.listing()) == sorted(after)
    for k in ("auth", "sign"):
        openssl("pkcs12", "-info", "-noout", "-in", folder.container(k), "-passin", f"pass:{PW}")
