"""A person at a terminal: `ncaenroll apply` asks for what is missing, draws the captcha,
asks again at the field that was refused, and `install` asks for the password twice
without echoing it. Driven through a real pseudo-terminal with pexpect."""
import io
import os
import re

import pexpect

from conftest import BUILDDIR
from fixtures import service_fixture
from service import program_env
from test_apply_cli import wait_status, Applicant


svc = service_fixture("tty", extra=["--auto-approve", "1"])


def spawn(svc, home, *args):
    env = program_env()
    env.update(HOME=str(home), TERM="xterm", COLUMNS="80", LINES="24")
    cmd = [os.path.join(BUILDDIR, "ncaenroll"), "--service", svc.base, "--ca-file",
           svc.cafile, "--state", str(home / "state.yaml"), *args]
    return pexpect.spawn(os.path.join(BUILDDIR, "uninstalled-env"), cmd, env=env,
                         encoding="utf-8", timeout=60, dimensions=(24, 80))


def test_apply_and_install_at_a_terminal(svc, tmp_path):
    p = spawn(svc, tmp_path, "apply")
    p.expect("BIN of the organization: ")
    p.sendline("940140000386")              # a typo: refused, asked again
    p.expect("must be 5, not 6")
    p.expect("BIN of the organization: ")
    p.sendline("940140000385")
    p.expect("Code from the picture: ")
    assert re.search("[▀▄█]", p.before), "the captcha picture was not drawn"
    p.sendline(svc.captcha_code.lower())     # case does not matter
    p.expect("Organization: ")
    p.expect("IIN of the applicant: ")
    p.sendline("871008401427")
    p.expect("Applicant: ")
    p.expect(r"E-mail for notices \(optional")
    p.sendline("")
    p.expect("Role")
    assert "ROLE02" in p.before              # the list is shown before the question
    p.sendline("ROLE02")
    p.expect("Region")
    p.sendline("karaganda")
    p.expect("City")
    p.sendline("nowhere")                    # not in the region: asked again
    p.expect("no city 'nowhere'")
    p.expect("City")
    p.sendline("karaganda")
    p.expect("ГУ/СКС code")
    p.sendline("1001")
    p.expect(r"Folder for the keys \(full path\): ")
    p.sendline(str(tmp_path / "keys"))
    p.expect(r"Request number: (\d{4}(-\d{4}){6})")
    number = p.match.group(1)
    p.expect(pexpect.EOF)
    p.close()
    assert p.exitstatus == 0

    wait_status(Applicant(svc, str(tmp_path)), number, "issued")
    p = spawn(svc, tmp_path, "install", number)
    p.logfile_read = io.StringIO()           # everything the terminal shows
    p.expect("can never be recovered")
    p.expect("New password: ")
    p.sendline("Zq9w")                       # breaks the policy: the rule is named
    p.expect("too short")
    p.expect("New password: ")
    p.sendline("Qwerty12")
    p.expect("Repeat it: ")
    p.sendline("Qwerty13")                   # differs: start again
    p.expect("the two passwords differ")
    p.expect("New password: ")
    p.sendline("Qwerty12")
    p.expect("Repeat it: ")
    p.sendline("Qwerty12")
    p.expect("Certificates installed")
    p.expect(pexpect.EOF)
    transcript = p.before
    p.close()
    assert p.exitstatus == 0
    assert "AUTH_RSA256_" in transcript and "RSA256_" in transcript
    # What was typed at the password prompts never came back on the screen.
    screen = p.logfile_read.getvalue()
    assert "New password: " in screen
    assert "Qwerty12" not in screen and "Qwerty13" not in screen and "Zq9w" not in screen


def test_end_of_input_at_a_prompt_keeps_the_draft(svc, tmp_path):
    p = spawn(svc, tmp_path, "apply")
    p.expect("BIN of the organization: ")
    p.sendeof()
    p.expect("Nothing is lost: continue with 'ncaenroll apply --resume ([0-9a-f]{16})'")
    p.expect(pexpect.EOF)
    p.close()
    assert p.exitstatus == 2
