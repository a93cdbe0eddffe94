"""Shared fixtures for the system tests, and a TAP reporter for automake's driver.

The tests run the built programs through the build tree's uninstalled-env wrapper, so they
see the freshly built message catalogs and data. NCA_BUILDDIR / NCA_SRCDIR come from
`make check`; run by hand, point them at a build (see tests/README.md).
"""
import os
import subprocess
import time

import pytest

BUILDDIR = os.environ.get("NCA_BUILDDIR", os.path.join(os.path.dirname(__file__), "../../build"))
SRCDIR = os.environ.get("NCA_SRCDIR", os.path.join(os.path.dirname(__file__), "../.."))


class Run:
    """Runs one of this build's programs and keeps what it said."""

    def __init__(self, builddir):
        self.builddir = os.path.abspath(builddir)

    def __call__(self, prog, *args, input=None, lang="en", env=None, timeout=60):
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
             "LANGUAGE": lang or ""}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "G_SLICE"):
            if k in os.environ:
                e[k] = os.environ[k]
        if env:
            e.update(env)
        cmd = [os.path.join(self.builddir, "uninstalled-env"),
               os.path.join(self.builddir, prog), *args]
        return subprocess.run(cmd, input=input, capture_output=True, text=True,
                              env=e, timeout=timeout)


@pytest.fixture
def run():
    return Run(BUILDDIR)


# Fixtures many files share (fixtures.py says what each is). Imported when used:
# fixtures.py imports this file.

@pytest.fixture
def home():
    """A person's home, /tmp/nca-XXXXXXXX (fixtures.short_home), removed afterwards."""
    from fixtures import remove_home, short_home
    h = short_home()
    yield h
    remove_home(h)


@pytest.fixture(scope="module")
def clock(tmp_path_factory):
    """A file holding the service's "now" (ncaenrolld --test-clock), now at first."""
    from service import set_clock
    path = tmp_path_factory.mktemp("clock") / "clock"
    set_clock(path, time.time())
    return path


@pytest.fixture
def sink():
    """An SMTP sink on loopback (fixtures.Sink), stopped afterwards."""
    from fixtures import Sink
    s = Sink()
    yield s
    s.stop()


class _Tap:
    def __init__(self, fd):
        self.out = os.fdopen(fd, "w", buffering=1)
        self.n = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.n += 1
            name = report.nodeid.replace("#", "")
            if report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
                self.out.write(f"ok {self.n} - {name} # SKIP {reason}\n")
            elif report.passed:
                self.out.write(f"ok {self.n} - {name}\n")
            else:
                self.out.write(f"not ok {self.n} - {name}\n")
        elif report.when == "teardown" and report.failed:
            self.n += 1
            self.out.write(f"not ok {self.n} - {report.nodeid} (teardown)\n")

    def pytest_sessionfinish(self, session, exitstatus):
        if exitstatus not in (0, 1, 5):  # collection or internal error: say so in TAP
            self.n += 1
            self.out.write(f"not ok {self.n} - pytest stopped with status {int(exitstatus)}\n")
        self.out.write(f"1..{self.n}\n" if self.n else "1..0 # SKIP no tests collected\n")


def pytest_configure(config):
    config.addinivalue_line("markers", "long(minutes): a file whose tests take minutes; run first, longest first")
    config.addinivalue_line("markers", "walk: a walk of every screen or message in kk and "
                            "ru, minutes long; NCA_SKIP_WALKS=1 leaves it out")
    fd = os.environ.get("NCA_TAP_FD")  # set by run-pytest; run by hand, no TAP is wanted
    # Under pytest-xdist the workers' reports reach the controller's hooks too: only the
    # controller writes TAP, or every case would be counted twice.
    if fd and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Tap(int(fd)), "nca-tap")


# Files whose tests rely on nothing an earlier test of the file left behind (each starts
# from the file's fresh service or its own). Under xdist their tests are handed out one by
# one instead of the whole file to one worker: test_tui_words.py alone kept one worker
# busy for 9 of the suite's 17 minutes under ASan. A worker that runs one of them starts
# the file's service for itself.
SPREAD = {"test_tui_words.py", "test_ra_tui_words.py", "test_ra_cli_words.py",
          "test_service_errors.py"}


def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile, except that the tests of the SPREAD files go out one at a time."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SpreadLoadFile(LoadFileScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return nodeid if path in SPREAD else path
    return SpreadLoadFile(config, log)


def pytest_collection_modifyitems(config, items):
    """Files marked long go first. xdist hands out files in the order collected, so a
    walk of minutes collected late runs alone at the end while the other workers idle
    (it made the suite five minutes longer); begun first, it overlaps the short ones."""
    def minutes(item):
        mark = item.get_closest_marker("long")
        return mark.args[0] if mark else 0
    items.sort(key=minutes, reverse=True)  # stable: a file's tests keep their order
    # The words on a screen do not depend on the compiler: NCA_SKIP_WALKS=1 leaves the
    # walks to a run that has them (the sanitizer build's, in ./quickstart check).
    if os.environ.get("NCA_SKIP_WALKS") == "1":
        _deselect(config, items, lambda i: i.get_closest_marker("walk") is None)
    if os.environ.get("NCA_TEST_SCOPE") == "tarball":
        _deselect(config, items, lambda i: i.nodeid.split("::", 1)[0] in TARBALL)


def _deselect(config, items, keep):
    gone = [i for i in items if not keep(i)]
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = [i for i in items if keep(i)]


# The files `make distcheck` runs (NCA_TEST_SCOPE=tarball in ./quickstart check): what
# depends on how the package was built, shipped and installed, so that a file the tarball
# lacks, an install path or a catalog built wrong fails there. Every other test runs in
# the sanitizer build, from the same sources, where its memory is checked too: running
# every test in both builds cost ten minutes of CI. (test_dist_complete.py needs the git
# checkout: it runs there, and make dist itself fails naming a file the tarball lacks.)
TARBALL = {
    "test_install_dirs.py",         # programs, pages, settings and unit where configure said
    "test_docs_examples.py",        # the shipped documents' examples, run
    "test_catalogs.py",             # the kk, ru and en catalogs built from the shipped po/
    "test_demo_data.py",            # the demo registries and directories shipped in data/
    "test_form_fields.py",          # the screens' YAML shipped in forms/
    "test_tui_golden_words.py",     # screens drawn from the shipped forms and catalogs
    "test_cli_contract.py",         # every command against its shipped manual page
    "test_source_layers.py",        # the shipped sources keep their layers
    "test_source_openers.py",
    "test_form_pdf.py",             # the PDF helper, its font and layout as built
    "test_relying_party_pkijs.py",  # npm ci into the build tree; PKIjs checks a chain
    "test_lifecycle.py",            # the whole issuance, once, by the -O2 gcc programs
}
