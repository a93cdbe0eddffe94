"""What the applicant's client does with a trusted service's answer that is wrong: a
request number whose check digit does not hold, certificates swapped between the two
keys, certificates made for another application's keys, an answer too large to be real.
Each is refused (the service failing: status 3, or the certificates not installed) and
nothing wrong is recorded or written, so that the same command against an honest
service then does the whole job.

The client talks to a relay of the test's own (fakesvc.py, HTTPS with its own CA) that
passes every request to the real ncaenrolld and its answer back, changing only the one
answer under test."""
import http.client
import json
import os

import pytest

from fakesvc import FakeService
from fixtures import service_fixture
from test_apply_cli import Applicant, wait_status


svc = service_fixture("answers", extra=["--auto-approve", "1"])


@pytest.fixture
def relay(svc, tmp_path):
    """A FakeService passing everything to svc; .tamper(method, path, status, body) may
    return a changed (status, body)."""
    with FakeService(tmp_path / "relay") as f:
        f.tamper = lambda method, path, status, body: (status, body)

        def answer(method, path, body):
            conn = http.client.HTTPSConnection(svc.host, svc.port, timeout=60,
                                               context=svc.ctx)
            try:
                conn.request(method, path, body=body or None,
                             headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                status, data = r.status, r.read()
                ctype = r.getheader("Content-Type", "application/json")
            finally:
                conn.close()
            status, data = f.tamper(method, path, status, data)
            return status, data, {"Content-Type": ctype}

        f.answer = answer
        yield f


class Through(Applicant):
    """An applicant whose service is the relay; .direct() the real service."""

    def __init__(self, svc, relay, home):
        super().__init__(svc, home)
        self.relay = relay

    def run(self, *args, via_relay=True, **kw):
        if not via_relay:
            return super().run(*args, **kw)
        real = (self.svc.base, self.svc.cafile)
        self.svc.base, self.svc.cafile = self.relay.base, self.relay.cafile
        try:
            return super().run(*args, **kw)
        finally:
            self.svc.base, self.svc.cafile = real


def p12s(me):
    return sorted(n for n in os.listdir(me.keys) if n.endswith(".p12"))


def pending(me):
    return sorted(n for n in os.listdir(me.keys) if n.endswith(".key"))


def test_a_request_number_with_a_wrong_check_digit_is_not_recorded(svc, relay, tmp_path):
    def tamper(method, path, status, body):
        if method == "POST" and path == "/api/v1/applications" and 200 <= status < 300:
            a = json.loads(body)
            n = a["request_number"]
            a["request_number"] = n[:-1] + str((int(n[-1]) + 1) % 10)
            body = json.dumps(a).encode()
        return status, body
    relay.tamper = tamper
    me = Through(svc, relay, str(tmp_path))
    p = me.apply()
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "cannot read" in json.loads(p.stdout)["error"]["message"], p.stdout
    [a] = json.loads(me.run("--json", "list").stdout)
    assert a["state"] == "keys_ready" and "request_number" not in a, a
    keys = pending(me)
    # Against the honest service the same keys are sent and the true number kept.
    relay.tamper = lambda method, path, status, body: (status, body)
    p = me.run("--json", "apply", "--resume", a["id"])
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    status, st = svc.request("GET", f"/api/v1/applications/{number}")
    assert status == 200, st
    assert pending(me) == keys


def issued(me, via_relay=True):
    p = me.run("--json", "apply", "--captcha-answer", me.svc.captcha_code,
               *sum((["--" + k.replace("_", "-"), v] for k, v in
                     dict(bin="940140000385", iin="871008401427", role="ROLE02",
                          region="karaganda", city="karaganda", gu_code="1001",
                          dir=me.keys).items()), []), via_relay=via_relay)
    assert p.returncode == 0, p.stderr
    number = json.loads(p.stdout)["request_number"]
    wait_status(me, number, "issued")
    return number


def install(me, number, via_relay=True):
    return me.run("--json", "install", "--password-fd", "PWFD", number, password="Qwerty12",
                  via_relay=via_relay)


def refused_then_honest(me, relay, number, words):
    """The wrong certificates are the service failing (3), said with the reason, and not
    kept: the same install against the honest service then installs."""
    p = install(me, number)
    assert p.returncode == 3, p.stdout
    said = json.loads(p.stdout)["error"]["message"]
    assert f"the service at {relay.base} sent certificates this program will not " \
        "install" in said, said
    for w in words:
        assert w in said, said
    assert p12s(me) == [], "containers were written with certificates that are not ours"
    assert len(pending(me)) == 2, "the pending keys went"
    status, st = me.svc.request("GET", f"/api/v1/applications/{number}")
    assert st["status"] == "issued", "the service was told they were installed"
    # The honest answer installs them: the wrong one was not kept.
    relay.tamper = lambda method, path, status, body: (status, body)
    p = install(me, number)
    assert p.returncode == 0, p.stdout
    assert len(p12s(me)) == 2 and pending(me) == []


def test_certificates_swapped_between_the_keys_are_not_installed(svc, relay, tmp_path):
    me = Through(svc, relay, str(tmp_path))
    number = issued(me)

    def tamper(method, path, status, body):
        if path.endswith("/certificates") and status == 200:
            c = json.loads(body)
            c["auth"], c["sign"] = c["sign"], c["auth"]
            body = json.dumps(c).encode()
        return status, body
    relay.tamper = tamper
    refused_then_honest(me, relay, number, ["swapped"])


def test_certificates_for_another_applications_keys_are_not_installed(svc, relay, tmp_path):
    me = Through(svc, relay, str(tmp_path / "me"))
    os.makedirs(me.home)
    number = issued(me)
    other = Through(svc, relay, str(tmp_path / "other"))
    os.makedirs(other.home)
    theirs = issued(other)
    # Their certificates, as their own install fetches them (only their key gets them).
    got = {}

    def keep(method, path, status, body):
        if path == f"/api/v1/applications/{theirs}/certificates" and status == 200:
            got.update(json.loads(body))
        return status, body
    relay.tamper = keep
    p = install(other, theirs)
    assert p.returncode == 0 and got, p.stderr
    certs = got

    def tamper(method, path, status, body):
        if path == f"/api/v1/applications/{number}/certificates" and status == 200:
            c = json.loads(body)
            c["auth"], c["sign"] = certs["auth"], certs["sign"]
            body = json.dumps(c).encode()
        return status, body
    relay.tamper = tamper
    refused_then_honest(me, relay, number, ["another key"])


def test_an_answer_too_large_to_be_real(svc, relay, tmp_path):
    relay.tamper = lambda method, path, status, body: (
        (200, b'{"request_number": "' + b"0" * (5 * 1024 * 1024) + b'"}')
        if "/applications/" in path else (status, body))
    me = Through(svc, relay, str(tmp_path))
    p = me.run("status", "0000-0000-0000-0000-0000-0000-0000")
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "too large to be real" in p.stderr, p.stderr
