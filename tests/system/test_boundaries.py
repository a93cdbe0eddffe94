"""Every rule's edge from both sides, on the command line and on the service (the
full-screen program's are in test_tui_boundaries.py): the real ncaenroll and ncaenrolld
over TLS on loopback.

- The container password (nca-facts.md §5, src/common/password.c): 6 and 32 characters
  accepted, 5 and 33 refused, by `ncaenroll validate password` and by
  `install --password-fd`, which then writes containers that open with all 32.
- An e-mail's local part: 64 characters accepted, 65 refused (`validate email`, the
  application form on the service).
- A request number: 28 digits; one digit more or fewer is refused for its length
  (`ncaenroll status`, GET /applications/{number}), even where the digits that are there
  pass the check digit, so only the length rule can refuse them.
- A birth date (the IIN's first six digits) after today is refused, today is not, by the
  same rule on the client (`validate iin`) and on the service (iin-check), at the day's and
  the month's edge; and on the service's test clock at the last second of a month, the
  first of the next, and New Year."""
import calendar
import datetime
import json
import os
import subprocess
import time

import pytest

from conftest import BUILDDIR
from csrs import csr, form, rsa_key, submit
from fixtures import service_fixture
from idref import check_digit
from service import Service, program_env, set_clock
from test_apply_cli import Applicant, wait_status

PW32 = "Zx9#" * 8                 # every class the policy allows, 32 characters
LOCAL64 = "a" * 62 + ".b"


svc = service_fixture("boundaries", extra=["--auto-approve", "1"])


def ncaenroll(*args, stdin=None, home=None):
    env = program_env()
    if home is not None:
        env.update(HOME=str(home), XDG_STATE_HOME=os.path.join(home, "xdg"),
                   XDG_CONFIG_HOME=os.path.join(home, "cfg"))
    return subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                           os.path.join(BUILDDIR, "ncaenroll"), *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=60)


def validate(kind, value):
    """(valid, [codes]) of `ncaenroll --json validate KIND`; a password on stdin."""
    if kind == "password":
        p = ncaenroll("--json", "validate", "password", stdin=value + "\n")
    else:
        p = ncaenroll("--json", "validate", kind, value)
    answer = json.loads(p.stdout)
    assert p.returncode == (0 if answer["valid"] else 1), p
    return answer["valid"], [e["code"] for e in answer["errors"]]


# ---- the container password ----

@pytest.mark.parametrize("password, codes", [
    (PW32[:5], ["password.too_short"]),
    (PW32[:6], []),
    (PW32, []),
    (PW32 + "a", ["password.too_long"]),
], ids=["5", "6", "32", "33"])
def test_password_length_edges(password, codes):
    assert validate("password", password) == (not codes, codes)


def test_install_takes_32_refuses_33(svc, tmp_path):
    me = Applicant(svc, str(tmp_path))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(me, number, "issued")
    pending = sorted(os.listdir(me.keys))
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=PW32 + "a")
    assert p.returncode == 1, p.stdout + p.stderr
    err = json.loads(p.stdout)["error"]
    assert err["code"] == "password.too_long" and "at most 32" in err["message"], err
    assert sorted(os.listdir(me.keys)) == pending, "nothing was written"
    p = me.run("--json", "install", "--password-fd", "PWFD", number, password=PW32)
    assert p.returncode == 0, p.stderr
    done = json.loads(p.stdout)
    for f in (done["auth"], done["sign"]):
        for pw, opens in ((PW32, True), (PW32[:31], False)):
            r = subprocess.run(["openssl", "pkcs12", "-in", f, "-noout", "-passin",
                                "stdin"], input=pw + "\n", capture_output=True, text=True)
            assert (r.returncode == 0) == opens, (pw, r.stderr)


# ---- the e-mail's local part ----

@pytest.mark.parametrize("local, codes", [
    (LOCAL64, []),
    (LOCAL64 + "c", ["email.local_too_long"]),
], ids=["64", "65"])
def test_email_local_part_edges(svc, tmp_path, local, codes):
    address = f"{local}@mail.kz"
    assert validate("email", address) == (not codes, codes)
    auth = csr(rsa_key(tmp_path / "auth.key"), "/CN=auth")
    sign = csr(rsa_key(tmp_path / "sign.key"), "/CN=sign")
    body = form(svc, auth, sign)
    body["email"] = address
    st, ans = svc.request("POST", "/api/v1/applications", body)
    if codes:
        assert st == 400 and ans["error"]["code"] == codes[0], (st, ans)
        assert ans["error"]["field"] == "email", ans
    else:
        assert st == 201, (st, ans)


# ---- the request number's length ----

DAMM = [[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]


def damm(digits):
    interim = 0
    for d in digits:
        interim = DAMM[interim][int(d)]
    return interim


def grouped(digits):
    return "-".join(digits[i:i + 4] for i in range(0, len(digits), 4))


@pytest.fixture(scope="module")
def submitted(svc, tmp_path_factory):
    """A real application's number, its digits only."""
    d = tmp_path_factory.mktemp("reqnum")
    st, ans = submit(svc, csr(rsa_key(d / "a.key"), "/CN=a"), csr(rsa_key(d / "s.key"), "/CN=s"))
    assert st == 201, ans
    digits = ans["request_number"].replace("-", "")
    assert len(digits) == 28 and damm(digits) == 0
    return digits


def off_by_one(digits, which):
    """27 digits whose own check digit is right, or the 28 real ones and one more."""
    if which == "fewer":
        short = digits[:26]
        return short + str(damm(short))
    return digits + "0"


@pytest.mark.parametrize("which", ["fewer", "more"])
def test_request_number_one_digit_off(svc, submitted, tmp_path, which):
    number = off_by_one(submitted, which)
    assert len(number) == (27 if which == "fewer" else 29)
    if which == "fewer":
        assert damm(number) == 0, "only the length can refuse it"
    me = Applicant(svc, str(tmp_path))
    for shown in (number, grouped(number)):
        p = me.run("--json", "status", shown)
        assert p.returncode == 1, p.stdout + p.stderr
        assert json.loads(p.stdout)["error"]["code"] == "request_number.length", p.stdout
        p = me.run("status", shown)
        assert p.returncode == 1 and f"this one has {len(number)}" in p.stderr, p.stderr
        st, ans = svc.request("GET", f"/api/v1/applications/{shown}")
        assert st == 400 and ans["error"]["code"] == "request_number.length", (st, ans)
    # The real number, as a control.
    p = me.run("--json", "status", grouped(submitted))
    assert p.returncode == 0, p.stderr


# ---- the birth date in the IIN ----

def iin_born(day, sex=5):
    """A well-formed IIN of someone born on day (sex 5/6: the 2000s)."""
    for serial in range(9999, 0, -1):
        d11 = f"{day:%y%m%d}{sex}{serial:04d}"
        c = check_digit(d11)
        if c is not None:
            return d11 + str(c)
    raise AssertionError(f"no IIN for {day}")


def edges(today):
    """{label: (date, accepted)} around today (UTC, as both sides read it)."""
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    next_month = last + datetime.timedelta(days=1)
    out = {"today": (today, True), "first of this month": (first, True),
           "last of last month": (first - datetime.timedelta(days=1), True),
           "tomorrow": (today + datetime.timedelta(days=1), False),
           "first of next month": (next_month, False),
           "today next month": (next_month.replace(
               day=min(today.day, calendar.monthrange(next_month.year,
                                                      next_month.month)[1])), False)}
    if last != today:
        out["last of this month"] = (last, False)
    return out


def service_says(svc, iin):
    """The service's iin-check: accepted by the rule (the demo register then does not
    know the person) or refused with a code."""
    st, org = svc.bin_check("940140000385")
    assert st == 200, org
    st, ans = svc.request("POST", "/api/v1/iin-check", {"iin": iin, "token": org["token"]})
    assert st in (400, 404), (st, ans)
    return ans["error"]["code"]


def utc_today_for(seconds):
    """Today's UTC date, after waiting out midnight if it is less than seconds away: a
    test that reads the date once must not see it turn."""
    now = datetime.datetime.now(datetime.timezone.utc)
    midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1),
                                         datetime.time(), tzinfo=datetime.timezone.utc)
    if (midnight - now).total_seconds() < seconds:
        time.sleep((midnight - now).total_seconds() + 1)
    return datetime.datetime.now(datetime.timezone.utc).date()


def test_birth_date_edges_same_on_client_and_service(svc):
    today = utc_today_for(120)
    for label, (day, accepted) in edges(today).items():
        iin = iin_born(day)
        assert validate("iin", iin) == ((True, []) if accepted else (False, ["iin.future"])), \
            f"the client, born {label} ({iin})"
        assert service_says(svc, iin) == ("iin.not_found" if accepted else "iin.future"), \
            f"the service, born {label} ({iin})"
    assert datetime.datetime.now(datetime.timezone.utc).date() == today


@pytest.fixture(scope="module")
def clocked(tmp_path_factory):
    """A service on a test clock the test sets: (service, clock file)."""
    d = tmp_path_factory.mktemp("clocked")
    clock_file = d / "clock"
    set_clock(clock_file, int(time.time()))
    s = Service(d / "state", extra=["--test-clock", str(clock_file)])
    yield s, clock_file
    s.stop()


def utc(*args):
    return int(calendar.timegm(datetime.datetime(*args).timetuple()))


@pytest.mark.parametrize("clock, born, accepted", [
    (utc(2026, 11, 30, 23, 59, 59), datetime.date(2026, 11, 30), True),
    (utc(2026, 11, 30, 23, 59, 59), datetime.date(2026, 12, 1), False),
    (utc(2026, 12, 1, 0, 0, 0), datetime.date(2026, 12, 1), True),
    (utc(2026, 12, 1, 0, 0, 0), datetime.date(2026, 12, 2), False),
    (utc(2026, 12, 15, 12, 0, 0), datetime.date(2026, 12, 31), False),
    (utc(2026, 12, 31, 23, 59, 59), datetime.date(2027, 1, 1), False),
    (utc(2027, 1, 1, 0, 0, 0), datetime.date(2027, 1, 1), True),
], ids=["end-of-month", "next-month", "first", "second", "later-this-month",
        "new-year-eve", "new-year"])
def test_birth_date_on_the_service_clock(clocked, clock, born, accepted):
    svc, clock_file = clocked
    set_clock(clock_file, clock)    # read by the service at every request
    got = service_says(svc, iin_born(born))
    assert got == ("iin.not_found" if accepted else "iin.future"), (born, got)
