"""What the service's TLS offers (doc/ncaenrolld.8, TLS): in TLS 1.2 only suites with
forward secrecy (ECDHE) and an AEAD cipher (AES-GCM, ChaCha20-Poly1305) — no RSA key
transport, no CBC with SHA-1 — and TLS 1.3 as well; nothing older. Listed the way a
reviewer would: `openssl s_client -tls1_2 -cipher SUITE` for every TLS 1.2 suite this
OpenSSL knows (at security level 0, so nothing is hidden on the client's side), each
handshake against the real ncaenrolld on loopback, and the set that connects compared
with the expected set exactly."""
import concurrent.futures
import shutil
import subprocess

import pytest

from fixtures import service_fixture

svc = service_fixture("tls-suites")

FS_AEAD = {
    "RSA": {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-RSA-CHACHA20-POLY1305"},
    "EC": {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
           "ECDHE-ECDSA-CHACHA20-POLY1305"},
}


def openssl(*args, stdin=subprocess.DEVNULL, timeout=30):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    return subprocess.run(["openssl", *args], stdin=stdin, capture_output=True, text=True,
                          timeout=timeout)


def tls12_suites():
    """Every suite this OpenSSL can use in TLS 1.2 (the TLS 1.3 ones are set apart)."""
    r = openssl("ciphers", "-v", "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
    assert r.returncode == 0, r.stderr
    names = [ln.split()[0] for ln in r.stdout.splitlines() if ln.split()[1] != "TLSv1.3"]
    assert len(names) > 50, r.stdout
    return names


def handshake(svc, *args):
    """(connected, the negotiated suite, protocol) of one s_client handshake."""
    r = openssl("s_client", "-connect", f"127.0.0.1:{svc.port}", "-servername", "localhost",
                *args, stdin=subprocess.DEVNULL)
    suite = proto = None
    for ln in r.stdout.splitlines():
        # "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256", or "New, (NONE), Cipher is (NONE)"
        # The version there is the suite's own (TLSv1.0 for a CBC-SHA1 suite); the session's
        # "Protocol  : TLSv1.2" line, printed for TLS 1.2, names the one negotiated.
        if ln.startswith("New, ") and ", Cipher is " in ln:
            proto = ln.split(", ")[1]
            suite = ln.rsplit("Cipher is ", 1)[1].strip()
        if ln.strip().startswith("Protocol  :"):
            proto = ln.split(":", 1)[1].strip()
    ok = r.returncode == 0 and suite not in (None, "(NONE)", "0000")
    return ok, suite, proto


def server_key_type(svc):
    """RSA or EC: the service's TLS key, from the certificate it sends."""
    r = openssl("s_client", "-connect", f"127.0.0.1:{svc.port}", "-servername", "localhost")
    return _leaf_type(r.stdout)


def _leaf_type(s_client_out):
    pem = s_client_out.split("-----BEGIN CERTIFICATE-----", 1)[1]
    pem = "-----BEGIN CERTIFICATE-----" + pem.split("-----END CERTIFICATE-----", 1)[0] + \
        "-----END CERTIFICATE-----\n"
    r = subprocess.run(["openssl", "x509", "-noout", "-text"], input=pem,
                       capture_output=True, text=True)
    return "EC" if "id-ecPublicKey" in r.stdout else "RSA"


def test_tls12_offers_only_forward_secret_aead_suites(svc):
    suites = tls12_suites()

    def probe(name):
        ok, got, proto = handshake(svc, "-tls1_2", "-cipher", f"{name}:@SECLEVEL=0")
        return name, ok, got, proto

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(probe, suites))
    offered = {name for name, ok, got, proto in results if ok}
    for name, ok, got, proto in results:
        if ok:
            assert got == name and proto == "TLSv1.2", (name, got, proto)
    expected = FS_AEAD[server_key_type(svc)]
    assert offered == expected, {"offered, not expected": sorted(offered - expected),
                                 "expected, not offered": sorted(expected - offered)}


@pytest.mark.parametrize("suite", ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                   "TLS_CHACHA20_POLY1305_SHA256"])
def test_tls13_still_works(svc, suite):
    ok, got, proto = handshake(svc, "-tls1_3", "-ciphersuites", suite)
    assert ok and got == suite and proto == "TLSv1.3", (ok, got, proto)


@pytest.mark.parametrize("version", ["-tls1", "-tls1_1"])
def test_older_than_tls12_refused(svc, version):
    ok, got, _ = handshake(svc, version, "-cipher", "ALL:@SECLEVEL=0")
    assert not ok, got
