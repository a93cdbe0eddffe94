"""ncaenrolld on PostgreSQL (store: postgresql://... in the config file, honoured by a
demo), against a cluster the test starts itself (pgcluster.py): an application is
submitted over TLS, approved and its two certificates handed to the holder of its AUTH
key, and everything is in the database, nothing in an SQLite file. Then two instances on
one database and one state folder (one demo CA), both auto-approving: an application
submitted to one is seen by the other and issued exactly once, the audit log one chain."""
import json
import os
import subprocess
import time

import pytest

from csrs import csr, rsa_key, submit
from pgcluster import pg  # noqa: F401
from service import DEMO_CONFIG_DEFAULT, Service, program, program_env
from test_service_metrics import scrape


def _config(uri):
    return {**DEMO_CONFIG_DEFAULT, "store": uri}


def _apply(svc, tmp_path, tag):
    auth = rsa_key(tmp_path / f"{tag}-auth.pem")
    sign = rsa_key(tmp_path / f"{tag}-sign.pem")
    st, ans = submit(svc, csr(auth, "/CN=auth"), csr(sign, "/CN=sign"))
    assert st in (200, 201), ans
    return ans["request_number"], auth


def _wait_status(svc, number, want, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        st, ans = svc.request("GET", f"/api/v1/applications/{number}")
        assert st == 200, ans
        if ans["status"] == want:
            return ans
        time.sleep(0.3)
    raise AssertionError(f"{number} stayed {ans['status']}, not {want}")


def test_an_application_is_approved_and_its_certificates_kept_in_postgresql(pg, tmp_path):
    uri = pg.database("one")
    svc = Service(tmp_path / "state", config=_config(uri), extra=["--auto-approve", "1"])
    try:
        number, auth = _apply(svc, tmp_path, "a")
        _wait_status(svc, number, "issued")
        st, certs = svc.certificates(number, auth)
        assert st == 200, certs
        for use in ("auth", "sign"):
            assert certs[use]["pem"].startswith("-----BEGIN CERTIFICATE-----"), certs
        # The metrics' gauges are read from PostgreSQL too.
        samples, _ = scrape(svc)
        assert samples[("ncaenrolld_store_up", frozenset())] == 1, samples
        assert samples[("ncaenrolld_applications",
                        frozenset({("status", "issued")}))] == 1, samples
    finally:
        svc.stop()
    # The application, its history and its audit entries are the database's...
    assert pg.query("one", "SELECT status FROM applications") == "issued"
    assert pg.query("one", "SELECT string_agg(action, ',' ORDER BY id) FROM events") == \
        "submitted,issued"
    assert int(pg.query("one", "SELECT COUNT(*) FROM audit")) >= 2
    # ...and the demo made no SQLite store of its own.
    assert not os.path.exists(tmp_path / "state" / "ncaenrolld.db")
    # The operator's audit check reads the same chain.
    p = subprocess.run([*program(), "--demo", "--state-dir", str(tmp_path / "state"),
                        "--config", svc.config, "audit", "verify"], capture_output=True,
                       text=True, env=program_env())
    assert p.returncode == 0, p.stdout + p.stderr


def test_two_instances_share_the_work_and_issue_once(pg, tmp_path):
    uri = pg.database("two")
    state = tmp_path / "state"
    first = Service(state, config=_config(uri), extra=["--auto-approve", "1"])
    second = None
    try:
        second = Service(state, config=_config(uri), extra=["--auto-approve", "1"])
        numbers = []
        for i in range(6):
            svc = first if i % 2 == 0 else second
            number, _ = _apply(svc, tmp_path, f"k{i}")
            numbers.append(number)
        for number in numbers:
            # whichever instance approved it, both answer the same
            _wait_status(second, number, "issued")
            _wait_status(first, number, "issued")
    finally:
        if second is not None:
            second.stop()
        first.stop()
    # each approval issued once: one "issued" event, one "issued" mail queued at most
    rows = pg.query("two", "SELECT number, COUNT(*) FROM events WHERE action = 'issued'"
                    " GROUP BY number")
    counts = dict(line.split("|") for line in rows.splitlines())
    assert sorted(counts) == sorted(numbers) and set(counts.values()) == {"1"}, rows
    ids = [int(x) for x in pg.query("two", "SELECT id FROM audit ORDER BY id").split()]
    assert ids == list(range(1, len(ids) + 1))
    p = subprocess.run([*program(), "--demo", "--state-dir", str(state), "--config",
                        first.config, "audit", "verify"], capture_output=True, text=True,
                       env=program_env())
    assert p.returncode == 0, p.stdout + p.stderr
