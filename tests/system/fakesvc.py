"""A stand-in for a broken or scripted enrollment service, for what the real ncaenrolld
cannot be made to do: answer garbage, JSON of the wrong shape, escape sequences, or every
error code of doc/api*.md on demand. It is a real HTTPS server on loopback, with a CA and
a certificate for 127.0.0.1 made here by openssl, so the client under test verifies it as
it verifies the real service.

    with FakeService(tmp_path) as fake:
        fake.answer = lambda method, path, body: (200, {"status": "issued"})
        ... ncaenroll --service fake.base --ca-file fake.cafile ...

answer returns (status, payload[, headers]): payload a dict/list (sent as JSON), bytes or
str (sent as they are, with Content-Type application/json unless headers say otherwise).
Every request is kept in fake.requests as (method, path, body bytes).
"""
import http.server
import json
import os
import ssl
import subprocess
import threading


def make_ca(folder):
    """A CA and a certificate for 127.0.0.1 it signed: (cafile, certfile, keyfile)."""
    folder = str(folder)
    os.makedirs(folder, exist_ok=True)
    ca_key, ca_crt = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.pem")
    key, csr, crt = (os.path.join(folder, n) for n in ("tls.key", "tls.csr", "tls.pem"))
    ext = os.path.join(folder, "ext.cnf")
    with open(ext, "w", encoding="ascii") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=critical,CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    steps = [
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key,
         "-out", ca_crt, "-subj", "/CN=Fake service test CA", "-days", "2",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
         "-out", csr, "-subj", "/CN=127.0.0.1"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
         "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext],
    ]
    for cmd in steps:
        subprocess.run(cmd, check=True, capture_output=True)
    return ca_crt, crt, key


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: pytest shows what matters
        pass

    def _serve(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        fake = self.server.fake
        fake.requests.append((self.command, self.path, body))
        got = fake.answer(self.command, self.path, body)
        status, payload = got[0], got[1]
        headers = dict(got[2]) if len(got) > 2 else {}
        if isinstance(payload, (dict, list)):
            data = json.dumps(payload, ensure_ascii=False).encode()
        elif isinstance(payload, str):
            data = payload.encode()
        else:
            data = payload
        headers.setdefault("Content-Type", "application/json; charset=utf-8")
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve


class FakeService:
    def __init__(self, folder):
        self.cafile, cert, key = make_ca(folder)
        self.requests = []
        self.answer = lambda method, path, body: (404, {"error": {
            "code": "not_found", "message": "there is no " + path, "field": None}})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.fake = self
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.base = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
