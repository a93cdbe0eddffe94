"""The OCSP benchmark (tests/bench/ocsp_bench.py) still measures what it says: run short,
it issues, revokes, reads the mix back with openssl ocsp and gives every number, positive,
in a JSON file that parses. It asserts nothing about speed: the ratios are for people
(tests/bench/README.md, "OCSP")."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILDDIR, SRCDIR

pytestmark = pytest.mark.long(1)  # minutes under ASan: conftest.py starts it first

BENCH = os.path.join(SRCDIR, "tests", "bench", "ocsp_bench.py")


def test_every_number(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    if not os.access(os.path.join(BUILDDIR, "ncaenrolld"), os.X_OK):
        pytest.skip(f"ncaenrolld is not built in {BUILDDIR}")
    out = tmp_path / "bench.json"
    env = dict(os.environ, NCA_BUILDDIR=os.path.abspath(BUILDDIR))
    p = subprocess.run([sys.executable, BENCH, "--seconds", "1", "--clients", "2",
                        "--apps", "2", "-q", "--json", str(out)],
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, f"status {p.returncode}\n{p.stdout}\n{p.stderr}"
    data = json.loads(out.read_text())
    for k in ("no_cache", "preproduced", "sign_per_s_no_cache", "sign_per_s_preproduced",
              "sign_per_s_one_process", "ratio_no_cache", "ratio_preproduced"):
        assert data[k] > 0, (k, data)
    assert data["serials"] == {"good": 2, "revoked": 2}, data
    assert data["errors"] == 0, data
    for row in ("OCSP, no caching", "OCSP, pre-produced answers"):
        assert row in p.stdout, p.stdout
