#!/usr/bin/python3
"""Benchmark: status lookups (GET /api/v1/applications/{number}) over TLS with keep-alive,
50 and 100 clients, against a bare libmicrohttpd answering the same body over the same TLS,
in one run.

Starts `ncaenrolld --demo` from a build tree (NCA_BUILDDIR), submits one application
through the API and keeps its status answer. The baseline is bare-mhd.c (built here with
cc and pkg-config): libmicrohttpd with ncaenrolld's certificate and key, GnuTLS
priorities, thread pool and response headers, answering every request with that body.
Each side gets the same load in turn: N clients, each one keep-alive TLS connection from
its own loopback address (127.0.0.2, .3, ...: the service's per-address rate limit counts
each client as the clients of a real service are counted), asking again as soon as an
answer is in, for --seconds. Measured: answers per second, and the server's CPU time
(user + system, /proc) per answer.

It reports (a table on stdout, numbers with --json FILE). --check exits 1 when a target
of TARGETS is missed; 2 when something could not be started or measured.
"""
import argparse
import asyncio
import datetime
import json
import multiprocessing
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsvc  # noqa: E402

NAME = "status_bench"
CLIENTS = (50, 100)
PROCS = 2           # client processes (asyncio: each holds its share of the connections)
# Issue 16: at least 0.9 times the bare answers/s, at most 1.3 times its CPU per answer.
TARGETS = {f"{k}_{n}": v for n in CLIENTS for k, v in (
    ("ratio_per_s", (">=", 0.9)), ("ratio_cpu", ("<=", 1.3)))}


async def _one(port, cafile, src, path, start, end):
    ctx = ssl.create_default_context(cafile=cafile)
    r, w = await asyncio.open_connection("127.0.0.1", port, ssl=ctx,
                                         server_hostname="127.0.0.1", local_addr=(src, 0))
    req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    n = bad = 0
    while time.time() < start:
        await asyncio.sleep(0.005)
    while time.time() < end:
        w.write(req)
        head = await r.readuntil(b"\r\n\r\n")
        m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        await r.readexactly(int(m.group(1)))
        n += 1
        bad += not head.startswith(b"HTTP/1.1 200")
    w.close()
    return n, bad


def _proc(port, cafile, srcs, path, start, end, q):
    async def run():
        return await asyncio.gather(*(_one(port, cafile, s, path, start, end) for s in srcs))
    got = asyncio.run(run())
    q.put((sum(g[0] for g in got), sum(g[1] for g in got)))


def measure(port, pid, cafile, path, clients, seconds):
    srcs = [f"127.0.{2 + i // 250}.{2 + i % 250}" for i in range(clients)]
    q = multiprocessing.Queue()
    start = time.time() + 1.5          # connections made and handshakes done before it
    end = start + seconds
    procs = [multiprocessing.Process(target=_proc, args=(
        port, cafile, srcs[k::PROCS], path, start, end, q)) for k in range(PROCS)]
    for p in procs:
        p.start()
    while time.time() < start:
        time.sleep(0.001)
    cpu0 = benchsvc.cpu_of(pid)
    while time.time() < end:
        time.sleep(0.001)
    cpu = benchsvc.cpu_of(pid) - cpu0
    got = [q.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    n, bad = sum(g[0] for g in got), sum(g[1] for g in got)
    if bad:
        benchsvc.fail(NAME, f"{bad} answers were not 200")
    return {"per_s": n / seconds, "answers": n, "cpu_us_per_answer": cpu * 1e6 / max(n, 1)}


def build_bare(bdir, work):
    out = os.path.join(work, "bare-mhd")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libmicrohttpd"],
                           capture_output=True, text=True)
    if flags.returncode != 0:
        benchsvc.fail(NAME, "pkg-config knows no libmicrohttpd")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bare-mhd.c")
    p = subprocess.run(["cc", "-O2", "-o", out, src, *flags.stdout.split(), "-lpthread"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        benchsvc.fail(NAME, f"cannot build bare-mhd: {p.stderr}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0, help="each measurement (5)")
    ap.add_argument("--clients", default=",".join(map(str, CLIENTS)),
                    help="client counts (50,100)")
    benchsvc.add_result_options(ap)
    args = ap.parse_args()
    bdir = benchsvc.builddir(NAME)
    work = tempfile.mkdtemp(prefix="status-bench-")
    state = os.path.join(work, "state")
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "cpus": os.cpu_count(), "seconds": args.seconds, "runs": {}}
    bare = None
    try:
        bare_exe = build_bare(bdir, work)
        svc = benchsvc.Service(NAME, bdir, state, {"policy": {
            "captcha_per_minute": 100000, "checks_per_minute": 100000,
            "status_per_minute": 100000}})
        try:
            ans = svc.submit_one(bdir)
            path = f"/api/v1/applications/{ans['request_number']}"
            st, body = svc.request("GET", path)
            body_file = os.path.join(work, "body.json")
            with open(body_file, "w") as f:
                f.write(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
            result["body_bytes"] = os.path.getsize(body_file)
            bare = subprocess.Popen([bare_exe, os.path.join(state, "tls.pem"),
                                     os.path.join(state, "tls.key"), body_file, "4"],
                                    stdout=subprocess.PIPE, text=True)
            m = re.match(r"listening on (\d+)", bare.stdout.readline())
            if not m:
                benchsvc.fail(NAME, "bare-mhd did not start")
            bare_port = int(m.group(1))
            for n in (int(c) for c in args.clients.split(",")):
                run = {}
                for side, port, pid in (("bare", bare_port, bare.pid),
                                        ("ncaenrolld", svc.port, svc.proc.pid)):
                    benchsvc.say(args, f"{side}: {n} clients, {args.seconds} s ...")
                    run[side] = measure(port, pid, svc.cafile, path, n, args.seconds)
                result["runs"][str(n)] = run
                result[f"ratio_per_s_{n}"] = run["ncaenrolld"]["per_s"] / run["bare"]["per_s"]
                result[f"ratio_cpu_{n}"] = (run["ncaenrolld"]["cpu_us_per_answer"] /
                                            run["bare"]["cpu_us_per_answer"])
        finally:
            if bare is not None:
                bare.send_signal(signal.SIGTERM)
                bare.wait()
            svc.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"status lookups, keep-alive TLS, {result['cpus']} CPUs, {args.seconds} s each, "
          f"body {result['body_bytes']} bytes")
    print(f"{'clients':>7} {'side':<11} {'answers/s':>9} {'CPU us/answer':>13}")
    for n, run in result["runs"].items():
        for side in ("bare", "ncaenrolld"):
            print(f"{n:>7} {side:<11} {run[side]['per_s']:>9.0f} "
                  f"{run[side]['cpu_us_per_answer']:>13.1f}")
        print(f"{n:>7} {'ratio':<11} {result[f'ratio_per_s_{n}']:>9.2f} "
              f"{result[f'ratio_cpu_{n}']:>13.2f}")
    return benchsvc.finish(args, result, TARGETS)


if __name__ == "__main__":
    sys.exit(main())
