"""The desk's list of documents, read one way by the command and the console: more codes
than a decision can carry are refused with "too many documents" (`ncaenroll-ra approve
--documents`, exit status 2; the console at the checklist, nothing asked or sent), never
cut short in silence.

The real service lists three documents, so an application with seventeen comes from a
stand-in service (tests/system/fakesvc.py) serving what the real one answered for a real
application, its checklist lengthened. The console runs in tmux as in test_ra_tui.py.
"""
import os
import shutil
import sys

import pytest

pytest.importorskip("yaml")               # python3-yaml: forms.py reads the words of forms/ra

from fakesvc import FakeService  # noqa: E402
from test_ra_cli import Desk, demo_operator_p12  # noqa: E402
from test_ra_tui import applicant, console, leave, on, open_app, svc  # noqa: E402,F401

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

MANY = 17                                   # one more than a decision carries


def _stand_in(fake, number, app):
    """The stand-in answers what the desk asks before a decision; a decision it would
    record (fake.requests) and refuse."""
    def answer(method, path, body):
        if method == "GET" and path.startswith("/api/v1/ra/applications/" + number):
            return 200, app
        if method == "GET" and path.startswith("/api/v1/ra/queue"):
            return 200, {"applications": []}
        if method == "GET" and path == "/api/v1/ra/me":
            return 200, {}
        return 404, {"error": {"code": "not_found", "message": "there is no " + path,
                               "field": None}}
    fake.answer = answer


def test_too_many_documents_are_refused_by_the_command_and_the_console(
        console, svc, applicant, tmp_path):  # noqa: F811
    _, apply = applicant
    number = apply()
    p, app = Desk(svc, tmp_path / "desk").json("show", number)
    assert p.returncode == 0, p.stderr
    app["documents"] = [{"code": f"doc{i:02d}", "required": False,
                         "name": {"kk": f"Құжат {i}", "ru": f"Документ {i}",
                                  "en": f"Document {i}"}} for i in range(1, MANY + 1)]
    with FakeService(tmp_path / "fake") as fake:
        _stand_in(fake, number, app)
        # The command: refused as a usage error, before anything is asked.
        desk = Desk(fake, tmp_path / "desk-fake", p12=demo_operator_p12(svc))
        p = desk.run("approve", number, "--yes", "--documents",
                     ", ".join(d["code"] for d in app["documents"]))
        assert p.returncode == 2, p.stdout + p.stderr
        assert "too many documents" in p.stderr
        # The console: every document ticked, Approve: the same refusal at the list.
        t = console(service=fake, p12=demo_operator_p12(svc))
        open_app(t, number)
        t.press(t.s.button("app", "approve_open", "approve"))
        on(t, "approve")
        for _ in range(MANY):
            t.keys("Space", "Down")
        t.press(t.s.button("approve", "approve"))
        scr = t.wait_for("too many documents")
        assert "┌─" not in scr, f"no question is asked:\n{scr}"
        assert not [r for r in fake.requests if r[0] == "POST"], "nothing is sent"
        leave(t)
