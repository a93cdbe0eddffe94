"""NCA's own container layout from the full-screen installer (issue #13, K2 profile): until
now only `ncaenroll install --legacy` could write it. The password screen has a box for it
whose label says, in one line, when it is needed; ticked, the two containers written are
NCA's layout as OpenSSL reads it from the outside (SHA-1 MAC, 3DES key bag, RC2-40
certificate bag, 1024 iterations, 20-byte salts, as NCA's own reference container);
unticked, the modern one. The real ncaenroll in tmux against the real ncaenrolld."""
import os
import shutil

import pytest

pytest.importorskip("yaml")

from fixtures import service_fixture, tui  # noqa: E402
from test_apply_cli import issued  # noqa: E402
from test_container_salts import NCA_REFERENCE_P12, mac_salt, pbe_salts  # noqa: E402
from test_containers import openssl  # noqa: E402

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

PW = "Qwerty12"

svc = service_fixture("tui-install-legacy", extra=["--auto-approve", "1"])


def flat(scr):
    return " ".join(scr.replace("│", " ").split())


def install_from_the_screen(svc, home, lang, tick):
    """Issued with the command line, installed on the password screen: the containers."""
    me, number = issued(svc, home)
    t = tui(svc, home, lang)
    F = t.forms
    label = F.label("install_password", "legacy").split("\n")
    with t:
        t.wait_for(F.title("main"))
        t.press(F.button("main", "goto", "status"))
        t.wait_for(number)
        t.press(F.button("status", "status_install"))
        scr = t.wait_for(F.title("install_password"))
        # What it is and, in one line of its own, when it is needed.
        assert len(label) == 2
        for line in label:
            assert line in scr, scr
        assert "[ ] " + label[0] in scr, scr
        t.type(PW)
        t.keys("Tab")
        t.type(PW)
        t.keys("Tab")                           # the box
        if tick:
            t.keys("Space")
            t.wait_for("[x] " + label[0])
        t.press(F.button("install_password", "install"))
        t.wait_for(F.title("installed"), timeout=120)
        # The title can be on the terminal before the rest of that screen's update.
        scr = t.wait_for(".p12")
    paths = sorted(os.path.join(me.keys, n) for n in os.listdir(me.keys)
                   if n.endswith(".p12"))
    assert len(paths) == 2, os.listdir(me.keys)
    for p in paths:
        assert os.path.basename(p) in flat(scr), scr
    return paths


def info(der, *args):
    r = openssl("pkcs12", *args, "-info", "-noout", "-passin", f"pass:{PW}", input=der,
                check=False)
    return (r.stdout + r.stderr).decode(errors="replace")


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_ticked_writes_ncas_layout(svc, home, lang):
    for path in install_from_the_screen(svc, home, lang, tick=True):
        with open(path, "rb") as f:
            der = f.read()
        said = info(der, "-legacy")
        for line in ("MAC: sha1, Iteration 1024",
                     "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 1024",
                     "PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 1024"):
            assert line in said, said
        assert pbe_salts(der) == pbe_salts(NCA_REFERENCE_P12), path
        assert mac_salt(der, "-legacy") == mac_salt(NCA_REFERENCE_P12) == 20, path


def test_unticked_writes_the_modern_layout(svc, home):
    for path in install_from_the_screen(svc, home, "ru", tick=False):
        with open(path, "rb") as f:
            said = info(f.read())
        assert "MAC: sha256" in said and "PBES2, PBKDF2, AES-256-CBC" in said, said
