#!/usr/bin/python3
"""Benchmark: the service's CPU per approval (two certificates issued) against two
signatures of the issuing CA's key by `openssl speed`, in one run.

Starts `ncaenrolld --demo` from a build tree (NCA_BUILDDIR), submits --apps applications
through the applicant's API (benchsvc.py: real PKCS#10 requests, two keys each), then
approves every one through the desk's API as a desk does: POST
/api/v1/ra/applications/{number}/approve with the whole checklist, over mutual TLS with
the demo operator's certificate (its PKCS#12), on one keep-alive connection, one after
the other. Every answer must be 200 and read "issued". The service's CPU time (user +
system of all its threads, /proc/PID/stat) is read before the first approval and after
the last. The baseline: `openssl speed -seconds S rsaBITS` in one process, BITS the size
of the issuing CA's key (STATE/ca.pem; the demo's is RSA-3072), run before and after the
approvals (the machine is shared; the two are averaged). An approval signs two
certificates, so its floor is two signatures: ratio = CPU per approval / (2 / sign/s).

It reports (a table on stdout, numbers with --json FILE). --check exits 1 when a target
of TARGETS is missed; 2 when something could not be started or measured; 77 without the
openssl command line.
"""
import argparse
import datetime
import http.client
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsvc  # noqa: E402

NAME = "approve_bench"
# Issue 16: an approval costs at most 1.3 times its two signatures.
TARGETS = {"ratio": ("<=", 1.3)}


def approve_all(svc, ctx, numbers):
    """Approves numbers on one keep-alive mutual-TLS connection: seconds of wall time."""
    conn = http.client.HTTPSConnection("127.0.0.1", svc.port, context=ctx, timeout=120)
    body = json.dumps({"documents": benchsvc.DOCS}).encode()
    t0 = time.perf_counter()
    for n in numbers:
        conn.request("POST", f"/api/v1/ra/applications/{n}/approve", body=body,
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        if r.status != 200 or json.loads(data).get("status") != "issued":
            benchsvc.fail(NAME, f"approve {n}: {r.status} {data[:300]!r}")
    wall = time.perf_counter() - t0
    conn.close()
    return wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apps", type=int, default=200, help="applications approved (200)")
    ap.add_argument("--seconds", type=int, default=5,
                    help="each openssl speed run (5)")
    ap.add_argument("--mail", action="store_true",
                    help="forms with an e-mail address: each approval also queues the "
                    "\"issued\" mail, which the demo's mailer renders and sends meanwhile "
                    "(its CPU counts too)")
    ap.add_argument("--quick", action="store_true", help="30 approvals, 2 s of openssl speed")
    benchsvc.add_result_options(ap)
    args = ap.parse_args()
    if args.quick:
        args.apps, args.seconds = min(args.apps, 30), 2
    if shutil.which("openssl") is None:
        print(f"{NAME}: the openssl command line is not installed", file=sys.stderr)
        return 77
    bdir = benchsvc.builddir(NAME)
    csrs = benchsvc.csr_pool(bdir, 2 * args.apps, lambda m: benchsvc.say(args, m))
    work = tempfile.mkdtemp(prefix="approve-bench-")
    state = os.path.join(work, "state")
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "cpus": os.cpu_count(), "apps": args.apps, "mail": args.mail}
    result["loadavg_before"] = os.getloadavg()  # the machine is shared
    try:
        svc = benchsvc.Service(NAME, bdir, state, {"policy": {
            "captcha_per_minute": 100000, "checks_per_minute": 100000,
            "status_per_minute": 100000}}, log_level="warning")
        try:
            bits = benchsvc.key_bits(NAME, os.path.join(state, "ca.pem"))
            ctx = benchsvc.operator_context(NAME, state, work)
            form = svc.form()
            if not args.mail:
                del form["email"]
            benchsvc.say(args, f"submitting {args.apps} applications ...")
            numbers = []
            for i in range(args.apps):
                st, ans = svc.request("POST", "/api/v1/applications",
                                      dict(form, csr_auth=csrs[2 * i],
                                           csr_sign=csrs[2 * i + 1]))
                if st != 201:
                    benchsvc.fail(NAME, f"submit: {st} {ans}")
                numbers.append(ans["request_number"])
            benchsvc.say(args, f"openssl speed rsa{bits}, {args.seconds} s ...")
            sign1 = benchsvc.rsa_speed(NAME, bits, args.seconds)
            time.sleep(0.5)             # the submissions' background work settles
            benchsvc.say(args, f"approving {args.apps} applications ...")
            cpu0 = svc.cpu_seconds()
            wall = approve_all(svc, ctx, numbers)
            cpu = svc.cpu_seconds() - cpu0
            benchsvc.say(args, f"openssl speed rsa{bits}, {args.seconds} s ...")
            sign2 = benchsvc.rsa_speed(NAME, bits, args.seconds)
        finally:
            svc.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sign = (sign1 + sign2) / 2
    per = cpu / args.apps
    result.update({
        "ca_key_bits": bits, "wall_seconds": wall, "approvals_per_s": args.apps / wall,
        "cpu_seconds": cpu, "cpu_ms_per_approval": per * 1000,
        "sign_per_s": [sign1, sign2], "two_signatures_ms": 2000 / sign,
        "ratio": per / (2 / sign)})
    print(f"approvals through the desk's API, {args.apps} on one connection, "
          f"{result['cpus']} CPUs, RSA-{bits} issuing CA"
          f"{', with the issued mail' if args.mail else ''}")
    print(f"  approvals/s (wall)          {result['approvals_per_s']:8.1f}")
    print(f"  service CPU per approval    {result['cpu_ms_per_approval']:8.2f} ms")
    print(f"  two signatures (openssl)    {result['two_signatures_ms']:8.2f} ms "
          f"(speed rsa{bits}: {sign1:.0f} and {sign2:.0f} sign/s)")
    print(f"  ratio                       {result['ratio']:8.2f}   (target <= 1.3)")
    result["rows"] = [benchsvc.row(
        "service CPU per approval (2 certificates)", "ms",
        round(result["cpu_ms_per_approval"], 3), round(result["two_signatures_ms"], 3),
        f"2 / openssl speed rsa{bits} (1 process)", "<= 1.3x",
        result["ratio"] <= TARGETS["ratio"][1])]
    result["loadavg_after"] = os.getloadavg()
    return benchsvc.finish(args, result, TARGETS)


if __name__ == "__main__":
    sys.exit(main())
