"""The folder for the pending keys (plain PEM private keys) must be its owner's alone: a
folder that its group may write (0770, 0775, 0720...) is refused as surely as one that
everybody may write (0777, 0757, 0702...), because whoever may write the folder may
replace a key file in it. Each write bit is tried on its own and together, at the two
places that judge a folder (src/enroll/keystore-dir.c when the folder is given, and
src/enroll/keystore-file.c when the keys are made, for a folder whose mode changed
after it was chosen), with `ncaenroll apply` against the real service, and at the full-
screen folder step. Folders only its owner may write (0700, 0750, 0755) are taken."""
import json
import os
import re
import shutil
import sys
import tempfile

import pytest

from conftest import BUILDDIR, SRCDIR
from fixtures import service_fixture
from test_apply_cli import Applicant

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))

REFUSED = [0o720, 0o730, 0o770, 0o775, 0o702, 0o703, 0o707, 0o757, 0o777, 0o722]
TAKEN = [0o700, 0o750, 0o755]


svc = service_fixture("folder-modes")


def folder(tmp_path, mode):
    d = tmp_path / f"keys-{mode:o}"
    d.mkdir()
    os.chmod(d, mode)
    return str(d)


def refused_as_shared(p, d):
    """The refusal of a folder others may write, naming it and what to do."""
    said = " ".join(p.stderr.split()) + " ".join(p.stdout.split())
    return f"the folder {d} may be written by other users" in said and \
        f"chmod 700 {d}" in said


@pytest.mark.parametrize("mode", REFUSED, ids=lambda m: f"{m:04o}")
def test_a_folder_others_may_write_is_refused_when_given(svc, tmp_path, mode):
    me = Applicant(svc, str(tmp_path))
    d = folder(tmp_path, mode)
    p = me.apply(dir=d)
    assert p.returncode == 4, (p.stdout, p.stderr)
    err = json.loads(p.stdout)["error"]
    # Said at the folder, when it is given: not later, when the keys are made.
    assert err["field"] == "dir" and err["code"] == "dir.unwritable", err
    assert refused_as_shared(p, d), err
    assert os.listdir(d) == [], "keys were made in a folder others may write"
    assert json.loads(me.run("--json", "list").stdout)[0]["state"] == "draft"


@pytest.mark.parametrize("mode", REFUSED, ids=lambda m: f"{m:04o}")
def test_a_folder_opened_to_others_after_it_was_chosen(svc, tmp_path, mode):
    """Chosen while private (the run stopped at a bad e-mail address), then opened to
    others: the run that goes on to make the keys refuses it."""
    me = Applicant(svc, str(tmp_path))
    d = folder(tmp_path, 0o700)
    p = me.apply(dir=d, email="buhgalter@mail")
    assert p.returncode == 1, p.stderr
    app = json.loads(p.stdout)["error"]["id"]
    os.chmod(d, mode)
    p = me.run("--json", "apply", "--resume", app, "--email", "buhgalter@mail.kz")
    assert p.returncode == 4, (p.stdout, p.stderr)
    assert json.loads(p.stdout)["error"]["field"] == "dir", p.stdout
    assert refused_as_shared(p, d), p.stdout
    assert os.listdir(d) == [], "keys were made in a folder others may write"
    assert json.loads(me.run("--json", "list").stdout)[0]["state"] == "draft"


@pytest.mark.parametrize("mode", TAKEN, ids=lambda m: f"{m:04o}")
def test_a_folder_only_its_owner_may_write_is_taken(svc, tmp_path, mode):
    me = Applicant(svc, str(tmp_path))
    d = folder(tmp_path, mode)
    p = me.apply(dir=d)
    assert p.returncode == 0, p.stderr
    assert sorted(re.sub(r".*-", "", n) for n in os.listdir(d)) == ["AUTH.key", "SIGN.key"]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_folder_step_refuses_every_such_mode(svc):
    """At the full-screen folder step, one folder after another: each refused there,
    with the folder named, in the person's language; then a private one is taken."""
    pytest.importorskip("yaml")             # the screens' words come from forms/*.yaml
    from forms import Forms
    from harness import Tui
    from test_tui_folder import go, to_folder
    from test_tui_path import on_screen
    home = tempfile.mkdtemp(prefix="nca-", dir="/tmp")
    t = Tui(BUILDDIR, svc, home, lang="ru")
    t.forms = Forms(os.path.join(SRCDIR, "forms"), "ru")
    try:
        t.start()
        t.wait_for(t.forms.title("main"))
        to_folder(t)
        for mode in REFUSED:
            d = folder_in(t.home, mode)
            go(t, d)
            t.keys("Enter")                 # [Выбрать эту папку]
            scr = t.wait_for(f"в папку {d} могут писать другие")
            assert t.forms.title("folder") in scr, f"{mode:04o} was taken:\n{scr}"
            assert os.listdir(d) == []
        d = folder_in(t.home, 0o700)
        go(t, d)
        t.keys("Enter")
        on_screen(t, "apply")
    finally:
        t.stop()
        shutil.rmtree(home, ignore_errors=True)


def folder_in(home, mode):
    d = os.path.join(home, f"keys-{mode:o}")
    os.mkdir(d)
    os.chmod(d, mode)
    return d
