"""`ncaenroll apply --resume` of an application that can no longer go on (given up with
`ncaenroll abandon`, or rejected at the registration desk) is refused at once with why
and what to do (status 1, code application.closed under --json): it used to print
"Request number: (null)" and the deadline of a form to bring, with status 0, for an
abandoned one, and to tell the person to bring the form of a rejected one to a desk.
Real service, real desk."""
import json

from fixtures import service_fixture
from test_abandon_unsent import unsent
from test_apply_cli import Applicant, wait_status
from test_ra_cli import Desk


svc = service_fixture("resume-closed", operator=True)


def refused(me, key, words, lang="en"):
    """Refused before anything is asked: without the code from the picture too."""
    p = me.run("apply", "--resume", key, lang=lang)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "(null)" not in p.stdout + p.stderr and "Request number" not in p.stdout, p.stdout
    said = " ".join(p.stderr.split())
    for w in words:
        assert w in said, said
    p = me.run("--json", "apply", "--resume", key, "--captcha-answer", me.svc.captcha_code)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert json.loads(p.stdout)["error"]["code"] == "application.closed", p.stdout


def test_an_abandoned_application_is_not_resumed(svc, tmp_path):
    me, app = unsent(svc, tmp_path)
    assert me.run("abandon", "--yes", app).returncode == 0
    refused(me, app, [f"application {app} was given up", "ncaenroll apply"])
    refused(me, app, [app, "отказались", "ncaenroll apply"], lang="ru")
    assert json.loads(me.run("--json", "list").stdout)[0]["state"] == "abandoned"


def test_a_rejected_application_is_not_resumed(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    p = Desk(svc, str(tmp_path / "desk")).run("reject", number, "--reason",
                                               "documents_missing", "--yes")
    assert p.returncode == 0, p.stdout + p.stderr
    wait_status(me, number, "rejected", seconds=20)
    refused(me, number, [f"application {number} was rejected", "new keys"])
    assert json.loads(me.run("--json", "list").stdout)[0]["state"] == "rejected"
