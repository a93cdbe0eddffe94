"""The plain-http listener serves at the URLs the certificates name, whatever their paths:
a deployment that writes NCA-style URLs (…/crl/nca_rsa.crl, an OCSP URL ending in '/')
into its certificates is answered there, and nowhere else; two settings naming one path
are refused at start, naming both."""
import base64
import time
import urllib.parse

from service import DEMO_CONFIG_DEFAULT, Service, free_port
from test_crl_ocsp import PubDesk, Relying, _openssl, fetch, issue


class PathDesk(PubDesk):
    """A demo desk whose certificates name the given URLs, on a plain port of our own."""

    def __init__(self, tmp, urls, port):
        self.tmp = tmp
        self.clock = tmp / "clock"
        self.now = int(time.time())
        self.set_clock(self.now)
        config = {k: dict(v) for k, v in DEMO_CONFIG_DEFAULT.items()}
        config.setdefault("ca", {}).update(urls)
        self.svc = Service(tmp / "state", config=config,
                           extra=["--test-clock", str(self.clock),
                                  "--http-listen", f"127.0.0.1:{port}"])
        self.state = self.svc.state


def nca_style(port):
    base = f"http://127.0.0.1:{port}"
    return {"crl_url": f"{base}/crl/nca_rsa.crl",
            "delta_crl_url": f"{base}/crl/nca_d_rsa.crl",
            "ocsp_url": f"{base}/ocsp/",
            "ca_issuers_url": f"{base}/cert/nca_rsa.cer"}


def test_served_where_the_certificates_say(tmp_path):
    port = free_port()
    d = PathDesk(tmp_path, nca_style(port), port)
    try:
        d.op = d.operator("aigerim")
        certs = issue(d, tmp_path / "c")
        rp = Relying(certs["auth"], tmp_path)
        assert rp.u["crl"] == [nca_style(port)["crl_url"]], rp.u
        v = rp.verify(certs["auth"])
        assert v.returncode == 0 and ": OK" in v.stdout, v.stdout + v.stderr
        out, err = rp.ocsp("-cert", certs["auth"])        # POST to …/ocsp/
        assert f"{certs['auth']}: good" in out, out + err
        # GET: the URL-encoded base64 of the request right after the URL's own '/'.
        _openssl("ocsp", "-issuer", rp.ca, "-cert", certs["auth"], "-no_nonce",
                 "-reqout", str(tmp_path / "req.der"))
        b64 = base64.b64encode((tmp_path / "req.der").read_bytes()).decode()
        st, ctype, _ = fetch(nca_style(port)["ocsp_url"] + urllib.parse.quote(b64, safe=""))
        assert st == 200 and ctype == "application/ocsp-response", (st, ctype)
        # What no certificate names is not there.
        for path in ("/crl/ca.crl", "/crl/ca-delta.crl", "/cert/ca.cer", "/ocsp"):
            st, _, _ = fetch(f"http://127.0.0.1:{port}{path}")
            assert st == 404, path
    finally:
        d.stop()


def test_two_settings_at_one_path_are_refused(tmp_path):
    port = free_port()
    urls = nca_style(port)
    urls["delta_crl_url"] = urls["crl_url"].replace("127.0.0.1", "localhost")
    config = {k: dict(v) for k, v in DEMO_CONFIG_DEFAULT.items()}
    config.setdefault("ca", {}).update(urls)
    try:
        Service(tmp_path / "state", config=config,
                extra=["--http-listen", f"127.0.0.1:{port}"], timeout=60)
    except AssertionError as e:
        said = str(e)
    else:
        raise AssertionError("the service started with two objects at one path")
    assert "ca.delta_crl_url and ca.crl_url both name the path /crl/nca_rsa.crl" in said, said
