"""A rejection's reason in the reader's language (issue #10, point 4): the service stores
and sends the reason as a code (common/reason.c) and the operator's text apart; every
place that shows a rejection shows the reason's name in the reader's language and the
text as it was typed: the applicant's `ncaenroll status` and full-screen status, the
desk's `ncaenroll-ra show` and `history`. A rejected or cancelled application says what
to do next, and `ncaenroll install` refuses it before asking for any password.
Real service, real programs; tmux for the applicant's screen, a pty for install.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import pexpect
import pytest

from conftest import BUILDDIR
from fixtures import service_fixture  # noqa: E402
from service import Service, program_env, set_clock
from test_apply_cli import Applicant, wait_status
from test_ra_cli import Desk

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from forms import Forms  # noqa: E402
from harness import Tui  # noqa: E402

NAMES = {"en": "Required documents were not presented",
         "ru": "Не представлены документы",
         "kk": "Құжаттар толық емес"}
TEXT = "нет приказа о назначении"


svc = service_fixture("reasons", operator=True)


@pytest.fixture(scope="module")
def rejected(svc, tmp_path_factory):
    """One application, rejected at the desk with documents_missing and a text."""
    home = str(tmp_path_factory.mktemp("person"))
    me = Applicant(svc, home)
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    desk = Desk(svc, str(tmp_path_factory.mktemp("desk")))
    p = desk.run("reject", number, "--reason", "documents_missing", "--text", TEXT, "--yes")
    assert p.returncode == 0, p.stdout + p.stderr
    wait_status(me, number, "rejected", seconds=20)
    return me, desk, number


def test_the_wire_carries_the_code_and_the_text_apart(svc, rejected):
    _, _, number = rejected
    status, st = svc.request("GET", f"/api/v1/applications/{number}")
    assert status == 200 and st["status"] == "rejected"
    assert st["reject"]["reason"] == "documents_missing"
    assert st["reject"]["text"] == TEXT
    assert st["reject"]["name"]["kk"] == NAMES["kk"]
    # Older clients still read the English sentence they always had.
    assert st["reject_reason"] == f"{NAMES['en']}: {TEXT}"


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_status_names_the_reason_in_the_readers_language(rejected, lang):
    me, _, number = rejected
    p = me.run("status", number, lang=lang)
    assert p.returncode == 0, p.stderr
    assert f"{NAMES[lang]}: {TEXT}" in p.stdout, p.stdout
    assert NAMES["en"] not in p.stdout and "documents_missing" not in p.stdout, p.stdout
    # What to do next, in the reader's language too.
    assert "ncaenroll apply" in p.stdout, p.stdout
    assert "What to do" not in p.stdout and "apply again" not in p.stdout, p.stdout


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_the_desks_show_and_history_name_the_reason(rejected, lang):
    _, desk, number = rejected
    for cmd in ("show", "history"):
        p = desk.run(cmd, number, lang=lang)
        assert p.returncode == 0, p.stderr
        flat = " ".join(p.stdout.split())
        assert f"{NAMES[lang]}: {TEXT}" in flat, p.stdout
        for english in (NAMES["en"], "documents_missing", " rejected", " submitted"):
            assert english not in p.stdout, f"{cmd} {lang}: {english!r}\n{p.stdout}"


def test_install_refuses_a_rejected_application_without_asking(rejected):
    """No password is asked for certificates that will never come: the answer says the
    application was rejected, why, and what to do."""
    me, _, number = rejected
    env = program_env()
    env.update(HOME=me.home, XDG_STATE_HOME=os.path.join(me.home, "xdg"),
               XDG_CONFIG_HOME=os.path.join(me.home, "cfg"), LANGUAGE="ru")
    child = pexpect.spawn(os.path.join(BUILDDIR, "uninstalled-env"),
                          [os.path.join(BUILDDIR, "ncaenroll"), "--service", me.svc.base,
                           "--ca-file", me.svc.cafile, "--state", me.state, "install",
                           number], env=env, encoding="utf-8", timeout=60)
    try:
        asked = child.expect([pexpect.EOF, "ароль: "])
        out = child.before
        assert asked == 0, f"a password was asked:\n{out}"
    finally:
        child.close()
    assert child.exitstatus == 1, out
    assert f"{NAMES['ru']}: {TEXT}" in " ".join(out.split()), out
    assert "заново" in out and "rejected" not in out, out


def test_a_cancelled_application_says_what_to_do(tmp_path):
    clock = tmp_path / "clock"
    set_clock(clock, int(time.time()))
    s = Service(tmp_path / "state", extra=["--test-clock", str(clock)])
    try:
        me = Applicant(s, str(tmp_path / "person"))
        os.makedirs(me.home, exist_ok=True)
        p = me.apply()
        assert p.returncode == 0, p.stderr
        number = json.loads(p.stdout)["request_number"]
        set_clock(clock, int(time.time()) + 31 * 86400)
        wait_status(me, number, "cancelled", seconds=20)
        p = me.run("status", number, lang="kk")
        assert "ncaenroll apply" in p.stdout and "What to do" not in p.stdout, p.stdout
        p = me.run("install", number, lang="en")
        assert p.returncode == 1
        assert "cancelled" in p.stderr and "apply again" in p.stderr, p.stderr
        assert "password" not in p.stderr, p.stderr
    finally:
        s.stop()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_applicants_status_screen_names_the_reason(svc, rejected):
    me, _, number = rejected
    home = tempfile.mkdtemp(prefix="nca-", dir="/tmp")
    try:
        shutil.copy(me.state, os.path.join(home, "state.yaml"))
        t = Tui(BUILDDIR, svc, home, lang="kk")
        f = Forms(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                               "forms"), "kk")
        with t:
            t.wait_for(f.title("main"), timeout=60)
            t.press(f.button("main", "goto", "status"))
            # This computer's application is offered in the field already.
            t.wait_for(number)
            t.press(f.button("status", "status_search"))
            scr = t.wait_for(NAMES["kk"], timeout=30)
            flat = " ".join(scr.replace("│", " ").split())
            assert TEXT in flat, scr
            assert NAMES["en"] not in scr
    finally:
        shutil.rmtree(home, ignore_errors=True)
