#!/usr/bin/python3
"""Benchmark: `ncaenrolld --demo`'s first start, on a fresh state folder each time.

Starts `ncaenrolld --demo --listen 127.0.0.1:0 --state-dir FRESH` from a build tree
(NCA_BUILDDIR) N times (default 7), each on an empty folder, so that every start makes
the whole demo PKI (its RSA keys: root, issuing CA and operator CA 3072 bits, OCSP
responder and demo operator 2048; the TLS key). For each start it measures, from the
spawn: the `listening on` line; the first HTTPS answer (GET /api/v1/directories/regions
with the demo's ca-chain.pem, the way ncaenroll asks); and the same for a second start
on the same folder (nothing left to make). Target (issue 16): the first start's median,
to the first answer, under 1 s. No baseline: the figure is absolute.
Exit 0 (with --check: target met), 1 (--check: missed), 2 (could not start or measure).
Python 3 standard library only.
"""
import argparse
import datetime
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import http.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsvc  # noqa: E402

TARGET_S = 1.0
PATH = "/api/v1/directories/regions"


class Failed(Exception):
    pass


def start(builddir, state, timeout=120):
    """Spawns the demo; returns (proc, url, seconds to the listening line)."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LANGUAGE": "en",
           "HOME": state}
    t0 = time.monotonic()
    p = subprocess.Popen([os.path.join(builddir, "uninstalled-env"),
                          os.path.join(builddir, "ncaenrolld"), "--demo", "--listen",
                          "127.0.0.1:0", "--state-dir", state],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    base = benchsvc.read_base(p, t0 + timeout - time.monotonic())
    if base is not None:
        return p, int(base.rsplit(":", 1)[1]), t0, time.monotonic() - t0
    stop(p)
    raise Failed("ncaenrolld --demo did not say it listens")


def first_answer(port, cafile, t0, timeout=60):
    """Seconds from t0 to the first 200 of GET PATH over TLS, verified against cafile."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            ctx = ssl.create_default_context(cafile=cafile)
            c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
            c.request("GET", PATH)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return time.monotonic() - t0
            last = f"HTTP {r.status}"
        except (OSError, ssl.SSLError, http.client.HTTPException) as e:
            last = str(e)
        time.sleep(0.005)
    raise Failed(f"no answer from the demo: {last}")


def stop(p):
    """Ends the service; returns the CPU seconds it used (user + system), or None."""
    cpu = None
    if p.poll() is None:
        p.terminate()
        end = time.monotonic() + 30
        while time.monotonic() < end:
            pid, _, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                cpu = ru.ru_utime + ru.ru_stime
                p.returncode = 0
                break
            time.sleep(0.01)
        else:
            p.kill()
            p.wait()
    p.stdout.close()
    return cpu


def one(builddir, tmp, i):
    state = os.path.join(tmp, f"state-{i}")
    os.makedirs(state, mode=0o700)
    out = {}
    for run in ("first", "again"):
        p, port, t0, listening = start(builddir, state)
        try:
            out[run + "_listening_s"] = listening
            out[run + "_answer_s"] = first_answer(port, os.path.join(state, "ca-chain.pem"),
                                                  t0)
        finally:
            out[run + "_cpu_s"] = stop(p)
    shutil.rmtree(state, ignore_errors=True)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--reps", type=int, default=7, help="fresh starts (7)")
    ap.add_argument("--quick", action="store_true", help="3 starts (tests/bench/run --quick)")
    benchsvc.add_result_options(ap)
    a = ap.parse_args(argv)
    if a.quick:
        a.reps = 3
    builddir = benchsvc.builddir("demo_bench")
    tmp = tempfile.mkdtemp(prefix="nca-demo-bench-")
    runs = []
    try:
        for i in range(a.reps):
            r = one(builddir, tmp, i)
            runs.append(r)
            benchsvc.say(a, f"  start {i + 1}: listening {r['first_listening_s']:.3f} s, "
                         f"answer {r['first_answer_s']:.3f} s, CPU {r['first_cpu_s'] or 0:.3f} "
                         f"s; again {r['again_answer_s']:.3f} s")
    except (Failed, OSError) as e:
        print(f"demo_bench: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def med(k):
        return round(statistics.median(r[k] for r in runs), 3)

    def p90(k):
        xs = sorted(r[k] for r in runs)
        return round(xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))], 3)

    res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "cpus": os.cpu_count(), "reps": a.reps, "loadavg": os.getloadavg(), "runs": runs}
    first = med("first_answer_s")
    res["rows"] = [
        {"measure": "demo first start, to the first HTTPS answer (median)", "unit": "s",
         "value": first, "baseline": None, "ratio": None, "target": f"< {TARGET_S:g} s",
         "met": first < TARGET_S},
        {"measure": "demo first start, to the first HTTPS answer (p90)", "unit": "s",
         "value": p90("first_answer_s"), "baseline": None, "ratio": None, "target": None,
         "met": None},
        {"measure": "demo first start, to 'listening on' (median)", "unit": "s",
         "value": med("first_listening_s"), "baseline": None, "ratio": None, "target": None,
         "met": None},
        {"measure": "demo first start, CPU time of the whole run (median)", "unit": "s",
         "value": med("first_cpu_s"), "baseline": None, "ratio": None, "target": None,
         "met": None},
        {"measure": "demo start on a made state, to the first answer (median)", "unit": "s",
         "value": med("again_answer_s"), "baseline": None, "ratio": None, "target": None,
         "met": None},
    ]
    print(f"ncaenrolld --demo, {a.reps} fresh state folders, {res['cpus']} CPUs, load "
          f"{res['loadavg'][0]:.1f}")
    for r in res["rows"]:
        print(f"{r['measure']:58} {r['value']:7.3f} s" +
              (f"   target {r['target']}: {'met' if r['met'] else 'MISSED'}"
               if r["target"] else ""))
    benchsvc.write_json(a.json, res)
    if a.check and not res["rows"][0]["met"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
