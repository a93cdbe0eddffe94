"""The service's address and CA file as a person writes them: an address ending in "/"
(as a browser shows it) reaches the same service, and a CA file that holds no
certificate is said to be that, as a local file that failed (status 4), before anything
goes on the network: not "the service is not the one we trust", which would send the
person to look for the fault at the service. Against the real ncaenrolld."""
import json

import pytest

from fixtures import service_fixture
from test_apply_cli import Applicant


svc = service_fixture("settings")


def test_an_address_ending_in_a_slash_reaches_the_service(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    base = svc.base
    svc.base = base + "//"
    try:
        p = me.apply()
    finally:
        svc.base = base
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    status, st = svc.request("GET", f"/api/v1/applications/{number}")
    assert status == 200 and st["status"] == "submitted", st


@pytest.mark.parametrize("content", [b"", b"not a certificate\n",
                                     b"-----BEGIN CERTIFICATE-----\nAAAA\n"
                                     b"-----END CERTIFICATE-----\n"],
                         ids=["empty", "text", "damaged"])
def test_a_ca_file_without_a_certificate_is_said_to_be_that(svc, tmp_path, content):
    bad = tmp_path / "ca.pem"
    bad.write_bytes(content)
    me = Applicant(svc, str(tmp_path))
    cafile = svc.cafile
    svc.cafile = str(bad)
    try:
        p = me.run("status", "0000-0000-0000-0000-0000-0000-0000")
    finally:
        svc.cafile = cafile
    assert p.returncode == 4, (p.stdout, p.stderr)
    assert f"the CA file {bad} holds no CA certificate" in p.stderr, p.stderr
    assert "not the one we trust" not in p.stderr
