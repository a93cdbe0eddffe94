"""SIGHUP (ncaenrolld(8) "SIGNALS"): the service reads its configuration, policy and TLS
certificate again without stopping. A changed policy figure applies at once and is
logged; a change only a restart can apply (a listener), or a file that does not parse,
refuses the whole reload, logged, and the running configuration is kept. A new
certificate is served to new connections while a connection opened before goes on
with the old one until its client is done: nothing is dropped."""
import datetime
import ipaddress
import os
import signal
import socket
import ssl
import threading
import time

import pytest

from service import DEMO_CONFIG_DEFAULT, Service

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def config(captchas=10000, extra="", lifetime=300):
    pol = dict(DEMO_CONFIG_DEFAULT["policy"], captcha_per_minute=captchas, request_timeout=5,
               captcha_lifetime=lifetime)
    return "policy:\n" + "".join(f"  {k}: {v}\n" for k, v in pol.items()) + extra


def wait_log(svc, text, timeout=30):
    """The service's stderr lines since the last wait, up to one that holds text."""
    return svc.wait_log(text, timeout)


def peer_cert(port, conn=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = conn or ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=30))
    return s, x509.load_der_x509_certificate(s.getpeercert(binary_form=True))


def get(s, path="/healthz"):
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split()[1])


def new_tls(state):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reloaded")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    with open(os.path.join(state, "tls.pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(os.path.join(state, "tls.key"), os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert.serial_number


@pytest.fixture
def svc(tmp_path):
    """A demo service reading tmp/c.yaml, which a test rewrites before its SIGHUP."""
    (tmp_path / "c.yaml").write_text(config())
    s = Service(tmp_path / "state", config=None, extra=["--config", str(tmp_path / "c.yaml")])
    yield s
    s.stop()


def test_policy_applies_and_a_restart_setting_refuses(svc, tmp_path):
    conf = tmp_path / "c.yaml"
    conf.write_text(config(captchas=2))
    svc.proc.send_signal(signal.SIGHUP)
    wait_log(svc, "reload: policy.captcha_per_minute 10000 -> 2")
    assert [svc.request("POST", "/api/v1/captcha")[0] for _ in range(3)] == [200, 200, 429]
    # a listener is built at start: the whole reload is refused, the policy kept
    conf.write_text(config(captchas=50000, extra='metrics_listen: "127.0.0.1:0"\n'))
    svc.proc.send_signal(signal.SIGHUP)
    lines = wait_log(svc, "reload refused, the running configuration kept: metrics_listen "
                          "changed, which only a restart applies")
    assert not any("captcha_per_minute" in ln for ln in lines)
    assert svc.request("POST", "/api/v1/captcha")[0] == 429
    # a file that does not parse: refused, named
    conf.write_text("policy: [\n")
    svc.proc.send_signal(signal.SIGHUP)
    wait_log(svc, f"reload refused, the running configuration kept: {conf}:")
    assert svc.request("GET", "/healthz")[0] == 200
    assert svc.proc.poll() is None


def test_new_certificate_without_dropping_a_connection(svc):
    held, old = peer_cert(svc.port)
    assert get(held) == 200
    serial = new_tls(svc.state)
    svc.proc.send_signal(signal.SIGHUP)
    # new connections get the new certificate at once
    deadline = time.monotonic() + 10
    while True:
        s, cert = peer_cert(svc.port)
        s.close()
        if cert.serial_number == serial or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert cert.serial_number == serial
    # the connection opened before goes on, on the old certificate
    assert get(held) == 200
    assert peer_cert(svc.port, held)[1].serial_number == old.serial_number
    held.close()
    wait_log(svc, "reload: the TLS certificate is the new one")
    # a key that is not the certificate's: refused, the new pair served on
    with open(os.path.join(svc.state, "tls.key"), "wb") as f:
        f.write(ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    svc.proc.send_signal(signal.SIGHUP)
    wait_log(svc, "reload refused, the running configuration kept: cannot serve the new "
                  "certificate")
    s, cert = peer_cert(svc.port)
    assert get(s) == 200 and cert.serial_number == serial
    s.close()


def test_requests_during_reloads_read_one_policy_or_the_next(svc, tmp_path):
    """Captchas asked for while the policy is reloaded over and over: each answer is whole
    and carries the lifetime of one of the policies, and the last reload's holds after."""
    conf, seen, errors = tmp_path / "c.yaml", [], []
    stop = threading.Event()

    def ask():
        while not stop.is_set():
            try:
                code, body = svc.request("POST", "/api/v1/captcha")
                seen.append(body["expires_in"] if code == 200 else code)
            except Exception as e:      # noqa: BLE001 (said below)
                errors.append(repr(e))

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for t in askers:
        t.start()
    try:
        for i in range(8):
            lifetime = 200 if i % 2 == 0 else 300
            conf.write_text(config(lifetime=lifetime))
            svc.proc.send_signal(signal.SIGHUP)
            wait_log(svc, f"policy.captcha_lifetime {500 - lifetime} -> {lifetime}")
            time.sleep(0.2)
    finally:
        stop.set()
        for t in askers:
            t.join()
    assert not errors, errors
    assert len(seen) > 8 and set(seen) <= {200, 300}, seen
    assert svc.request("POST", "/api/v1/captcha")[1]["expires_in"] == 300
