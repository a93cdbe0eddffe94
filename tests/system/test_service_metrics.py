"""GET /metrics (doc/api.md "Operations"): Prometheus's text format 0.0.4, read by
Prometheus's own parser (python3-prometheus-client), and every number moves by exactly
what the test did: requests by route and code with their latency histograms, issuances,
revocations, OCSP answers by status, applications by status and the outbox as the store
holds them, connections refused by reason. With metrics_listen the metrics move to a
listener of their own, and the main one no longer serves them."""
import os
import socket
import sqlite3
import subprocess
import time
import urllib.request

import pytest

from service import DEMO_CONFIG_DEFAULT, Service

parser = pytest.importorskip("prometheus_client.parser")

CTYPE = "text/plain; version=0.0.4; charset=utf-8"
GAUGE_TTL = 5       # metrics.h METRICS_GAUGE_TTL


def parse(text):
    """{(sample name, frozenset of labels): value}, and the families' types by name."""
    samples, types = {}, {}
    for fam in parser.text_string_to_metric_families(text):
        types[fam.name] = fam.type
        for s in fam.samples:
            key = (s.name, frozenset(s.labels.items()))
            assert key not in samples, f"{key} twice"
            samples[key] = s.value
    return samples, types


def scrape(svc):
    st, (body, ctype) = svc.request("GET", "/metrics")
    assert st == 200 and ctype == CTYPE, (st, ctype)
    return parse(body.decode())


def req(route, code, method="GET", listener="https"):
    return ("ncaenrolld_http_requests_total",
            frozenset({"listener": listener, "method": method, "route": route,
                       "code": str(code)}.items()))


def hist(route, part, method="GET", listener="https", le=None):
    labels = {"listener": listener, "method": method, "route": route}
    if le is not None:
        labels["le"] = le
    return (f"ncaenrolld_http_request_duration_seconds_{part}", frozenset(labels.items()))


def moved(before, after, name):
    """The samples of name whose value changed: {labels: after - before}."""
    return {k[1]: after[k] - before.get(k, 0) for k in after
            if k[0] == name and after[k] != before.get(k, 0)}


def test_requests_counted_by_route_and_code(tmp_path):
    svc = Service(tmp_path / "state")
    try:
        before, types = scrape(svc)
        assert types["ncaenrolld_http_requests"] == "counter"
        assert types["ncaenrolld_http_request_duration_seconds"] == "histogram"
        assert types["ncaenrolld_applications"] == "gauge"
        for _ in range(3):
            assert svc.request("GET", "/healthz")[0] == 200
        assert svc.request("GET", "/no/such/thing")[0] == 404
        assert svc.request("POST", "/healthz", body={})[0] == 405
        assert svc.request("GET", "/api/v1/applications/12")[0] == 400
        after, _ = scrape(svc)
    finally:
        svc.stop()
    unmatched = frozenset({"listener": "", "method": "", "route": "",
                           "code": "404"}.items())
    # exactly these, and nothing else: the first scrape is counted by the second
    assert moved(before, after, "ncaenrolld_http_requests_total") == {
        req("/healthz", 200)[1]: 3, req("/metrics", 200)[1]: 1,
        req("/api/v1/applications/{}", 400)[1]: 1,
        # a 405 is its path's, found with no route of its method
        unmatched: 1,
        frozenset({"listener": "", "method": "", "route": "", "code": "405"}.items()): 1,
    }
    assert after[hist("/healthz", "count")] - before[hist("/healthz", "count")] == 3
    # cumulative buckets, +Inf equal to the count, a sum in seconds
    buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in after.items()
                      if k[0].endswith("_bucket") and ("route", "/healthz") in k[1]))
    assert [v for _, v in buckets] == sorted(v for _, v in buckets)
    assert buckets[-1] == (float("inf"), after[hist("/healthz", "count")])
    assert 0 < after[hist("/healthz", "sum")] < 3 * 10


def _db_counts(db):
    with sqlite3.connect(db) as c:
        apps = dict(c.execute("SELECT status, COUNT(*) FROM applications GROUP BY status"))
        mails = dict(c.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state"))
    return apps, mails


def _gauges(samples, name, label):
    return {dict(k[1])[label]: v for k, v in samples.items() if k[0] == name}


def _ocsp_unknown(state):
    """One OCSP request for a serial this CA never issued, over the plain-http listener."""
    with open(os.path.join(state, "http-port")) as f:
        port = int(f.read())
    r = subprocess.run(["openssl", "ocsp", "-issuer", os.path.join(state, "ca.pem"),
                        "-CAfile", os.path.join(state, "ca-chain.pem"),
                        "-url", f"http://127.0.0.1:{port}/ocsp",
                        "-serial", "0x1234567890ABCDEF"],
                       capture_output=True, text=True, timeout=60)
    assert "0x1234567890ABCDEF: unknown" in r.stdout, r.stdout + r.stderr


def test_issuance_revocation_ocsp_and_the_store(tmp_path):
    import holder
    from test_ra_service import Desk
    desk = Desk(tmp_path)
    try:
        op = desk.operator("aliya")
        before, _ = scrape(desk.svc)
        primed = time.monotonic()
        number, auth, _sign = holder.issued(desk, op)
        st, ans = holder.revoke(desk.svc, number, auth)
        assert st == 200, ans
        _ocsp_unknown(desk.state)
        # the store's numbers are read again once they are GAUGE_TTL seconds old
        time.sleep(max(0.0, primed + GAUGE_TTL + 0.5 - time.monotonic()))
        after, _ = scrape(desk.svc)
        apps, mails = _db_counts(desk.db)
    finally:
        desk.stop()
    for name, diff in (("ncaenrolld_issuances_total", 1), ("ncaenrolld_revocations_total", 1)):
        assert after[(name, frozenset())] - before[(name, frozenset())] == diff, name
    ocsp = moved(before, after, "ncaenrolld_ocsp_responses_total")
    assert ocsp == {frozenset({"status": "unknown"}.items()): 1}
    assert after[req("/api/v1/applications", 201, method="POST")] - \
        before.get(req("/api/v1/applications", 201, method="POST"), 0) == 1
    assert after[req("/ocsp", 200, method="POST", listener="http")] - \
        before.get(req("/ocsp", 200, method="POST", listener="http"), 0) == 1
    # the gauges are the store's: one more revoked application, every status named
    assert after[("ncaenrolld_store_up", frozenset())] == 1
    shown = _gauges(after, "ncaenrolld_applications", "status")
    assert set(shown) == {"submitted", "issued", "installed", "rejected", "cancelled",
                          "revoked"}
    assert {k: v for k, v in shown.items() if v} == apps
    assert shown["revoked"] - _gauges(before, "ncaenrolld_applications", "status")[
        "revoked"] == 1
    # the outbox as a whole (the mailer moves mails between states meanwhile)
    assert sum(_gauges(after, "ncaenrolld_outbox_mails", "state").values()) == \
        sum(mails.values()) > 0


def _metrics_line(svc):
    for _ in range(3):
        line = svc.proc.stdout.readline()
        if line.startswith("metrics on "):
            return line.split()[-1]
    raise AssertionError("no 'metrics on' line")


def test_metrics_listen_and_refusals(tmp_path):
    """metrics_listen: /metrics (and the probes) on plain http there, 404 on the main
    listener; a connection over connections_per_address_busy, once more than half the
    slots are taken, is refused and counted (by http.c: libmicrohttpd's own limits,
    behind it as a backstop, refuse before asking it, and silently)."""
    config = {**DEMO_CONFIG_DEFAULT, "metrics_listen": "127.0.0.1:0",
              "policy": {**DEMO_CONFIG_DEFAULT["policy"], "max_connections": 4,
                         "connections_per_address": 4,
                         "connections_per_address_busy": 1}}
    svc = Service(tmp_path / "state", config=config)
    held = []
    try:
        url = _metrics_line(svc)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/metrics")
        st, body = svc.request("GET", "/metrics")
        assert st == 404 and body["error"]["code"] == "not_found"
        with urllib.request.urlopen(url, timeout=30) as r:
            assert r.headers["Content-Type"] == CTYPE
            before, _ = parse(r.read().decode())
        with urllib.request.urlopen(url.replace("/metrics", "/readyz"), timeout=30) as r:
            assert r.status == 200
        # three connections held open (in their handshake), the fourth refused at accept
        for _ in range(3):
            held.append(socket.create_connection(("127.0.0.1", svc.port), timeout=10))
        time.sleep(0.3)
        third = socket.create_connection(("127.0.0.1", svc.port), timeout=10)
        try:
            assert third.recv(1) == b""
        except ConnectionResetError:
            pass
        third.close()
        with urllib.request.urlopen(url, timeout=30) as r:
            after, _ = parse(r.read().decode())
    finally:
        for s in held:
            s.close()
        svc.stop()
    assert moved(before, after, "ncaenrolld_connections_refused_total") == {
        frozenset({"reason": "address_busy"}.items()): 1}
    assert moved(before, after, "ncaenrolld_http_requests_total") == {
        req("/metrics", 200, listener="metrics")[1]: 1,
        req("/readyz", 200, listener="metrics")[1]: 1}
    # the main listener's refusal was its own 404, counted before the first scrape
    assert before[req("/metrics", 404)] == 1
