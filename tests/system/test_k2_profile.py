"""The two certificates the real service issues, read with `openssl x509` as a relying party
reads them, against NCA RK's K2 ("Treasury-Client") template (nca-facts.md §2, the reference
certificate in shared/reference/, doc/certificate-profile.md).

ncaenrolld --demo --auto-approve 0 --test-clock: an application is issued at the next round
of the service's jobs, at the moment the clock file says. Keys and CSRs come from the openssl
command line; the application goes over the real API, as `ncaenroll apply` sends it.
"""
import calendar
import datetime
import re
import subprocess
import time

import pytest

from csrs import BIN, IIN
from fixtures import service_fixture
from service import set_clock

svc = service_fixture("k2", extra=["--auto-approve", "0"], clock=True)

CLIENT_AUTH, EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"
LEGAL_ENTITY, K2 = "1.2.398.3.3.4.1.2", "1.2.398.5.19.1.2.2.1"
# What NCA's K2 certificates carry in extKeyUsage, in order: the purpose, legal entity,
# Treasury-Client (the reference: E-mail Protection, 1.2.398.3.3.4.1.2, 1.2.398.5.19.1.2.2.1).
NCA_EKU = {"auth": [CLIENT_AUTH, LEGAL_ENTITY, K2], "sign": [EMAIL_PROTECTION, LEGAL_ENTITY, K2]}


def openssl(*args, input=None):
    r = subprocess.run(["openssl", *args], input=input, capture_output=True, text=True)
    assert r.returncode == 0, f"openssl {' '.join(args)}: {r.stderr}"
    return r.stdout


def new_csrs(d):
    out = []
    for k in ("auth", "sign"):
        key = str(d / f"{k}.key")
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", key)
        out.append(openssl("req", "-new", "-key", key, "-subj", f"/CN=ignored {k}",
                           "-sha256"))
    return out


def apply_and_issue(svc, d, role):
    """Both certificates (PEM paths by usage) of a new application for `role`."""
    d.mkdir()
    csr_auth, csr_sign = new_csrs(d)
    st, org = svc.bin_check(BIN)
    assert st == 200, org
    st, person = svc.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": org["token"]})
    assert st == 200, person
    st, codes = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
    assert st == 200 and codes, codes
    st, ans = svc.request("POST", "/api/v1/applications", {
        "token": org["token"], "bin": BIN, "iin": IIN, "email": "user@mail.kz",
        "role": role, "region": "karaganda", "city": "karaganda",
        "gu_code": codes[0]["code"], "storage": "pc", "lang": "ru",
        "csr_auth": csr_auth, "csr_sign": csr_sign})
    assert st == 201, ans
    number = ans["request_number"]
    end = time.monotonic() + 30
    while True:
        st, s = svc.request("GET", f"/api/v1/applications/{number}")
        assert st == 200, s
        if s["status"] != "submitted" or time.monotonic() > end:
            break
        time.sleep(0.3)
    assert s["status"] == "issued", s
    st, certs = svc.certificates(number, d / "auth.key")
    assert st == 200, certs
    paths = {}
    for k in ("auth", "sign"):
        paths[k] = d / f"{k}.pem"
        paths[k].write_text(certs[k]["pem"])
    return paths


def roles(svc):
    st, v = svc.request("GET", "/api/v1/directories/roles")
    assert st == 200 and v, v
    return v


def eku_oids(path):
    """extKeyUsage as OIDs in order (OpenSSL names the ones it knows: back to numbers)."""
    text = openssl("x509", "-in", str(path), "-noout", "-ext", "extendedKeyUsage")
    names = {"TLS Web Client Authentication": CLIENT_AUTH,
             "E-mail Protection": EMAIL_PROTECTION}
    line = text.strip().splitlines()[-1].strip()
    return [names.get(p.strip(), p.strip()) for p in line.split(",")]


def subject_dc(path):
    subj = openssl("x509", "-in", str(path), "-noout", "-subject", "-nameopt", "RFC2253")
    return re.search(r"DC=([^,\n]+)", subj).group(1)


# --- extKeyUsage: NCA's OIDs only, the role in the DC ----------------------------------

def test_every_role_has_ncas_eku_and_no_role_oid(svc, clock, tmp_path):
    """A relying party reads 1.2.398.3.3.4.1.2.1 as "first head": a K2 certificate carries
    the role in its subject's DC only, never as a 1.2.398.3.3.4.1.2.x purpose."""
    set_clock(clock, int(time.time()))
    every = roles(svc)
    assert {"ROLE01", "ROLE02"} <= {r["id"] for r in every}
    for r in every:
        certs = apply_and_issue(svc, tmp_path / r["id"], r["id"])
        for k, path in certs.items():
            got = eku_oids(path)
            assert got == NCA_EKU[k], (r["id"], k, got)
            assert not any(o.startswith(LEGAL_ENTITY + ".") for o in got), (r["id"], k)
            assert subject_dc(path) == r["dc"], (r["id"], k)


# --- validity: calendar years from issue --------------------------------------------------

def utc(y, mo, d, h=9, mi=30, s=5):
    return calendar.timegm((y, mo, d, h, mi, s))


def validity(path):
    """(notBefore, notAfter) as epoch seconds, read back by OpenSSL."""
    out = {}
    for k in ("startdate", "enddate"):
        line = openssl("x509", "-in", str(path), "-noout", f"-{k}").strip()
        when = datetime.datetime.strptime(line.split("=", 1)[1], "%b %d %H:%M:%S %Y GMT")
        out[k] = calendar.timegm(when.timetuple())
    return out["startdate"], out["enddate"]


@pytest.mark.parametrize("issued,until", [
    (utc(2026, 5, 8, 7, 50, 34), utc(2027, 5, 8, 7, 50, 34)),   # the reference's own year
    (utc(2027, 3, 1), utc(2028, 3, 1)),       # across 29 February 2028: 366 days
    (utc(2028, 2, 29), utc(2029, 2, 28)),     # 29 February + 1 year: the last day of February
    (utc(2027, 12, 31, 23, 59, 59), utc(2028, 12, 31, 23, 59, 59))],
    ids=["reference", "across-29-february", "from-29-february", "new-year-eve"])
def test_pc_validity_is_one_calendar_year(svc, clock, tmp_path, issued, until):
    """A relying party sees notAfter on the same calendar date a year on, as NCA issues
    (8 May 2026 -> 8 May 2027), not 365 days later (a day short across 29 February)."""
    set_clock(clock, issued)
    try:
        certs = apply_and_issue(svc, tmp_path / "app", "ROLE02")
    finally:
        set_clock(clock, int(time.time()))
    for k, path in certs.items():
        assert validity(path) == (issued, until), k
