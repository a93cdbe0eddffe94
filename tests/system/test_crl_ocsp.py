"""CRLs and OCSP at the URLs the certificates name, checked as a relying party checks them:
the real ncaenrolld --demo (its plain-http listener on loopback), a certificate issued by
it through the desk over mutual TLS, and the openssl command line. Every URL is read OUT
of the certificates (CRL distribution point, Freshest CRL, AIA OCSP and caIssuers; the
issuing CA's own CRL DP and caIssuers for the root's), never built by the test.

Before a revocation: `openssl verify -crl_check_all` with the CRLs fetched from those URLs
succeeds and `openssl ocsp` says good. The desk revokes (POST /api/v1/ra/.../revoke), and
at once, with no wait: OCSP says revoked with the reason and time, the full CRL and the
delta list both serials with the reason code, and `openssl verify -crl_check` fails with
"certificate revoked". Also: unknown for a serial the CA never issued, the nonce echoed,
GET (RFC 6960 A.1) answered like POST, malformed requests, content types, 404 elsewhere,
and with ca.ocsp_preproduced a kept answer dropped the moment a certificate is revoked."""
import base64
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from service import DEMO_CONFIG_DEFAULT, Service, program, program_env
from test_ra_service import DOCS, Desk, _openssl


class PubDesk(Desk):
    """test_ra_service's desk (a demo service on a test clock, operators over mutual
    TLS) with more settings in the service's file."""

    def __init__(self, tmp, settings=None):
        self.tmp = tmp
        self.clock = tmp / "clock"
        self.now = int(time.time())
        self.set_clock(self.now)
        config = {k: dict(v) for k, v in DEMO_CONFIG_DEFAULT.items()}
        for k, v in (settings or {}).items():
            config.setdefault(k, {}).update(v)
        self.svc = Service(tmp / "state", extra=["--test-clock", str(self.clock)],
                           config=config)
        self.state = self.svc.state
        self.db = os.path.join(self.state, "ncaenrolld.db")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = PubDesk(tmp_path_factory.mktemp("crl-ocsp"))
    d.op = d.operator("aigerim")
    yield d
    d.stop()


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    d = PubDesk(tmp_path_factory.mktemp("ocsp-preproduced"),
                {"ca": {"ocsp_preproduced": True}})
    d.op = d.operator("aigerim")
    yield d
    d.stop()


# --- helpers ------------------------------------------------------------------------------

def issue(desk, d):
    """A new application approved at the desk: {"auth": path, "sign": path} of its PEMs."""
    number = desk.apply()
    auth = desk.last_app_dir / "auth.key"
    st, done = desk.ra("POST", f"/applications/{number}/approve", {"documents": DOCS},
                       cert=desk.op)
    assert st == 200 and done["status"] == "issued", done
    st, certs = desk.svc.certificates(number, auth)
    assert st == 200, certs
    d.mkdir(exist_ok=True)
    out = {"number": number}
    for k in ("auth", "sign"):
        out[k] = str(d / f"{k}.pem")
        (d / f"{k}.pem").write_text(certs[k]["pem"])
    return out


def revoke(desk, number, reason="keyCompromise"):
    st, ans = desk.ra("POST", f"/applications/{number}/revoke",
                      {"reason": reason, "documents": DOCS}, cert=desk.op)
    assert st == 200 and ans["status"] == "revoked", (st, ans)


def urls(cert, inform="PEM"):
    """{"crl": [...], "freshest": [...], "ocsp": [...], "issuers": [...]} as the
    certificate's extensions name them (openssl's own reading)."""
    text = _openssl("x509", "-inform", inform, "-in", cert, "-noout", "-text").stdout
    got = {"crl": [], "freshest": [], "ocsp": [], "issuers": []}
    where = None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("X509v3 CRL Distribution Points"):
            where = "crl"
        elif s.startswith("X509v3 Freshest CRL"):
            where = "freshest"
        elif s.startswith("Authority Information Access"):
            where = "aia"
        elif s.startswith("X509v3 ") or s.startswith("Signature Algorithm"):
            where = None
        elif where in ("crl", "freshest") and s.startswith("URI:"):
            got[where].append(s[4:])
        elif where == "aia" and s.startswith("OCSP - URI:"):
            got["ocsp"].append(s[len("OCSP - URI:"):])
        elif where == "aia" and s.startswith("CA Issuers - URI:"):
            got["issuers"].append(s[len("CA Issuers - URI:"):])
    return got


def fetch(url, data=None, ctype=None):
    """(status, content type, body) of a plain-http GET (or POST with data)."""
    req = urllib.request.Request(url, data=data,
                                 headers={"Content-Type": ctype} if ctype else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def fetch_to(url, path, ctype):
    st, got, body = fetch(url)
    assert st == 200 and got == ctype, (url, st, got, body[:200])
    with open(path, "wb") as f:
        f.write(body)
    return str(path)


def to_pem(kind, der, pem):
    _openssl(kind, "-inform", "DER", "-in", str(der), "-out", str(pem))
    return str(pem)


def serial(cert):
    return _openssl("x509", "-in", cert, "-noout", "-serial").stdout.strip().split("=", 1)[1]


def crl_text(path):
    return _openssl("crl", "-inform", "DER", "-in", str(path), "-noout", "-text").stdout


def crl_entries(text):
    """{SERIAL: reason text or None} of a CRL's revoked entries (openssl -text)."""
    out, cur = {}, None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*Serial Number: ([0-9A-F]+)", line)
        if m:
            cur = m.group(1)
            out[cur] = None
        elif cur and "CRL Reason Code" in line:
            out[cur] = lines[i + 1].strip()
    return out


def ocsp(chain, issuer, *args):
    """openssl ocsp against the responder: (stdout, stderr), status checked."""
    r = subprocess.run(["openssl", "ocsp", "-issuer", issuer, "-CAfile", chain, *args],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr + r.stdout
    return r.stdout, r.stderr


class Relying:
    """What a relying party gathers from an issued certificate's own URLs."""

    def __init__(self, cert, d):
        self.d = d
        self.u = urls(cert)
        assert len(self.u["crl"]) == 1 and len(self.u["freshest"]) == 1, self.u
        assert len(self.u["ocsp"]) == 1 and len(self.u["issuers"]) == 1, self.u
        for v in self.u.values():
            assert v[0].startswith("http://127.0.0.1:"), self.u   # plain http, real port
        ca_der = fetch_to(self.u["issuers"][0], d / "ca.cer", "application/pkix-cert")
        self.ca = to_pem("x509", ca_der, d / "ca-from-aia.pem")
        self.cu = urls(self.ca)
        assert len(self.cu["crl"]) == 1 and len(self.cu["issuers"]) == 1, self.cu
        root_der = fetch_to(self.cu["issuers"][0], d / "root.cer", "application/pkix-cert")
        self.root = to_pem("x509", root_der, d / "root-from-aia.pem")
        self.chain = str(d / "chain.pem")
        with open(self.chain, "w") as f:
            f.write(open(self.ca).read() + open(self.root).read())

    def crls(self):
        """The CA's full CRL, its delta and the root's CRL, fetched now: DER paths."""
        n = time.monotonic_ns()
        return (fetch_to(self.u["crl"][0], self.d / f"ca-{n}.crl", "application/pkix-crl"),
                fetch_to(self.u["freshest"][0], self.d / f"delta-{n}.crl",
                         "application/pkix-crl"),
                fetch_to(self.cu["crl"][0], self.d / f"root-{n}.crl", "application/pkix-crl"))

    def verify(self, cert, crl_check="-crl_check_all"):
        full, _, root = self.crls()
        args = ["verify", "-CAfile", self.root, "-untrusted", self.ca, crl_check,
                "-CRLfile", to_pem("crl", full, full + ".pem")]
        if crl_check == "-crl_check_all":
            args += ["-CRLfile", to_pem("crl", root, root + ".pem")]
        return subprocess.run(["openssl", *args, cert], capture_output=True, text=True)

    def ocsp(self, *args):
        return ocsp(self.chain, self.ca, "-url", self.u["ocsp"][0], *args)


# --- the chain and its URLs ---------------------------------------------------------------

def test_urls_serve_the_chain_as_der(desk, tmp_path):
    """caIssuers serves the issuing CA (DER), the same as the service's own; its own
    caIssuers serves the root; nothing else is served on the listener."""
    certs = issue(desk, tmp_path / "c")
    rp = Relying(certs["auth"], tmp_path)
    assert _openssl("x509", "-in", rp.ca, "-noout", "-fingerprint").stdout == \
        _openssl("x509", "-in", os.path.join(desk.state, "ca.pem"), "-noout",
                 "-fingerprint").stdout
    subj = _openssl("x509", "-in", rp.root, "-noout", "-subject").stdout.split("=", 1)[1]
    iss = _openssl("x509", "-in", rp.root, "-noout", "-issuer").stdout.split("=", 1)[1]
    assert subj == iss                                   # the root: self-signed
    base = rp.u["ocsp"][0].rsplit("/", 1)[0]
    for path in ("/", "/api/v1/crl", "/api/v1/ca/chain", "/crl/other.crl", "/cert/"):
        st, _, _ = fetch(base + path)
        assert st == 404, path
    # The HTTPS API still serves the full CRL and the PEM chain to older clients.
    st, (der, ctype) = desk.svc.request("GET", "/api/v1/crl")
    assert st == 200 and ctype == "application/pkix-crl"
    st, (pem, ctype) = desk.svc.request("GET", "/api/v1/ca/chain")
    assert st == 200 and pem.count(b"BEGIN CERTIFICATE") == 2


def test_crls_say_what_they_are(desk, tmp_path):
    """The full CRL: number, this/next update, AKI, the delta's URL as the certificate's
    Freshest CRL; the delta: deltaCRLIndicator (critical) naming an older full CRL."""
    certs = issue(desk, tmp_path / "c")
    rp = Relying(certs["auth"], tmp_path)
    full, delta, root = rp.crls()
    t = crl_text(full)
    assert re.search(r"CRL Number: *\n\s*\d+", t), t
    assert "Next Update:" in t and "Authority Key Identifier" in t, t
    assert rp.u["freshest"][0] in t, t
    number = int(re.search(r"CRL Number: *\n\s*(\d+)", t).group(1))
    dt = crl_text(delta)
    m = re.search(r"Delta CRL Indicator: critical\s*\n\s*(\d+)", dt)
    assert m and 0 < int(m.group(1)) <= number, dt
    assert int(re.search(r"CRL Number: *\n\s*(\d+)", dt).group(1)) != number
    rt = crl_text(root)
    assert "Next Update:" in rt and "CRL Number" in rt, rt


# --- good, then revoked at once -----------------------------------------------------------

def test_good_then_revoked_at_once(desk, tmp_path):
    certs = issue(desk, tmp_path / "c")
    rp = Relying(certs["auth"], tmp_path)
    for k in ("auth", "sign"):
        v = rp.verify(certs[k])
        assert v.returncode == 0 and ": OK" in v.stdout, (k, v.stdout, v.stderr)
        out, err = rp.ocsp("-cert", certs[k])
        assert f"{certs[k]}: good" in out, out + err
        assert "Response verify OK" in err, err
    full, delta, _ = rp.crls()
    before_full = crl_text(full)
    assert serial(certs["auth"]) not in crl_entries(before_full)
    old_full = to_pem("crl", full, full + ".pem")

    revoke(desk, certs["number"], "keyCompromise")
    # No wait: the very next requests tell the truth.
    for k in ("auth", "sign"):
        out, err = rp.ocsp("-cert", certs[k])
        assert f"{certs[k]}: revoked" in out, out + err
        assert "Reason: keyCompromise" in out and "Revocation Time:" in out, out
    full, delta, _ = rp.crls()
    ft, dt = crl_text(full), crl_text(delta)
    for k in ("auth", "sign"):
        s = serial(certs[k])
        assert crl_entries(ft).get(s) == "Key Compromise", ft
        assert crl_entries(dt).get(s) == "Key Compromise", dt
        assert "Revocation Date:" in ft
    n_before = int(re.search(r"CRL Number: *\n\s*(\d+)", before_full).group(1))
    n_after = int(re.search(r"CRL Number: *\n\s*(\d+)", ft).group(1))
    assert n_after > n_before
    for k in ("auth", "sign"):
        v = rp.verify(certs[k], "-crl_check")
        assert v.returncode != 0 and "certificate revoked" in v.stdout + v.stderr, v.stdout
    # The full CRL from before the revocation with the new delta on it (RFC 5280 §5.2.4,
    # openssl -use_deltas): revoked too.
    v = subprocess.run(["openssl", "verify", "-CAfile", rp.root, "-untrusted", rp.ca,
                        "-crl_check", "-use_deltas", "-CRLfile", old_full, "-CRLfile",
                        to_pem("crl", delta, delta + ".pem"), certs["auth"]],
                       capture_output=True, text=True)
    assert v.returncode != 0 and "certificate revoked" in v.stdout + v.stderr, v.stdout
    v = subprocess.run(["openssl", "verify", "-CAfile", rp.root, "-untrusted", rp.ca,
                        "-crl_check", "-CRLfile", old_full, certs["auth"]],
                       capture_output=True, text=True)
    assert v.returncode == 0, v.stdout + v.stderr      # the old full CRL alone: not yet


def test_reason_travels(desk, tmp_path):
    certs = issue(desk, tmp_path / "c")
    rp = Relying(certs["sign"], tmp_path)
    revoke(desk, certs["number"], "affiliationChanged")
    out, _ = rp.ocsp("-cert", certs["sign"])
    assert "revoked" in out and "Reason: affiliationChanged" in out, out
    full, _, _ = rp.crls()
    assert crl_entries(crl_text(full)).get(serial(certs["sign"])) == \
        "Affiliation Changed"


# --- the responder's manners ----------------------------------------------------------------

def test_unknown_serial_and_nonce(desk, tmp_path):
    certs = issue(desk, tmp_path / "c")
    rp = Relying(certs["auth"], tmp_path)
    out, err = rp.ocsp("-serial", "0x1234567890ABCDEF", "-resp_text")
    assert "0x1234567890ABCDEF: unknown" in out, out + err
    # openssl sends a nonce and checks the echo: a missing or other nonce is said on stderr.
    assert "OCSP Nonce" in out and "WARNING: no nonce" not in err and "Nonce" not in err, err
    out, err = rp.ocsp("-cert", certs["auth"], "-no_nonce", "-resp_text")
    assert "OCSP Nonce" not in out and ": good" in out, out
    # The responder: delegated by the CA, responderID by key hash, OCSPSigning, nocheck.
    assert re.search(r"Responder Id: [0-9A-F]{40}", out), out
    assert "OCSP Signing" in out and "OCSP No Check" in out, out


def test_other_issuer_is_unknown(desk, tmp_path):
    """A CertID naming another issuer (the root) is never ours, whatever the serial.
    (-noverify: the CA's delegated responder does not speak for the root, and openssl
    rightly will not take its word on the root's certificates.)"""
    certs = issue(desk, tmp_path / "c")
    rp = Relying(certs["auth"], tmp_path)
    out, _ = ocsp(rp.chain, rp.root, "-url", rp.u["ocsp"][0], "-noverify", "-serial",
                  "0x" + serial(certs["auth"]))
    assert ": unknown" in out, out


def test_get_form(desk, tmp_path):
    """GET /ocsp/{url-encoded base64 of the DER request} (RFC 6960 A.1), with '/' and '+'
    in the base64 escaped, answers as POST does."""
    certs = issue(desk, tmp_path / "c")
    rp = Relying(certs["auth"], tmp_path)
    req = tmp_path / "req.der"
    _openssl("ocsp", "-issuer", rp.ca, "-cert", certs["auth"], "-no_nonce", "-reqout",
             str(req))
    b64 = base64.b64encode(req.read_bytes()).decode()
    st, ctype, body = fetch(rp.u["ocsp"][0] + "/" + urllib.parse.quote(b64, safe=""))
    assert st == 200 and ctype == "application/ocsp-response", (st, ctype, body)
    (tmp_path / "resp.der").write_bytes(body)
    out, err = ocsp(rp.chain, rp.ca, "-respin", str(tmp_path / "resp.der"), "-cert",
                    certs["auth"], "-no_nonce")
    assert f"{certs['auth']}: good" in out, out + err
    assert "Response verify OK" in err, err
    # Not escaped at all (what many clients send), or base64url: the same answer (read,
    # not compared byte for byte: a second later its times differ).
    for i, form in enumerate((b64, base64.urlsafe_b64encode(req.read_bytes()).decode()
                              .rstrip("="))):
        st2, _, body2 = fetch(rp.u["ocsp"][0] + "/" + form)
        assert st2 == 200, form
        (tmp_path / f"resp{i}.der").write_bytes(body2)
        out, err = ocsp(rp.chain, rp.ca, "-respin", str(tmp_path / f"resp{i}.der"), "-cert",
                        certs["auth"], "-no_nonce")
        assert f"{certs['auth']}: good" in out and "Response verify OK" in err, form


def test_malformed_and_limits(desk, tmp_path):
    certs = issue(desk, tmp_path / "c")
    rp = Relying(certs["auth"], tmp_path)
    url = rp.u["ocsp"][0]
    malformed = bytes.fromhex("30030a0101")     # OCSPResponse { malformedRequest }
    st, ctype, body = fetch(url, b"\x30\x03\x02\x01\x00", "application/ocsp-request")
    assert st == 200 and ctype == "application/ocsp-response" and body == malformed, body
    st, _, body = fetch(url + "/not-base64!")
    assert st == 200 and body == malformed, body
    st, _, body = fetch(url, b"\x30\x00", "application/json")
    assert st == 415, body
    st, _, body = fetch(url, b"\x30" * 100000, "application/ocsp-request")
    assert st == 413, body


# --- the RFC 5019 cache ---------------------------------------------------------------------

def test_preproduced_answer_dropped_on_revocation(cached, tmp_path):
    """With ca.ocsp_preproduced, the same request is answered from what was signed (the
    same producedAt, to the byte) -- until a certificate is revoked: then at once."""
    certs = issue(cached, tmp_path / "c")
    rp = Relying(certs["auth"], tmp_path)
    req = tmp_path / "req.der"
    _openssl("ocsp", "-issuer", rp.ca, "-cert", certs["auth"], "-no_nonce", "-reqout",
             str(req))
    url = rp.u["ocsp"][0]
    st, _, first = fetch(url, req.read_bytes(), "application/ocsp-request")
    assert st == 200
    # Five seconds on by the service's clock: an answer signed now would say so.
    cached.set_clock(cached.now + 5)
    st, _, second = fetch(url, req.read_bytes(), "application/ocsp-request")
    assert st == 200 and second == first        # kept, not signed again
    revoke(cached, certs["number"])
    st, _, third = fetch(url, req.read_bytes(), "application/ocsp-request")
    (tmp_path / "resp.der").write_bytes(third)
    out, err = ocsp(rp.chain, rp.ca, "-respin", str(tmp_path / "resp.der"), "-cert",
                    certs["auth"], "-no_nonce")
    assert f"{certs['auth']}: revoked" in out, out + err
    # A request with a nonce is never answered from the cache: it is signed for it.
    out, err = rp.ocsp("-cert", certs["auth"])
    assert "revoked" in out and "Nonce" not in err, out + err


# --- where it listens -----------------------------------------------------------------------

def test_http_listen_option(tmp_path):
    """--http-listen puts the listener (and so the URLs) where it says; a bad one is
    refused before anything starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    svc = Service(tmp_path / "state", extra=["--http-listen", f"127.0.0.1:{port}"])
    try:
        u = urls(os.path.join(svc.state, "ca.pem"))
        assert u["crl"] == [f"http://127.0.0.1:{port}/crl/root.crl"], u
        assert u["issuers"] == [f"http://127.0.0.1:{port}/cert/root.cer"], u
        st, ctype, _ = fetch(f"http://127.0.0.1:{port}/crl/root.crl")
        assert st == 200 and ctype == "application/pkix-crl"
    finally:
        svc.stop()
    r = subprocess.run([*program(), "--demo", "--state-dir", str(tmp_path / "state"),
                        "--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:99999"],
                       capture_output=True, text=True, env=program_env(), timeout=60)
    assert r.returncode == 2 and "--http-listen" in r.stderr, r.stderr
