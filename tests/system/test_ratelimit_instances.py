"""Rate limits hold across instances: two ncaenrolld on one PostgreSQL database (a cluster
the test starts, pgcluster.py) count a client's requests together, so a client that a
proxy spreads over both, or that alternates between them itself, is refused at the limit
summed over both, not at twice it. Both read one test clock: the minute does not turn
under the test."""
import contextlib
import time

from pgcluster import pg  # noqa: F401
from service import DEMO_CONFIG_DEFAULT, Service, set_clock
from test_service_errors import request_number

LIMIT = 5


def _config(uri):
    policy = {**DEMO_CONFIG_DEFAULT["policy"], "captcha_per_minute": LIMIT,
              "status_per_minute": LIMIT}
    return {**DEMO_CONFIG_DEFAULT, "policy": policy, "store": uri}


@contextlib.contextmanager
def _two_instances(pg, tmp_path, database):
    """(first, second, clock, now): two instances on one database and one test clock,
    10 s into a minute."""
    uri = pg.database(database)
    clock = tmp_path / "clock"
    now = (int(time.time()) // 60) * 60 + 10
    set_clock(clock, now)
    state = tmp_path / "state"
    extra = ["--test-clock", str(clock)]
    first = Service(state, config=_config(uri), extra=extra)
    second = None
    try:
        second = Service(state, config=_config(uri), extra=extra)
        yield first, second, clock, now
    finally:
        if second is not None:
            second.stop()
        first.stop()


def test_a_client_alternating_between_instances_meets_one_limit(pg, tmp_path):
    with _two_instances(pg, tmp_path, "rates") as (first, second, clock, now):
        got = []
        for i in range(2 * LIMIT):
            svc = first if i % 2 == 0 else second
            st, ans = svc.request("POST", "/api/v1/captcha")
            got.append(st)
            if st == 429:
                assert ans["error"]["code"] == "rate_limited", ans
                assert svc.last_headers["Retry-After"] == "50", dict(svc.last_headers)
        # one count for both: LIMIT answered in all, then refused by either instance
        assert got == [200] * LIMIT + [429] * LIMIT, got
        # another bucket counts on its own
        st, ans = second.request("GET", "/api/v1/directories/regions")
        assert st == 200, ans
        # the next minute starts afresh, on both
        set_clock(clock, now + 60)
        assert first.request("POST", "/api/v1/captcha")[0] == 200
        assert second.request("POST", "/api/v1/captcha")[0] == 200
    assert pg.query("rates", "SELECT n FROM rate_windows WHERE key = 'captcha 127.0.0.1'"
                    f" AND window_start = {now - 10}") == str(LIMIT)


def test_status_lookups_alternating_between_instances_meet_one_limit(pg, tmp_path):
    """A status lookup is counted in the same round trip as its reads (store_app_view):
    still one count for both instances, a malformed number counted as any lookup, and
    nothing of an application told once the count refuses."""
    with _two_instances(pg, tmp_path, "lookups") as (first, second, clock, now):
        got = []
        for i in range(2 * LIMIT):
            svc = first if i % 2 == 0 else second
            number = request_number(1000 + i) if i != 2 else "1234-5678"
            st, ans = svc.request("GET", f"/api/v1/applications/{number}")
            got.append(st)
            if st == 429:
                assert ans["error"]["code"] == "rate_limited", ans
                assert svc.last_headers["Retry-After"] == "50", dict(svc.last_headers)
            else:
                assert ans["error"]["code"] == ("application.not_found" if st == 404
                                                else "request_number.length"), ans
        assert got == [404, 404, 400, 404, 404] + [429] * LIMIT, got
        set_clock(clock, now + 60)
        assert first.request("GET", f"/api/v1/applications/{request_number(7)}")[0] == 404
        assert second.request("GET", f"/api/v1/applications/{request_number(7)}")[0] == 404
    assert pg.query("lookups", "SELECT n FROM rate_windows WHERE key = 'status 127.0.0.1'"
                    f" AND window_start = {now - 10}") == str(LIMIT)
