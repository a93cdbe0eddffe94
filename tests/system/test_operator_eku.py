"""An operator signs in at the desk only with a certificate made for TLS client
authentication (extendedKeyUsage clientAuth, doc/api-ra.md). The real ncaenrolld over
mutual TLS and the real ncaenroll-ra: an operator is added with `ncaenrolld operator add`,
then its certificate is issued again by the operator CA with openssl, the same subject,
serial and key, and other extensions: without any extendedKeyUsage, with serverAuth only,
with emailProtection only. Each is refused at sign-in; the same certificate re-issued with
clientAuth is accepted, so what is refused is the purpose and nothing else."""
import os
import time

import pytest

from test_ra_cli import Desk as Console
from test_ra_service import PASSWORD, Desk, _openssl

# What `ncaenrolld operator add` writes, and an extendedKeyUsage per purpose (or none).
BASE = ("basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
        "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n")
PURPOSES = {"none": "", "client": "clientAuth", "server": "serverAuth",
            "mail": "emailProtection"}
EXTENSIONS = "".join(f"[{name}]\n{BASE}" + (f"extendedKeyUsage = {eku}\n" if eku else "")
                     for name, eku in PURPOSES.items())


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Desk(tmp_path_factory.mktemp("operator-eku"))
    d.olzhas = d.operator("olzhas")
    yield d
    d.stop()


def reissue(desk, tmp_path, purpose):
    """The operator's certificate issued again by the operator CA with the extensions
    of section purpose; (cert.pem, key.pem, operator.p12)."""
    cert, key = desk.olzhas
    ca_cert = os.path.join(desk.state, "operators-ca.pem")
    ca_key = os.path.join(desk.state, "operators-ca.key")
    serial = _openssl("x509", "-in", cert, "-noout", "-serial").stdout.strip()
    serial = serial.split("=", 1)[1]
    ext = tmp_path / "ext.cnf"
    ext.write_text(EXTENSIONS)
    _openssl("x509", "-x509toreq", "-in", cert, "-signkey", key, "-out", "req.pem",
             cwd=tmp_path)
    _openssl("x509", "-req", "-in", "req.pem", "-CA", ca_cert, "-CAkey", ca_key,
             "-set_serial", "0x" + serial, "-days", "30", "-sha256", "-extfile", str(ext),
             "-extensions", purpose, "-out", f"{purpose}.pem", cwd=tmp_path)
    out = tmp_path / f"{purpose}.pem"
    text = _openssl("x509", "-in", str(out), "-noout", "-text", "-nameopt", "RFC2253").stdout
    subject = _openssl("x509", "-in", cert, "-noout", "-subject", "-nameopt",
                       "RFC2253").stdout
    assert _openssl("x509", "-in", str(out), "-noout", "-subject", "-nameopt",
                    "RFC2253").stdout == subject
    assert ("Extended Key Usage" in text) == (purpose != "none"), text
    # openssl dates it from now; the service's test clock stood still since it started.
    desk.set_clock(int(time.time()) + 60)
    p12 = tmp_path / f"{purpose}.p12"
    _openssl("pkcs12", "-export", "-in", str(out), "-inkey", key, "-out", str(p12),
             "-passout", f"pass:{PASSWORD}")
    return str(out), key, str(p12)


def test_reissued_with_client_auth_signs_in(desk, tmp_path):
    cert, key, p12 = reissue(desk, tmp_path, "client")
    st, me = desk.ra("GET", "/me", cert=(cert, key))
    assert st == 200 and me["name"] == "olzhas", (st, me)
    p = Console(desk.svc, tmp_path, p12=p12, password=PASSWORD).run("queue")
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("purpose", ["none", "server", "mail"])
def test_certificate_without_client_auth_refused(desk, tmp_path, purpose):
    cert, key, p12 = reissue(desk, tmp_path, purpose)
    st, err = desk.ra("GET", "/me", cert=(cert, key))
    assert st == 403 and err["error"]["code"] == "ra.not_operator", (st, err)
    assert "client" in err["error"]["message"], err
    # At the desk: refused at sign-in, said, nothing listed.
    p = Console(desk.svc, tmp_path, p12=p12, password=PASSWORD).run("queue")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "not an operator's certificate" in p.stderr, p.stderr
    assert p.stdout == "", p.stdout
