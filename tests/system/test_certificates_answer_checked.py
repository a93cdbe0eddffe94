"""`ncaenroll install` fetches the certificates (proving the pending AUTH key over the
service's challenge) with the install nonce it must sign to prove it holds the key
(doc/api-lifecycle.md). An answer that lacks any of them is the service
failing: exit status 3, "the program and the service do not match", and nothing is
recorded, so the application stays issued and a later install starts afresh. A scripted
HTTPS stand-in (fakesvc.py) gives the answers the real service never would."""
import json
import os
import subprocess

import pytest

from appstate import SUBMITTED, write_state
from conftest import BUILDDIR
from csrs import rsa_key
from fakesvc import FakeService
from service import program_env

APP = "0123456789abcdef"
NUMBER = SUBMITTED["request_number"]
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
WHOLE = {"auth": {"pem": PEM, "serial": "01", "ski": "00" * 20},
         "sign": {"pem": PEM, "serial": "02", "ski": "11" * 20},
         "chain_pem": PEM, "install_nonce": "6a1f" * 8}


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    with FakeService(tmp_path_factory.mktemp("certs")) as f:
        yield f


def install(fake, home):
    r, w = os.pipe()
    os.write(w, b"Qwerty12\n")
    os.close(w)
    env = program_env()
    env.update(HOME=str(home))
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--lang", "en", "--service", fake.base, "--ca-file", fake.cafile, "--state",
           str(home / "applicant.yaml"), "install", "--password-fd", str(r), NUMBER]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, pass_fds=(r,), timeout=120)
    finally:
        os.close(r)


def without(key):
    answer = json.loads(json.dumps(WHOLE))
    if "." in key:
        outer, inner = key.split(".")
        del answer[outer][inner]
    else:
        del answer[key]
    return answer


def answer(missing):
    """The stand-in: a challenge as the service gives it (install signs it with the
    pending AUTH key before it may fetch), then certificates without `missing`."""
    def _answer(method, path, body):
        if path.endswith("/challenge"):
            return 200, {"nonce": "n" * 43, "expires": "2026-12-06T09:00:00Z"}
        return 200, without(missing)
    return _answer


@pytest.mark.parametrize("missing", ["install_nonce", "chain_pem", "auth.pem", "sign.pem"])
def test_an_answer_without_what_install_needs_records_nothing(fake, tmp_path, missing):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    for k in ("AUTH", "SIGN"):     # pending keys as an older version left them: plain
        rsa_key(keys / f"ncaenroll-{APP}-{k}.key")
    pending = sorted(os.listdir(keys))
    state = tmp_path / "applicant.yaml"
    write_state(state, [{"id": APP, "state": "issued",
                         "fields": dict(SUBMITTED, dir=str(keys), status="issued")}])
    before = state.read_text()
    fake.answer = answer(missing)
    p = install(fake, tmp_path)
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "do not match" in p.stderr, p.stderr
    assert any(path.endswith(f"/applications/{NUMBER}/certificates")
               for _, path, _ in fake.requests), fake.requests
    assert state.read_text() == before, "the application stays as it was: issued"
    assert sorted(os.listdir(keys)) == pending
