"""/healthz and /readyz (doc/api.md "Operations"): what a supervisor or a load balancer
asks. Alive while the process answers; ready only while the store answers a query (and
the CA is loaded), else 503 with a reason a prober can act on and nothing secret."""
import sqlite3

from service import Service


def test_alive_and_ready(tmp_path):
    svc = Service(tmp_path / "state")
    try:
        st, body = svc.request("GET", "/healthz")
        assert (st, body) == (200, {"status": "alive"})
        st, body = svc.request("GET", "/readyz")
        assert (st, body) == (200, {"status": "ready"})
        # probes are plain GETs: anything else is refused as on every route
        st, body = svc.request("POST", "/readyz", body={})
        assert st == 405
    finally:
        svc.stop()


def test_not_ready_while_the_store_does_not_answer(tmp_path):
    """The table /readyz's query reads goes away under the running service: it stays
    alive, answers 503 with the reason and Retry-After, and nothing of the store's own
    words (its path, SQLite's message), then ready again once the table is back."""
    svc = Service(tmp_path / "state")
    db = str(tmp_path / "state" / "ncaenrolld.db")
    try:
        with sqlite3.connect(db) as c:
            c.execute("ALTER TABLE revocations RENAME TO revocations_away")
        st, body = svc.request("GET", "/readyz")
        assert (st, body) == (503, {"status": "not_ready", "reason": "store",
                                    "message": "the store does not answer"})
        assert svc.last_headers["Retry-After"] == "5"
        assert svc.request("GET", "/healthz")[0] == 200
        with sqlite3.connect(db) as c:
            c.execute("ALTER TABLE revocations_away RENAME TO revocations")
        assert svc.request("GET", "/readyz") == (200, {"status": "ready"})
    finally:
        svc.stop()
    assert "not ready: the store does not answer" in svc.stderr
