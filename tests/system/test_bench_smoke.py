"""The TUI benchmark (tests/bench/tui_bench.py) still measures what it says: run with two
start-ups each, it gives every number for ncaenroll and for dialog, positive, and a JSON
file that parses. It asserts nothing about speed: that is for people reading the ratios
(tests/bench/README.md)."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILDDIR, SRCDIR

pytestmark = pytest.mark.long(1)  # minutes under ASan: conftest.py starts it first

BENCH = os.path.join(SRCDIR, "tests", "bench", "tui_bench.py")
PROGRAMS = ("ncaenroll", "dialog")
STEPS = ("first_paint", "next_field", "type_12_digits", "screen_change")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    if shutil.which("dialog") is None:
        pytest.skip("dialog is not installed (Debian package 'dialog'): the benchmark "
                    "measures ncaenroll against it")
    for prog in ("ncaenroll", "ncaenrolld", "uninstalled-env"):
        if not os.access(os.path.join(BUILDDIR, prog), os.X_OK):
            pytest.skip(f"{prog} is not built in {BUILDDIR}")
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    env = dict(os.environ, NCA_BUILDDIR=os.path.abspath(BUILDDIR),
               NCA_SRCDIR=os.path.abspath(SRCDIR))
    p = subprocess.run([sys.executable, BENCH, "-n", "2", "-q", "--json", str(out)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, f"status {p.returncode}\n{p.stdout}\n{p.stderr}"
    with open(out, encoding="utf-8") as f:
        data = json.load(f)
    return p.stdout, data


def test_table_printed(result):
    table, _ = result
    for row in ("start-up to first screen, median ms", "peak RSS (VmHWM)",
                "bytes: first paint", "bytes: next field", "bytes: type 12 digits",
                "bytes: screen change"):
        assert row in table, table


@pytest.mark.parametrize("prog", PROGRAMS)
def test_startup_and_memory(result, prog):
    _, data = result
    p = data["programs"][prog]
    assert len(p["startup_ms"]) == 2
    assert all(t > 0 for t in p["startup_ms"])
    assert p["startup_median_ms"] > 0 and p["startup_p90_ms"] > 0
    assert len(p["vmhwm_kb"]) == 2 and all(x and x > 0 for x in p["vmhwm_kb"])
    assert p["vmhwm_median_kb"] > 0


@pytest.mark.parametrize("prog", PROGRAMS)
def test_bytes_per_step(result, prog):
    _, data = result
    b = data["programs"][prog]["bytes"]
    for step in STEPS:
        assert isinstance(b.get(step), int) and b[step] > 0, (step, b)


def test_screens_reached(result):
    """The screens were found by their titles: ncaenroll's BIN field took the digits, and
    dialog drew its second form."""
    _, data = result
    bin_screen = data["programs"]["ncaenroll"]["screens"]["bin"]
    assert "940140000385" in bin_screen, bin_screen
    assert data["programs"]["dialog"]["screens"]["iin"].strip()


def test_ratios(result):
    _, data = result
    for k in ("startup_median", "startup_p90", "vmhwm", "bytes_first_paint",
              "bytes_next_field", "bytes_type_12_digits", "bytes_screen_change"):
        assert isinstance(data["ratios"][k], (int, float)) and data["ratios"][k] > 0, k
