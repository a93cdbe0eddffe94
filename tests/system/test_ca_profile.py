"""The CA's certificates as outside tools see them: OpenSSL and GnuTLS verify and read what
tests/tools/ca-issue issues, and its ASN.1 structure is compared with NCA RK's own test
certificate of the same ("K2", Treasury-Client) profile, embedded below. See
doc/certificate-profile.md for the profile and our decisions.
"""
import hashlib
import os
import re
import subprocess
import time

import pytest

from conftest import BUILDDIR, Run

# shared/reference/nca-test-k2-user.pem: NCA's test CA issued it (GOST, public test data).
NCA_REFERENCE = """-----BEGIN CERTIFICATE-----
MIIEpzCCBA+gAwIBAgIUYJVPI9Qds/QvsE229ThgnZiXjTIwDgYKKoMOAwoBAQID
AgUAMF0xTjBMBgNVBAMMRdKw0JvQotCi0KvSmiDQmtCj05jQm9CQ0J3QlNCr0KDQ
o9Co0Ksg0J7QoNCi0JDQm9Cr0pogKEdPU1QpIFRFU1QgMjAyMjELMAkGA1UEBhMC
S1owHhcNMjYwNTA4MDc1MDM0WhcNMjcwNTA4MDc1MDM0WjCB3jEWMBQGCgmSJomT
8ixkARkWBlJPTEUwMjEiMCAGA1UEAwwZ0KLQldCh0KLQotCe0JIg0KLQldCh0KLQ
ojEXMBUGA1UEBAwO0KLQldCh0KLQotCe0JIxGDAWBgNVBAUTD0lJTjEyMzQ1Njc4
OTAxMjELMAkGA1UEBhMCS1oxGDAWBgNVBAoMD9CQ0J4gItCi0JXQodCiIjEYMBYG
A1UECwwPQklOMTIzNDU2Nzg5MDIxMQ8wDQYDVQQPDAZLUzEyMzQxGzAZBgNVBCoM
EtCi0JXQodCi0KLQntCS0JjQpzCBrDAjBgkqgw4DCgEBAgIwFgYKKoMOAwoBAQIC
AQYIKoMOAwoBAwMDgYQABIGA3ZMUE1Vrx4sIQkyPzfga3AxLgnvIidWXHFgWNvat
bYGEgqNaDgjVwgNaAXvCwFQt/yxMtorVOv/j93rkxgDnCLFRit0dblO4rawEBLpm
xvwfPyYY3noBgpkpn76AEMRRvc3oGHgwNx9f3p0piGBif1Y8jDKzHlffrEcUvTKS
SW+jggHRMIIBzTAoBgNVHSUEITAfBggrBgEFBQcDBAYIKoMOAwMEAQIGCSqDDgUT
AQICATA4BgNVHSAEMTAvMC0GBiqDDgMDAjAjMCEGCCsGAQUFBwIBFhVodHRwOi8v
cGtpLmdvdi5rei9jcHMwdwYIKwYBBQUHAQEEazBpMCgGCCsGAQUFBzABhhxodHRw
Oi8vdGVzdC5wa2kuZ292Lmt6L29jc3AvMD0GCCsGAQUFBzAChjFodHRwOi8vdGVz
dC5wa2kuZ292Lmt6L2NlcnQvbmNhX2dvc3QyMDIyX3Rlc3QuY2VyMEEGA1UdHwQ6
MDgwNqA0oDKGMGh0dHA6Ly90ZXN0LnBraS5nb3Yua3ovY3JsL25jYV9nb3N0MjAy
Ml90ZXN0LmNybDBDBgNVHS4EPDA6MDigNqA0hjJodHRwOi8vdGVzdC5wa2kuZ292
Lmt6L2NybC9uY2FfZ29zdDIwMjJfZF90ZXN0LmNybDAOBgNVHQ8BAf8EBAMCA8gw
HQYDVR0OBBYEFOCVTyPUHbP0L7BNtvU4YJ2Yl40yMB8GA1UdIwQYMBaAFPrSSxuj
oMlh/hyoUD5qortFDbijMBYGBiqDDgMDBQQMMAoGCCqDDgMDBQEBMA4GCiqDDgMK
AQECAwIFAAOBgQAIV/BQvIBrSg/uLQSB3uJOjAeFMZAKp1C2Hcce8bggPJ4O+SxG
SwBQ2XKRzgxUzRxyBkgNeEFdhHqNcq9hHv92cM824x6UX69zXGsqARax5BGS1/Lc
0VInyrYrBJeub9L69Py+T5WJc4Vcsttr/cnqy+Z5O5+DksdAXfu84tVxOw==
-----END CERTIFICATE-----
"""

TOOL = "tests/tools/ca-issue"
STRING_TYPES = ("UTF8STRING", "PRINTABLESTRING", "IA5STRING")
SAN = "X509v3 Subject Alternative Name"
CLIENT_AUTH, EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"


def sh(*args, input=None, check=True):
    r = subprocess.run(list(args), input=input, capture_output=True,
                       text=not isinstance(input, bytes))
    if check:
        assert r.returncode == 0, f"{args}: {r.stderr}"
    return r


def openssl_csr(d, name, newkey="rsa:2048", extra=()):
    key, csr = os.path.join(d, name + ".key"), os.path.join(d, name + ".csr")
    sh("openssl", "req", "-new", "-newkey", newkey, *extra, "-nodes", "-keyout", key,
       "-subj", "/CN=ignored by the CA", "-out", csr)
    return csr


class Issued:
    def __init__(self, path, info):
        self.path = path
        self.info = dict(line.split("=", 1) for line in info.splitlines() if "=" in line)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("pki"))
    run = Run(BUILDDIR)
    r = run(TOOL, "demo", d, "localhost,127.0.0.1,::1")
    assert r.returncode == 0, r.stderr
    csr = openssl_csr(d, "user")
    certs = {}
    for name, usage, storage, fields in (
            ("auth", "auth", "file", ()),
            ("sign", "sign", "token", ("email=test.user@example.kz", "role_dc=ROLE05"))):
        r = run(TOOL, "issue", d, usage, storage, csr, *fields)
        assert r.returncode == 0, r.stderr
        path = os.path.join(d, name + ".pem")
        with open(path, "w") as f:
            f.write(r.stdout)
        certs[name] = Issued(path, r.stderr)
    ref = os.path.join(d, "reference.pem")
    with open(ref, "w") as f:
        f.write(NCA_REFERENCE)
    return {"dir": d, "run": run, "csr": csr, "ref": ref, **certs}


# --- reading asn1parse ----------------------------------------------------------------

LINE = re.compile(r"^\s*\d+:d=(\d+)\s+hl=\s*\d+ l=\s*(\d+) (prim|cons):\s*(.*)$")


def asn1(path):
    """(depth, length, type, value) per line of `openssl asn1parse`."""
    out = []
    for line in sh("openssl", "asn1parse", "-in", path).stdout.splitlines():
        m = LINE.match(line)
        assert m, line
        typ, _, val = m.group(4).partition(":")
        out.append((int(m.group(1)), int(m.group(2)),
                    typ.replace("[HEX DUMP]", "").strip(), val.strip()))
    return out


def name_attributes(rows):
    """(attribute, string type) in DER order: the issuer's, then the subject's."""
    return [(rows[i][3], rows[i + 1][2]) for i in range(len(rows) - 1)
            if rows[i][2] == "OBJECT" and rows[i + 1][2] in STRING_TYPES]


def extensions(rows):
    """(name, critical, DER value in hex) in order."""
    out = []
    for i in range(len(rows) - 2):
        if rows[i][0] == 5 and rows[i][2] == "OBJECT" and \
                rows[i + 1][2] in ("BOOLEAN", "OCTET STRING"):
            crit = rows[i + 1][2] == "BOOLEAN"
            out.append((rows[i][3], crit, rows[i + 2 if crit else i + 1][3]))
    return out


def text(path):
    return sh("openssl", "x509", "-in", path, "-noout", "-text").stdout


# --- chains -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["auth", "sign"])
def test_openssl_verifies_with_chain(pki, name):
    r = sh("openssl", "verify", "-x509_strict", "-CAfile",
           os.path.join(pki["dir"], "ca-chain.pem"), pki[name].path)
    assert r.stdout.strip().endswith(": OK")


@pytest.mark.parametrize("name", ["auth", "sign"])
def test_openssl_verifies_from_root_only(pki, name):
    d = pki["dir"]
    r = sh("openssl", "verify", "-x509_strict", "-CAfile", os.path.join(d, "root.pem"),
           "-untrusted", os.path.join(d, "ca.pem"), pki[name].path)
    assert r.stdout.strip().endswith(": OK")


@pytest.mark.parametrize("name", ["auth", "sign"])
def test_gnutls_verifies(pki, name):
    d = pki["dir"]
    with open(pki[name].path) as f, open(os.path.join(d, "ca.pem")) as g:
        bundle = f.read() + g.read()
    r = sh("certtool", "--verify", "--load-ca-certificate", os.path.join(d, "root.pem"),
           input=bundle)
    assert "Chain verification output: Verified." in r.stdout


# --- structure, compared with NCA's certificate -----------------------------------------

def test_subject_order_and_string_types_match_reference(pki):
    ref = name_attributes(asn1(pki["ref"]))
    ours = name_attributes(asn1(pki["auth"].path))
    assert len(ref) == 11 and len(ours) == 11          # issuer 2 + subject 9
    assert ours == ref
    assert [a for a, _ in ours[2:]] == [
        "domainComponent", "commonName", "surname", "serialNumber", "countryName",
        "organizationName", "organizationalUnitName", "businessCategory", "givenName"]


def test_subject_values(pki):
    rows = asn1(pki["auth"].path)
    values = [(rows[i][3], rows[i + 1][3]) for i in range(len(rows) - 1)
              if rows[i][2] == "OBJECT" and rows[i + 1][2] in STRING_TYPES][2:]
    assert values == [
        ("domainComponent", "ROLE02"), ("commonName", "ТЕСТТОВ ТЕСТТ"),
        ("surname", "ТЕСТТОВ"), ("serialNumber", "IIN871008401427"),
        ("countryName", "KZ"), ("organizationName", 'АО "ТЕСТ"'),
        ("organizationalUnitName", "BIN940140000385"), ("businessCategory", "KS1234"),
        ("givenName", "ТЕСТТОВИЧ")]


def test_issuer_shape_matches_reference(pki):
    ours = name_attributes(asn1(pki["auth"].path))[:2]
    assert ours == name_attributes(asn1(pki["ref"]))[:2]
    assert "CN = \\D2\\B0\\D0\\9B" in text(pki["auth"].path)  # "ҰЛ...", then C = KZ
    assert "(RSA) DEMO" in sh("openssl", "x509", "-in", pki["auth"].path, "-noout",
                              "-issuer", "-nameopt", "utf8").stdout


def test_extension_order_and_criticality_match_reference(pki):
    ref = [(n, c) for n, c, _ in extensions(asn1(pki["ref"]))]
    auth = [(n, c) for n, c, _ in extensions(asn1(pki["auth"].path))]
    sign = [(n, c) for n, c, _ in extensions(asn1(pki["sign"].path))]
    assert auth == ref
    assert sign == ref + [(SAN, False)]            # e-mail: our decision, appended last
    assert [n for n, c in ref if c] == ["X509v3 Key Usage"]


@pytest.mark.parametrize("name,value", [
    ("auth", "300A06082A830E0303050101"),     # key in a PC folder: as NCA's reference
    ("sign", "300A06082A830E0303050102")])    # key on a token: our decision
def test_key_storage_extension(pki, name, value):
    ext = {n: v for n, _, v in extensions(asn1(pki[name].path))}
    assert ext["1.2.398.3.3.5"] == value
    if name == "auth":
        assert {n: v for n, _, v in extensions(asn1(pki["ref"]))}["1.2.398.3.3.5"] == value


@pytest.mark.parametrize("name,ku", [("auth", "030205A0"), ("sign", "030206C0")])
def test_key_usage_der(pki, name, ku):
    assert {n: v for n, _, v in extensions(asn1(pki[name].path))}["X509v3 Key Usage"] == ku


def test_serial_is_20_bytes_positive_like_reference(pki):
    for path in (pki["ref"], pki["auth"].path, pki["sign"].path):
        rows = asn1(path)        # SEQUENCE, tbsCertificate, [0] { version }, serial
        assert rows[4][2] == "INTEGER" and rows[4][1] == 20
        assert int(rows[4][3][:2], 16) < 0x80
    assert asn1(pki["auth"].path)[4][3] == pki["auth"].info["serial"]
    assert pki["auth"].info["serial"] != pki["sign"].info["serial"]


def test_validity_is_utctime_and_calendar_years(pki):
    for name, years in (("auth", 1), ("sign", 3)):       # a folder, a token
        rows = asn1(pki[name].path)
        assert [r[2] for r in rows if r[0] == 3 and r[2].endswith("TIME")] == \
            ["UTCTIME", "UTCTIME"]
        info = pki[name].info
        a, b = (time.gmtime(int(info[k])) for k in ("not_before", "not_after"))
        assert b.tm_year == a.tm_year + years
        if (a.tm_mon, a.tm_mday) != (2, 29):             # else 28 February: test_k2_profile
            assert (b.tm_mon, b.tm_mday) == (a.tm_mon, a.tm_mday)
        assert b[3:6] == a[3:6]


def test_ski_is_sha1_of_whole_spki(pki):
    for name in ("auth", "sign"):
        pub = sh("openssl", "x509", "-in", pki[name].path, "-noout", "-pubkey").stdout
        der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"],
                             input=pub.encode(), capture_output=True, check=True).stdout
        ski = hashlib.sha1(der).hexdigest()
        assert pki[name].info["ski"] == ski
        ext = {n: v for n, _, v in extensions(asn1(pki[name].path))}
        assert ext["X509v3 Subject Key Identifier"] == "0414" + ski.upper()


def test_aki_is_the_issuing_ca_ski(pki):
    ca = text(os.path.join(pki["dir"], "ca.pem"))
    ca_ski = re.search(r"Subject Key Identifier: *\n *([0-9A-F:]+)", ca).group(1)
    ours = text(pki["auth"].path)
    assert re.search(r"Authority Key Identifier: *\n *([0-9A-F:]+)", ours).group(1) == ca_ski
    aki = {n: v for n, _, v in extensions(asn1(pki["auth"].path))}
    assert aki["X509v3 Authority Key Identifier"].startswith("30168014")  # keyid only


def test_signature_algorithm(pki):
    t = text(pki["auth"].path)
    assert t.count("Signature Algorithm: sha256WithRSAEncryption") == 2
    assert "Public-Key: (2048 bit)" in t


@pytest.mark.parametrize("name,eku,policy,ku", [
    ("auth", "TLS Web Client Authentication, 1.2.398.3.3.4.1.2, 1.2.398.5.19.1.2.2.1",
     "1.2.398.3.3.2.2", "Digital Signature, Key Encipherment"),
    ("sign", "E-mail Protection, 1.2.398.3.3.4.1.2, 1.2.398.5.19.1.2.2.1",
     "1.2.398.3.3.2.1", "Digital Signature, Non Repudiation")])
def test_openssl_text(pki, name, eku, policy, ku):
    t = text(pki[name].path)
    assert re.search(r"X509v3 Extended Key Usage: *\n *" + re.escape(eku) + "\n", t)
    assert re.search(r"Policy: " + re.escape(policy) + r"\n *CPS: http://pki.demo.example/cps",
                     t)
    assert re.search(r"OCSP - URI:http://pki.demo.example/ocsp/\n *CA Issuers - "
                     r"URI:http://pki.demo.example/cert/demo.cer", t)
    assert re.search(r"CRL Distribution Points: *\n *Full Name:\n *"
                     r"URI:http://pki.demo.example/crl/demo.crl", t)
    assert re.search(r"Freshest CRL: *\n *Full Name:\n *"
                     r"URI:http://pki.demo.example/crl/demo_d.crl", t)
    assert re.search(r"X509v3 Key Usage: critical\n *" + ku + "\n", t)
    assert "Basic Constraints" not in t                # as NCA's end-entity certificate
    assert ("email:test.user@example.kz" in t) == (name == "sign")


@pytest.mark.parametrize("name,purpose", [
    ("auth", "TLS WWW Client."), ("sign", "Email protection.")])
def test_gnutls_reads_profile(pki, name, purpose):
    t = sh("certtool", "-i", "--infile", pki[name].path).stdout
    assert "Version: 3" in t
    assert "Issuer: C=KZ,CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO" in t
    assert ("Subject: givenName=ТЕСТТОВИЧ,businessCategory=KS1234,OU=BIN940140000385,"
            'O=АО \\"ТЕСТ\\",C=KZ,serialNumber=IIN871008401427,surName=ТЕСТТОВ,'
            f"CN=ТЕСТТОВ ТЕСТТ,DC={'ROLE02' if name == 'auth' else 'ROLE05'}") in t
    assert re.search(r"Key Purpose \(not critical\):\n\s*" + re.escape(purpose) +
                     r"\n\s*1\.2\.398\.3\.3\.4\.1\.2"
                     r"\n\s*1\.2\.398\.5\.19\.1\.2\.2\.1\n", t)
    assert "Key Usage (critical):" in t
    assert "Unknown extension 1.2.398.3.3.5 (not critical)" in t
    assert f"Subject Key Identifier (not critical):\n\t\t\t{pki[name].info['ski']}" in t
    assert "Signature Algorithm: RSA-SHA256" in t


# --- the gate ---------------------------------------------------------------------------

def tampered_csr(d):
    """The CSR with one bit of its signature flipped, back in PEM."""
    raw = subprocess.run(["openssl", "req", "-in", os.path.join(d, "user.csr"), "-outform",
                          "DER"], capture_output=True, check=True).stdout
    raw = raw[:-5] + bytes([raw[-5] ^ 1]) + raw[-4:]
    pem = subprocess.run(["openssl", "req", "-inform", "DER"], input=raw,
                         capture_output=True, check=True).stdout
    path = os.path.join(d, "tampered.csr")
    with open(path, "wb") as f:
        f.write(pem)
    return path


@pytest.mark.parametrize("what,cause", [
    ("rsa1024", "1024 bits"), ("ec", "RSA key is required"), ("notpem", "PEM"),
    ("tampered", "signature does not verify")])
def test_bad_csr_refused(pki, what, cause):
    d = pki["dir"]
    if what == "rsa1024":
        csr = openssl_csr(d, "small", "rsa:1024")
    elif what == "ec":
        csr = openssl_csr(d, "ec", "ec", ("-pkeyopt", "ec_paramgen_curve:P-256"))
    elif what == "notpem":
        csr = os.path.join(d, "csr.der")
        with open(csr, "wb") as f:
            f.write(subprocess.run(["openssl", "req", "-in", pki["csr"], "-outform", "DER"],
                                   capture_output=True, check=True).stdout)
    else:
        csr = tampered_csr(d)
    for args in (("check", csr), ("issue", d, "auth", "file", csr)):
        r = pki["run"](TOOL, *args)
        assert r.returncode == 1
        assert cause in r.stderr
        assert r.stdout == ""


def test_csr_key_id_is_sha256_of_spki(pki):
    r = pki["run"](TOOL, "check", pki["csr"])
    pub = subprocess.run(["openssl", "req", "-in", pki["csr"], "-noout", "-pubkey"],
                         capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub,
                         capture_output=True, check=True).stdout
    assert r.stdout.strip() == hashlib.sha256(der).hexdigest()


@pytest.mark.parametrize("field,cause", [
    ("iin=12345", "IIN"), ("bin=940140000386", "BIN"), ("surname=", "surname is missing"),
    ("gu_code=1", "code"), ("email=user@@example.kz", "e-mail")])
def test_bad_subject_refused(pki, field, cause):
    r = pki["run"](TOOL, "issue", pki["dir"], "auth", "file", pki["csr"], field)
    assert r.returncode == 1
    assert cause in r.stderr


# --- the demo PKI, the CRL ---------------------------------------------------------------

def test_demo_keys_private(pki):
    for k in ("root.key", "ca.key", "tls.key"):
        assert os.stat(os.path.join(pki["dir"], k)).st_mode & 0o7777 == 0o600


def test_tls_certificate(pki):
    d = pki["dir"]
    r = sh("openssl", "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile",
           os.path.join(d, "root.pem"), os.path.join(d, "tls.pem"))
    assert r.stdout.strip().endswith(": OK")
    t = text(os.path.join(d, "tls.pem"))
    assert "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1" in t
    assert "TLS Web Server Authentication" in t


def test_demo_restart_keeps_files(pki):
    d = pki["dir"]
    before = {n: open(os.path.join(d, n)).read() for n in
              ("root.pem", "ca.pem", "ca-chain.pem", "tls.pem")}
    r = pki["run"](TOOL, "demo", d, "localhost,127.0.0.1,::1")
    assert r.returncode == 0, r.stderr
    assert before == {n: open(os.path.join(d, n)).read() for n in before}


def test_crl(pki):
    d = pki["dir"]
    serial = pki["auth"].info["serial"]
    r = subprocess.run([os.path.join(BUILDDIR, TOOL), "crl", d, "7", serial],
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    crl = os.path.join(d, "demo.crl")
    with open(crl, "wb") as f:
        f.write(r.stdout)
    v = sh("openssl", "crl", "-inform", "DER", "-in", crl, "-CAfile",
           os.path.join(d, "ca-chain.pem"), "-noout", "-text")
    assert "verify OK" in v.stderr + v.stdout
    assert f"Serial Number: {serial}" in v.stdout
    assert "X509v3 CRL Number" in v.stdout
    assert "Signature Algorithm: sha256WithRSAEncryption" in v.stdout
    r = sh("openssl", "verify", "-crl_check", "-CAfile", os.path.join(d, "ca-chain.pem"),
           "-CRLfile", crl, pki["auth"].path, check=False)
    assert "certificate revoked" in r.stdout + r.stderr


def test_idn_email_as_a_labels(pki):
    """rfc822Name is ASCII: an internationalised domain goes in as A-labels (RFC 8398)."""
    d = pki["dir"]
    r = pki["run"](TOOL, "issue", d, "sign", "file", pki["csr"], "email=user@пример.қаз")
    assert r.returncode == 0, r.stderr
    path = os.path.join(d, "idn.pem")
    with open(path, "w") as f:
        f.write(r.stdout)
    want = "user@" + ".".join("xn--" + label.encode("punycode").decode()
                              for label in ("пример", "қаз"))
    assert want == "user@xn--e1afmkfd.xn--80ao21a"
    assert f"email:{want}" in text(path)
