"""The service's files of personal data are its own (doc/ncaenrolld.8, FILES): the
SQLite database and its -wal and -shm files (names, IINs, e-mail addresses) are 0600, as
is everything else the service makes in its state folder but what it publishes (CA
certificates, CRLs) and the two port notes; the service runs with umask 077, so a file
made by a library (SQLite, the mail sink) does not fall back to 0644. The real ncaenrolld
--demo on loopback, an application submitted so the store holds a person, its files
stat'ed while it runs."""
import os
import stat

import pytest

from csrs import csr, rsa_key, submit
from service import Service

# Public by design: served to anyone by the service's own listeners, or notes of a port.
PUBLIC = {"ca-chain.pem", "ca.pem", "root.pem", "root.crl", "ocsp.pem", "tls.pem",
          "operators-ca.pem", "http-port", "mail-sink"}


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("file-modes")
    s = Service(tmp / "state")
    try:
        auth = csr(rsa_key(tmp / "auth.key"), "/CN=auth")
        sign = csr(rsa_key(tmp / "sign.key"), "/CN=sign")
        st, ans = submit(s, auth, sign)
        assert st == 201, ans
        yield s
    finally:
        s.stop()


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.parametrize("name", ["ncaenrolld.db", "ncaenrolld.db-wal", "ncaenrolld.db-shm"])
def test_store_files_are_0600(svc, name):
    path = os.path.join(svc.state, name)
    assert os.path.isfile(path), sorted(os.listdir(svc.state))
    assert mode(path) == 0o600, (name, oct(mode(path)))


def test_nothing_else_private_is_open_to_others(svc):
    seen, loose = 0, []
    for top, dirs, files in os.walk(svc.state):
        for d in dirs:
            if mode(os.path.join(top, d)) & 0o077:
                loose.append((os.path.relpath(os.path.join(top, d), svc.state),
                              oct(mode(os.path.join(top, d)))))
        for f in files:
            rel = os.path.relpath(os.path.join(top, f), svc.state)
            seen += 1
            if rel not in PUBLIC and mode(os.path.join(top, f)) & 0o077:
                loose.append((rel, oct(mode(os.path.join(top, f)))))
    assert seen > 10 and not loose, loose


@pytest.mark.parametrize("name", sorted(PUBLIC - {"mail-sink"}))
def test_what_is_published_stays_readable(svc, name):
    """umask 077 does not narrow what is meant for others (an explicit 0644)."""
    assert mode(os.path.join(svc.state, name)) == 0o644, name


def test_the_published_crl_is_still_served(svc):
    st, (der, ctype) = svc.request("GET", "/api/v1/crl")
    assert st == 200 and ctype == "application/pkix-crl" and der[:1] == b"\x30", (st, ctype)


def test_a_store_others_could_read_is_made_private(tmp_path):
    """A store made before the service ran with umask 077 (0644) is made 0600 at the
    next start, and the log says so."""
    state = tmp_path / "state"
    Service(state).stop()
    db = state / "ncaenrolld.db"
    db.chmod(0o644)
    s = Service(state)
    try:
        assert mode(db) == 0o600
    finally:
        s.stop()
    assert f"{db}: others could read it (mode 0644): made 0600" in s.stderr, s.stderr
