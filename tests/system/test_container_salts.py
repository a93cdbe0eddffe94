"""The salts of the `--legacy` key containers, read with OpenSSL beside NCA RK's own container
(shared/reference/nca-test-k2-user.p12, embedded below): NCA's files salt the MAC, the
shrouded key bag and the encrypted certificate bag with 20 random bytes each; a consumer
that expects NCA's layout sees the same.

keystore-tool (tests/tools) makes the keys and installs the certificates, as
test_containers.py; `openssl pkcs12 -info` and `openssl asn1parse` read the files.
"""
import base64
import re
import subprocess

from test_containers import PW, ca, folder, openssl  # noqa: F401 (fixtures)

# shared/reference/nca-test-k2-user.p12 (password Qwerty12, public test data; GOST key).
NCA_REFERENCE_P12 = base64.b64decode("""
MIIHdwIBAzCCBzEGCSqGSIb3DQEHAaCCByIEggceMIAwgAYJKoZIhvcNAQcBoIAEggFAMIIBPDCC
ATgGCyqGSIb3DQEMCgECoIGfMIGcMCgGCiqGSIb3DQEMAQMwGgQU5pKXwfL7AYV3o43oGa1TLCHC
hZ0CAgQABHBmFE7JVAMnn0bKHnpieszdSqB0ziTTvmD+CaDNo959ifCOYr3CzGky9O45BhkzU1Fy
C4I7G6/U3fCOBz37+e5T5saKcxtr18wWz1aM07TINTnNDtK+bLUIMfZjiLDjW/ouzbPzkRN2BVn5
B1hl+CV5MYGGMCMGCSqGSIb3DQEJFTEWBBTglU8j1B2z9C+wTbb1OGCdmJeNMjBfBgkqhkiG9w0B
CRQxUh5QAGUAMAA5ADUANABmADIAMwBkADQAMQBkAGIAMwBmADQAMgBmAGIAMAA0AGQAYgA2AGYA
NQAzADgANgAwADkAZAA5ADgAOQA3ADgAZAAzADIAAAAAMIAGCSqGSIb3DQEHBqCAMIACAQAwgAYJ
KoZIhvcNAQcBMCgGCiqGSIb3DQEMAQYwGgQUrmnqhSuOmtnlzuCs2vh6xDxG3NgCAgQAoIAEggVo
V3GZMMRxMHKX6nXfSZTBkHZFrL7v6TJ9aju7y/sMAmSf9wtnXZNpZRHv/VEjDBynv2DV4cYb9kQ0
E3cNbaNtMZwvqCHXvRU8AtagllTkbZwF8V4GCoiPreVf4Uxi0S0ZsQrlzAbnK2ug0zIJ1HdKtjcc
CP09w/E4Fl+KXDc/oPynJRNOUFgkfzBXWjyzn/gYnItv/JofuT1rNXjux4TZq72Z69xYyNeqLTQM
X3ofH/YzmFRg7RgP0JhYHp9sty2ARAp2BDjvBPE3cTEf+xz26GGU6f+0D1vD42O5PHBSdqSJl8lj
GvEyy0tQltWP3nEiyzl21zZRlfZr8i3I4tnw+gcmMlcnUpLQ0Ob4cwr5q12xKVkHtgTyxqY/6saH
edCAaGR+Nq8oaxnGQDTSWuZQvOWVWNO6W7UJnfGAJUXOrw+47r6uIhi8PlKW6YrKrUwkj97a6Nbq
SnVUW+oUErHFvbylFHy4Ji6BaqaUQ5Xxy30SEE1rfxhOj6tgUub89nU5C4Ashqe60MdLC3tDBWfg
NtuNV2hIEnB62tngKxiwMdoXtvUDPN712RNnsJnS2fH7IG8U5Aw5UsjQ/6qmhZiIncjThC4dgC83
iklZPrbjBXNtl+ArIzYs58T4tjids2ZL2otGwJfQFWjIdggMlAr084OAOIHUAwQcS/WBE4TbF4wh
PWxwPpxfagl15r7QnEkURcvo6fIc8zvJuffd+/QZK6kHITGbcym+VuZh9zrjCz2nU94gzeVDoavz
xQHl5XU2eVLCfA5KPKzKiaEWuWFOiWUaXIvNUnha5CEVrBkxKoxvQ6Xmo6UQWjAXZuFu6vEIk7oc
UPIkVKy5iBaOuA2SOzwfJoK8r5LGDM3ODjlbcvqkVdT1+Ai9qklLdbNRytk/nwSmXBhFyeQgR8B1
NiWMZV++grJilnGcdXGk9KUJIhv3Bfca0EZ04XaqBaSd42gart5nDKTV8NqyjmRulqfNRBhKHHHa
vSWb1EZqFzryUjw8iz8F94nX8/Tpc8udXPBLo2ASlgjbrj3WADvQzuDrq2R7kKwE8Q4bMH5W5W7T
OvbZ7Q4A2lXOo8Pho1cFxeXW6h24KVx1wTyqL+cwhW/zoZsmzAgTb6XCJeo38Dj7yz1mlDLZKRPT
rJ7ECJ9RlqaS2SQB7vUnTBdh2YGBU1t+X+4Cb3ODuRTRkoQuqcjLDVygSowPeMRUH7Iy/cn11vcA
b0xMPHlkfKgFn8EuPZh1UmhPG4PSEmrojc4S143lDQcMrTIVtIpf9iF0BcIYZdi2zyI0X4RrK/BM
aEKVeNqFD0NvZj9PO6jn0NMpfH9fjDD2FKm01jSv1e0oxqiDL3SObkob3wBtgpWoY35fXTj2FS0h
0KVx4uLYDJDERe342zyMLIK0vVNeHNxq2JYN7XrBaUmKR57D6n3hmehCJ8jA7VjyiMLbcV4fxY07
cWa5ygJCvfxuz6gk/fmNjATm/3Udx0282AlCEJneCK8Uf38prwAx8UER6WjoUwDrdrEZNxesu/fG
MRVSGlD4f0v8C0Zz55ON4KgO6YCNsdEqD1TdDa4/3lrfI3ZCyjCAPDi3VYKNT4EKH2PtcZZ5BAJ6
k+vKTxp11Ou9RSXDwYMzQ2m6bkvnCtWUbr3IOTez9cMCwROmpbPjeafwZSGQ/7sF2txTC9lHc22J
HA8+urzlp+WzZz76NzDa98Xnvtij2ek4zYxfecZ1LUcRWcrBvG6gffJwSSNE4SKUKJwDuDZdr5yb
7/oU+kie35uVJm99Jhl7MBi+NZfgfEHlEqpfab8DKr8/xxU+oJmgBrYD4kyDb3Ao0CZp8RPvwpQp
gV378oRLXD0hEebuZ4hAKQAAAAAAAAAAAAAAADA9MCEwCQYFKw4DAhoFAAQU0mmuPk33iAfTOxwN
Cd27xpRELZQEFL3TtkwW5X2k1ASGUOvwSGOVjvdvAgIEAA==
""")

LINE = re.compile(r"^\s*(\d+):d=\s*(\d+)\s+hl=\s*(\d+) l=\s*(\d+|inf)\s+(prim|cons):\s*(.*)$")


def rows(der):
    """(offset, header length, length, type, value) of each line of `openssl asn1parse`."""
    r = subprocess.run(["openssl", "asn1parse", "-inform", "DER"], input=der,
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    out = []
    for line in r.stdout.decode(errors="replace").splitlines():
        m = LINE.match(line)
        assert m, line
        typ, _, val = m.group(6).partition(":")
        out.append((int(m.group(1)), int(m.group(3)),
                    None if m.group(4) == "inf" else int(m.group(4)),
                    typ.replace("[HEX DUMP]", "").strip(), val.strip()))
    return out


def pbe_salts(der):
    """[(algorithm, salt length)] of every password-based encryption in the container, the
    data contents (pkcs7-data) opened down to the shrouded key bag."""
    out, v = [], rows(der)
    for i, (off, hl, n, typ, val) in enumerate(v):
        if typ == "OBJECT" and (val.startswith("pbeWith") or val == "PBKDF2"):
            salt = next(r for r in v[i + 1:i + 4] if r[3] == "OCTET STRING")
            out.append((val, salt[2]))
        if typ == "OBJECT" and val == "pkcs7-data" and i + 2 < len(v) and \
                v[i + 1][3] == "cont [ 0 ]" and v[i + 2][3] == "OCTET STRING":
            o, h, ln = v[i + 2][:3]
            out += pbe_salts(der[o + h:o + h + ln])
    return out


def mac_salt(der, *args):
    """The MAC's salt length as `openssl pkcs12 -info` reports it."""
    r = openssl("pkcs12", *args, "-info", "-noout", "-passin", f"pass:{PW}", input=der,
                check=False)
    m = re.search(rb"MAC length: \d+, salt length: (\d+)", r.stdout + r.stderr)
    assert m, r.stderr
    return int(m.group(1))


def test_reference_salts():
    """What NCA writes, as this file reads it: 20 bytes for the MAC, the key, the cert."""
    assert pbe_salts(NCA_REFERENCE_P12) == [("pbeWithSHA1And3-KeyTripleDES-CBC", 20),
                                            ("pbeWithSHA1And40BitRC2-CBC", 20)]
    assert mac_salt(NCA_REFERENCE_P12) == 20


def test_legacy_salts_are_ncas(folder):
    r = folder.install(legacy=True)
    assert r.returncode == 0, r.stderr
    for k in ("auth", "sign"):
        with open(folder.container(k), "rb") as f:
            der = f.read()
        assert pbe_salts(der) == pbe_salts(NCA_REFERENCE_P12), k
        assert mac_salt(der, "-legacy") == mac_salt(NCA_REFERENCE_P12), k
