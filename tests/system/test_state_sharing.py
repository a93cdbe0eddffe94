"""Two programs on one state file (src/enroll/state.c): the full-screen ncaenroll stays
open for as long as the person is at it, and meanwhile a script's `ncaenroll apply` may
record an application in the same file. Every write of the open session re-reads the
file under the exclusive lock first, so it never writes back the copy it read at start
and loses what the other recorded: the other application, its request number and its
state are still there after the session has written its own steps.

The real ncaenroll in tmux (tests/tui/harness.py) and the real command line, against the
real ncaenrolld."""
import json
import os

import pytest

pytest.importorskip("yaml")

from test_apply_cli import Applicant  # noqa: E402
from test_tui_path import accept, bin_screen, on_screen, to_agreement  # noqa: E402
from test_tui_path import person, svc  # noqa: E402,F401 (fixtures)


def kept(me):
    """The applications in the state file, as `ncaenroll list --json` reads them."""
    p = me.run("--json", "list")
    assert p.returncode == 0, p.stderr
    return {a["id"]: a for a in json.loads(p.stdout)}


def test_an_open_session_keeps_what_another_ncaenroll_recorded(person, svc):
    t = person("en")
    me = Applicant(svc, t.home)            # the same state file as the open session
    assert me.state == t.state
    to_agreement(t)
    accept(t)                              # the session's own draft is written now
    ours = kept(me)
    assert len(ours) == 1 and list(ours.values())[0]["state"] == "draft", ours
    draft = list(ours)[0]

    # Meanwhile a script applies from the same computer, to the end.
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    other = json.loads(p.stdout)["id"]
    assert other != draft

    # The session goes on: the BIN's check and the next screen are written to the file.
    bin_screen(t)
    on_screen(t, "iin")

    apps = kept(me)
    assert set(apps) == {draft, other}, f"an application was lost: {apps}"
    assert apps[other]["request_number"] == number, apps[other]
    assert apps[other]["state"] == "submitted", apps[other]
    assert apps[draft]["state"] == "draft" and apps[draft]["bin"] == "940140000385", \
        apps[draft]
    with open(t.state, encoding="utf-8") as f:
        text = f.read()
    assert text.count("request_number") == 1 and number in text, text
    # And the keys of the other application are still where it made them.
    assert sorted(n.split("-")[-1] for n in os.listdir(me.keys)) == ["AUTH.key", "SIGN.key"]
