#!/usr/bin/python3
"""Benchmark: ncaenrolld's OCSP responder against `openssl speed`, in one run.

Starts `ncaenrolld --demo` from a build tree (NCA_BUILDDIR), has the service issue a few
applications (the applicant's API, keys and CSRs from the openssl command line) and the
demo desk revoke half of them (POST /api/v1/ra/applications/{n}/revoke over mutual TLS),
then measures OCSP answers per second over plain http (POST /ocsp, keep-alive, several
client processes) for a mix of good and revoked serials, twice:
  1. no caching: every answer is looked up in the store and signed;
  2. ca.ocsp_preproduced: true (RFC 5019 pre-produced answers, publish.c), the same
     service restarted on the same state.
The baseline, measured in the same run on the same machine: `openssl speed -multi N` of
an RSA key the size of the responder's (N = the machine's CPUs), signatures per second.
It reports (a table on stdout, numbers with --json FILE) and does not judge: exit 0, or 2
when something could not be started or measured. tests/bench/README.md says what the
numbers mean. Python 3 standard library and the openssl command line only.
"""
import argparse
import datetime
import multiprocessing
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsvc  # noqa: E402

CAPTCHA, BIN, IIN = benchsvc.CAPTCHA, benchsvc.BIN, benchsvc.IIN
NAME = "ocsp_bench"
DOCS = benchsvc.DOCS


def fail(msg):
    benchsvc.fail(NAME, msg)


def openssl(*args, cwd=None):
    return benchsvc.openssl(NAME, *args, cwd=cwd)


class Service:
    """ncaenrolld --demo on loopback; its https and http ports read from its stdout."""

    def __init__(self, builddir, state, config_text):
        self.state = state
        cfg = state + ".yaml"
        with open(cfg, "w") as f:
            f.write(config_text)
        cmd = [os.path.join(builddir, "uninstalled-env"), os.path.join(builddir, "ncaenrolld"),
               "--demo", "--listen", "127.0.0.1:0", "--state-dir", state, "--config", cfg,
               "--fixed-captcha", CAPTCHA, "--auto-approve", "0", "--log-level", "warning"]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=env)
        self.https, self.http = benchsvc.read_ports(self.proc, [
            benchsvc.LISTENING, rb"publishing on http://127\.0\.0\.1:(\d+)\n"])
        if self.https is None or self.http is None:
            self.stop()
            fail("ncaenrolld did not start (or printed no 'publishing on' line)")
        self.ctx = ssl.create_default_context(cafile=os.path.join(state, "ca-chain.pem"))

    def request(self, method, path, body=None, ctx=None):
        return benchsvc.https_json(self.https, ctx or self.ctx, method, path, body)

    def stop(self):
        benchsvc.stop_process(self.proc, 30)


def issue(svc, work, i):
    """One application issued by the service: its number and both serials."""
    d = os.path.join(work, f"app{i}")
    os.makedirs(d)
    csrs = []
    for k in ("auth", "sign"):
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", f"{k}.key", cwd=d)
        csrs.append(openssl("req", "-new", "-key", f"{k}.key", "-subj", f"/CN={k}", "-sha256",
                            cwd=d))
    st, cap = svc.request("POST", "/api/v1/captcha")
    st, org = svc.request("POST", "/api/v1/bin-check", {"bin": BIN, "captcha_id": cap["id"],
                                                        "captcha_answer": CAPTCHA})
    if st != 200:
        fail(f"bin-check: {st} {org}")
    st, _ = svc.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": org["token"]})
    st, codes = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
    st, ans = svc.request("POST", "/api/v1/applications", {
        "token": org["token"], "bin": BIN, "iin": IIN, "email": "user@mail.kz",
        "role": "ROLE02", "region": "karaganda", "city": "karaganda",
        "gu_code": codes[0]["code"], "storage": "pc", "lang": "ru",
        "csr_auth": csrs[0], "csr_sign": csrs[1]})
    if st != 201:
        fail(f"submit: {st} {ans}")
    number = ans["request_number"]
    end = time.monotonic() + 30
    while time.monotonic() < end:
        st, s = svc.request("GET", f"/api/v1/applications/{number}")
        if s.get("status") == "issued":
            c = s["certificates"]
            return number, [c["auth"]["serial"], c["sign"]["serial"]]
        time.sleep(0.2)
    fail(f"application {number} was not issued")


def ocsp_requests(state, serials, work):
    """The DER OCSP request (no nonce, SHA-1 CertID as openssl sends) for each serial."""
    out = []
    for i, s in enumerate(serials):
        path = os.path.join(work, f"req{i}.der")
        openssl("ocsp", "-issuer", os.path.join(state, "ca.pem"), "-serial", "0x" + s,
                "-no_nonce", "-reqout", path)
        with open(path, "rb") as f:
            out.append(f.read())
    return out


def ocsp_statuses(state, port, serials, work):
    """What the responder says of each serial (openssl's reading): good/revoked."""
    out = []
    for s in serials:
        r = subprocess.run(["openssl", "ocsp", "-issuer", os.path.join(state, "ca.pem"),
                            "-serial", "0x" + s, "-url", f"http://127.0.0.1:{port}/ocsp",
                            "-CAfile", os.path.join(state, "ca-chain.pem")],
                           capture_output=True, text=True)
        m = re.search(r": (good|revoked|unknown)", r.stdout)
        out.append(m.group(1) if m else "?")
    return out


def _client(port, reqs, seconds, start, q):
    """One client process: keep-alive POSTs round the mix until time is up."""
    wire = [(b"POST /ocsp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
             b"application/ocsp-request\r\nContent-Length: %d\r\n\r\n" % len(r)) + r
            for r in reqs]
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while time.time() < start:
        time.sleep(0.001)
    n, errors, i, end = 0, 0, 0, start + seconds
    buf = b""
    while time.time() < end:
        s.sendall(wire[i % len(wire)])
        i += 1
        while True:
            h = buf.find(b"\r\n\r\n")
            if h >= 0:
                m = re.search(rb"[Cc]ontent-[Ll]ength: (\d+)", buf[:h])
                need = h + 4 + int(m.group(1))
                if len(buf) >= need:
                    if not buf.startswith(b"HTTP/1.1 200"):
                        errors += 1
                    buf = buf[need:]
                    break
            chunk = s.recv(65536)
            if not chunk:
                q.put((n, errors + 1))
                return
            buf += chunk
        n += 1
    s.close()
    q.put((n, errors))


def measure(port, reqs, seconds, clients):
    q = multiprocessing.Queue()
    start = time.time() + 0.5
    procs = [multiprocessing.Process(target=_client, args=(port, reqs, seconds, start, q))
             for _ in range(clients)]
    for p in procs:
        p.start()
    got = [q.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join()
    n = sum(g[0] for g in got)
    return n / seconds, sum(g[1] for g in got)


# Issue 13's goals: the responder costs at most its signature again; pre-produced
# answers at least five times the signatures.
GOAL_NO_CACHE = 0.5
GOAL_PREPRODUCED = 5.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0, help="each measurement (5)")
    ap.add_argument("--clients", type=int, default=4, help="client processes (4)")
    ap.add_argument("--apps", type=int, default=4,
                    help="applications issued; half are revoked (4: 8 serials)")
    ap.add_argument("--no-revoke", action="store_true",
                    help="revoke nothing: good serials only (a service without the desk's "
                    "revoke)")
    ap.add_argument("--json", help="write the numbers to this file")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when a ratio is below its goal (0.5 and 5)")
    ap.add_argument("--quick", action="store_true",
                    help="2 s per measurement, 2 applications (tests/bench/run --quick)")
    args = ap.parse_args()
    if args.quick:
        args.seconds, args.apps = 2.0, 2
    builddir = os.path.abspath(os.environ.get("NCA_BUILDDIR", "build"))
    if not os.access(os.path.join(builddir, "ncaenrolld"), os.X_OK):
        fail(f"no ncaenrolld in {builddir} (set NCA_BUILDDIR)")
    if shutil.which("openssl") is None:
        fail("openssl is not installed")
    cpus = os.cpu_count() or 1
    secs = max(1, int(args.seconds))
    work = tempfile.mkdtemp(prefix="ocsp-bench-")
    state = os.path.join(work, "state")
    base_cfg = "policy:\n  captcha_per_minute: 100000\n  checks_per_minute: 100000\n"
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "cpus": cpus, "clients": args.clients, "seconds": args.seconds}
    try:
        benchsvc.say(args, "starting ncaenrolld, issuing and revoking ...")
        svc = Service(builddir, state, base_cfg)
        try:
            good, revoked = [], []
            ctx = benchsvc.operator_context(NAME, state, work)
            for i in range(args.apps):
                number, serials = issue(svc, work, i)
                if i % 2 and not args.no_revoke:
                    st, ans = svc.request("POST", f"/api/v1/ra/applications/{number}/revoke",
                                          {"reason": "keyCompromise", "documents": DOCS},
                                          ctx=ctx)
                    if st != 200:
                        fail(f"the desk could not revoke {number}: {st} {ans}")
                    revoked += serials
                else:
                    good += serials
            serials = good + revoked
            seen = ocsp_statuses(state, svc.http, serials, work)
            want = ["good"] * len(good) + ["revoked"] * len(revoked)
            if seen != want:
                fail(f"the responder's answers are not the expected mix: {seen}")
            reqs = ocsp_requests(state, serials, work)
            bits = benchsvc.key_bits(NAME, os.path.join(state, "ocsp.pem"))
            benchsvc.say(args, f"no caching: {args.clients} clients, {args.seconds} s ...")
            result["no_cache"], err1 = measure(svc.http, reqs, args.seconds, args.clients)
            benchsvc.say(args, f"openssl speed rsa{bits} (-multi {cpus}) ...")
            result["sign_per_s_no_cache"] = benchsvc.rsa_speed(NAME, bits, secs, cpus)
        finally:
            svc.stop()
        svc = Service(builddir, state, base_cfg + "ca:\n  ocsp_preproduced: true\n")
        try:
            if ocsp_statuses(state, svc.http, serials, work) != want:
                fail("after the restart the responder's answers changed")
            benchsvc.say(args, f"pre-produced: {args.clients} clients, {args.seconds} s ...")
            result["preproduced"], err2 = measure(svc.http, reqs, args.seconds,
                                                  args.clients)
            benchsvc.say(args, f"openssl speed rsa{bits} (-multi {cpus}) ...")
            result["sign_per_s_preproduced"] = benchsvc.rsa_speed(NAME, bits, secs, cpus)
        finally:
            svc.stop()
        result["responder_key_bits"] = bits
        result["sign_per_s_one_process"] = benchsvc.rsa_speed(NAME, bits, secs, 1)
        result["serials"] = {"good": len(good), "revoked": len(revoked)}
        result["errors"] = err1 + err2
        result["ratio_no_cache"] = result["no_cache"] / result["sign_per_s_no_cache"]
        result["ratio_preproduced"] = (result["preproduced"] /
                                       result["sign_per_s_preproduced"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"OCSP answers/s, {len(good)} good + {len(revoked)} revoked serials, "
          f"{args.clients} clients, {cpus} CPUs; RSA-{bits} responder key")
    print(f"{'measure':<46} {'per s':>9} {'sign/s':>9} {'ratio':>6}")
    for key, label in (("no_cache", "OCSP, no caching (every answer signed)"),
                       ("preproduced", "OCSP, pre-produced answers (RFC 5019)")):
        print(f"{label:<46} {result[key]:>9.0f} {result['sign_per_s_' + key]:>9.0f} "
              f"{result['ratio_' + key]:>6.2f}")
    print(f"sign/s: openssl speed rsa{bits} -multi {cpus}, right after each OCSP run; "
          f"one process: {result['sign_per_s_one_process']:.0f}")
    if result["errors"]:
        print(f"non-200 answers: {result['errors']}")
    result["rows"] = [
        {"measure": "OCSP answers/s, no caching", "unit": "/s", "value": round(result["no_cache"]),
         "baseline": round(result["sign_per_s_no_cache"]),
         "baseline_name": f"openssl speed rsa{bits} -multi {cpus} (sign/s)",
         "ratio": round(result["ratio_no_cache"], 3), "target": f">= {GOAL_NO_CACHE:g}x",
         "met": result["ratio_no_cache"] >= GOAL_NO_CACHE},
        {"measure": "OCSP answers/s, pre-produced (RFC 5019)", "unit": "/s",
         "value": round(result["preproduced"]),
         "baseline": round(result["sign_per_s_preproduced"]),
         "baseline_name": f"openssl speed rsa{bits} -multi {cpus} (sign/s)",
         "ratio": round(result["ratio_preproduced"], 3),
         "target": f">= {GOAL_PREPRODUCED:g}x",
         "met": result["ratio_preproduced"] >= GOAL_PREPRODUCED},
    ]
    benchsvc.write_json(args.json, result)
    if args.check and not all(r["met"] for r in result["rows"]):
        print("check: a ratio is below its goal")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
