"""What the service benchmarks share (submit_bench.py, sweep_bench.py, status_bench.py,
ocsp_bench.py; apply_bench.py, demo_bench.py and tui_bench.py for stopping what they
started): ncaenrolld --demo started from a build tree, its ports read from its stdout,
JSON over HTTPS, the applicant's API walked to a valid form, the targets checked and the
result written, and real PKCS#10 requests made fast enough to submit thousands of
applications.

Every application needs two keys no other application has used (the store refuses a key
twice). Making 2N RSA keys would take minutes, so the requests come from a few RSA-2048
moduli, each with many public exponents: (n, e) with e = 65537, 65539, ... coprime to
lambda(n) is a valid RSA key with its own private exponent, its own SubjectPublicKeyInfo
and so its own key id. Each request is a real PKCS#10 (DER built here, signed with
RSASSA-PKCS1-v1_5/SHA-256 under that key) that `openssl req -verify` and the service's
ca_csr_check accept. They are kept in BUILDDIR/bench-csrs.txt between runs (a new store
has never seen them). Python 3 standard library; `cryptography` only to make the moduli.
"""
import base64
import hashlib
import http.client
import json
import math
import multiprocessing
import os
import re
import select
import selectors
import signal
import ssl
import subprocess
import sys
import time

CAPTCHA = "K7M3P"
LISTENING = rb"listening on https://127\.0\.0\.1:(\d+)\n"     # the service's stdout
BIN, IIN = "940140000385", "871008401427"       # public test vectors, demo registry


def fail(name, msg):
    print(f"{name}: {msg}", file=sys.stderr)
    sys.exit(2)


def say(args, msg):
    """Progress on stderr, unless -q (add_result_options)."""
    if not args.quiet:
        print(msg, file=sys.stderr, flush=True)


def builddir(name):
    d = os.path.abspath(os.environ.get("NCA_BUILDDIR", "build"))
    if not os.access(os.path.join(d, "ncaenrolld"), os.X_OK):
        fail(name, f"no ncaenrolld in {d} (set NCA_BUILDDIR)")
    return d


def yaml_config(sections):
    """The config file's text: each value a section (a dict of settings) or a scalar
    setting of its own (store: URI)."""
    out = []
    for key, value in sections.items():
        if not isinstance(value, dict):
            out.append(f"{key}: {json.dumps(value)}")
            continue
        out.append(f"{key}:")
        out.extend(f"  {k}: {json.dumps(v) if not isinstance(v, bool) else str(v).lower()}"
                   for k, v in value.items())
    return "\n".join(out) + "\n"


def read_ports(proc, patterns, seconds=120):
    """The ports proc prints on its stdout, one per regex of patterns (bytes, the port its
    group 1); None for one not printed before proc exits, closes stdout or time runs out."""
    ports, buf, end = [None] * len(patterns), b"", time.monotonic() + seconds
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    while None in ports and time.monotonic() < end:
        if not sel.select(timeout=1):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        buf += chunk
        for i, rx in enumerate(patterns):
            m = re.search(rx, buf)
            ports[i] = int(m.group(1)) if m else None
    sel.close()
    return ports


def read_base(proc, seconds):
    """The https://127.0.0.1:PORT the service says it listens on, read from its stdout a
    line at a time; None when it exits, closes stdout or seconds run out first."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, _, _ = select.select([proc.stdout], [], [], max(0.0, end - time.monotonic()))
        if not r:
            break
        line = proc.stdout.readline().decode(errors="replace")
        if not line:
            break
        m = re.search(r"listening on (https://127\.0\.0\.1:\d+)", line)
        if m:
            return m.group(1)
    return None


def https_json(port, ctx, method, path, body=None):
    """One request with a JSON body (or none) to 127.0.0.1:port: (status, decoded answer)."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=60)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data,
                     headers={"Content-Type": "application/json"} if data else {})
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"null")
    finally:
        conn.close()


def stop_process(proc, timeout):
    """Asks proc to stop (SIGTERM), and kills it if it has not within timeout seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def check_targets(result, targets):
    """The targets ({key: (">=" or "<=", bound)}) result misses, each as a line to print."""
    missed = []
    for key, (op, bound) in targets.items():
        v = result.get(key)
        if v is None or (op == ">=" and v < bound) or (op == "<=" and v > bound):
            missed.append(f"{key} = {v} (target {op} {bound})")
    return missed


def write_json(path, result):
    """result to path (--json), when one was given."""
    if path:
        with open(path, "w") as f:
            json.dump(result, f, indent=2)


def add_result_options(ap):
    """The options of tests/bench/README.md's convention that finish reads: --json, --check,
    and -q."""
    ap.add_argument("--json", help="write the numbers to this file")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def finish(args, result, targets):
    """The end of a bench's main: result to --json; with --check, each missed target
    printed. The exit status (tests/bench/README.md): 1 when --check finds one missed."""
    write_json(args.json, result)
    if args.check:
        missed = check_targets(result, targets)
        for m in missed:
            print(f"missed: {m}")
        return 1 if missed else 0
    return 0


def cpu_of(pid, waited=False):
    """User + system CPU seconds process pid (all its threads) used so far; with waited,
    also that of its children it has waited for (a server's exited workers)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15 if waited else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def openssl(name, *args, cwd=None):
    """openssl's stdout; the bench fails (exit 2) with its message when it fails."""
    r = subprocess.run(["openssl", *args], capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        fail(name, f"openssl {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def key_bits(name, pem):
    """The size in bits of the RSA key of certificate file pem."""
    text = openssl(name, "x509", "-in", pem, "-noout", "-text")
    m = re.search(r"Public-Key: \((\d+) bit\)", text)
    if not m:
        fail(name, f"no key size in {pem}")
    return int(m.group(1))


def rsa_speed(name, bits, seconds, multi=1):
    """openssl speed's RSA signatures/s for a key of `bits`, over `multi` processes."""
    args = ["speed", "-seconds", str(int(seconds))]
    if multi > 1:
        args += ["-multi", str(multi)]
    out = openssl(name, *args, f"rsa{bits}")
    m = re.search(rf"rsa\s+{bits} bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)", out)
    if not m:
        fail(name, f"cannot read openssl speed's output:\n{out}")
    return float(m.group(1))


OPERATOR_PASSWORD = "demo-operator-2026"         # the demo operator's (doc/api-ra.md)
DOCS = ["form", "identity", "authority"]         # the desk's checklist, all checked


def operator_context(name, state, work):
    """A TLS context presenting the demo operator's certificate (STATE/operators/
    demo-operator.p12, as PEM in work), for the desk's API over mutual TLS."""
    pw = os.path.join(work, "operator.pw")
    with open(pw, "w") as f:
        f.write(OPERATOR_PASSWORD + "\n")
    pem = os.path.join(work, "operator.pem")
    openssl(name, "pkcs12", "-in", os.path.join(state, "operators", "demo-operator.p12"),
            "-passin", f"file:{pw}", "-nodes", "-out", pem)
    ctx = ssl.create_default_context(cafile=os.path.join(state, "ca-chain.pem"))
    ctx.load_cert_chain(pem)
    return ctx


def row(measure, unit, value, baseline=None, baseline_name=None, target=None, met=None):
    """One row of the convention (tests/bench/README.md); ratio = value / baseline."""
    return {"measure": measure, "unit": unit, "value": value, "baseline": baseline,
            "baseline_name": baseline_name,
            "ratio": round(value / baseline, 3) if value is not None and baseline else None,
            "target": target, "met": met}


class Service:
    """ncaenrolld --demo on loopback, its https port read from its stdout; its log (at
    the level given) goes to STATE.log, as a log would go to the journal."""

    def __init__(self, name, bdir, state, config, log_level="info", extra=()):
        self.name, self.state = name, state
        os.makedirs(state, exist_ok=True)
        cfg = state + ".yaml"
        with open(cfg, "w") as f:
            f.write(yaml_config(config))
        self.log = open(state + ".log", "ab")
        cmd = [os.path.join(bdir, "uninstalled-env"), os.path.join(bdir, "ncaenrolld"),
               "--demo", "--listen", "127.0.0.1:0", "--state-dir", state, "--config", cfg,
               "--fixed-captcha", CAPTCHA, "--auto-approve", "86400", "--log-level", log_level,
               *extra]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.port, = read_ports(self.proc, [LISTENING])
        if self.port is None:
            self.stop()
            fail(name, f"ncaenrolld did not start (see {state}.log)")
        self.cafile = os.path.join(state, "ca-chain.pem")
        self.ctx = ssl.create_default_context(cafile=self.cafile)
        self.store = os.path.join(state, "ncaenrolld.db")

    def request(self, method, path, body=None):
        return https_json(self.port, self.ctx, method, path, body)

    def form(self):
        """A valid application form (without its CSRs) and the check token it needs."""
        st, cap = self.request("POST", "/api/v1/captcha")
        st, org = self.request("POST", "/api/v1/bin-check", {
            "bin": BIN, "captcha_id": cap["id"], "captcha_answer": CAPTCHA})
        if st != 200:
            fail(self.name, f"bin-check: {st} {org}")
        self.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": org["token"]})
        st, codes = self.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
        return {"token": org["token"], "bin": BIN, "iin": IIN, "email": "user@mail.kz",
                "role": "ROLE02", "region": "karaganda", "city": "karaganda",
                "gu_code": codes[0]["code"], "storage": "pc", "lang": "ru"}

    def submit_one(self, bdir):
        """One application submitted with requests from csr_pool: the service's answer."""
        csrs = csr_pool(bdir, 2)
        st, ans = self.request("POST", "/api/v1/applications",
                               dict(self.form(), csr_auth=csrs[0], csr_sign=csrs[1]))
        if st != 201:
            fail(self.name, f"submit: {st} {ans}")
        return ans

    def cpu_seconds(self):
        """User + system CPU the service (and its threads) used so far."""
        # uninstalled-env execs: the pid is ncaenrolld's own
        return cpu_of(self.proc.pid)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.log.close()

    def stop(self):
        stop_process(self.proc, 60)
        self.log.close()


# ---- submissions from client processes ----

def _submit_client(port, cafile, form, csrs, start, q):
    """One client: keep-alive POSTs, one application per pair of CSRs."""
    ctx = ssl.create_default_context(cafile=cafile)
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=120)
    conn.connect()
    lat, bad = [], []
    while time.time() < start:
        time.sleep(0.001)
    for i in range(0, len(csrs) - 1, 2):
        body = json.dumps(dict(form, csr_auth=csrs[i], csr_sign=csrs[i + 1])).encode()
        t0 = time.perf_counter()
        conn.request("POST", "/api/v1/applications", body=body,
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        lat.append(time.perf_counter() - t0)
        if r.status != 201:
            bad.append(f"{r.status} {data[:200]!r}")
    conn.close()
    q.put((lat, bad, time.time()))


def submit_load(ports, cafile, form, csrs, clients):
    """len(csrs)/2 applications submitted by `clients` processes, each one keep-alive TLS
    connection, client i to ports[i % len(ports)], all starting together. Returns
    (sorted latencies in s, answers other than 201, seconds from the start to the last
    answer, CPU seconds of the client processes)."""
    import resource
    q = multiprocessing.Queue()
    start = time.time() + 1.0
    per = len(csrs) // clients // 2 * 2
    procs = [multiprocessing.Process(target=_submit_client, args=(
        ports[i % len(ports)], cafile, form, csrs[i * per:(i + 1) * per], start, q))
        for i in range(clients)]
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for p in procs:
        p.start()
    got = [q.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    ccpu = ru.ru_utime + ru.ru_stime - ru0.ru_utime - ru0.ru_stime
    lat = sorted(x for g in got for x in g[0])
    bad = [b for g in got for b in g[1]]
    return lat, bad, max(g[2] for g in got) - start, ccpu


# ---- PKCS#10 requests, DER by hand ----

def _tlv(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(b)]) + b + body


def _int(v):
    return _tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big"))


def _seq(*parts):
    return _tlv(0x30, b"".join(parts))


_NAME = _seq(_tlv(0x31, _seq(bytes.fromhex("0603550403"), _tlv(0x0C, b"bench"))))
_RSA = _seq(bytes.fromhex("06092a864886f70d0101010500"))
_SHA256_RSA = _seq(bytes.fromhex("06092a864886f70d01010b0500"))
_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def _csr(p, q, lam, e):
    n, k = p * q, 256
    d = pow(e, -1, lam)
    spki = _seq(_RSA, _tlv(0x03, b"\0" + _seq(_int(n), _int(e))))
    cri = _seq(_int(0), _NAME, spki, b"\xa0\x00")
    h = hashlib.sha256(cri).digest()
    em = b"\0\1" + b"\xff" * (k - 3 - len(_DIGEST_INFO) - len(h)) + b"\0" + _DIGEST_INFO + h
    m = int.from_bytes(em, "big")
    sp, sq = pow(m, d % (p - 1), p), pow(m, d % (q - 1), q)
    s = sq + q * ((pow(q, -1, p) * (sp - sq)) % p)
    der = _seq(cri, _SHA256_RSA, _tlv(0x03, b"\0" + s.to_bytes(k, "big")))
    b = base64.b64encode(der).decode()
    return ("-----BEGIN CERTIFICATE REQUEST-----\n" +
            "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) +
            "\n-----END CERTIFICATE REQUEST-----\n")


def _csr_batch(job):
    p, q, first, count = job
    lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
    out, e = [], first
    while len(out) < count:
        if math.gcd(e, lam) == 1:
            out.append(_csr(p, q, lam, e))
        e += 2
    return out


def csr_pool(bdir, count, say=lambda m: None):
    """count distinct CSRs, from BUILDDIR/bench-csrs.txt, made there first if short."""
    path = os.path.join(bdir, "bench-csrs.txt")
    have = []
    if os.path.exists(path):
        with open(path) as f:
            have = [c + "-----END CERTIFICATE REQUEST-----\n"
                    for c in f.read().split("-----END CERTIFICATE REQUEST-----\n") if c]
    if len(have) >= count:
        return have[:count]
    from cryptography.hazmat.primitives.asymmetric import rsa
    need = count - len(have)
    say(f"making {need} CSRs (kept in {path} for the next runs) ...")
    moduli = []
    for _ in range(4):
        pn = rsa.generate_private_key(65537, 2048).private_numbers()
        moduli.append((pn.p, pn.q))
    per = 500
    # each job its own modulus and range of exponents: no two requests share a key
    jobs, base = [], 65537 + 2 * 10**6 * (len(have) // 1000 + 1)
    for i in range(0, need, per):
        p, q = moduli[(i // per) % len(moduli)]
        jobs.append((p, q, base + 2 * 10**5 * (i // per), min(per, need - i)))
    with multiprocessing.Pool() as pool:
        for batch in pool.imap(_csr_batch, jobs):
            have.extend(batch)
    with open(path + ".tmp", "w") as f:
        f.write("".join(have))
    os.replace(path + ".tmp", path)
    return have[:count]


# ---- a backlog of overdue applications, written straight into a stopped service's store ----

def overdue_backlog(store, n, now, mail=False):
    """Adds n submitted applications whose verification deadline passed a day before now,
    each with its "submitted" event, to the store of a stopped service: copies of the one
    application already there (submitted through the API), with new numbers and keys.
    Their "submitted" audit entries are left out (the chain is the store's to write); the
    ones the expiry writes must chain on. Without mail the copies have no e-mail address
    (no "cancelled" mail is queued)."""
    import sqlite3
    db = sqlite3.connect(store, isolation_level=None)
    cols = [r[1] for r in db.execute("PRAGMA table_info(applications)")]
    row = db.execute("SELECT * FROM applications LIMIT 1").fetchone()
    if row is None:
        raise RuntimeError("the store holds no application to copy")
    ia, ika, iks = cols.index("number"), cols.index("key_auth"), cols.index("key_sign")
    ic, idl, ie = cols.index("created"), cols.index("deadline"), cols.index("email")
    ins = (f"INSERT INTO applications ({', '.join(cols)}) VALUES "
           f"({', '.join('?' for _ in cols)})")
    # Since schema 7 the CSRs are a row of their own (csrs); before, in the row.
    csrs = db.execute("SELECT csr_auth, csr_sign FROM csrs WHERE number = ?",
                      (row[cols.index("number")],)).fetchone() \
        if "csr_auth" not in cols else None
    db.execute("BEGIN")
    for i in range(n):
        r = list(row)
        r[ia] = f"9{i:027d}"
        r[ika], r[iks] = f"a{i:063d}", f"s{i:063d}"
        r[ic], r[idl] = now - 31 * 86400, now - 86400
        if not mail:
            r[ie] = None
        db.execute(ins, r)
        if csrs is not None:
            db.execute("INSERT INTO csrs (number, csr_auth, csr_sign) VALUES (?, ?, ?)",
                       (r[ia], *csrs))
        db.execute("INSERT INTO events (number, at, actor, action, detail)"
                   " VALUES (?, ?, 'applicant (127.0.0.1)', 'submitted', NULL)",
                   (r[ia], r[ic]))
    db.execute("COMMIT")
    db.close()
    return [f"9{i:027d}" for i in range(n)]
