"""Instances on one store must share STATE/captcha.key (doc/deploy.md). When they do not,
a captcha drawn by one and answered at the other cannot be judged there: the person is
told the service is misconfigured (503 captcha.other_key), never that a right code is
wrong, and the administrator reads why in that instance's log, once a minute at most.
Once the key is copied, answers are judged across instances as on one."""
import os
import shutil

from csrs import BIN
from pgcluster import pg  # noqa: F401
from service import DEMO_CONFIG_DEFAULT, FIXED_CAPTCHA, Service


def _answer(drawer, judge, answer=FIXED_CAPTCHA):
    st, cap = drawer.request("POST", "/api/v1/captcha")
    assert st == 200, cap
    return judge.request("POST", "/api/v1/bin-check", body={
        "bin": BIN, "captcha_id": cap["id"], "captcha_answer": answer})


def test_instances_with_different_captcha_keys_say_so(pg, tmp_path):
    conf = {**DEMO_CONFIG_DEFAULT, "store": pg.database("captchas")}
    a = Service(tmp_path / "a", config=conf)
    b = None
    try:
        b = Service(tmp_path / "b", config=conf)
        for _ in range(3):
            st, ans = _answer(a, b)
            assert st == 503, ans
            assert ans["error"]["code"] == "captcha.other_key", ans
        # the captcha was spent all the same: drawn once, answered once
        st, ans = _answer(a, a)
        assert st == 200, ans
        # one's own wrong answer is still called wrong
        st, ans = _answer(b, b, "WRONG")
        assert (st, ans["error"]["code"]) == (400, "captcha.wrong"), ans
        b.stop()
        said = [ln for ln in b.stderr.splitlines() if "another captcha key" in ln]
        assert len(said) == 1, b.stderr       # three in a minute: one line
        assert "every instance on the store needs the same STATE/captcha.key" in said[0]
        shutil.copyfile(os.path.join(a.state, "captcha.key"),
                        os.path.join(b.state, "captcha.key"))
        b = Service(tmp_path / "b", config=conf)
        st, ans = _answer(a, b)
        assert st == 200 and ans["bin"] == BIN, ans
        st, ans = _answer(b, a, "WRONG")
        assert (st, ans["error"]["code"]) == (400, "captcha.wrong"), ans
    finally:
        if b is not None:
            b.stop()
        a.stop()
