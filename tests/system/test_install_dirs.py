"""Where the installed programs look for their settings and keep their state is configure's
choice (GNU: --sysconfdir, --localstatedir; ./configure alone gives /usr/local/etc and
/usr/local/var), not a path written into the code: ncaenroll, ncaenroll-ra and ncaenrolld
read SYSCONFDIR/ncaenroll/, the service keeps its database in LOCALSTATEDIR/lib/ncaenroll,
and the pages, the example configuration and the systemd unit installed with them name
the same folders. Checked against this build's own directories, read from its Makefile,
so the tests hold for any configure options (a build with --sysconfdir=/etc too)."""
import glob
import os
import re
import subprocess

import pytest

from conftest import BUILDDIR
from service import SANITIZER_MARKS, program, program_env

# The paths a system install (--prefix=/usr --sysconfdir=/etc --localstatedir=/var) uses,
# as the source pages and the code once spelt them.
SYSTEM = {
    "pkgsysconfdir": "/etc/ncaenroll",
    "pkgstatedir": "/var/lib/ncaenroll",
    "pkgdatadir": "/usr/share/ncaenroll",
    "pkglibexecdir": "/usr/libexec/ncaenroll",
    "docdir": "/usr/share/doc/ncaenroll",
}


def makefile_dirs():
    """This build's installation directories, expanded as make would."""
    values = {}
    with open(os.path.join(BUILDDIR, "Makefile"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"([A-Za-z_]+) = (.*)$", line.rstrip("\n"))
            if m:
                values.setdefault(m.group(1), m.group(2).strip())

    def expand(text, depth=0):
        assert depth < 20, text
        return re.sub(r"\$[({]([A-Za-z_]+)[)}]",
                      lambda m: expand(values.get(m.group(1), ""), depth + 1), text)

    pkg = values["PACKAGE"]
    return {
        "pkgsysconfdir": os.path.join(expand(values["sysconfdir"]), pkg),
        "pkgstatedir": os.path.join(expand(values["localstatedir"]), "lib", pkg),
        "pkgdatadir": os.path.join(expand(values["datadir"]), pkg),
        "pkglibexecdir": os.path.join(expand(values["libexecdir"]), pkg),
        "docdir": expand(values["docdir"]),
    }


DIRS = makefile_dirs()


def elsewhere(key):
    """A pattern for the system install's path of KEY where this build uses another one
    (not as the tail of a longer path: /usr/local/etc/ncaenroll is not /etc/ncaenroll)."""
    if DIRS[key] == SYSTEM[key]:
        return None
    return re.compile(r"(?<![\w/.-])" + re.escape(SYSTEM[key]) + r"(?![\w.-])")


def run(prog, *args):
    p = subprocess.run([*program(prog), *args], capture_output=True, text=True,
                       env=program_env(), stdin=subprocess.DEVNULL, timeout=60)
    for mark in SANITIZER_MARKS:
        assert mark not in p.stdout + p.stderr
    return p


URLS = """ca:
  crl_url: http://crl.example.kz/ca.crl
  delta_crl_url: http://crl.example.kz/ca_d.crl
  ocsp_url: http://ocsp.example.kz
  ca_issuers_url: http://pki.example.kz/ca.cer
  cps_url: https://pki.example.kz/cps
"""


def test_service_reads_the_configured_file():
    if os.path.exists(os.path.join(DIRS["pkgsysconfdir"], "ncaenrolld.yaml")):
        pytest.skip("this machine has a configuration file there")
    p = run("ncaenrolld")
    assert p.returncode == 2
    assert f"cannot read {DIRS['pkgsysconfdir']}/ncaenrolld.yaml" in p.stderr, p.stderr


def test_service_keys_default_to_the_configured_folder(tmp_path):
    """Keys the configuration does not name are looked for in SYSCONFDIR/ncaenroll."""
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text(URLS)
    p = run("ncaenrolld", "--config", str(conf))
    assert p.returncode != 0
    assert re.search(re.escape(DIRS["pkgsysconfdir"]) + r"/(ca|tls)\.pem", p.stderr), p.stderr


def test_service_store_defaults_to_the_configured_state_folder(tmp_path):
    if os.path.exists(DIRS["pkgstatedir"]):
        pytest.skip("the state folder exists here: the check would make a database in it")
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text(URLS)
    p = run("ncaenrolld", "--config", str(conf), "audit", "verify")
    assert p.returncode != 0
    assert f"{DIRS['pkgstatedir']}/ncaenrolld.db" in p.stderr, p.stderr


@pytest.mark.parametrize("prog,file", [("ncaenrolld", "ncaenrolld.yaml"),
                                       ("ncaenroll-ra", "ncaenroll-ra.yaml")])
def test_help_names_the_configured_file(prog, file):
    p = run(prog, "--help")
    assert p.returncode == 0
    assert f"{DIRS['pkgsysconfdir']}/{file}" in p.stdout, p.stdout


def test_no_program_or_catalog_holds_a_system_path():
    """Every use, the applicant's settings file (read before any message) included: no
    program and no message catalog spells /etc/ncaenroll or /var/lib/ncaenroll when this
    build's folders are others."""
    patterns = [p for p in (elsewhere("pkgsysconfdir"), elsewhere("pkgstatedir")) if p]
    if not patterns:
        pytest.skip("this build uses the system install's folders")
    files = [os.path.join(BUILDDIR, p) for p in
             ("ncaenroll", "ncaenroll-ra", "ncaenrolld", "ncaenroll-pdf")]
    files += glob.glob(os.path.join(BUILDDIR, "locale", "*", "LC_MESSAGES", "*.mo"))
    found = []
    for path in files:
        with open(path, "rb") as f:
            text = f.read().decode("latin-1")
        found += [f"{os.path.relpath(path, BUILDDIR)}: {m.group(0)}"
                  for pat in patterns for m in pat.finditer(text)]
    assert not found
    with open(os.path.join(BUILDDIR, "ncaenroll"), "rb") as f:
        assert f"{DIRS['pkgsysconfdir']}/ncaenroll.yaml".encode() in f.read()


# The pages as installed (built from doc/ with this build's folders): each names where
# this build's programs look, and no system install's path this build does not use.
PAGES = {
    "ncaenroll.1": ["{pkgsysconfdir}/ncaenroll.yaml", "{pkglibexecdir}/ncaenroll\\-pdf"],
    "ncaenroll-ra.1": ["{pkgsysconfdir}/ncaenroll\\-ra.yaml"],
    "ncaenrolld.8": ["{pkgsysconfdir}/ncaenrolld.yaml", "{pkgsysconfdir}/operators\\-ca.pem",
                     "{pkgstatedir}/", "{pkgdatadir}/demo", "{docdir}/api.md"],
    "ncaenrolld.yaml.5": ["{pkgsysconfdir}/ncaenrolld.yaml", "{pkgsysconfdir}/tls.pem",
                          "sqlite:{pkgstatedir}/ncaenrolld.db",
                          "{docdir}/examples/ncaenrolld.yaml.example"],
}


def no_system_paths(text):
    return [m.group(0) for key in SYSTEM if elsewhere(key)
            for m in elsewhere(key).finditer(text)]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_installed_page_names_this_builds_folders(page):
    path = os.path.join(BUILDDIR, "man", page)
    assert os.path.exists(path), "make builds the pages to install into man/"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for want in PAGES[page]:
        assert want.format(**DIRS) in text, want.format(**DIRS)
    assert not no_system_paths(text)


def test_installed_example_and_unit_name_this_builds_folders():
    with open(os.path.join(BUILDDIR, "data", "ncaenrolld.yaml.example"), encoding="utf-8") as f:
        example = f.read()
    assert f"store: sqlite:{DIRS['pkgstatedir']}/ncaenrolld.db" in example
    assert f"cert: {DIRS['pkgsysconfdir']}/tls.pem" in example
    assert not no_system_paths(example)
    with open(os.path.join(BUILDDIR, "data", "ncaenrolld.service"), encoding="utf-8") as f:
        unit = f.read()
    assert f"--config {DIRS['pkgsysconfdir']}/ncaenrolld.yaml" in unit
    assert not no_system_paths(unit)


def test_sysusers_file_installed_where_systemd_reads_it(tmp_path):
    """The service's user comes from sysusers.d (no adduser by hand): installed as
    PREFIX/lib/sysusers.d/ncaenrolld.conf beside the unit, naming the user the unit runs
    as, with this build's state folder as its home; and the unit is Type=notify."""
    p = subprocess.run(["make", "-s", "-C", BUILDDIR, f"DESTDIR={tmp_path}",
                        "install-sysusersDATA", "install-systemdunitDATA"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    with open(os.path.join(BUILDDIR, "Makefile"), encoding="utf-8") as f:
        prefix = re.search(r"^prefix = (.*)$", f.read(), re.M).group(1).strip()
    sysusers = tmp_path / prefix.lstrip("/") / "lib" / "sysusers.d" / "ncaenrolld.conf"
    unit = tmp_path / prefix.lstrip("/") / "lib" / "systemd" / "system" / "ncaenrolld.service"
    lines = [ln.split() for ln in sysusers.read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 1 and lines[0][:3] == ["u", "ncaenroll", "-"], lines
    assert lines[0][-1] == DIRS["pkgstatedir"]
    text = unit.read_text()
    assert "User=ncaenroll\n" in text and "Group=ncaenroll\n" in text
    assert "Type=notify\n" in text and "ExecReload=/bin/kill -HUP $MAINPID\n" in text
    assert "adduser" not in text
    assert not no_system_paths(sysusers.read_text())
