"""ncaenrolld's HTTP layer and its captcha, registry and directory endpoints, against the
real service on loopback (service.py): TLS versions, the captcha -> BIN -> IIN path with the
demo registries, every refusal with its error shape, limits (body size, rate, slow
clients), expiry on a test clock, and configuration refusals at start."""
import json
import os
import socket
import ssl
import subprocess
import threading
import time

import pytest

from service import FIXED_CAPTCHA, Service, demo_service, program, program_env, set_clock  # noqa: F401

BIN = "940140000385"        # in the demo registry (nca-facts.md vector)
IIN = "871008401427"        # in the demo registry (nca-facts.md vector)
W1 = list(range(1, 12))
W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


def with_check_digit(d11):
    for w in (W1, W2):
        c = sum(int(a) * b for a, b in zip(d11, w)) % 11
        if c != 10:
            return d11 + str(c)
    return None


def unknown_number(prefix, is_known):
    """A number with a right check digit that the demo registry does not hold."""
    width = 11 - len(prefix)
    for serial in range(10 ** width - 1, 0, -1):
        n = with_check_digit(prefix + f"{serial:0{width}d}")
        if n is not None and not is_known(n):
            return n
    raise AssertionError("no free number")


def demo_json(name):
    with open(os.path.join(os.environ.get("NCA_SRCDIR", "../.."), "data", "demo", name),
              encoding="utf-8") as f:
        return json.load(f)


def assert_error(answer, code=None, field=None):
    assert set(answer) == {"error"}, answer
    err = answer["error"]
    assert set(err) == {"code", "message", "field"}, err
    assert isinstance(err["code"], str) and isinstance(err["message"], str)
    assert err["message"]
    if code is not None:
        assert err["code"] == code, err
    assert err["field"] == field, err
    return err


# ---- TLS ----

def _handshake(svc, ctx):
    with socket.create_connection(("127.0.0.1", svc.port), timeout=10) as s:
        with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
            return t.version()


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_tls_12_and_13_accepted(demo_service, version):
    ctx = ssl.create_default_context(cafile=demo_service.cafile)
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version)
    assert _handshake(demo_service, ctx) == version.replace("_", ".")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls_11_refused(demo_service):
    ctx = ssl.create_default_context(cafile=demo_service.cafile)
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")   # let the client offer TLS 1.1 at all
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    with pytest.raises(ssl.SSLError) as e:
        _handshake(demo_service, ctx)
    # The server hung up on the TLS 1.1 hello (GnuTLS under libmicrohttpd closes rather
    # than alerting): not the client refusing to offer TLS 1.1 in the first place.
    msg = str(e.value)
    assert "NO_PROTOCOLS_AVAILABLE" not in msg and "UNSUPPORTED_PROTOCOL" not in msg, msg
    assert isinstance(e.value, (ssl.SSLZeroReturnError, ssl.SSLEOFError)) or \
        "ALERT_PROTOCOL_VERSION" in msg, msg
    # and it still serves
    st, _ = demo_service.request("GET", "/api/v1/directories/roles")
    assert st == 200


def test_certificate_names_loopback(demo_service):
    ctx = ssl.create_default_context(cafile=demo_service.cafile)
    with socket.create_connection(("127.0.0.1", demo_service.port), timeout=10) as s:
        with ctx.wrap_socket(s, server_hostname="localhost") as t:
            assert t.version() in ("TLSv1.2", "TLSv1.3")


# ---- captcha -> BIN -> IIN ----

def test_captcha_shape(demo_service):
    cap = demo_service.captcha()
    assert set(cap) == {"id", "width", "height", "bitmap", "expires_in"}
    assert len(cap["id"]) == 40 and int(cap["id"], 16) >= 0
    assert cap["expires_in"] == 300
    assert len(cap["bitmap"]) == cap["height"]
    assert all(len(row) == cap["width"] and set(row) <= {"#", "."} for row in cap["bitmap"])
    assert demo_service.captcha()["id"] != cap["id"]
    assert demo_service.last_headers["Cache-Control"] == "no-store"


def test_happy_path(demo_service):
    st, org = demo_service.bin_check(BIN, FIXED_CAPTCHA.lower())  # any case will do
    assert st == 200, org
    assert set(org) == {"bin", "name", "token", "token_expires_in"}
    assert org["bin"] == BIN
    want = next(o for o in demo_json("organizations.json") if o["bin"] == BIN)
    assert org["name"] == {"kk": want["name"]["kk"], "ru": want["name"]["ru"]}
    assert len(org["token"]) == 32 and org["token_expires_in"] == 1800
    st, person = demo_service.request("POST", "/api/v1/iin-check",
                                      {"iin": IIN, "token": org["token"]})
    assert st == 200, person
    want = next(p for p in demo_json("persons.json") if p["iin"] == IIN)
    assert person == {"iin": IIN, "surname": want["surname"],
                      "given_name": want["given_name"], "patronymic": want["patronymic"]}
    # the token serves more than one look-up while it lives (a mistyped IIN, then the right one)
    st, again = demo_service.request("POST", "/api/v1/iin-check",
                                     {"iin": IIN, "token": org["token"]})
    assert st == 200 and again == person


def test_wrong_captcha_burns_it(demo_service):
    cap = demo_service.captcha()
    body = {"bin": BIN, "captcha_id": cap["id"], "captcha_answer": "22222"}
    st, err = demo_service.request("POST", "/api/v1/bin-check", body)
    assert st == 400
    assert_error(err, "captcha.wrong", "captcha_answer")
    body["captcha_answer"] = FIXED_CAPTCHA          # the right answer, too late
    st, err = demo_service.request("POST", "/api/v1/bin-check", body)
    assert st == 400
    assert_error(err, "captcha.expired", "captcha_answer")


def test_captcha_single_use(demo_service):
    cap = demo_service.captcha()
    body = {"bin": BIN, "captcha_id": cap["id"], "captcha_answer": FIXED_CAPTCHA}
    st, _ = demo_service.request("POST", "/api/v1/bin-check", body)
    assert st == 200
    st, err = demo_service.request("POST", "/api/v1/bin-check", body)
    assert st == 400
    assert_error(err, "captcha.expired", "captcha_answer")
    st, err = demo_service.request("POST", "/api/v1/bin-check",
                                   dict(body, captcha_id="0" * 32))
    assert st == 400
    assert_error(err, "captcha.expired", "captcha_answer")


@pytest.mark.parametrize("bad, code", [("940140000386", "bin.check_digit"),
                                       ("94014000038", None), ("94014000038X", None),
                                       ("", None), (IIN, None)])
def test_bad_bin(demo_service, bad, code):
    cap = demo_service.captcha()
    st, err = demo_service.request("POST", "/api/v1/bin-check",
                                   {"bin": bad, "captcha_id": cap["id"],
                                    "captcha_answer": FIXED_CAPTCHA})
    assert st == 400, err
    e = assert_error(err, code, "bin")
    assert e["code"].startswith("bin.") or e["code"].startswith("idnum."), e
    # a typo in the BIN does not cost the captcha
    st, _ = demo_service.request("POST", "/api/v1/bin-check",
                                 {"bin": BIN, "captcha_id": cap["id"],
                                  "captcha_answer": FIXED_CAPTCHA})
    assert st == 200


def test_unknown_bin(demo_service):
    known = {o["bin"] for o in demo_json("organizations.json")}
    bin_ = unknown_number("9401400", lambda n: n in known)
    st, err = demo_service.bin_check(bin_)
    assert st == 404
    assert_error(err, "bin.not_found", "bin")


@pytest.mark.parametrize("body, field, code", [
    ({"bin": BIN, "captcha_id": "x"}, "captcha_answer", "field.missing"),
    ({"bin": 940140000385, "captcha_id": "x", "captcha_answer": "y"}, "bin", "field.type"),
    ({"captcha_id": "x", "captcha_answer": "y"}, "bin", "field.missing"),
    ({"bin": BIN, "captcha_id": None, "captcha_answer": "y"}, "captcha_id", "field.missing"),
])
def test_bin_check_fields(demo_service, body, field, code):
    st, err = demo_service.request("POST", "/api/v1/bin-check", body)
    assert st == 400
    assert_error(err, code, field)


def test_iin_check_needs_a_token(demo_service):
    st, err = demo_service.request("POST", "/api/v1/iin-check", {"iin": IIN})
    assert st == 400
    assert_error(err, "field.missing", "token")
    st, err = demo_service.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": "f" * 32})
    assert st == 403
    assert_error(err, "token.invalid", "token")
    # a captcha id is not a token
    cap = demo_service.captcha()
    st, err = demo_service.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": cap["id"]})
    assert st == 403


def test_iin_check_refusals(demo_service):
    st, org = demo_service.bin_check(BIN)
    assert st == 200
    st, err = demo_service.request("POST", "/api/v1/iin-check",
                                   {"iin": "871008401428", "token": org["token"]})
    assert st == 400
    assert_error(err, "iin.check_digit", "iin")
    known = {p["iin"] for p in demo_json("persons.json")}
    iin = unknown_number("8710084", lambda n: n in known)
    st, err = demo_service.request("POST", "/api/v1/iin-check",
                                   {"iin": iin, "token": org["token"]})
    assert st == 404
    assert_error(err, "iin.not_found", "iin")


# ---- directories ----

def _names(entry):
    assert set(entry["name"]) == {"kk", "ru", "en"}, entry
    assert all(isinstance(v, str) and v for v in entry["name"].values()), entry


def test_regions(demo_service):
    st, regions = demo_service.request("GET", "/api/v1/directories/regions")
    assert st == 200
    assert len(regions) == 20       # 17 regions + 3 cities of republican significance
    for r in regions:
        assert set(r) == {"id", "name"}
        _names(r)
    assert len({r["id"] for r in regions}) == 20


def test_cities_with_offices(demo_service):
    st, regions = demo_service.request("GET", "/api/v1/directories/regions")
    for region in demo_json("regions.json")[:3]:
        st, cities = demo_service.request(
            "GET", f"/api/v1/directories/regions/{region['id']}/cities")
        assert st == 200
        assert {c["id"] for c in cities} == {c["id"] for c in region["cities"]}
        for c in cities:
            assert set(c) == {"id", "name", "offices"}
            _names(c)
            assert c["offices"], c
            for o in c["offices"]:
                assert set(o) == {"id", "name", "address"}
                _names(o)


def test_unknown_region(demo_service):
    st, err = demo_service.request("GET", "/api/v1/directories/regions/atlantis/cities")
    assert st == 404
    assert_error(err, "region.not_found", None)


def test_roles(demo_service):
    st, roles = demo_service.request("GET", "/api/v1/directories/roles")
    assert st == 200
    by_id = {r["id"]: r for r in roles}
    for n in range(1, 6):
        r = by_id[f"ROLE0{n}"]
        assert set(r) == {"id", "name", "dc", "oid"}
        _names(r)
        assert r["dc"] == f"ROLE0{n}"
        assert r["oid"] == f"1.2.398.3.3.4.1.2.{n}"


def test_gu_codes(demo_service):
    st, org = demo_service.bin_check(BIN)
    assert st == 200, org
    st, codes = demo_service.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={org['token']}")
    assert st == 200
    want = next(o for o in demo_json("organizations.json") if o["bin"] == BIN)["gu_codes"]
    assert sorted(c["code"] for c in codes) == sorted(want)
    assert all(set(c) == {"code"} for c in codes)
    st, err = demo_service.request("GET", "/api/v1/gu-codes")
    assert st == 400
    assert_error(err, "field.missing", "bin")
    st, err = demo_service.request("GET", "/api/v1/gu-codes?bin=940140000386")
    assert st == 400
    assert_error(err, "bin.check_digit", "bin")
    # an unregistered BIN has no check token, so no answer tells it is not registered
    known = {o["bin"] for o in demo_json("organizations.json")}
    st, err = demo_service.request(
        "GET", "/api/v1/gu-codes?bin=" + unknown_number("9401400", lambda n: n in known)
        + f"&token={org['token']}")
    assert st == 403
    assert_error(err, "token.bin_mismatch", "token")


# ---- the HTTP layer's refusals ----

def test_not_found_and_method(demo_service):
    for path in ("/", "/api/v1", "/api/v2/captcha", "/api/v1/captcha/", "/api/v1/nothing"):
        st, err = demo_service.request("GET", path)
        assert st == 404, path
        assert_error(err, "not_found", None)
    st, err = demo_service.request("GET", "/api/v1/captcha")
    assert st == 405
    assert_error(err, "method_not_allowed", None)
    assert demo_service.last_headers["Allow"] == "POST"
    st, err = demo_service.request("DELETE", "/api/v1/directories/roles")
    assert st == 405
    assert demo_service.last_headers["Allow"] == "GET"


def _headers_only(svc, length, expect):
    """Announces a body and sends none: the answer must come without it."""
    conn = svc.connection(timeout=10)
    conn.putrequest("POST", "/api/v1/bin-check")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(length))
    if expect:
        conn.putheader("Expect", "100-continue")
    conn.endheaders()
    r = conn.getresponse()
    try:
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def test_oversized_body(demo_service):
    # a client that sends its whole body at once still reads the 413
    for _ in range(5):
        big = b'{"bin":"' + b"9" * 70000 + b'"}'
        st, err = demo_service.request("POST", "/api/v1/bin-check", raw=big)
        assert st == 413
        assert_error(err, "body.too_large", None)
    # a client waiting for 100 Continue, or announcing a huge body, hears no at once
    st, err = _headers_only(demo_service, 70000, expect=True)
    assert st == 413
    assert_error(err, "body.too_large", None)
    st, err = _headers_only(demo_service, 1 << 30, expect=False)
    assert st == 413
    assert_error(err, "body.too_large", None)
    # the same without a length up front (chunked): refused all the same
    conn = demo_service.connection()
    conn.putrequest("POST", "/api/v1/bin-check")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    for _ in range(20):
        chunk = b"9" * 4096
        conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    conn.send(b"0\r\n\r\n")
    r = conn.getresponse()
    assert r.status == 413
    assert_error(json.loads(r.read()), "body.too_large", None)
    conn.close()
    # and the service goes on
    assert demo_service.request("GET", "/api/v1/directories/roles")[0] == 200


@pytest.mark.parametrize("raw, code", [
    (b'{"bin": ', "body.json"),
    (b'{"bin": "1"} trailing', "body.json"),
    (b'{"bin": "1", "bin": "2"}', "body.json"),
    (b'{"bin": "\xd0"}', "body.utf8"),
    (b'{"bin": "\xc0\xaf"}', "body.utf8"),
    (b'["bin"]', "body.not_object"),
    (b'"bin"', "body.not_object"),
    (b'', "body.missing"),
])
def test_bad_bodies(demo_service, raw, code):
    st, err = demo_service.request("POST", "/api/v1/bin-check", raw=raw,
                                   headers={"Content-Type": "application/json"})
    assert st == 400, err
    assert_error(err, code, None)


def test_wrong_content_type(demo_service):
    st, err = demo_service.request("POST", "/api/v1/bin-check", raw=b"bin=940140000385",
                                   headers={"Content-Type":
                                            "application/x-www-form-urlencoded"})
    assert st == 415
    assert_error(err, "body.content_type", None)


def test_rate_limits(tmp_path):
    """Limits per minute by the service's clock (a test clock here, standing still, so the
    minute cannot turn between requests): the request over the limit is refused, exactly
    that one, and the next minute opens a new budget."""
    clock = tmp_path / "clock"
    minute = (int(time.time()) // 60) * 60
    set_clock(clock, minute + 15)
    svc = Service(tmp_path / "state", extra=["--test-clock", str(clock)],
                  config={"policy": {"captcha_per_minute": 3, "checks_per_minute": 2}})
    try:
        def captchas():
            return [svc.request("POST", "/api/v1/captcha")[0] for _ in range(5)]
        assert captchas() == [200, 200, 200, 429, 429]
        st, err = svc.request("POST", "/api/v1/captcha")
        assert st == 429
        assert_error(err, "rate_limited", None)
        assert svc.last_headers["Retry-After"] == "45"     # until the minute turns
        # checks have their own budget, which the captchas did not touch (gu-codes counts
        # before it looks at the token)
        checks = [svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={'f' * 32}")[0]
                  for _ in range(3)]
        assert checks == [403, 403, 429]
        # directories are not limited
        assert svc.request("GET", "/api/v1/directories/regions")[0] == 200
        # The last second of the minute is still in it; the next minute starts afresh.
        set_clock(clock, minute + 59)
        assert svc.request("POST", "/api/v1/captcha")[0] == 429
        assert svc.last_headers["Retry-After"] == "1"
        set_clock(clock, minute + 60)
        assert captchas() == [200, 200, 200, 429, 429]
        assert svc.request("GET", f"/api/v1/gu-codes?bin={BIN}&token={'f' * 32}")[0] == 403
    finally:
        svc.stop()


def test_slow_client_cut_off(tmp_path):
    """A client trickling its headers is cut off after request_timeout, while another
    client is served meanwhile (MHD's idle timeout alone would never cut the trickle)."""
    svc = Service(tmp_path / "state", config={"policy": {"request_timeout": 3}})
    try:
        raw = socket.create_connection(("127.0.0.1", svc.port), timeout=30)
        slow = svc.ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        slow.sendall(b"GET /api/v1/directories/roles HTTP/1.1\r\nHost: x\r\n")
        result = {}

        def trickle():
            t0 = time.monotonic()
            try:
                while time.monotonic() - t0 < 20:
                    slow.sendall(b"X-Slow: 1\r\n")
                    time.sleep(0.5)
                    slow.setblocking(False)
                    try:
                        if slow.recv(1) == b"":
                            break
                    except (ssl.SSLWantReadError, BlockingIOError):
                        pass
                    finally:
                        slow.setblocking(True)
            except (OSError, ssl.SSLError):
                pass
            result["after"] = time.monotonic() - t0

        t = threading.Thread(target=trickle)
        t.start()
        served = 0
        while t.is_alive() and served < 50:
            assert svc.request("GET", "/api/v1/directories/regions")[0] == 200
            served += 1
            time.sleep(0.2)
        t.join()
        slow.close()
        assert served >= 3
        assert result["after"] < 10, result
    finally:
        svc.stop()
    assert "cut off after 3s" in svc.stderr


# ---- expiry on a test clock ----

def test_expiry_on_test_clock(tmp_path):
    clock = tmp_path / "clock"
    now = int(time.time())
    set_clock(clock, now)
    svc = Service(tmp_path / "state", extra=["--test-clock", str(clock)])
    try:
        cap = svc.captcha()
        set_clock(clock, now + 301)          # the captcha lives 300 s
        st, err = svc.request("POST", "/api/v1/bin-check",
                              {"bin": BIN, "captcha_id": cap["id"],
                               "captcha_answer": FIXED_CAPTCHA})
        assert st == 400
        assert_error(err, "captcha.expired", "captcha_answer")
        st, org = svc.bin_check(BIN)
        assert st == 200
        set_clock(clock, now + 301 + 1799)   # the token lives 1800 s
        st, _ = svc.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": org["token"]})
        assert st == 200
        set_clock(clock, now + 301 + 1801)
        st, err = svc.request("POST", "/api/v1/iin-check", {"iin": IIN, "token": org["token"]})
        assert st == 403
        assert_error(err, "token.invalid", "token")
    finally:
        svc.stop()


# ---- start-up: options and configuration ----

def _start(*args, timeout=60):
    return subprocess.run([*program(), *args], capture_output=True, text=True,
                          env=program_env(), timeout=timeout)


@pytest.mark.parametrize("text, line, reason", [
    ("listen: 127.0.0.1:0\npolicy:\n  captcha_lifetme: 60\n", 3,
     "unknown key 'policy.captcha_lifetme'"),
    ("policy:\n  max_body: 10\n", 2, "out of range"),
    ("log_level: info\nlisten: 127.0.0.1:70000\n", 2, "port from 0 to 65535"),
    ("demo:\n  fixed_captcha: ABCDE\n", 2, "only a demo service"),
    ("tls:\n  cert: [a, b]\n", 2, "not a list"),
    ("listen: \"127.0.0.1:0\npolicy: {}\n", 3, "not YAML"),
])
def test_config_refused_with_line(tmp_path, text, line, reason):
    conf = tmp_path / "bad.yaml"
    conf.write_text(text)
    r = _start("--config", str(conf))
    assert r.returncode == 2, r.stderr
    assert f"{conf}:{line}: " in r.stderr, r.stderr
    assert reason in r.stderr, r.stderr
    assert r.stdout == ""
    # a demo reading the same file refuses it just the same
    r = _start("--demo", "--config", str(conf), "--state-dir", str(tmp_path / "s"),
               "--listen", "127.0.0.1:0")
    assert r.returncode == 2 and f"{conf}:{line}: " in r.stderr, r.stderr


def test_missing_config_file(tmp_path):
    r = _start("--config", str(tmp_path / "none.yaml"))
    assert r.returncode == 2
    assert "cannot read" in r.stderr and "none.yaml" in r.stderr


@pytest.mark.parametrize("args, what", [
    (["--fixed-captcha", "ABCDE"], "--fixed-captcha is for a demo service only"),
    (["--auto-approve", "5"], "--auto-approve is for a demo service only"),
    (["--test-clock", "/tmp/x"], "--test-clock is for a demo service only"),
    (["--demo", "--auto-approve", "soon"], "--auto-approve: 'soon'"),
    (["--demo", "--listen", "127.0.0.1"], "--listen:"),
    (["--demo", "--log-level", "loud"], "--log-level: 'loud'"),
    (["--demo", "--fixed-captcha", "A"], "--fixed-captcha:"),
    (["--bogus"], "unrecognized option"),
    (["extra"], "unexpected argument 'extra'"),
])
def test_options_refused(tmp_path, args, what):
    conf = tmp_path / "ok.yaml"
    conf.write_text("listen: 127.0.0.1:0\n")
    r = _start("--config", str(conf), *args)
    assert r.returncode == 2, r.stderr
    assert what in r.stderr, r.stderr


def test_help_and_version():
    r = _start("--help")
    assert r.returncode == 0
    for opt in ("--config", "--demo", "--listen", "--state-dir", "--auto-approve",
                "--fixed-captcha", "--test-clock", "--log-level", "--version"):
        assert opt in r.stdout
    r = _start("--version")
    assert r.returncode == 0 and r.stdout.startswith("ncaenrolld (ncaenroll) ")


def test_real_service(tmp_path):
    """Without --demo: everything comes from the file; the demo switches are refused."""
    demo = tmp_path / "demo"
    Service(demo).stop()            # makes a PKI and a loaded database to point at
    conf = {"tls": {"cert": str(demo / "tls.pem"), "key": str(demo / "tls.key")},
            "ca": {"cert": str(demo / "ca.pem"), "key": str(demo / "ca.key"),
                   "chain": str(demo / "ca-chain.pem"),
                   "crl_url": "http://crl.example.kz/ca.crl",
                   "delta_crl_url": "http://crl.example.kz/ca_d.crl",
                   "ocsp_url": "http://ocsp.example.kz",
                   "ca_issuers_url": "http://pki.example.kz/ca.cer",
                   "cps_url": "https://pki.example.kz/cps"},
            "store": "sqlite:" + str(demo / "ncaenrolld.db")}
    svc = Service(tmp_path / "real", config=conf, demo=False, fixed_captcha=None,
                  cafile=str(demo / "ca-chain.pem"))
    try:
        cap = svc.captcha()
        st, err = svc.request("POST", "/api/v1/bin-check",
                              {"bin": BIN, "captcha_id": cap["id"],
                               "captcha_answer": FIXED_CAPTCHA})
        assert st == 400 and err["error"]["code"] == "captcha.wrong"   # a random code now
        assert svc.request("GET", "/api/v1/directories/regions")[0] == 200
    finally:
        svc.stop()
    # a URL missing: refused before anything starts
    del conf["ca"]["ocsp_url"]
    path = tmp_path / "nourl.yaml"
    path.write_text(json.dumps(conf))       # JSON is YAML
    r = _start("--config", str(path), "--listen", "127.0.0.1:0")
    assert r.returncode == 2 and "ca.ocsp_url is required" in r.stderr, r.stderr


def test_restart_keeps_state(tmp_path):
    """A second start on the same folder reuses the demo CA and database."""
    state = tmp_path / "state"
    svc = Service(state)
    chain = (state / "ca-chain.pem").read_text()
    svc.stop()
    svc = Service(state)
    try:
        assert (state / "ca-chain.pem").read_text() == chain
        st, org = svc.bin_check(BIN)
        assert st == 200
        # a path cannot forge a log line
        assert svc.request("GET", "/x%0Ancaenrolld:%20error:%20forged")[0] == 404
    finally:
        svc.stop()
    assert "loading the registries" not in svc.stderr
    assert "\nncaenrolld: error: forged" not in svc.stderr
    assert '"GET /x?ncaenrolld: error: forged" 404' in svc.stderr
    # the access log never holds a body or a query
    assert BIN not in svc.stderr and FIXED_CAPTCHA not in svc.stderr


def test_concurrent_clients(demo_service):
    """Many clients at once: each gets its own store handle from the pool; every write
    (captcha, token) lands, and nobody sees another's captcha."""
    errors = []

    def client(n):
        try:
            for _ in range(5):
                st, org = demo_service.bin_check(BIN)
                assert st == 200, org
                st, p = demo_service.request("POST", "/api/v1/iin-check",
                                             {"iin": IIN, "token": org["token"]})
                assert st == 200, p
        except Exception as e:      # noqa: BLE001 — reported below
            errors.append(f"client {n}: {e!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
