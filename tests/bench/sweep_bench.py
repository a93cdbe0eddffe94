#!/usr/bin/python3
"""Benchmark: the expiry of 100,000 overdue applications, against one batched UPDATE in
plain SQLite, in one run.

Starts `ncaenrolld --demo` from a build tree (NCA_BUILDDIR) once to make its state and
submit one application through the API, stops it, and writes N copies of that
application (benchsvc.overdue_backlog: new numbers and keys, the verification deadline a
day past, each with its "submitted" event) into its store. Then starts it again: the
jobs thread's first round cancels them all, each with its "cancelled" event and
"application.cancelled" audit entry. Measured: from the start to the moment no overdue
application is left (the store polled read-only every 50 ms), an upper bound that
includes the start (the demo's keys exist by then). Checked: all N cancelled, N events
and N audit entries, and `ncaenrolld audit verify`. The baseline: one UPDATE of all N
rows in plain SQLite, on a copy of the same store.

It reports (a table on stdout, numbers with --json FILE). --check exits 1 when a target
of TARGETS is missed; 2 when something could not be started or measured.
"""
import argparse
import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsvc  # noqa: E402

NAME = "sweep_bench"
# Issue 16: 100,000 overdue applications cancelled in under 10 s.
TARGETS = {"sweep_seconds": ("<=", 10.0)}


def left(store, now):
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT COUNT(*) FROM applications WHERE status = 'submitted'"
                          " AND deadline < ?", (now,)).fetchone()[0]
    finally:
        db.close()


def baseline(store, work, now):
    """One UPDATE cancelling every overdue row, on a copy: seconds."""
    path = os.path.join(work, "baseline.db")
    src = sqlite3.connect(store)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    t0 = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    n = db.execute("UPDATE applications SET status = 'cancelled', decided = ?"
                   " WHERE status = 'submitted' AND deadline < ?", (now, now)).rowcount
    db.execute("COMMIT")
    secs = time.perf_counter() - t0
    db.close()
    return secs, n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100000, help="overdue applications (100000)")
    benchsvc.add_result_options(ap)
    args = ap.parse_args()
    bdir = benchsvc.builddir(NAME)
    work = tempfile.mkdtemp(prefix="sweep-bench-")
    state = os.path.join(work, "state")
    cfg = {"policy": {"captcha_per_minute": 100000, "checks_per_minute": 100000}}
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "cpus": os.cpu_count(), "n": args.n}
    try:
        benchsvc.say(args, "starting ncaenrolld, submitting one application ...")
        svc = benchsvc.Service(NAME, bdir, state, cfg)
        try:
            svc.submit_one(bdir)
        finally:
            svc.stop()
        now = int(time.time())
        benchsvc.say(args, f"writing {args.n} overdue applications into the store ...")
        benchsvc.overdue_backlog(svc.store, args.n, now)
        base_secs, base_n = baseline(svc.store, work, now + 1)
        benchsvc.say(args, "starting it again: the expiry ...")
        t0 = time.monotonic()
        svc = benchsvc.Service(NAME, bdir, state, cfg)
        result["start_seconds"] = time.monotonic() - t0
        try:
            end = t0 + 600
            while left(svc.store, now + 1) > 0 and time.monotonic() < end:
                time.sleep(0.05)
            result["sweep_seconds"] = time.monotonic() - t0
        finally:
            svc.stop()
        db = sqlite3.connect(f"file:{svc.store}?mode=ro", uri=True)
        cancelled = db.execute("SELECT COUNT(*) FROM applications WHERE status = 'cancelled'"
                               " AND number LIKE '9%'").fetchone()[0]
        events = db.execute("SELECT COUNT(*) FROM events WHERE action = 'cancelled'"
                            " AND number LIKE '9%'").fetchone()[0]
        audits = db.execute("SELECT COUNT(*) FROM audit WHERE action = 'application.cancelled'"
                            " AND number LIKE '9%'").fetchone()[0]
        db.close()
        if not cancelled == events == audits == args.n:
            benchsvc.fail(NAME, f"{cancelled} cancelled, {events} events, {audits} audit "
                          f"entries for {args.n} overdue")
        p = subprocess.run([os.path.join(bdir, "uninstalled-env"),
                            os.path.join(bdir, "ncaenrolld"), "--demo", "--state-dir", state,
                            "audit", "verify"], capture_output=True, text=True)
        if p.returncode != 0:
            benchsvc.fail(NAME, f"audit verify: {p.stdout}{p.stderr}")
        result["audit"] = p.stdout.strip()
        result["per_s"] = args.n / result["sweep_seconds"]
        result["baseline_seconds"] = base_secs
        result["baseline_rows"] = base_n
        result["ratio"] = result["sweep_seconds"] / base_secs
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"expiry of {args.n} overdue applications, {result['cpus']} CPUs")
    print(f"ncaenrolld (start to the last cancelled): {result['sweep_seconds']:.2f} s, "
          f"{result['per_s']:.0f}/s, each with its event and audit entry (of which "
          f"{result['start_seconds']:.2f} s to its 'listening on' line)")
    print(f"baseline, one UPDATE in plain SQLite: {result['baseline_seconds']:.2f} s; "
          f"ratio {result['ratio']:.1f}")
    print(result["audit"])
    return benchsvc.finish(args, result, TARGETS)


if __name__ == "__main__":
    sys.exit(main())
