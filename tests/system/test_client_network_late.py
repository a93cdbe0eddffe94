"""ncaenroll draws its first screens without the network library: libcurl, and the 28
libraries Debian's libcurl brings with it (GnuTLS, Kerberos, LDAP...), is opened on the
first request (src/enroll/curlload.c; doc/performance.md, "The applicant's TUI"). On the
main menu no libcurl is mapped in the running program; on the BIN screen, which fetches
its captcha picture from the service, it is, and the picture came. A change that links
libcurl into ncaenroll again fails here. The real ncaenroll in tmux against the real
service."""
import os
import shutil
import subprocess

import pytest

pytest.importorskip("yaml")

from conftest import BUILDDIR  # noqa: E402
from fixtures import remove_home, service_fixture, short_home, tui  # noqa: E402
from service import wait_until  # noqa: E402
from test_tui_path import accept, on_screen, to_agreement  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

svc = service_fixture("network-late")


def mapped(pid, name):
    with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as f:
        return any(name in line for line in f)


def test_not_linked():
    out = subprocess.run(["readelf", "-d", os.path.join(BUILDDIR, "ncaenroll")],
                         capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("readelf is not installed (binutils)")
    needed = [ln for ln in out.stdout.splitlines() if "(NEEDED)" in ln]
    assert needed and not any("libcurl" in ln for ln in needed), needed


def test_loaded_on_the_first_request(svc):
    home = short_home()
    t = tui(svc, home, "en")
    try:
        t.start()
        on_screen(t, "main")
        pid = t.pid()
        assert pid is not None
        assert not mapped(pid, "libcurl"), "libcurl is loaded before any request"
        assert not mapped(pid, "libgnutls"), "GnuTLS is loaded before any request"
        to_agreement(t)
        accept(t)                    # the BIN screen: its captcha comes from the service
        wait_until(lambda: mapped(pid, "libcurl"), 30, every=0.2)
        assert mapped(pid, "libcurl")
        assert any(c in t.screen() for c in "▀▄█"), t.screen()
    finally:
        t.stop()
        remove_home(home)
