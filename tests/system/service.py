"""A real ncaenrolld for system tests: started from this build through uninstalled-env,
as `ncaenrolld --demo --listen 127.0.0.1:0 --state-dir DIR [--config FILE] [extra...]`,
waited for until it prints `listening on https://127.0.0.1:PORT`, and stopped with SIGTERM,
which must end it with status 0 and, in a sanitizer build, nothing on stderr from ASAN,
LSAN or UBSAN.

Use the `demo_service` fixture (one service per test module, generous rate limits), or
start your own with `Service(state_dir, extra=[...], config={...})` (config: a dict of
YAML sections, written to STATE.yaml beside the state folder) and call `stop()`.
"""
import http.client
import importlib.util
import json
import os
import re
import atexit
import selectors
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import BUILDDIR, SRCDIR

FIXED_CAPTCHA = "K7M3P"
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")

# The demo's long-lived RSA keys, which a fresh state folder makes anew at every start:
# three of 3072 bits and one of 2048, two to three seconds of CPU each time, hundreds of
# times a run. A worker keeps those its first service made and gives them to the next
# fresh folder, as a restarted demo finds its own: the service still reads, checks and
# certifies them (ca-demo.c makes every certificate again for a key it finds alone).
# The operator CA is kept whole: the service never remakes one beside a key it finds.
SEED_KEYS = ("root.key", "ca.key", "tls.key", "operators-ca.key", "operators-ca.pem")
# The OCSP responder's pair too (its key is made whenever its certificate does not fit),
# between services on the real clock only: its certificate's start is the maker's now,
# and a responder a test clock dated would not be valid yet to a relying party.
SEED_OCSP = ("ocsp.key", "ocsp.pem")
_seed_dir = None


def _seed_from(state):
    """Keeps a worker's first fresh demo's keys on the real clock (see SEED_KEYS)."""
    global _seed_dir
    files = SEED_KEYS + SEED_OCSP
    if _seed_dir is not None or not all(os.path.exists(os.path.join(state, f))
                                        for f in files):
        return
    d = tempfile.mkdtemp(prefix="nca-seed-")
    atexit.register(shutil.rmtree, d, True)
    for f in files:
        shutil.copy2(os.path.join(state, f), d)
    _seed_dir = d


def _seed_into(state, real_clock):
    """Gives a fresh state folder the worker's kept keys; False when there are none yet."""
    if _seed_dir is None:
        return False
    for f in SEED_KEYS + (SEED_OCSP if real_clock else ()):
        shutil.copy2(os.path.join(_seed_dir, f), state)
    return True


def _yaml(config):
    """The few YAML shapes the tests need: top-level scalars and one level of mapping."""
    lines = []
    for key, value in config.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {json.dumps(v) if isinstance(v, str) else _scalar(v)}"
                         for k, v in value.items())
        else:
            lines.append(f"{key}: {json.dumps(value) if isinstance(value, str) else _scalar(value)}")
    return "\n".join(lines) + "\n"


def _scalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "~"
    return str(v)


def wait_until(ready, seconds, every=0.1):
    """ready() asked every `every` seconds until it is true or `seconds` have passed;
    its last answer (the caller asserts on what it needs)."""
    end = time.monotonic() + seconds
    while not (got := ready()) and time.monotonic() < end:
        time.sleep(every)
    return got


def set_clock(path, t):
    """Moves a service's --test-clock to epoch second t. The service reads the file at
    every request and every round of its jobs; a file caught between truncation and
    writing holds no time, and the service then takes the system clock (a test once saw a
    failure said twice for it), so the new time is renamed into place whole."""
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        f.write(f"{int(t)}\n")
    os.replace(tmp, path)


def free_port():
    """A loopback TCP port free now, for a helper (a relay, a proxy, an OCSP responder)
    that must be told its port before it starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def benchsvc():
    """tests/bench/benchsvc.py, for a test that makes its load as a benchmark does."""
    spec = importlib.util.spec_from_file_location(
        "benchsvc", os.path.join(SRCDIR, "tests", "bench", "benchsvc.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def program_env():
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "LANGUAGE": "en"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "G_SLICE"):
        if k in os.environ:
            env[k] = os.environ[k]
    return env


def program(name="ncaenrolld"):
    prog = os.path.join(os.path.abspath(BUILDDIR), name)
    if not os.access(prog, os.X_OK):
        pytest.skip(f"{name} is not built")
    return [os.path.join(os.path.abspath(BUILDDIR), "uninstalled-env"), prog]


# Generous limits: tests share one client address, and a module often one service.
DEMO_CONFIG_DEFAULT = {"policy": {"captcha_per_minute": 10000, "checks_per_minute": 10000,
                                  "status_per_minute": 10000}}


class Service:
    """One running ncaenrolld --demo on a free loopback port."""

    def __init__(self, state, extra=(), config=DEMO_CONFIG_DEFAULT, fixed_captcha=FIXED_CAPTCHA,
                 timeout=120, demo=True, cafile=None, own_keys=False, env=None):
        """config: YAML sections as a dict, written next to the state folder and passed
        with --config; by default generous rate limits (tests share one client address),
        None for no file at all (the service's own defaults). demo=False starts a real
        (non-demo) service: config must then name its TLS, CA and store files, and cafile
        the chain that verifies its TLS certificate. own_keys=True: a fresh demo makes its
        own CA keys rather than take the worker's (SEED_KEYS), for a test that needs two
        services that do not trust each other, or the making itself. env: more of the
        service's environment (a token's SOFTHSM2_CONF), never a secret."""
        self.state = str(state)
        os.makedirs(self.state, exist_ok=True)
        fresh = demo and not any(os.path.exists(os.path.join(self.state, f)) for f in SEED_KEYS)
        real_clock = "--test-clock" not in extra
        seeded = fresh and not own_keys and _seed_into(self.state, real_clock)
        cmd = [*program(), "--listen", "127.0.0.1:0", "--state-dir", self.state]
        if demo:
            cmd.insert(2, "--demo")
        if config is not None:
            self.config = os.path.join(os.path.dirname(self.state.rstrip("/")),
                                       os.path.basename(self.state.rstrip("/")) + ".yaml")
            with open(self.config, "w", encoding="utf-8") as f:
                f.write(_yaml(config))
            cmd += ["--config", self.config]
        if fixed_captcha is not None:
            cmd += ["--fixed-captcha", fixed_captcha]
        self.captcha_code = fixed_captcha
        cmd += list(extra)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=dict(program_env(), **(env or {})))
        self.stderr = ""
        # stderr read as it comes: a service that logs more than a pipe holds (64 KiB, some
        # 600 access-log lines) would otherwise stop in write(2) mid-test
        self._log, self._log_done, self._log_seen = [], False, 0
        self._log_cv = threading.Condition()
        self._log_reader = threading.Thread(target=self._read_log, daemon=True)
        self._log_reader.start()
        self.returncode = None
        self.port = self._wait_listening(timeout)
        if fresh and not seeded and real_clock:
            _seed_from(self.state)
        self.host = "127.0.0.1"
        self.base = f"https://127.0.0.1:{self.port}"
        self.cafile = cafile or os.path.join(self.state, "ca-chain.pem")
        self.ctx = ssl.create_default_context(cafile=self.cafile)

    def _wait_listening(self, timeout):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        end = time.monotonic() + timeout
        try:
            while time.monotonic() < end:
                if not sel.select(timeout=max(0.0, end - time.monotonic())):
                    break
                line = self.proc.stdout.readline()
                if not line:
                    break
                m = re.fullmatch(r"listening on https://127\.0\.0\.1:(\d+)\n", line)
                if m:
                    return int(m.group(1))
        finally:
            sel.close()
        self.stop(check=False)
        raise AssertionError(f"ncaenrolld did not start (status {self.returncode}): "
                             + self.stderr)

    def _read_log(self):
        for line in self.proc.stderr:
            with self._log_cv:
                self._log.append(line)
                self._log_cv.notify_all()
        with self._log_cv:
            self._log_done = True
            self._log_cv.notify_all()

    def log(self):
        """What the service has written to stderr so far."""
        with self._log_cv:
            return "".join(self._log)

    def wait_log(self, text, timeout=30):
        """The lines the service wrote to stderr after those an earlier wait_log returned, up
        to the first that holds text; AssertionError with them when none does in time."""
        end = time.monotonic() + timeout
        with self._log_cv:
            while True:
                for i in range(self._log_seen, len(self._log)):
                    if text in self._log[i]:
                        lines, self._log_seen = self._log[self._log_seen:i + 1], i + 1
                        return lines
                left = end - time.monotonic()
                if left <= 0 or self._log_done:
                    raise AssertionError(f"no '{text}' in: "
                                         + "".join(self._log[self._log_seen:]))
                self._log_cv.wait(left)

    def connection(self, timeout=30, context=None):
        return http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                           context=context or self.ctx)

    def request(self, method, path, body=None, headers=None, raw=None):
        """(status, JSON answer) or, for other content, (status, (bytes, content type)).
        body is sent as JSON; raw as given (bytes). The response's headers are kept in
        self.last_headers."""
        conn = self.connection()
        try:
            data, hdrs = raw, dict(headers or {})
            if body is not None:
                data = json.dumps(body).encode()
            if data is not None:
                hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            payload = r.read()
            self.last_headers = r.headers
            ctype = r.getheader("Content-Type", "")
            if ctype.startswith("application/json"):
                return r.status, json.loads(payload)
            return r.status, (payload, ctype)
        finally:
            conn.close()

    def certificates(self, number, key, action="certificates", nonce=None):
        """(status, answer) of POST /api/v1/applications/NUMBER/certificates proven with
        key (the application's AUTH key: a python `cryptography` private key, or the path
        of a plain PEM one) over a fresh challenge for action (or the nonce given), as
        doc/api-lifecycle.md says."""
        import base64
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        if isinstance(key, (str, os.PathLike)):
            with open(key, "rb") as f:
                key = serialization.load_pem_private_key(f.read(), password=None)
        if nonce is None:
            st, ch = self.request("POST", f"/api/v1/applications/{number}/challenge",
                                  {"action": action})
            if st != 200:
                return st, ch
            nonce = ch["nonce"]
        msg = f"certificates\n{number}\n{nonce}\n".encode()
        sig = base64.b64encode(key.sign(msg, padding.PKCS1v15(), hashes.SHA256())).decode()
        return self.request("POST", f"/api/v1/applications/{number}/certificates",
                            {"nonce": nonce, "signature": sig})

    def captcha(self):
        st, cap = self.request("POST", "/api/v1/captcha")
        assert st == 200, cap
        return cap

    def bin_check(self, bin_, answer=None):
        cap = self.captcha()
        return self.request("POST", "/api/v1/bin-check",
                            {"bin": bin_, "captcha_id": cap["id"],
                             "captcha_answer": answer or self.captcha_code})

    def stop(self, check=True):
        if self.returncode is None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.returncode = self.proc.returncode
            self._log_reader.join(timeout=30)   # the pipe's end: the process has exited
            self.stderr = self.log()
            self.proc.stdout.close()
            self.proc.stderr.close()
        if check:
            assert self.returncode == 0, f"status {self.returncode}: {self.stderr}"
            for mark in SANITIZER_MARKS:
                assert mark not in self.stderr, self.stderr
        return self.returncode


@pytest.fixture(scope="module")
def demo_service(tmp_path_factory):
    svc = Service(tmp_path_factory.mktemp("ncaenrolld") / "state")
    yield svc
    svc.stop()
