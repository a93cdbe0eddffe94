"""A token still on its factory PIN (issue #15, point 10; nca-facts.md §4: Kaztoken
12345678; eToken PRO, JaCarta, AKey 1234567890). The PIN typed is the factory one: the
person is told before any key is made, offered to change it there and then (C_SetPIN, the
new PIN typed twice on a terminal, from --new-pin-fd in a script), and no key is made on
the token until it is changed, unless the settings allow it (token_factory_pin: allow),
when the person is still told. SoftHSM2 is the token, initialised with the factory PINs;
the real ncaenroll (its command line, and its full-screen program in tmux) against the
real ncaenrolld on loopback. Whether the token's PIN really changed is asked of the token
itself, through pkcs11-tool."""
import json
import os
import re
import subprocess

import pytest

from conftest import BUILDDIR
from service import program_env
from softhsm import SoftHSM
from test_apply_cli import DEMO
# The service approving by itself and a person at a terminal (fixtures), and the way
# there: the command line and the full-screen program share the one service.
from test_tui_path import person, svc  # noqa: F401

KAZTOKEN_PIN = "12345678"
ETOKEN_PIN = "1234567890"
NEW_PIN = "Ak7-w91q"
FACTORY_EXIT = 6


def private_keys(tok, pin):
    """The private keys on the token, seen by logging in with pin (pkcs11-tool)."""
    p = subprocess.run(["pkcs11-tool", "--module", tok.module, "--token-label", tok.label,
                        "--login", "--pin", pin, "--list-objects", "--type", "privkey"],
                       capture_output=True, text=True, env={**os.environ, **tok.env()},
                       stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 0, f"cannot log in with {pin!r}: {p.stdout}{p.stderr}"
    return re.findall(r"label:\s*(ncaenroll-\S+)", p.stdout)


def pin_opens(tok, pin):
    """Whether the token's user PIN is pin: a login with it is accepted."""
    p = subprocess.run(["pkcs11-tool", "--module", tok.module, "--token-label", tok.label,
                        "--login", "--pin", pin, "--list-objects"],
                       capture_output=True, text=True, env={**os.environ, **tok.env()},
                       stdin=subprocess.DEVNULL, timeout=60)
    return p.returncode == 0


class Desk:
    """The computer the applicant makes keys at, with a token connected and maybe a
    settings file."""

    def __init__(self, svc, home, tok, setting=None):
        self.svc, self.home, self.tok = svc, str(home), tok
        self.state = os.path.join(self.home, "state.yaml")
        os.makedirs(os.path.join(self.home, "cfg", "ncaenroll"), exist_ok=True)
        if setting is not None:
            with open(os.path.join(self.home, "cfg", "ncaenroll", "config.yaml"), "w",
                      encoding="utf-8") as f:
                f.write(f"token_factory_pin: {setting}\n")

    def run(self, *args, secrets=None, lang="en"):
        """ncaenroll ARGS; each secret goes in on a pipe of its own, its descriptor put
        where its name ("PINFD", "NEWFD") stands in args."""
        env = program_env()
        env.update(HOME=self.home, XDG_STATE_HOME=os.path.join(self.home, "xdg"),
                   XDG_CONFIG_HOME=os.path.join(self.home, "cfg"), LANGUAGE=lang)
        env.update(self.tok.env())
        cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
               "--service", self.svc.base, "--ca-file", self.svc.cafile, "--state", self.state]
        args, fds = list(args), []
        for name, value in (secrets or {}).items():
            r, w = os.pipe()
            os.write(w, value.encode() + b"\n")
            os.close(w)
            args = [a if a != name else str(r) for a in args]
            fds.append(r)
        try:
            p = subprocess.run(cmd + args, capture_output=True, text=True, env=env,
                               stdin=subprocess.DEVNULL, pass_fds=fds, timeout=180)
        finally:
            for fd in fds:
                os.close(fd)
        p.argv, p.env = cmd + args, env
        return p

    def apply(self, storage, pin, new_pin=None, lang="en"):
        values = dict(DEMO, captcha_answer=self.svc.captcha_code, storage=storage)
        args = ["apply", "--json", "--pin-fd", "PINFD"]
        secrets = {"PINFD": pin}
        if new_pin is not None:
            args += ["--new-pin-fd", "NEWFD"]
            secrets["NEWFD"] = new_pin
        for k, v in values.items():
            args += ["--" + k.replace("_", "-"), v]
        return self.run(*args, secrets=secrets, lang=lang)

    def spawn_apply(self, pexpect, storage):
        """apply on a terminal (a pty), every value given but the PIN."""
        env = program_env()
        env.update(HOME=self.home, XDG_STATE_HOME=os.path.join(self.home, "xdg"),
                   XDG_CONFIG_HOME=os.path.join(self.home, "cfg"), LANGUAGE="en",
                   TERM="xterm")
        env.update(self.tok.env())
        args = [os.path.join(BUILDDIR, "ncaenroll"), "--service", self.svc.base,
                "--ca-file", self.svc.cafile, "--state", self.state, "apply", "--storage",
                storage, "--captcha-answer", self.svc.captcha_code,
                "--email", "buhgalter@mail.kz"]
        for k, v in DEMO.items():
            args += ["--" + k.replace("_", "-"), v]
        return pexpect.spawn(os.path.join(BUILDDIR, "uninstalled-env"), args, env=env,
                             encoding="utf-8", timeout=90, dimensions=(24, 80))

    def state_text(self):
        with open(self.state, encoding="utf-8") as f:
            return f.read()


# ---- the command line, scripted ----

@pytest.mark.parametrize("storage,pin,kind", [("kaztoken", KAZTOKEN_PIN, "Kaztoken"),
                                              ("etoken72k", ETOKEN_PIN, "eToken PRO 72K")])
def test_apply_refuses_a_factory_pin(svc, tmp_path, storage, pin, kind):
    tok = SoftHSM(tmp_path / "token", label="Factory token", pin=pin)
    desk = Desk(svc, tmp_path / "home", tok)
    p = desk.apply(storage, pin)
    assert p.returncode == FACTORY_EXIT, (p.returncode, p.stdout, p.stderr)
    err = json.loads(p.stdout)["error"]
    assert err["code"] == "pin.factory" and err["field"] == "pin", err
    assert "factory PIN" in err["message"] and kind in err["message"], err
    assert "--new-pin-fd" in err["message"], err
    assert pin not in err["message"]
    # Before any key: nothing on the token, the draft kept to go on with.
    assert private_keys(tok, pin) == []
    assert [a["state"] for a in json.loads(desk.run("--json", "list").stdout)] == ["draft"]
    # The same in words for a person reading Russian, without --json.
    p = desk.run("apply", "--resume", err["id"],
                 "--pin-fd", "PINFD", "--captcha-answer", svc.captcha_code,
                 secrets={"PINFD": pin}, lang="ru")
    assert p.returncode == FACTORY_EXIT, p.stderr
    assert "заводской PIN-код" in p.stderr, p.stderr
    assert private_keys(tok, pin) == []


def test_a_factory_pin_of_another_kind_is_caught_too(svc, tmp_path):
    """"eToken" chosen, but the PIN is Kaztoken's factory one: every factory PIN known is
    checked, since nothing proves the token connected is of the make chosen."""
    tok = SoftHSM(tmp_path / "token", label="Which token", pin=KAZTOKEN_PIN)
    desk = Desk(svc, tmp_path / "home", tok)
    p = desk.apply("etoken72k", KAZTOKEN_PIN)
    assert p.returncode == FACTORY_EXIT, p.stderr
    assert "Kaztoken" in json.loads(p.stdout)["error"]["message"]
    assert private_keys(tok, KAZTOKEN_PIN) == []


def test_apply_changes_the_pin_from_a_descriptor(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken new", pin=KAZTOKEN_PIN)
    desk = Desk(svc, tmp_path / "home", tok)
    p = desk.apply("kaztoken", KAZTOKEN_PIN, new_pin=NEW_PIN)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "factory PIN" in p.stderr and "changed" in p.stderr, p.stderr
    # The token's user PIN is the new one, the factory one no longer opens it, and the
    # keys are there under the new one.
    assert pin_opens(tok, NEW_PIN) and not pin_opens(tok, KAZTOKEN_PIN)
    assert len(private_keys(tok, NEW_PIN)) == 2
    # The new PIN was written nowhere and passed through no argv or environment.
    assert NEW_PIN not in desk.state_text() and KAZTOKEN_PIN not in desk.state_text()
    assert NEW_PIN not in " ".join(p.argv) and NEW_PIN not in "".join(p.env.values())
    assert NEW_PIN not in p.stdout + p.stderr


@pytest.mark.parametrize("new_pin,why", [("12ab", "characters"),
                                         (ETOKEN_PIN, "factory PIN"),
                                         (KAZTOKEN_PIN, "factory PIN")])
def test_a_new_pin_against_the_policy_is_refused(svc, tmp_path, new_pin, why):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken bad", pin=KAZTOKEN_PIN)
    desk = Desk(svc, tmp_path / "home", tok)
    p = desk.apply("kaztoken", KAZTOKEN_PIN, new_pin=new_pin)
    assert p.returncode == 1, (p.stdout, p.stderr)
    err = json.loads(p.stdout)["error"]
    assert err["code"] == "pin.policy" and err["field"] == "new_pin", err
    assert why in err["message"], err
    # Nothing changed, nothing made.
    assert pin_opens(tok, KAZTOKEN_PIN)
    assert private_keys(tok, KAZTOKEN_PIN) == []


def test_allowed_by_the_settings_the_person_is_still_told(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken allowed", pin=KAZTOKEN_PIN)
    desk = Desk(svc, tmp_path / "home", tok, setting="allow")
    p = desk.apply("kaztoken", KAZTOKEN_PIN)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "factory PIN" in p.stderr and "Kaztoken" in p.stderr, p.stderr
    assert len(private_keys(tok, KAZTOKEN_PIN)) == 2


def test_refuse_is_the_setting_spelled_out_and_a_wrong_value_is_said(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken set", pin=KAZTOKEN_PIN)
    desk = Desk(svc, tmp_path / "home", tok, setting="refuse")
    assert desk.apply("kaztoken", KAZTOKEN_PIN).returncode == FACTORY_EXIT
    desk = Desk(svc, tmp_path / "home2", tok, setting="sometimes")
    p = desk.run("--json", "list")
    assert p.returncode == 2, p.stderr
    err = json.loads(p.stdout)["error"]
    assert err["code"] == "settings" and "token_factory_pin" in err["message"], err


def test_a_pin_that_is_not_the_factory_one_goes_on(svc, tmp_path):
    tok = SoftHSM(tmp_path / "token", label="Kaztoken own", pin="59018244")
    desk = Desk(svc, tmp_path / "home", tok)
    p = desk.apply("kaztoken", "59018244")
    assert p.returncode == 0, p.stderr
    assert "factory" not in p.stderr
    assert len(private_keys(tok, "59018244")) == 2


def test_apply_on_a_terminal_offers_the_change(svc, tmp_path):
    """On a terminal: the PIN typed without echo, the factory one said, "y" to the offer,
    the new PIN typed twice (a mistyped second time asked again), then the keys."""
    pexpect = pytest.importorskip("pexpect")
    tok = SoftHSM(tmp_path / "token", label="Kaztoken tty", pin=KAZTOKEN_PIN)
    desk = Desk(svc, tmp_path / "home", tok)
    t = desk.spawn_apply(pexpect, "kaztoken")
    t.expect("PIN of token Kaztoken tty: ")
    t.sendline(KAZTOKEN_PIN)
    t.expect(r"factory PIN of Kaztoken tokens")
    t.expect(r"\[y/N\]")
    assert private_keys(tok, KAZTOKEN_PIN) == [], "said before any key is made"
    t.sendline("y")
    t.expect("6 to 32 characters")
    t.expect("New PIN: ")
    t.sendline(NEW_PIN)
    t.expect("Repeat the new PIN: ")
    t.sendline("Ak7-w91x")
    t.expect("differ")
    t.expect("New PIN: ")
    t.sendline(NEW_PIN)
    t.expect("Repeat the new PIN: ")
    t.sendline(NEW_PIN)
    t.expect("PIN is changed")
    t.expect(pexpect.EOF)
    t.close()
    assert t.exitstatus == 0, t.before
    assert NEW_PIN not in t.before and KAZTOKEN_PIN not in t.before
    assert pin_opens(tok, NEW_PIN) and not pin_opens(tok, KAZTOKEN_PIN)
    assert len(private_keys(tok, NEW_PIN)) == 2


def test_apply_on_a_terminal_declined(svc, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    tok = SoftHSM(tmp_path / "token", label="Kaztoken tty no", pin=KAZTOKEN_PIN)
    desk = Desk(svc, tmp_path / "home", tok)
    t = desk.spawn_apply(pexpect, "kaztoken")
    t.expect("PIN of token Kaztoken tty no: ")
    t.sendline(KAZTOKEN_PIN)
    t.expect(r"\[y/N\]")
    t.sendline("n")
    t.expect(pexpect.EOF)
    t.close()
    assert t.exitstatus == FACTORY_EXIT, t.before
    assert "no keys are made" in t.before, t.before
    assert private_keys(tok, KAZTOKEN_PIN) == []


# ---- the full-screen program ----

TUI_WORDS = {
    "kk": {"pin": "Токен PIN-коды", "title": "Зауыттық PIN-код", "new": "Жаңа PIN-код", "again": "қайталаңыз",
           "changed": "PIN-код өзгертілді", "allowed": "рұқсат", "refused": "Кілттер жасалмады"},
    "ru": {"pin": "PIN-код токена", "title": "Заводской PIN-код", "new": "Новый PIN-код", "again": "Повторите",
           "changed": "PIN-код изменён", "allowed": "разрешают", "refused": "Ключи не созданы"},
}


def tui_to_apply(t, tok, words):
    from test_tui_path import choose, fill_to_region, on_screen
    fill_to_region(t)
    choose(t, "region", "karaganda", "city")
    choose(t, "city", "karaganda", "gucode")
    choose(t, "gucode", None, "storage")
    t.keys("Down", "Down", "Down")          # pc, eToken, JaCarta, Kaztoken
    t.keys("Enter")
    scr = on_screen(t, "token")
    assert tok.label in scr, scr
    t.keys("Enter")
    on_screen(t, "apply")
    t.press(t.forms.button("apply", "apply"))
    t.wait_for(words["pin"])
    t.type(tok.pin)
    t.keys("Enter")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_tui_offers_the_change_and_makes_the_keys_after_it(person, tmp_path, lang):
    from test_tui_path import look, on_screen
    W = TUI_WORDS[lang]
    tok = SoftHSM(tmp_path / "token", label="Kaztoken TUI", pin=KAZTOKEN_PIN)
    t = person(lang, extra_env=tok.env())
    tui_to_apply(t, tok, W)
    scr = t.wait_for(W["title"], timeout=30)
    look(t, "factory PIN warning")
    assert "Kaztoken" in scr and KAZTOKEN_PIN not in scr, scr
    assert private_keys(tok, KAZTOKEN_PIN) == [], "told before any key is made"
    t.keys("Enter")                         # Yes: change it now
    t.wait_for(W["new"])
    look(t, "new PIN")
    t.type(NEW_PIN)
    t.keys("Enter")
    t.wait_for(W["again"])
    t.type("Ak7-w91x")                      # mistyped: asked again
    t.keys("Enter")
    t.wait_for(W["new"])
    t.keys("Enter")                         # the box that said they differ
    t.wait_for(W["new"])
    t.type(NEW_PIN)
    t.keys("Enter")
    t.wait_for(W["again"])
    t.type(NEW_PIN)
    t.keys("Enter")
    scr = t.wait_for(W["changed"], timeout=30)
    assert NEW_PIN not in scr
    t.keys("Enter")
    on_screen(t, "number", timeout=120)
    assert pin_opens(tok, NEW_PIN) and not pin_opens(tok, KAZTOKEN_PIN)
    assert len(private_keys(tok, NEW_PIN)) == 2
    with open(t.state, encoding="utf-8") as f:
        assert NEW_PIN not in f.read()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_tui_declined_makes_no_key(person, tmp_path, lang):
    from test_tui_path import look, on_screen
    W = TUI_WORDS[lang]
    tok = SoftHSM(tmp_path / "token", label="Kaztoken no", pin=KAZTOKEN_PIN)
    t = person(lang, extra_env=tok.env())
    tui_to_apply(t, tok, W)
    t.wait_for(W["title"], timeout=30)
    t.keys("Right", "Enter")                # No
    t.wait_for(W["refused"], timeout=30)
    look(t, "factory PIN refused")
    t.keys("Enter")
    on_screen(t, "apply")
    assert private_keys(tok, KAZTOKEN_PIN) == []
    assert pin_opens(tok, KAZTOKEN_PIN)


def test_tui_allowed_by_the_settings_still_tells(person, tmp_path):
    from test_tui_path import on_screen
    W = TUI_WORDS["ru"]
    cfg = tmp_path / "cfg"
    (cfg / "ncaenroll").mkdir(parents=True)
    (cfg / "ncaenroll" / "config.yaml").write_text("token_factory_pin: allow\n")
    tok = SoftHSM(tmp_path / "token", label="Kaztoken ok", pin=KAZTOKEN_PIN)
    t = person("ru", extra_env={**tok.env(), "XDG_CONFIG_HOME": str(cfg)})
    tui_to_apply(t, tok, W)
    scr = t.wait_for(W["title"], timeout=30)
    assert W["allowed"] in scr, scr
    t.keys("Right", "Enter")                # No: keep the factory PIN
    on_screen(t, "number", timeout=120)
    assert len(private_keys(tok, KAZTOKEN_PIN)) == 2
