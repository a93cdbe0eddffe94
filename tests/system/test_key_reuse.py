"""One key pair is one application. Submitting the same CSRs again (a client after a crash)
answers the same request number; submitting them in another person's form, even for the
same organization, is refused (409 csr.key_reused) and tells nothing of the first
application: not its number, not its applicant. Against the real ncaenrolld on loopback,
with keys made by `openssl`."""
from fixtures import service_fixture
from test_lifecycle import _form, _keys, CAPTCHA

OTHER_IIN = "760212350620"   # another person of the demo registry (data/demo/persons.json)


svc = service_fixture("reuse", fixed_captcha=CAPTCHA)


def test_the_same_keys_in_another_persons_form_are_refused(svc, tmp_path):
    form = _form(svc, *_keys(tmp_path))
    st, first = svc.request("POST", "/api/v1/applications", form)
    assert st == 201, first
    st, again = svc.request("POST", "/api/v1/applications", form)
    assert st == 200 and again["request_number"] == first["request_number"], again
    st, other = svc.request("POST", "/api/v1/applications", dict(form, iin=OTHER_IIN))
    assert st == 409, other
    assert other["error"]["code"] == "csr.key_reused", other
    assert first["request_number"] not in str(other), "the first number is not given away"
