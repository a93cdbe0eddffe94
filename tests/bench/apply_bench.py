#!/usr/bin/python3
"""Benchmark: `ncaenroll apply` wall time against the openssl command line, in one run.

Starts `ncaenrolld --demo --fixed-captcha` from a build tree (NCA_BUILDDIR), then, N times
(default 7) and interleaved so both see the same load:
  - `ncaenroll apply` with every answer on its command line, a fresh state file and key
    folder: the captcha, the checks, two RSA-2048 key pairs in the folder keystore, two
    CSRs, the submission, from spawn to exit;
  - the baseline: what the same keys and requests cost with the openssl tool, one after
    the other: `openssl genpkey` RSA-2048 twice and `openssl req -new` twice.
ratio = median apply / median baseline; target (issue 16): <= 0.6, which needs the two
keys made at once on two cores. Exit 0 (with --check: target met), 1 (--check: missed),
2 (could not start or measure). Python 3 standard library and openssl only.
"""
import argparse
import datetime
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsvc  # noqa: E402

TARGET = 0.6
CAPTCHA = "K7M3P"
ANSWERS = dict(bin="940140000385", iin="871008401427", role="ROLE02", region="karaganda",
               city="karaganda", gu_code="1001", captcha_answer=CAPTCHA,
               email="buhgalter@mail.kz")


class Failed(Exception):
    pass


class Service:
    def __init__(self, builddir, tmp):
        state = os.path.join(tmp, "svc")
        os.makedirs(state, mode=0o700)
        cfg = os.path.join(tmp, "svc.yaml")
        with open(cfg, "w") as f:
            f.write("policy:\n  captcha_per_minute: 100000\n  checks_per_minute: 100000\n")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LANGUAGE": "en", "HOME": tmp}
        self.proc = subprocess.Popen(
            [os.path.join(builddir, "uninstalled-env"), os.path.join(builddir, "ncaenrolld"),
             "--demo", "--listen", "127.0.0.1:0", "--state-dir", state, "--config", cfg,
             "--fixed-captcha", CAPTCHA],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.base = benchsvc.read_base(self.proc, 120)
        self.cafile = os.path.join(state, "ca-chain.pem")
        if self.base is None:
            self.stop()
            raise Failed("ncaenrolld --demo did not start")

    def stop(self):
        benchsvc.stop_process(self.proc, 30)
        self.proc.stdout.close()


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def apply_once(builddir, svc, tmp, i):
    home = os.path.join(tmp, f"home-{i}")
    os.makedirs(home)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LANGUAGE": "en", "HOME": home,
           "XDG_STATE_HOME": os.path.join(home, "xdg"),
           "XDG_CONFIG_HOME": os.path.join(home, "cfg")}
    argv = [os.path.join(builddir, "uninstalled-env"), os.path.join(builddir, "ncaenroll"),
            "--service", svc.base, "--ca-file", svc.cafile,
            "--state", os.path.join(home, "state.yaml"), "apply", "--json",
            "--dir", os.path.join(home, "keys")]
    for k, v in ANSWERS.items():
        argv += ["--" + k.replace("_", "-"), v]
    c0, t0 = children_cpu(), time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300,
                       stdin=subprocess.DEVNULL)
    took, cpu = time.monotonic() - t0, children_cpu() - c0
    if p.returncode != 0 or "request_number" not in p.stdout:
        raise Failed(f"ncaenroll apply failed ({p.returncode}): {p.stderr.strip()[-800:]}")
    shutil.rmtree(home, ignore_errors=True)
    return took, cpu


def openssl_once(tmp, i):
    d = os.path.join(tmp, f"ossl-{i}")
    os.makedirs(d)
    c0, t0 = children_cpu(), time.monotonic()
    for k in ("auth", "sign"):
        key = os.path.join(d, k + ".key")
        for argv in (["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                      "rsa_keygen_bits:2048", "-out", key],
                     ["openssl", "req", "-new", "-key", key, "-subj", "/CN=bench",
                      "-out", os.path.join(d, k + ".csr")]):
            p = subprocess.run(argv, capture_output=True, timeout=120)
            if p.returncode != 0:
                raise Failed(f"{' '.join(argv[:2])} failed: {p.stderr.decode()[-400:]}")
    took, cpu = time.monotonic() - t0, children_cpu() - c0
    shutil.rmtree(d, ignore_errors=True)
    return took, cpu


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--reps", type=int, default=7, help="applications (7)")
    ap.add_argument("--quick", action="store_true", help="3 of each (tests/bench/run --quick)")
    benchsvc.add_result_options(ap)
    a = ap.parse_args(argv)
    if a.quick:
        a.reps = 3
    builddir = os.path.abspath(os.environ.get("NCA_BUILDDIR", "build"))
    for prog in ("ncaenroll", "ncaenrolld", "uninstalled-env"):
        if not os.access(os.path.join(builddir, prog), os.X_OK):
            print(f"apply_bench: no {prog} in {builddir} (set NCA_BUILDDIR)", file=sys.stderr)
            return 2
    if shutil.which("openssl") is None:
        print("apply_bench: openssl is not installed", file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="nca-apply-bench-")
    svc = None
    applies, baseline, applies_cpu, baseline_cpu = [], [], [], []
    try:
        svc = Service(builddir, tmp)
        for i in range(a.reps):
            t, c = apply_once(builddir, svc, tmp, i)
            applies.append(t)
            applies_cpu.append(c)
            t, c = openssl_once(tmp, i)
            baseline.append(t)
            baseline_cpu.append(c)
            benchsvc.say(a, f"  {i + 1}: apply {applies[-1]:.3f} s (CPU {applies_cpu[-1]:.3f} "
                         f"s), openssl {baseline[-1]:.3f} s (CPU {baseline_cpu[-1]:.3f} s)")
    except (Failed, OSError, subprocess.TimeoutExpired) as e:
        print(f"apply_bench: {e}", file=sys.stderr)
        return 2
    finally:
        if svc is not None:
            svc.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    ma, mb = statistics.median(applies), statistics.median(baseline)
    ca, cb = statistics.median(applies_cpu), statistics.median(baseline_cpu)
    ratio = ma / mb
    res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "cpus": os.cpu_count(), "reps": a.reps, "loadavg": os.getloadavg(),
           "apply_s": applies, "openssl_s": baseline,
           "rows": [{"measure": "ncaenroll apply, wall time (median)", "unit": "s",
                     "value": round(ma, 3), "baseline": round(mb, 3),
                     "baseline_name": "2x openssl genpkey RSA-2048 + 2x openssl req",
                     "ratio": round(ratio, 3), "target": f"<= {TARGET:g}x",
                     "met": ratio <= TARGET},
                    {"measure": "ncaenroll apply, CPU time (median)", "unit": "s",
                     "value": round(ca, 3), "baseline": round(cb, 3),
                     "baseline_name": "the same openssl commands",
                     "ratio": round(ca / cb, 3) if cb else None, "target": None,
                     "met": None}],
           "apply_cpu_s": applies_cpu, "openssl_cpu_s": baseline_cpu}
    print(f"ncaenroll apply against 2x genpkey + 2x req, {a.reps} each, {res['cpus']} CPUs, "
          f"load {res['loadavg'][0]:.1f}")
    print(f"apply {ma:.3f} s, openssl {mb:.3f} s, ratio {ratio:.2f} (target <= {TARGET:g}: "
          f"{'met' if ratio <= TARGET else 'MISSED'})")
    print(f"CPU: apply {ca:.3f} s, openssl {cb:.3f} s (wall/CPU of apply {ma / ca:.2f}: "
          f"below 1 when the two keys really ran side by side)" if ca else "")
    benchsvc.write_json(a.json, res)
    if a.check and ratio > TARGET:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
