"""A submission answered 201 survives a SIGKILL of the service.

Four clients submit applications as fast as they can (keep-alive TLS, real CSRs) while
the service is killed with SIGKILL in mid-stream; the service is started again on the
same state, and every request number that was answered 201 must be there, submitted,
with its history, and the audit chain must verify. The service commits with
synchronous=NORMAL and syncs the WAL as a group before answering (store-sqlite-sync.c);
an answer sent before its commit, or a commit the restart cannot read back, fails here.
"""
import http.client
import json
import signal
import subprocess
import threading

from csrs import BIN, IIN
from service import Service, benchsvc, program, program_env, wait_until


def bench_csrs(n):
    """n distinct CSRs from tests/bench/benchsvc.py's maker (many exponents per modulus:
    a few RSA key generations instead of n)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    pn = rsa.generate_private_key(65537, 2048).private_numbers()
    return benchsvc()._csr_batch((pn.p, pn.q, 65537, n))


def form(svc):
    st, org = svc.bin_check(BIN)
    assert st == 200, org
    st, codes = svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
    assert st == 200, codes
    return {"token": org["token"], "bin": BIN, "iin": IIN, "email": "user@mail.kz",
            "role": "ROLE02", "region": "karaganda", "city": "karaganda",
            "gu_code": codes[0]["code"], "storage": "pc", "lang": "ru"}


def submitter(svc, body, csrs, answered, refused, stop):
    """Submits one application per pair of CSRs until the service goes away."""
    conn = svc.connection(timeout=10)
    try:
        for i in range(0, len(csrs) - 1, 2):
            if stop.is_set():
                return
            conn.request("POST", "/api/v1/applications",
                         json.dumps(dict(body, csr_auth=csrs[i], csr_sign=csrs[i + 1])),
                         {"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            if r.status != 201:
                refused.append((r.status, data))
                return
            answered.append(json.loads(data)["request_number"])
    except (OSError, http.client.HTTPException):
        return          # killed under us: what was answered is what counts
    finally:
        conn.close()


def test_answered_submissions_survive_sigkill(tmp_path):
    state = tmp_path / "state"
    csrs = bench_csrs(4 * 2 * 150)
    svc = Service(state)
    body = form(svc)
    answered, refused, stop = [], [], threading.Event()
    threads = [threading.Thread(target=submitter, args=(
        svc, body, csrs[k * 300:(k + 1) * 300], answered, refused, stop))
               for k in range(4)]
    for t in threads:
        t.start()
    wait_until(lambda: len(answered) >= 40, 30, every=0.01)
    svc.proc.send_signal(signal.SIGKILL)     # with requests in flight
    svc.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    svc.stop(check=False)
    assert svc.returncode == -signal.SIGKILL
    assert not refused, refused[0]
    assert len(answered) >= 40, "the clients were not submitting when the service died"
    assert len(set(answered)) == len(answered)

    svc = Service(state)
    try:
        for number in answered:
            st, app = svc.request("GET", f"/api/v1/applications/{number}")
            assert st == 200 and app["status"] == "submitted", (number, st, app)
    finally:
        svc.stop()
    p = subprocess.run([*program(), "--demo", "--state-dir", str(state), "audit", "list"],
                       capture_output=True, text=True, env=program_env(), timeout=120)
    assert p.returncode == 0, p.stderr
    submitted = {f.split("\t")[4] for f in p.stdout.splitlines()
                 if f.split("\t")[3] == "application.submitted"}
    assert set(answered) <= submitted     # each with its audit entry
    p = subprocess.run([*program(), "--demo", "--state-dir", str(state), "audit", "verify"],
                       capture_output=True, text=True, env=program_env(), timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "audit log intact" in p.stdout
