"""The folder the private keys go to is given as a full path: a relative one would put the
keys wherever the program happened to be started. It is refused as the person's input
(exit status 1, code dir.relative, ncaenroll(1)), before any key is made, and nothing is
written where the program runs."""
import json
import os

import pytest

from fixtures import service_fixture
from test_apply_cli import Applicant


svc = service_fixture("folder")


@pytest.mark.parametrize("folder", ["keys", "./keys", "~/keys"])
def test_a_relative_folder_is_refused_as_input(svc, tmp_path, folder, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    me = Applicant(svc, str(tmp_path))
    p = me.apply(dir=folder)
    assert p.returncode == 1, (p.stdout, p.stderr)
    err = json.loads(p.stdout)["error"]
    assert err["code"] == "dir.relative" and err["field"] == "dir", err
    assert "full path" in err["message"], err
    assert os.listdir(work) == [], "nothing was made where the program runs"
    assert not os.path.exists(os.path.join(str(tmp_path), "keys"))
