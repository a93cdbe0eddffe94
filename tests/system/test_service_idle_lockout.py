"""A handful of hosts that open connections and send nothing cannot lock others out.

The attack of issue 15: from 127.0.0.2..127.0.0.9, 32 plain TCP connections each that
send nothing, each reopened a tenth of a second after the service cuts or refuses it; meanwhile another address,
127.0.0.10, asks for a directory over HTTPS twice a second, as an applicant would. The
service runs with max_connections 128, so the attack's 256 connections are twice what it
has in all (the issue's attack on the default of 256 slots was even): what has to keep the
probes answered is the service's own policy (the short deadline before a request, and the
slots kept for addresses that hold few), not a large number. A client socket bound to
127.0.0.N reaches the service on 127.0.0.1 (Linux routes all of 127/8 to loopback).
"""
import errno
import http.client
import selectors
import socket
import ssl
import threading
import time

from service import Service

ATTACKERS = [f"127.0.0.{n}" for n in range(2, 10)]
PER_ATTACKER = 32
PROBE_ADDR = "127.0.0.10"
ATTACK_SECONDS = 22
WARM_UP = 2.0            # the attack holds its connections before the first probe
PROBE_EVERY = 0.5
PROBE_TIMEOUT = 5        # longer than this, a person at the form would call it hung
REOPEN_AFTER = 0.1       # a refused connection comes back at once: a busy loop otherwise


class Attack:
    """The idle connections, kept open (reopened when cut) by one thread, until stop()."""

    def __init__(self, port):
        self.port = port
        self.sel = selectors.DefaultSelector()
        self.stopping = threading.Event()
        self.opened = 0
        self.cut = 0
        self.thread = threading.Thread(target=self._run)

    def _open(self, addr):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((addr, 0))
            err = s.connect_ex(("127.0.0.1", self.port))
        except OSError:
            s.close()
            return False
        if err not in (0, errno.EINPROGRESS):
            s.close()
            return False
        self.sel.register(s, selectors.EVENT_READ, addr)
        self.opened += 1
        return True

    def _run(self):
        waiting = [(0.0, a) for a in ATTACKERS for _ in range(PER_ATTACKER)]
        while not self.stopping.is_set():
            # Reopen what was cut (or could not be opened).
            now = time.monotonic()
            waiting = [(t, a) for t, a in waiting if t > now or not self._open(a)]
            for key, _ in self.sel.select(timeout=0.05):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    continue    # an answer of some kind: the connection stays open
                self.sel.unregister(s)
                s.close()
                self.cut += 1
                waiting.append((time.monotonic() + REOPEN_AFTER, key.data))
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()
        self.sel.close()

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        if self.thread.ident is not None:   # started
            self.thread.join()


def probe(svc):
    """One applicant's request from PROBE_ADDR: True when answered 200 in time."""
    conn = http.client.HTTPSConnection(svc.host, svc.port, timeout=PROBE_TIMEOUT,
                                       context=svc.ctx, source_address=(PROBE_ADDR, 0))
    try:
        conn.request("GET", "/api/v1/directories/regions")
        r = conn.getresponse()
        r.read()
        return r.status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def test_idle_connections_from_a_few_hosts_do_not_lock_others_out(tmp_path):
    # the defaults' proportions on a smaller scale: 1024 slots and 16 per address when
    # busy need 64 addresses to fill them; so do 128 and 2
    svc = Service(tmp_path / "state", config={"policy": {
        "max_connections": 128, "connections_per_address_busy": 2}})
    attack = Attack(svc.port)
    answered, asked = 0, 0
    try:
        assert probe(svc), "the probe is not answered even without an attack"
        attack.start()
        time.sleep(WARM_UP)
        end = time.monotonic() + ATTACK_SECONDS - WARM_UP
        while time.monotonic() < end:
            t0 = time.monotonic()
            asked += 1
            answered += probe(svc)
            time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - t0)))
    finally:
        attack.stop()
        svc.stop()
    print(f"probes answered {answered}/{asked}; attack opened {attack.opened} "
          f"connections, {attack.cut} were cut")
    assert attack.opened >= len(ATTACKERS) * PER_ATTACKER
    assert answered >= 0.95 * asked, f"only {answered} of {asked} probes answered"
    # Answered in time, too: probes that each took seconds would be fewer.
    assert asked >= (ATTACK_SECONDS - WARM_UP) / PROBE_EVERY / 2, f"{asked} probes only"
    # The refusals are in the log, summed up rather than one line each.
    refused = [l for l in svc.stderr.splitlines() if "refused" in l and "connection" in l]
    assert refused, svc.stderr
    assert len(refused) < 20, "\n".join(refused)


def _closed_after(sock, limit):
    """Seconds until the service closed sock (EOF or reset), or None within limit."""
    t0 = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except (socket.timeout, TimeoutError):
        return None
    except (OSError, ssl.SSLError):
        pass
    return time.monotonic() - t0


def test_a_connection_has_seconds_for_its_headers_and_longer_for_its_body(tmp_path):
    """header_timeout (default 5 s) from connect to the request's headers: a connection
    that sends nothing, or completes the TLS handshake and then nothing, is cut after it;
    one whose headers are in has request_timeout (30 s) for its body."""
    svc = Service(tmp_path / "state")
    socks = []
    try:
        idle = socket.create_connection(("127.0.0.1", svc.port), timeout=10)
        socks.append(idle)
        tls = svc.ctx.wrap_socket(socket.create_connection(("127.0.0.1", svc.port),
                                                           timeout=10),
                                  server_hostname="127.0.0.1")
        socks.append(tls)
        body = svc.ctx.wrap_socket(socket.create_connection(("127.0.0.1", svc.port),
                                                            timeout=10),
                                   server_hostname="127.0.0.1")
        socks.append(body)
        body.sendall(b"POST /api/v1/captcha HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 4\r\n\r\n{")
        t_idle = _closed_after(idle, 9)
        t_tls = _closed_after(tls, 2)
        assert t_idle is not None, "a connection sending nothing is still open after 9 s"
        assert t_tls is not None, "a connection idle after its handshake is still open"
        # Its headers are in: the rest of the body may come later than header_timeout.
        time.sleep(1)
        body.sendall(b"}  ")
        r = body.recv(4096)
        assert r.startswith(b"HTTP/1.1 200"), r
    finally:
        for s in socks:
            s.close()
        svc.stop()
    assert "cut off after 5s without a complete request" in svc.stderr, svc.stderr
