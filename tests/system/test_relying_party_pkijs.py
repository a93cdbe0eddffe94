"""PKIjs as the relying party: its CertificateChainValidationEngine, given CRLs, checks
every link of the chain (the end entity against the issuing CA's CRLs, the issuing CA
against the root's), and refuses the chain when a link has none. Before the service
published the root's CRL and put a CRL distribution point in the issuing CA's
certificate, it answered "No CRLs for specific certificate issuer" for every certificate
the service issued.

tests/relying-party/chain-check.mjs is that relying party: from the certificate alone it
reads the caIssuers, CRL distribution point and Freshest CRL URLs, fetches the issuing CA
and the CRLs over plain http from the real ncaenrolld --demo, then the issuing CA's own
distribution point (the root's CRL), and runs the engine with the root as the only trusted
certificate. Its packages are pinned by tests/relying-party/package-lock.json and installed
with `npm ci` into the build tree (tests/relying-party/install). Without node the tests
skip, saying so; with node but a failed install they fail with npm's output."""
import json
import os
import shutil
import socket
import subprocess

import pytest

from conftest import BUILDDIR, SRCDIR
from test_crl_ocsp import PubDesk, issue, revoke, urls

RP_SRC = os.path.join(SRCDIR, "tests", "relying-party")
# Not the source tree: make distcheck makes that read-only, and node_modules is never
# shipped or committed.
RP_RUN = os.path.join(BUILDDIR, "tests", "relying-party-run")
# PKIjs's answer for a revoked certificate (ChainValidationEngine's resultCode 12).
REVOKED = (12, "One of certificates had been revoked")


@pytest.fixture(scope="session")
def chain_check():
    """chain_check(cert, root, *options) -> the engine's JSON answer, exit status checked."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed (Debian: apt-get install nodejs npm): "
                    "the PKIjs relying party cannot run")
    p = subprocess.run(["sh", os.path.join(RP_SRC, "install"), RP_RUN], capture_output=True,
                       text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, \
        f"tests/relying-party/install {RP_RUN} failed ({p.returncode}):\n{p.stdout}{p.stderr}"
    script = os.path.join(RP_RUN, "chain-check.mjs")

    def run(cert, root, *options):
        r = subprocess.run(["node", script, "--root", root, *options, cert],
                           capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        assert r.returncode in (0, 1), f"chain-check could not check ({r.returncode}): " \
            f"{r.stderr}"
        out = json.loads(r.stdout)
        assert out["result"] is (r.returncode == 0), (r.returncode, out)
        return out
    return run


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = PubDesk(tmp_path_factory.mktemp("relying-party"))
    d.op = d.operator("aigerim")
    yield d
    d.stop()


def root_of(desk):
    """The trust anchor, as a relying party gets it: out of band (the service's own file),
    never from a URL in the certificates it is about to check."""
    path = os.path.join(desk.state, "root.pem")
    assert os.path.exists(path), path
    return path


def test_valid_then_revoked_at_once(desk, chain_check, tmp_path):
    certs = issue(desk, tmp_path / "c")
    root = root_of(desk)
    u = urls(certs["auth"])
    ca_urls = urls(os.path.join(desk.state, "ca.pem"))
    for k in ("auth", "sign"):
        out = chain_check(certs[k], root)
        assert out["result"] is True and out["resultCode"] == 0, (k, out)
        # Every link's CRLs came from the URLs the certificates name: the end entity's
        # issuer (caIssuers), its CRL and delta, and the issuing CA's CRL (the root's).
        assert out["fetched"] == [u["issuers"][0], u["crl"][0], u["freshest"][0],
                                  ca_urls["crl"][0]], out

    revoke(desk, certs["number"], "keyCompromise")
    # No wait: the very next check sees the revocation in the CRLs fetched now.
    for k in ("auth", "sign"):
        out = chain_check(certs[k], root)
        assert (out["result"], out["resultCode"], out["resultMessage"]) == \
            (False, *REVOKED), (k, out)


def test_every_link_needs_its_crl(desk, chain_check, tmp_path):
    """The negative control: without the root's CRL (what a relying party had before the
    root published one and the issuing CA named it), the engine refuses the chain of a
    valid certificate, because the issuing CA's own revocation cannot be checked. This is
    also what shows that the answer above is the engine checking each link, not skipping."""
    certs = issue(desk, tmp_path / "c")
    out = chain_check(certs["auth"], root_of(desk), "--without-root-crl")
    assert out["result"] is False, out
    assert "No CRLs for specific certificate issuer" in out["resultMessage"], out
    u = urls(certs["auth"])
    assert out["fetched"] == [u["issuers"][0], u["crl"][0], u["freshest"][0]], out


def test_unreadable_is_said(chain_check, tmp_path):
    """A certificate that is not one, or whose URLs do not answer: exit 2 and the reason
    on stderr (naming the file or the URL), never a JSON verdict."""
    script = os.path.join(RP_RUN, "chain-check.mjs")
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    r = subprocess.run(["node", script, "--root", str(bad), str(bad)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == "", (r.returncode, r.stdout)
    assert f"{bad}: not a DER or PEM CERTIFICATE" in r.stderr, r.stderr


def test_silent_url_times_out(chain_check, tmp_path):
    """A caIssuers URL whose server takes the connection and never answers: the relying
    party gives up after --timeout and says which URL, rather than hanging the test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)                       # connections queue; nothing ever answers
        url = f"http://127.0.0.1:{s.getsockname()[1]}/cert/ca.cer"
        cert, key = tmp_path / "leaf.pem", tmp_path / "leaf.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        str(key), "-out", str(cert), "-subj", "/CN=silent", "-days", "1",
                        "-addext", f"authorityInfoAccess=caIssuers;URI:{url}"],
                       check=True, capture_output=True)
        r = subprocess.run(["node", os.path.join(RP_RUN, "chain-check.mjs"), "--root",
                            str(cert), "--timeout", "1", str(cert)], capture_output=True,
                           text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == "", (r.returncode, r.stdout)
    assert f"{url}: no answer in 1 s" in r.stderr, r.stderr
