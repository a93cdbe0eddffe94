"""Moments as a person reads them (issue #10): the service writes times in UTC as ISO 8601
("2026-12-25T10:00:00Z"); the applicant's form and `ncaenroll status` show them in local
time, as the desk does: the date on the form, "2026-12-25 15:00 +05:00" where a time is
said. The real service on loopback; the applicant's command line in a time zone five
hours east of UTC (TZ=XYZ-5, a zone of no name, as Kazakhstan's is)."""
import calendar
import json
import os
import re
import subprocess
import time

import pytest

from conftest import BUILDDIR
from fixtures import service_fixture
from service import Service, program_env
from test_apply_cli import Applicant

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z")
TZ = "XYZ-5"


svc = service_fixture("times", extra=["--auto-approve", "1"])


def run(me, *args, lang="ru"):
    env = program_env()
    env.update(HOME=me.home, XDG_STATE_HOME=os.path.join(me.home, "xdg"),
               XDG_CONFIG_HOME=os.path.join(me.home, "cfg"), LANGUAGE=lang, TZ=TZ)
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--service", me.svc.base, "--ca-file", me.svc.cafile, "--state", me.state, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def local(iso, fmt):
    """What iso reads as in TZ, by strftime's format."""
    t = calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))
    return time.strftime(fmt, time.gmtime(t + 5 * 3600))


@pytest.fixture(scope="module")
def applied(svc, tmp_path_factory):
    me = Applicant(svc, str(tmp_path_factory.mktemp("applicant")))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    return me, json.loads(p.stdout)["request_number"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_form_shows_local_dates(applied, lang):
    me, number = applied
    p = run(me, "form", number, lang=lang)
    assert p.returncode == 0, p.stderr
    assert not ISO.search(p.stdout), f"a UTC timestamp on the form:\n{p.stdout}"
    st = json.loads(run(me, "--json", "status", number).stdout)
    if st["status"] == "submitted":
        assert local(st["deadline"], "%Y-%m-%d") in p.stdout, p.stdout


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    """A service that approves nothing: an application stays submitted as long as asked."""
    s = Service(tmp_path_factory.mktemp("times-held") / "state")
    yield s
    s.stop()


def test_status_says_the_deadline_in_local_time(held, tmp_path):
    me = Applicant(held, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    st = json.loads(run(me, "--json", "status", number).stdout)
    assert st["status"] == "submitted", st
    said = run(me, "status", number).stdout
    assert not ISO.search(said), said
    assert local(st["deadline"], "%Y-%m-%d %H:%M +05:00") in said, said


def test_status_says_the_validity_in_local_time(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    st = json.loads(run(me, "--json", "status", number).stdout)
    end = time.time() + 60
    while st["status"] != "issued" and time.time() < end:
        time.sleep(0.5)
        st = json.loads(run(me, "--json", "status", number).stdout)
    assert st["status"] == "issued", st
    said = run(me, "status", number).stdout
    assert not ISO.search(said), said
    certs = st["certificates"]
    for moment in (certs["not_before"], certs["not_after"]):
        assert local(moment, "%Y-%m-%d %H:%M +05:00") in said, said
    # A script still reads the service's own times.
    assert ISO.fullmatch(certs["not_before"]), certs


def test_apply_says_the_deadlines_local_day(svc, tmp_path):
    """A zone where the local date is not UTC's at this hour (UTC+14 in the afternoon, UTC-12
    in the morning): 'bring the form before DAY' names the local day."""
    east = time.gmtime().tm_hour >= 12
    zone, shift = ("XYZ-14", 14) if east else ("XYZ+12", -12)
    me = Applicant(svc, str(tmp_path))
    env = program_env()
    env.update(HOME=me.home, XDG_STATE_HOME=os.path.join(me.home, "xdg"),
               XDG_CONFIG_HOME=os.path.join(me.home, "cfg"), LANGUAGE="en", TZ=zone)
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--service", svc.base, "--ca-file", svc.cafile, "--state", me.state, "apply",
           "--bin", "940140000385", "--iin", "871008401427", "--role", "ROLE02", "--region",
           "karaganda", "--city", "karaganda", "--gu-code", "1001", "--captcha-answer",
           svc.captcha_code, "--dir", me.keys, "--email", "buhgalter@mail.kz"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    number = re.search(r"\d{4}(?:-\d{4}){6}", p.stdout).group(0)
    st = json.loads(run(me, "--json", "status", number).stdout)
    t = calendar.timegm(time.strptime(st["deadline"], "%Y-%m-%dT%H:%M:%SZ"))
    day = time.strftime("%Y-%m-%d", time.gmtime(t + shift * 3600))
    assert f"before {day}" in p.stdout, p.stdout
