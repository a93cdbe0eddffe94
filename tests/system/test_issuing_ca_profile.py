"""The demo issuing CA's certificate beside NCA RK's own test issuing CA
(shared/reference/nca-test-gost2022-ca.pem, embedded below): the same extensions in the same
order — basicConstraints, keyUsage, the root's CRL, SKI, an AKI naming the root by key id,
name and serial, the root's certificate, NCA's CA policy with the CPS — so a relying party
reading our chain finds every link NCA's chain gives it."""
import os

import pytest

from service import Service

x509 = pytest.importorskip("cryptography.x509")

# shared/reference/nca-test-gost2022-ca.pem (public NCA RK test data).
NCA_CA = """
-----BEGIN CERTIFICATE-----
MIID/TCCA2WgAwIBAgIUetJLG6OgyWH+HKhQPmqiu0UNuKMwDgYKKoMOAwoBAQID
AgUAMF8xUDBOBgNVBAMMR9Cd0JXQk9CG0JfQk9CGINCa0KPTmNCb0JDQndCU0KvQ
oNCj0KjQqyDQntCg0KLQkNCb0KvSmiAoR09TVCkgVEVTVCAyMDIyMQswCQYDVQQG
EwJLWjAeFw0yMjA3MDcwOTU1MjNaFw0zMjA3MDQwOTU1MjNaMF0xTjBMBgNVBAMM
RdKw0JvQotCi0KvSmiDQmtCj05jQm9CQ0J3QlNCr0KDQo9Co0Ksg0J7QoNCi0JDQ
m9Cr0pogKEdPU1QpIFRFU1QgMjAyMjELMAkGA1UEBhMCS1owgawwIwYJKoMOAwoB
AQICMBYGCiqDDgMKAQECAgEGCCqDDgMKAQMDA4GEAASBgLg6ffxI/sxPLaDh3hLs
K8f9P7PMFjc56V21F+SDFKNkURgSXG93YnmPUuKv6NqP8flHGTFV+gpGiM4p3XPR
bdE3sg0hQ8SaoHXR2h6hofM3OycgAFJHIBHDsrM5McqfgkuVVgnP/FnUkzmEG3/s
C0Z9c7Ux27UsnudfeVvVEBhro4IBpzCCAaMwDwYDVR0TAQH/BAUwAwEB/zAOBgNV
HQ8BAf8EBAMCAQYwOgYDVR0fBDMwMTAvoC2gK4YpaHR0cDovL2NybC5yb290Lmdv
di5rei9nb3N0X3Rlc3RfMjAyMi5jcmwwHQYDVR0OBBYEFPrSSxujoMlh/hyoUD5q
ortFDbijMIGcBgNVHSMEgZQwgZGAFKfTq3eQNy5baYFw3eYMzKOLw6SyoWOkYTBf
MVAwTgYDVQQDDEfQndCV0JPQhtCX0JPQhiDQmtCj05jQm9CQ0J3QlNCr0KDQo9Co
0Ksg0J7QoNCi0JDQm9Cr0pogKEdPU1QpIFRFU1QgMjAyMjELMAkGA1UEBhMCS1qC
FCfTq3eQNy5baYFw3eYMzKOLw6SyMEsGCCsGAQUFBwEBBD8wPTA7BggrBgEFBQcw
AoYvaHR0cDovL3Jvb3QuZ292Lmt6L2NlcnQvcm9vdF90ZXN0X2dvc3RfMjAyMi5j
ZXIwOQYDVR0gBDIwMDAuBgYqgw4DAwIwJDAiBggrBgEFBQcCARYWIGh0dHA6Ly9w
a2kuZ292Lmt6L2NwczAOBgoqgw4DCgEBAgMCBQADgYEAF1XLtw6Fcdzrl33J2DaP
125p+nQviyEddDJxb0mUlxbWUTAZlKsAqphfN/SxEd2w0pJL39hTysG0rAC6Lp5b
dMdmsclPZqdn22SqiCluNXUpTj84jh8hdT9QVB6Ll4yYlBf9WlZUFqzWF6oR151h
1xL1D1wcq8c2SQpMUZFOKHU=
-----END CERTIFICATE-----
"""



def load(pem):
    return x509.load_pem_x509_certificate(pem.encode())


def test_issuing_ca_has_ncas_extensions_in_ncas_order(tmp_path):
    svc = Service(tmp_path / "state")
    try:
        with open(os.path.join(svc.state, "ca.pem")) as f:
            ca = load(f.read())
        with open(os.path.join(svc.state, "root.pem")) as f:
            root = load(f.read())
    finally:
        svc.stop()
    nca = load(NCA_CA.strip() + "\n")
    assert [e.oid for e in ca.extensions] == [e.oid for e in nca.extensions]
    assert [e.critical for e in ca.extensions] == [e.critical for e in nca.extensions]
    # The AKI names the root three ways, as NCA's does: key id, name, serial.
    aki = ca.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    assert aki.authority_cert_issuer == [x509.DirectoryName(root.issuer)]
    assert aki.authority_cert_serial_number == root.serial_number
    # NCA's CA policy with the service's CPS.
    pols = ca.extensions.get_extension_for_class(x509.CertificatePolicies).value
    nca_pols = nca.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier for p in pols] == [p.policy_identifier for p in nca_pols]
    assert pols[0].policy_qualifiers[0].startswith("https://127.0.0.1:"), pols
