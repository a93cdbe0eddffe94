"""The test-only ncaenroll with crash points armed (src/common/fault.h): make check builds
it as tests/tools/ncaenroll-faults (tests/Makemodule.am), from the same sources as
ncaenroll, so the resume tests run in every build while the installed program has no
crash points. NCAENROLL_FAULT=POINT in its environment kills it with SIGKILL there."""
import os

from conftest import BUILDDIR

FAULTS = os.path.join("tests", "tools", "ncaenroll-faults")


def faults_program():
    """Its path; a missing one is a failure, not a skip: these tests must run."""
    path = os.path.join(os.path.abspath(BUILDDIR), FAULTS)
    assert os.access(path, os.X_OK), \
        f"{path} is not built: make -C {BUILDDIR} {FAULTS} (make check builds it)"
    return path
