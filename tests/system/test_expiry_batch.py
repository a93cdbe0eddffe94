"""The expiry cancels a backlog of overdue applications in batches, and each still gets
its own event and its own audit entry, chained.

One application is submitted through the API; 2,500 copies of it, overdue by a day, are
written into the stopped service's store (tests/bench/benchsvc.py's overdue_backlog, the
sweep benchmark's own), and the service is started again: its jobs thread cancels them in
transactions of up to 1000 (jobs.c). Every one must be cancelled with exactly one
"cancelled" event and exactly one "application.cancelled" audit entry, the log must say
each, `ncaenrolld audit verify` must find the chain intact, and the application that is
not overdue must stay submitted.
"""
import sqlite3
import subprocess
import time

from csrs import csr, rsa_key, submit
from service import Service, benchsvc, program, program_env, wait_until

N = 2500


def overdue_left(store):
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT COUNT(*) FROM applications WHERE status = 'submitted'"
                          " AND deadline < ?", (int(time.time()),)).fetchone()[0]
    finally:
        db.close()


def test_expiry_of_a_backlog(tmp_path):
    state = tmp_path / "state"
    store = str(state / "ncaenrolld.db")
    svc = Service(state)
    try:
        st, ans = submit(svc, csr(rsa_key(tmp_path / "a.key"), "/CN=a"),
                         csr(rsa_key(tmp_path / "s.key"), "/CN=s"))
        assert st == 201, ans
        kept = ans["request_number"]
    finally:
        svc.stop()
    numbers = benchsvc().overdue_backlog(store, N, int(time.time()))
    db = sqlite3.connect(store)
    before = db.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    db.close()

    svc = Service(state)        # a line or two per application: Service reads them as they come
    try:
        wait_until(lambda: overdue_left(store) == 0, 120)
        assert overdue_left(store) == 0
    finally:
        svc.stop()
    lines = svc.stderr.splitlines()

    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    status = dict(db.execute("SELECT number, status FROM applications"))
    events = dict(db.execute("SELECT number, COUNT(*) FROM events WHERE action = 'cancelled'"
                             " GROUP BY number"))
    audits = dict(db.execute("SELECT number, COUNT(*) FROM audit"
                             " WHERE action = 'application.cancelled' GROUP BY number"))
    db.close()
    assert status[kept] == "submitted" and kept not in events and kept not in audits
    for n in numbers:
        assert (status[n], events.get(n), audits.get(n)) == ("cancelled", 1, 1), n
    said = [ln for ln in lines if " cancelled: not verified within " in ln]
    assert len(said) == N
    p = subprocess.run([*program(), "--demo", "--state-dir", str(state), "audit", "verify"],
                       capture_output=True, text=True, env=program_env(), timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"audit log intact: {before + N} entries" in p.stdout
