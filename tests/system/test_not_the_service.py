"""An address that answers, but not as the enrollment service does: a web server's page
with "200 OK". The person is told that the address may not be the enrollment service
(the setting to check), never that the program and the service do not match (which would
send them to update a program that is fine). Exit status 3, nothing printed as a status.
A scripted HTTPS stand-in (fakesvc.py) plays the web server."""
import pytest

from fakesvc import FakeService
from test_service_errors import request_number
from test_service_garbage import ncaenroll

NUMBER = request_number(42)
PAGE = b"<!DOCTYPE html><html><body><h1>It works!</h1></body></html>"


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    with FakeService(tmp_path_factory.mktemp("web")) as f:
        yield f


@pytest.mark.parametrize("status", [200, 201])
@pytest.mark.parametrize("body", [PAGE, b""], ids=["page", "nothing"])
def test_a_web_page_is_not_taken_for_the_service(fake, tmp_path, status, body):
    fake.answer = lambda m, p, b: (status, body, {"Content-Type": "text/html"})
    p = ncaenroll(fake, tmp_path, "status", NUMBER)
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert p.stdout == b""
    err = p.stderr.decode()
    assert "is that address the enrollment service?" in err, err
    assert "update the program" not in err, err
