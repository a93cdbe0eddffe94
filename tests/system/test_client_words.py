"""When the service cannot be reached or trusted, the person reads why in their own
language (issue #10): not libcurl's English ("Failed to connect to 127.0.0.1 port 1
after 0 ms: Couldn't connect to server") and not OpenSSL's. The applicant's and the desk's
command lines run against a closed port, a name that does not resolve, a service whose CA
is not the one trusted, and the real service reached under a name its certificate does not
carry (through a relay on another loopback address); each sentence is read in kk and ru by
tests/tui/words.py (only the address and the file named may be Latin) and in English for
what it says."""
import os
import socket
import subprocess
import sys
import threading

import pytest

from conftest import BUILDDIR
from fixtures import service_fixture  # noqa: E402
from service import program_env
from test_ra_cli import Desk

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from words import odd_words  # noqa: E402

NUMBER = "1234-5678-9012-3456-7890-1234-5678"


svc = service_fixture("client-words", operator=True)


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory):
    """A CA that signed nothing the service shows."""
    d = tmp_path_factory.mktemp("other-ca")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(d / "ca.key"), "-out", str(d / "ca.pem"), "-days", "30", "-subj",
                    "/CN=Some other CA"], check=True, capture_output=True)
    return str(d / "ca.pem")


def applicant(lang, url, ca, tmp_path):
    env = program_env()
    env.update(HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "xdg"),
               XDG_CONFIG_HOME=str(tmp_path / "cfg"), LANGUAGE=lang)
    cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
           "--service", url, "--ca-file", ca, "--state", str(tmp_path / "state.yaml"),
           "status", NUMBER]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def desk(svc, lang, url, ca, tmp_path):
    d = Desk(svc, tmp_path)
    cmd = d.cmd(service=False) + ["--service", url, "--ca-file", ca]
    r, w = os.pipe()
    os.write(w, b"demo-operator-2026\n")
    os.close(w)
    env = d.env()
    env["LANGUAGE"] = lang
    p = subprocess.run(cmd + ["--operator", d.p12, "--password-fd", str(r), "queue"],
                       capture_output=True, text=True, env=env, timeout=120, pass_fds=(r,),
                       stdin=subprocess.DEVNULL)
    os.close(r)
    return p


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Relay:
    """Passes 127.0.0.2:PORT through to the service: the same service, under an address
    its certificate does not name."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.2", 0))
        self.sock.listen(8)
        self.port, self.target = self.sock.getsockname()[1], port
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                a, _ = self.sock.accept()
            except OSError:
                return
            b = socket.create_connection(("127.0.0.1", self.target))
            for x, y in ((a, b), (b, a)):
                threading.Thread(target=self._pipe, args=(x, y), daemon=True).start()

    @staticmethod
    def _pipe(x, y):
        try:
            while True:
                data = x.recv(65536)
                if not data:
                    break
                y.sendall(data)
        except OSError:
            pass
        finally:
            for s in (x, y):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def relay(svc):
    r = Relay(svc.port)
    yield r
    r.close()


# (case, the URL and CA file, words the English sentence must hold)
def cases(svc, other_ca, relay):
    return {
        "closed port": (f"https://127.0.0.1:{closed_port()}", svc.cafile,
                        "no connection could be made"),
        "unknown name": ("https://nca-enroll.invalid", svc.cafile, "name is not known"),
        "another CA": (svc.base, other_ca, "not the one we trust"),
        "another name": (f"https://127.0.0.2:{relay.port}", svc.cafile, "another name"),
    }


CASES = ["closed port", "unknown name", "another CA", "another name"]


def check(p, lang, url, ca, english, where):
    assert p.returncode == 3, (where, p.stdout, p.stderr)
    said = p.stderr.strip()
    assert url in said, f"{where}: the address is not named: {said}"
    if lang == "en":
        assert english in said, f"{where}: {said}"
        return
    odd = odd_words(said.split(": ", 1)[1], data=[url, ca])
    assert not odd, f"{where} ({lang}): {odd} in: {said}"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_applicant_is_told_why_in_words_of_the_language(svc, other_ca, relay, tmp_path,
                                                            lang, case):
    url, ca, english = cases(svc, other_ca, relay)[case]
    check(applicant(lang, url, ca, tmp_path), lang, url, ca, english, f"ncaenroll, {case}")


@pytest.mark.parametrize("case", ["closed port", "another CA"])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_desk_is_told_why_in_words_of_the_language(svc, other_ca, relay, tmp_path, lang,
                                                       case):
    url, ca, english = cases(svc, other_ca, relay)[case]
    check(desk(svc, lang, url, ca, tmp_path), lang, url, ca, english, f"ncaenroll-ra, {case}")
