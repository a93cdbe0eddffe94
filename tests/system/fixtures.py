"""What many system test files set up alike, written once: the service a file shares, a
person's short home under /tmp, the applicant's full-screen program in tmux, a clock the
service reads, an SMTP sink.

conftest.py offers `home`, `clock` and `sink` as fixtures to every file; a file declares
its service with `svc = service_fixture("NAME", ...)` (each file wants its own service,
started with its own switches) and starts a screen with `tui(svc, home, lang)`.
"""
import os
import re
import shutil
import socket
import sys
import tempfile
import time

import pytest

from conftest import BUILDDIR, SRCDIR
from service import Service

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from harness import Tui  # noqa: E402

FORMS = os.path.join(SRCDIR, "forms")


def service_fixture(name, *, extra=(), operator=False, clock=False, fixture="svc", **kw):
    """A module-scoped fixture (named `fixture`) yielding the real service in demo mode,
    its state in a temporary folder named after `name`, stopped after the file.
    extra: ncaenrolld's further switches ("--auto-approve", "1"). operator: the demo
    operator is enrolled, so the desk can decide (test_ra_cli.ensure_demo_operator).
    clock: the service reads the time from the `clock` fixture's file (--test-clock).
    kw: Service's other arguments (config, fixed_captcha)."""
    @pytest.fixture(scope="module", name=fixture)
    def _service(tmp_path_factory, request):
        args = list(extra)
        if clock:
            args += ["--test-clock", str(request.getfixturevalue("clock"))]
        s = Service(tmp_path_factory.mktemp(name) / "state", extra=args, **kw)
        try:
            if operator:
                from test_ra_cli import ensure_demo_operator  # it imports this file
                ensure_demo_operator(s)
            yield s
        finally:
            s.stop()
    return _service


def short_home():
    """A new /tmp/nca-XXXXXXXX: as a person's home, always as long, so a path on a screen
    wraps alike from run to run (and golden screens hold), and short enough to fit."""
    return tempfile.mkdtemp(prefix="nca-", dir="/tmp")


def remove_home(home):
    shutil.rmtree(home, ignore_errors=True)


def tui(svc, home, lang="en", **kw):
    """The applicant's full-screen program for a person at `home`, in `lang`, not started
    yet (tests/tui/harness.py); t.forms reads the labels of forms/ in that language.
    kw: Tui's other arguments (extra_env, args, ...)."""
    from forms import Forms               # python3-yaml: the file checked it is there
    t = Tui(BUILDDIR, svc, home, lang=lang, **kw)
    t.forms = Forms(FORMS, lang)
    return t


class Sink:
    """An SMTP server on loopback that keeps every message it is given (aiosmtpd: a file
    that uses it says pytest.importorskip("aiosmtpd.controller") first). kw: aiosmtpd's
    own (tls_context for STARTTLS, ssl_context for TLS from the start, authenticator,
    auth_required, ...); refuse: {address: "550 ..."}, the answer to RCPT TO for it.
    sessions: for each message, whether it came over TLS and who had logged in."""

    def __init__(self, refuse=None, **kw):
        from aiosmtpd.controller import Controller
        self.messages = []
        self.sessions = []
        sink = self
        refused = dict(refuse or {})

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if address in refused:
                    return refused[address]
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content or envelope.content))
                # session.ssl: after STARTTLS; the transport's: TLS from the start.
                tls = session.ssl is not None or \
                    server.transport.get_extra_info("ssl_object") is not None
                sink.sessions.append({"tls": tls,
                                      "login": session.auth_data if session.authenticated
                                      else None})
                return "250 OK"

        # The controller checks it is up by connecting, so it needs a real port number.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kw)
        self.controller.start()

    def wait(self, n, timeout=30):
        end = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < end:
            time.sleep(0.1)
        return self.messages

    def stop(self):
        self.controller.stop()


def help_line_fits(line):
    """A line of --help fits 80 columns, but for a file name alone on its line: configure's
    folders can make it longer, and a path cannot be broken."""
    return len(line) <= 80 or re.fullmatch(r"  /\S+", line) is not None
