"""A background failure that lasts is logged when it starts and when it ends, not once a
second: an administrator reading the log after a weekend must find the cause, not 170,000
copies of it."""
import os
import time

from service import Service


def test_a_lasting_failure_is_logged_once_and_its_end_too(tmp_path):
    svc = Service(tmp_path / "state")
    crl = os.path.join(svc.state, "root.crl")
    with open(crl, "rb") as f:
        kept = f.read()
    try:
        os.unlink(crl)
        time.sleep(4.5)             # four rounds of the jobs, each failing the same way
        with open(crl + ".tmp", "wb") as f:
            f.write(kept)
        os.rename(crl + ".tmp", crl)
        time.sleep(2.5)             # a round that works again
    finally:
        svc.stop()
    failed = [l for l in svc.stderr.splitlines() if "root CRL" in l and "cannot read" in l]
    assert len(failed) == 1, svc.stderr
    assert "working again" in svc.stderr.split(failed[0], 1)[1], svc.stderr
