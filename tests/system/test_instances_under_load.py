"""Two instances on one PostgreSQL serve the whole process under load and through a crash.

PostgreSQL in a temporary folder (pgcluster.py), two `ncaenrolld --demo --config FILE`
instances on it sharing one `--state-dir` (one demo CA, one captcha key), and HAProxy from
Debian in front on loopback: `mode tcp` (TLS passes through to the instances), round
robin, health checks that take a dead instance out. Through HAProxy's port, APPLICANTS
applicants at once (threads) each go the whole way an applicant goes: a captcha (the
demo's fixed answer) and the BIN check, the IIN check, the GU codes, the submission with
two CSRs of keys of its own; two desks approve the queue at the same time with the demo
operator's certificate; then every applicant waits for its decision and fetches its
certificates with the proof of its AUTH key. Every application got exactly one number,
each approval issued its two certificates once (the database and the serials agree), the
audit chain verifies.

The second case SIGKILLs one instance mid-run while applicants and desks keep going. As a
real client would, they try a request again when its answer did not arrive (a step that
spends a captcha or a challenge takes a new one): nothing answered is lost, nothing is
issued twice, the surviving instance finishes the work, and the killed one, started
again, is taken back by HAProxy and answers its share.

Every client comes from 127.0.0.1 here, and HAProxy's connections too, so the limits per
address are opened wide. Once the service reads the client's address from the PROXY
protocol (trusted_proxies), HAPROXY_SERVER_OPTIONS gains `send-proxy-v2`: one word on one
line, nothing else changes.
"""
import http.client
import json
import os
import random
import re
import selectors
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pgcluster import pg  # noqa: F401
from service import (FIXED_CAPTCHA, SANITIZER_MARKS, _yaml, free_port, program,
                     program_env)

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402
from holder import csr, message, new_key, sign  # noqa: E402

pytestmark = pytest.mark.long(3)  # minutes under ASan: conftest.py starts it first

APPLICANTS = 200
DESKS = 2
BIN = "940140000385"            # the demo registries' test vectors (data/demo/README.md)
IIN = "871008401427"
DOCS = ["form", "identity", "authority"]
DEMO_OPERATOR_PASSWORD = b"demo-operator-2026"
# Health checks every 300 ms, out after 2 failures, back after 2 successes. Add
# `send-proxy-v2` here once the service accepts the PROXY protocol (trusted_proxies).
HAPROXY_SERVER_OPTIONS = "check inter 300ms fall 2 rise 2"
# What a client takes for "the answer did not arrive": try again.
LOST = (ConnectionError, http.client.HTTPException, ssl.SSLError, socket.timeout, OSError)
TRIES = 8
# With a kill, the applicants arrive within this many seconds, so that the instance
# killed has answers in flight and applicants are still to come; without one, all start
# at once, and the time until all are in is the two instances' throughput.
ARRIVAL = 3


def _instance_port(taken):
    """A port P, with P + 1 (a demo's plain http) free too, below the ephemeral range:
    the thousands of connections a run makes take their own ports from that range, and a
    killed instance started again must find its two ports free."""
    with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as f:
        low = int(f.read().split()[0])
    rng = random.Random()
    while True:
        port = rng.randrange(max(1024, low - 12000), low - 2)
        if {port, port + 1} & taken:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        taken |= {port, port + 1}
        return port


class Instance:
    """One ncaenrolld --demo on a port of its own; its log (the access log is one line a
    request, more than a pipe holds) goes to a file."""

    def __init__(self, state, config, port, tag):
        self.port, self.log = port, f"{state}.{tag}.log"
        with open(self.log, "a", encoding="utf-8") as err:
            self.proc = subprocess.Popen(
                [*program(), "--demo", "--config", config, "--state-dir", state,
                 "--listen", f"127.0.0.1:{port}", "--fixed-captcha", FIXED_CAPTCHA],
                stdout=subprocess.PIPE, stderr=err, text=True, env=program_env())
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        line = self.proc.stdout.readline() if sel.select(timeout=120) else ""
        sel.close()
        assert re.fullmatch(rf"listening on https://127\.0\.0\.1:{port}\n", line), \
            f"ncaenrolld did not start: {line!r} {self.text()}"

    def text(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            return self.proc.returncode
        return None


class HAProxy:
    """haproxy -db (in the foreground, as the test's child) with a generated config."""

    def __init__(self, folder, servers):
        if shutil.which("haproxy") is None:
            pytest.skip("haproxy is not installed (deps/debian-packages)")
        self.port, self.sock = free_port(), os.path.join(folder, "haproxy.sock")
        lines = "".join(f"    server {name} 127.0.0.1:{port} {HAPROXY_SERVER_OPTIONS}\n"
                        for name, port in servers)
        self.cfg = os.path.join(folder, "haproxy.cfg")
        with open(self.cfg, "w", encoding="utf-8") as f:
            f.write(f"""global
    maxconn 4096
    stats socket {self.sock} mode 600 level admin

defaults
    mode tcp
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    retries 3
    option redispatch

frontend applicants
    bind 127.0.0.1:{self.port}
    default_backend instances

backend instances
    balance roundrobin
{lines}""")
        self.log = open(os.path.join(folder, "haproxy.log"), "w", encoding="utf-8")
        self.proc = subprocess.Popen(["haproxy", "-f", self.cfg, "-db"], stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.wait(lambda: all(s["status"] == "UP" for s in self.servers().values()), 20)

    def servers(self):
        """{server: {"status": ..., "stot": sessions}} from the stats socket ("" if none)."""
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(self.sock)
                s.sendall(b"show stat\n")
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
        except OSError:
            return {}
        lines = data.decode().splitlines()
        if not lines or not lines[0].startswith("# "):
            return {}
        head = lines[0][2:].split(",")
        rows = [dict(zip(head, ln.split(","))) for ln in lines[1:] if ln]
        return {r["svname"]: {"status": r["status"], "stot": int(r["stot"] or 0)}
                for r in rows if r["pxname"] == "instances"
                and r["svname"] not in ("BACKEND", "FRONTEND")}

    def wait(self, cond, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            assert self.proc.poll() is None, open(self.log.name).read()
            if cond():
                return
            time.sleep(0.1)
        raise AssertionError(f"haproxy: {self.servers()}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


class Client:
    """HTTPS through HAProxy, a new connection per request (as ncaenroll makes them);
    counts the answers that did not arrive and were asked again."""

    def __init__(self, port, cafile, cert=None):
        self.port = port
        self.ctx = ssl.create_default_context(cafile=cafile)
        if cert is not None:
            self.ctx.load_cert_chain(*cert)
        self.retries = 0
        self.lock = threading.Lock()

    def call(self, method, path, body=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=120,
                                           context=self.ctx)
        try:
            data = json.dumps(body).encode() if body is not None else None
            hdrs = {"Content-Type": "application/json"} if data is not None else {}
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            payload = r.read()
            ans = json.loads(payload) if r.getheader("Content-Type", "").startswith(
                "application/json") else payload
            return r.status, ans
        finally:
            conn.close()

    def again(self, step):
        """step() until its answer arrives; a step spending a captcha or a challenge asks
        a new one each time."""
        for i in range(TRIES):
            try:
                return step()
            except LOST:
                with self.lock:
                    self.retries += 1
                time.sleep(0.2 * (i + 1))
        return step()


def _key_pair(_):
    return new_key(), new_key()


@pytest.fixture(scope="module")
def keys():
    """Each applicant's AUTH and SIGN keys, made once for the module (400 RSA keys take
    longer than the rest of a case): each case has a database of its own, where they are
    new."""
    t0 = time.monotonic()
    with ThreadPoolExecutor(4) as ex:
        pairs = list(ex.map(_key_pair, range(APPLICANTS)))
    print(f"\n{2 * APPLICANTS} RSA keys made in {time.monotonic() - t0:.1f} s")
    return pairs


class Applicant:
    def __init__(self, i, pair):
        self.i = i
        self.auth, self.sign = pair
        self.number = None
        self.certs = None

    def apply(self, c):
        def bin_check():
            st, cap = c.call("POST", "/api/v1/captcha")
            assert st == 200, cap
            return c.call("POST", "/api/v1/bin-check", {
                "bin": BIN, "captcha_id": cap["id"], "captcha_answer": FIXED_CAPTCHA})
        st, org = c.again(bin_check)
        assert st == 200, org
        st, person = c.again(lambda: c.call("POST", "/api/v1/iin-check",
                                            {"iin": IIN, "token": org["token"]}))
        assert st == 200, person
        st, codes = c.again(lambda: c.call(
            "GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}"))
        assert st == 200 and codes, codes
        form = {"token": org["token"], "bin": BIN, "iin": IIN, "email": "user@mail.kz",
                "role": "ROLE02", "region": "karaganda", "city": "karaganda",
                "gu_code": codes[0]["code"], "storage": "pc", "lang": "ru",
                "csr_auth": csr(self.auth, f"auth {self.i}"),
                "csr_sign": csr(self.sign, f"sign {self.i}")}
        # Sent again after a lost answer: the same keys find the same application (200).
        st, ans = c.again(lambda: c.call("POST", "/api/v1/applications", form))
        assert st in (200, 201), ans
        self.number = ans["request_number"]

    def wait_issued(self, c, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            st, ans = c.again(lambda: c.call("GET", f"/api/v1/applications/{self.number}"))
            assert st == 200, ans
            if ans["status"] == "issued":
                return
            assert ans["status"] == "submitted", ans
            time.sleep(1 + random.random())
        raise AssertionError(f"{self.number} was not issued in {seconds} s")

    def fetch(self, c):
        def proven():
            st, ch = c.call("POST", f"/api/v1/applications/{self.number}/challenge",
                            {"action": "certificates"})
            assert st == 200, ch
            sig = sign(self.auth, message("certificates", self.number, ch["nonce"], ""))
            return c.call("POST", f"/api/v1/applications/{self.number}/certificates",
                          {"nonce": ch["nonce"], "signature": sig})
        st, ans = c.again(proven)
        assert st == 200, ans
        self.certs = {}
        for use, key in (("auth", self.auth), ("sign", self.sign)):
            cert = x509.load_pem_x509_certificate(ans[use]["pem"].encode())
            assert cert.public_key().public_numbers() == key.public_key().public_numbers()
            self.certs[use] = format(cert.serial_number, "x")


def _operator_pem(state, folder):
    """The demo operator's certificate and key, out of its PKCS#12, for ssl."""
    with open(os.path.join(state, "operators", "demo-operator.p12"), "rb") as f:
        key, cert, _ = pkcs12.load_key_and_certificates(f.read(), DEMO_OPERATOR_PASSWORD)
    crt, pem = os.path.join(folder, "operator.crt"), os.path.join(folder, "operator.key")
    with open(crt, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(os.open(pem, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return crt, pem


class Run:
    """The shared counts of one run: who submitted, who approved what."""

    def __init__(self):
        self.lock = threading.Lock()
        self.submitted = 0
        self.approved = {}          # number -> desks whose approve was answered 200
        self.decided = 0            # approvals answered 409: the other desk was first
        self.done_applying = threading.Event()
        self.errors = []

    def desk(self, c, who):
        """Approves the queue in its order (the nearest deadline first), as a person at
        a desk works: two desks reach the same application together, and one wins."""
        while True:
            st, q = c.again(lambda: c.call("GET", "/api/v1/ra/queue?limit=500"))
            assert st == 200, q
            numbers = [a["request_number"] for a in q["applications"]]
            if not numbers:
                if self.done_applying.is_set():
                    return
                time.sleep(0.3)
                continue
            for n in numbers:
                st, ans = c.again(lambda: c.call(
                    "POST", f"/api/v1/ra/applications/{n}/approve", {"documents": DOCS}))
                if st == 200:
                    assert ans["status"] == "issued", ans
                    with self.lock:
                        self.approved.setdefault(n, []).append(who)
                else:   # the other desk won, or our own answer was lost and this is it
                    assert st == 409, ans
                    assert ans["error"]["code"] == "application.already_decided", ans
                    with self.lock:
                        self.decided += 1


def _threads(fns):
    """Runs each fn in a thread of its own; the first failure is raised after all end."""
    errors = []

    def guard(fn):
        try:
            fn()
        except BaseException as e:  # noqa: B902 (a thread's assertion, reported below)
            errors.append(e)
    ts = [threading.Thread(target=guard, args=(fn,)) for fn in fns]
    for t in ts:
        t.start()
    return ts, errors


def _join(ts, errors):
    for t in ts:
        t.join()
    if errors:
        raise errors[0]


def _audit_verify(state, config):
    p = subprocess.run([*program(), "--demo", "--state-dir", state, "--config", config,
                        "audit", "verify"], capture_output=True, text=True,
                       env=program_env())
    assert p.returncode == 0, p.stdout + p.stderr


def _check_database(pg, db, applicants):
    numbers = sorted(a.number for a in applicants)
    assert len(set(numbers)) == APPLICANTS, "two applicants were given one number"
    rows = pg.query(db, "SELECT number, status FROM applications ORDER BY number")
    assert [ln.split("|") for ln in rows.splitlines()] == [[n, "issued"] for n in numbers]
    # one "issued" event per application; two distinct serials each, none shared
    rows = pg.query(db, "SELECT number, COUNT(*) FROM events WHERE action = 'issued'"
                    " GROUP BY number HAVING COUNT(*) <> 1")
    assert rows == "", rows
    serials = pg.query(db, "SELECT serial_auth || ',' || serial_sign FROM applications")
    db_serials = [s for ln in serials.splitlines() for s in ln.split(",")]
    assert len(set(db_serials)) == 2 * APPLICANTS, "a serial was given twice"
    fetched = {s for a in applicants for s in a.certs.values()}
    assert {s.lower().lstrip("0") for s in db_serials} == \
        {s.lower().lstrip("0") for s in fetched}
    ids = [int(x) for x in pg.query(db, "SELECT id FROM audit ORDER BY id").split()]
    assert ids == list(range(1, len(ids) + 1))


def _scenario(pg, tmp_path, keys, db, crash):
    uri = pg.database(db)
    state = str(tmp_path / "state")
    config = str(tmp_path / "ncaenrolld.yaml")
    policy = {"captcha_per_minute": 100000, "checks_per_minute": 100000,
              "status_per_minute": 100000, "connections_per_address": 4096,
              "connections_per_address_busy": 4096}
    with open(config, "w", encoding="utf-8") as f:
        f.write(_yaml({"store": uri, "policy": policy}))
    applicants = [Applicant(i, pair) for i, pair in enumerate(keys)]
    taken = set()
    ports = {"a": _instance_port(taken), "b": _instance_port(taken)}
    inst = {"a": Instance(state, config, ports["a"], "a")}     # the first makes the demo CA
    inst["b"] = Instance(state, config, ports["b"], "b")
    proxy = None
    try:
        proxy = HAProxy(str(tmp_path), sorted(ports.items()))
        cafile = os.path.join(state, "ca-chain.pem")
        client = Client(proxy.port, cafile)
        desk = Client(proxy.port, cafile, cert=_operator_pem(state, str(tmp_path)))
        run = Run()

        def applicant(a):
            if crash:
                time.sleep(ARRIVAL * random.random())
            a.apply(client)
            with run.lock:
                run.submitted += 1

        t0 = time.monotonic()
        desks, desk_errors = _threads([lambda w=w: run.desk(desk, w) for w in range(DESKS)])
        ts, errors = _threads([lambda a=a: applicant(a) for a in applicants])
        killed_at = None
        if crash:
            # mid-run: some applications in, some approved, the rest still coming
            while run.submitted < APPLICANTS * 2 // 5 or not run.approved:
                assert not errors and not desk_errors, (errors + desk_errors)[0]
                time.sleep(0.05)
            inst["b"].kill()
            killed_at = (run.submitted, len(run.approved))
            assert killed_at[0] < APPLICANTS, "the applicants were done before the kill"
            proxy.wait(lambda: proxy.servers().get("b", {}).get("status") != "UP", 10)
        _join(ts, errors)
        submit_s = time.monotonic() - t0
        run.done_applying.set()
        _join(desks, desk_errors)
        approve_s = time.monotonic() - t0
        ts, errors = _threads([lambda a=a: (a.wait_issued(client, 300), a.fetch(client))
                               for a in applicants])
        _join(ts, errors)
        total_s = time.monotonic() - t0

        # Each approval answered 200 was one desk's, of an applicant's application; all
        # were answered so unless a desk's answer was lost (then it read 409, its own).
        assert all(len(w) == 1 for w in run.approved.values()), run.approved
        assert set(run.approved) <= {a.number for a in applicants}
        if desk.retries == 0:
            assert len(run.approved) == APPLICANTS
        _check_database(pg, db, applicants)

        if crash:
            # The survivor did all that; the killed one, started again, is taken back in
            # and answers its share of what comes through HAProxy.
            before = proxy.servers()["b"]["stot"]
            inst["b"] = Instance(state, config, ports["b"], "b-again")
            proxy.wait(lambda: proxy.servers().get("b", {}).get("status") == "UP", 20)
            for a in applicants[:20]:
                st, ans = client.again(lambda: client.call(
                    "GET", f"/api/v1/applications/{a.number}"))
                assert st == 200 and ans["status"] == "issued", ans
            assert proxy.servers()["b"]["stot"] - before >= 5, proxy.servers()
            assert "GET /api/v1/applications/" in inst["b"].text()
        print(f"\n{APPLICANTS} applicants, {DESKS} desks, crash={crash}"
              f" (killed after {killed_at} submitted/approved):"
              f" all submitted {submit_s:.1f} s ({APPLICANTS / submit_s:.1f}/s),"
              f" all approved {approve_s:.1f} s ({run.decided} found decided),"
              f" all certificates fetched {total_s:.1f} s;"
              f" requests asked again: applicants {client.retries}, desks {desk.retries}")
    finally:
        if proxy is not None:
            proxy.stop()
        codes = {k: i.stop() for k, i in inst.items()}
    for k, i in inst.items():
        text = i.text()
        for mark in SANITIZER_MARKS:
            assert mark not in text, text
        assert codes[k] == 0, f"{k}: status {codes[k]}: {text[-2000:]}"
    _audit_verify(state, config)


def test_two_instances_serve_200_applicants_and_two_desks(pg, tmp_path, keys):
    _scenario(pg, tmp_path, keys, "load", crash=False)


def test_an_instance_killed_mid_run_loses_nothing(pg, tmp_path, keys):
    _scenario(pg, tmp_path, keys, "crash", crash=True)
