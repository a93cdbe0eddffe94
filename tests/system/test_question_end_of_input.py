"""A question asked on a terminal ([y/N]) that meets the end of input (Ctrl-D, a closed
pipe) is answered no: nothing that cannot be undone happens unasked. Here the question
before `ncaenroll abandon` removes an application's private keys for good (cmd.c's
cmd_confirm, which the desk's approve and reject ask through too)."""
import json
import os
import subprocess

import pexpect
import pytest

from appstate import SUBMITTED, write_state
from conftest import BUILDDIR
from service import program_env

APP = "0123456789abcdef"


@pytest.fixture
def keys_ready(tmp_path):
    """An application whose keys were made and never sent: abandoning removes them."""
    tool = os.path.join(BUILDDIR, "tests", "tools", "keystore-tool")
    if not os.access(tool, os.X_OK):
        pytest.skip("tests/tools/keystore-tool is not built (make check builds it)")
    keys = tmp_path / "keys"
    subprocess.run([tool, "generate", str(keys), APP], check=True, capture_output=True)
    fields = {k: v for k, v in SUBMITTED.items() if k != "request_number"}
    state = tmp_path / "applicant.yaml"
    write_state(state, [{"id": APP, "state": "keys_ready",
                         "fields": dict(fields, dir=str(keys))}])
    return state, keys


def test_end_of_input_at_the_question_removes_nothing(keys_ready, tmp_path):
    state, keys = keys_ready
    before = sorted(os.listdir(keys))
    assert len(before) == 2
    env = program_env()
    env.update(HOME=str(tmp_path), TERM="xterm")
    p = pexpect.spawn(os.path.join(BUILDDIR, "uninstalled-env"),
                      [os.path.join(BUILDDIR, "ncaenroll"), "--state", str(state),
                       "abandon", APP], env=env, encoding="utf-8", timeout=60,
                      dimensions=(24, 80))
    p.expect(r"\[y/N\]")
    p.sendeof()
    p.expect(pexpect.EOF)
    said = p.before
    p.close()
    assert p.exitstatus == 1, said
    assert "Nothing was removed." in said, said
    assert sorted(os.listdir(keys)) == before, "the keys are where they were"
    listed = subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                             os.path.join(BUILDDIR, "ncaenroll"), "--state", str(state),
                             "--json", "list"], capture_output=True, text=True, env=env)
    assert json.loads(listed.stdout)[0]["state"] == "keys_ready", listed.stdout
