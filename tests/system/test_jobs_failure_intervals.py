"""A background failure that lasts (here the root CRL file gone; on a full disk, the
store's writes) is said when it starts, again after 1 minute, then after 2, 4, ... (at most
hourly) with how long it has lasted and how many rounds failed meanwhile, and once when it
ends: an administrator sees that it still fails, without a line a second. The service's
test clock moves the minutes on; the jobs run every second of real time."""
import os
import re
import time

from service import Service, set_clock

ROUND = 1.5     # more than one round of the jobs (one a second)


class Log:
    """The service's stderr as it comes (Service reads it on its own thread)."""

    def __init__(self, svc):
        self.svc = svc
        self.text = ""

    def read(self, wait):
        time.sleep(wait)
        self.text = self.svc.log()

    def until(self, count, wait=60):
        """Reads until the failure has been said count times (a loaded machine's rounds
        come late), or wait seconds have passed."""
        end = time.monotonic() + wait
        self.read(0)
        while len(self.failures()) < count and time.monotonic() < end:
            self.read(0.2)

    def failures(self):
        return [l for l in self.text.splitlines() if "root CRL" in l and "cannot read" in l]


def test_a_lasting_failure_is_said_again_at_widening_intervals(tmp_path):
    clock = tmp_path / "clock"
    t0 = int(time.time())
    set_clock(clock, t0)
    svc = Service(tmp_path / "state", extra=["--test-clock", str(clock)])
    log = Log(svc)
    crl = os.path.join(svc.state, "root.crl")
    with open(crl, "rb") as f:
        kept = f.read()
    try:
        os.unlink(crl)
        log.until(1)
        log.read(2 * ROUND)                   # rounds failing the same way
        assert len(log.failures()) == 1, log.text
        set_clock(clock, t0 + 50)
        log.read(ROUND)
        assert len(log.failures()) == 1, log.text
        set_clock(clock, t0 + 61)      # a minute on: said again
        log.until(2)
        lines = log.failures()
        assert len(lines) == 2, log.text
        m = re.search(r"still failing after 1m0[0-9]s; (\d+) failed rounds since", lines[1])
        assert m and int(m.group(1)) >= 2, lines[1]     # this round and earlier ones
        set_clock(clock, t0 + 61 + 100)    # the next interval is 2 minutes
        log.read(ROUND)
        assert len(log.failures()) == 2, log.text
        set_clock(clock, t0 + 61 + 121)
        log.until(3)
        lines = log.failures()
        assert len(lines) == 3, log.text
        assert re.search(r"still failing after 3m0[0-9]s; \d+ failed rounds since",
                         lines[2]), lines[2]
        set_clock(clock, t0 + 61 + 121 + 200)  # then 4 minutes
        log.read(ROUND)
        assert len(log.failures()) == 3, log.text
        with open(crl + ".tmp", "wb") as f:
            f.write(kept)
        os.rename(crl + ".tmp", crl)
        svc.wait_log("background jobs: working again", 60)
    finally:
        svc.stop()
    text = svc.stderr
    assert len([l for l in text.splitlines() if "root CRL" in l]) == 3, text
    ended = text.split(log.failures()[-1], 1)[1]
    assert re.search(r"background jobs: working again \(after \d+ failed rounds over "
                     r"6m2[0-9]s\)", ended), text
