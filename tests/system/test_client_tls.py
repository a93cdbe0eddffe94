"""The applicant's client trusts only the service its settings name: a certificate that
does not lead to the configured CA, or that is made out for another host name, ends the
connection before any request is sent, and the person is told which of the two it was, in
their language. The "service" here is a small TLS server of the test's own (the point is
the TLS layer, before HTTP) that counts what it is sent: a test that only read the exit
status would pass with the certificate checks switched off, as long as whatever answered
said something the client took for a failure.

Certificates come from openssl: a CA the client is told to trust, another CA, and server
certificates from each for 127.0.0.1, or for another host name."""
import os
import socket
import ssl
import subprocess
import threading

import pytest

from conftest import BUILDDIR
from service import program_env

# A request number whose check digit is right: it leaves the computer.
NUMBER = "0000-0000-0000-0000-0000-0000-0000"

# What each failure says, in each language (po/*.po for src/enroll/client.c).
UNTRUSTED = {"en": "is not signed by a CA in",
             "ru": "не подписан ни одним удостоверяющим центром из",
             "kk": "куәландырушы орталықтардың ешқайсысы қол қоймаған"}
EXPIRED = {"en": "its certificate has expired",
           "ru": "срок действия его сертификата истёк",
           "kk": "оның сертификатының мерзімі өтті"}
OTHER_NAME = {"en": "made out for another name",
              "ru": "выдан на другое имя",
              "kk": "басқа атауға берілген"}


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
            "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN=Test CA {name}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    return os.path.join(d, f"{name}.pem")


def make_server(d, name, ca, san, days=2):
    """A server certificate from ca for san (e.g. IP:127.0.0.1): (cert, key). days=-1
    makes one that expired yesterday."""
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
            f"{name}.csr", "-subj", f"/CN={san.split(':', 1)[1]}", cwd=d)
    with open(os.path.join(d, f"{name}.ext"), "w", encoding="ascii") as f:
        f.write(f"subjectAltName={san}\nextendedKeyUsage=serverAuth\n"
                "basicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", str(days), "-extfile", f"{name}.ext",
            cwd=d)
    return os.path.join(d, f"{name}.pem"), os.path.join(d, f"{name}.key")


class CountingServer:
    """A TLS server on a free loopback port that answers every request with a refusal
    and counts: handshakes completed, and requests (any byte after the handshake)."""

    BODY = b'{"error":{"code":"application.not_found","message":"no such application"}}'
    ANSWER = (b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(BODY)) + BODY

    def __init__(self, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.handshakes = 0
        self.requests = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                raw, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(raw,), daemon=True).start()

    def _one(self, raw):
        raw.settimeout(20)
        try:
            with self.ctx.wrap_socket(raw, server_side=True) as s:
                with self.lock:
                    self.handshakes += 1
                data = s.recv(65536)
                if data:
                    with self.lock:
                        self.requests.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                    s.sendall(self.ANSWER)
        except (OSError, ssl.SSLError):
            pass            # the client gave up on us: what the tests want to see

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("tls-pki"))
    ours, other = make_ca(d, "ours"), make_ca(d, "other")
    return {
        "ca": ours,
        "good": make_server(d, "good", "ours", "IP:127.0.0.1"),
        "untrusted": make_server(d, "untrusted", "other", "IP:127.0.0.1"),
        "other-name": make_server(d, "othername", "ours", "DNS:enroll.other.example"),
        "expired": make_server(d, "expired", "ours", "IP:127.0.0.1", days=-1),
        "other-ca": other,
    }


@pytest.fixture
def server(pki):
    started = []

    def start(which):
        started.append(CountingServer(*pki[which]))
        return started[-1]

    yield start
    for s in started:
        s.close()


def ncaenroll(tmp_path, url, ca, *args, lang="en"):
    env = program_env()
    env.update(HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "xdg"),
               XDG_CONFIG_HOME=str(tmp_path / "cfg"), LANGUAGE=lang)
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--service", url, "--ca-file", ca, "--state", str(tmp_path / "state.yaml"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


APPLY = ["apply", "--bin", "940140000385", "--iin", "871008401427", "--role", "ROLE02",
         "--region", "karaganda", "--city", "karaganda", "--gu-code", "1001",
         "--captcha-answer", "K7M3P"]


def test_the_counting_server_sees_a_trusted_clients_request(pki, server, tmp_path):
    """The control: with a certificate the client trusts, the request reaches the
    server (so an empty count below means the client stopped, not the server)."""
    s = server("good")
    p = ncaenroll(tmp_path, f"https://127.0.0.1:{s.port}", pki["ca"], "status", NUMBER)
    assert s.requests == [f"GET /api/v1/applications/{NUMBER} HTTP/1.1"], \
        (s.requests, p.stderr)
    assert p.returncode == 1, p.stderr          # the server's refusal, as a refusal


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@pytest.mark.parametrize("command", ["status", "apply"])
def test_a_service_from_another_ca_gets_no_request(pki, server, tmp_path, command, lang):
    s = server("untrusted")
    url = f"https://127.0.0.1:{s.port}"
    args = ["status", NUMBER] if command == "status" else [
        *APPLY, "--dir", str(tmp_path / "keys")]
    p = ncaenroll(tmp_path, url, pki["ca"], *args, lang=lang)
    assert s.requests == [], f"a request was sent to an untrusted service: {s.requests}"
    assert p.returncode == 3, (p.stdout, p.stderr)
    said = " ".join(p.stderr.split())
    assert url in said and pki["ca"] in said, said
    assert UNTRUSTED[lang] in said, said
    assert OTHER_NAME[lang] not in said, said
    assert not os.path.exists(tmp_path / "keys") or os.listdir(tmp_path / "keys") == []


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@pytest.mark.parametrize("command", ["status", "apply"])
def test_a_certificate_for_another_name_gets_no_request(pki, server, tmp_path, command,
                                                        lang):
    """Signed by the CA the client trusts, but made out for another host: not the
    service that was named."""
    s = server("other-name")
    url = f"https://127.0.0.1:{s.port}"
    args = ["status", NUMBER] if command == "status" else [
        *APPLY, "--dir", str(tmp_path / "keys")]
    p = ncaenroll(tmp_path, url, pki["ca"], *args, lang=lang)
    assert s.requests == [], f"a request was sent to a service of another name: {s.requests}"
    assert s.handshakes <= 1, "the client tried again after a verdict on trust"
    assert p.returncode == 3, (p.stdout, p.stderr)
    said = " ".join(p.stderr.split())
    assert url in said, said
    assert OTHER_NAME[lang] in said, said
    assert UNTRUSTED[lang] not in said, said


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_an_expired_certificate_gets_no_request(pki, server, tmp_path, lang):
    """From the CA trusted, for the right address, but out of date: said as such."""
    s = server("expired")
    url = f"https://127.0.0.1:{s.port}"
    p = ncaenroll(tmp_path, url, pki["ca"], "status", NUMBER, lang=lang)
    assert s.requests == [], f"a request was sent with an expired certificate: {s.requests}"
    assert p.returncode == 3, (p.stdout, p.stderr)
    said = " ".join(p.stderr.split())
    assert url in said and EXPIRED[lang] in said, said
    assert UNTRUSTED[lang] not in said and OTHER_NAME[lang] not in said, said


def test_the_real_service_with_another_ca_file(pki, tmp_path):
    """The same refusal from the real ncaenrolld: the CA file names another CA."""
    from service import Service
    svc = Service(tmp_path / "svc")
    try:
        p = ncaenroll(tmp_path, svc.base, pki["other-ca"], "status", NUMBER)
        assert p.returncode == 3, (p.stdout, p.stderr)
        assert UNTRUSTED["en"] in p.stderr and pki["other-ca"] in p.stderr, p.stderr
        p = ncaenroll(tmp_path, svc.base, svc.cafile, "status", NUMBER)
        assert p.returncode == 1, p.stderr      # trusted: the service itself answers
    finally:
        svc.stop()
