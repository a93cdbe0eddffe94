"""The applicant's screens and the field table agree: every field of forms/*.yaml that a
person fills in and the application keeps is named as its row of src/common/appfield.c
(the name enroll_set, `ncaenroll apply` and a refusal's "field" use), and every row of
the table is asked for on some screen. A field renamed on one side only would leave a
screen whose value is never stored, or a refusal the screen cannot put at its field.
"""
import glob
import os
import re

import pytest

yaml = pytest.importorskip("yaml")          # python3-yaml

from conftest import SRCDIR  # noqa: E402

# Widgets that only show something: their names may be anything.
SHOWN = {"value", "text", "bignum", "hidden"}
# Inputs that are not a field of the application, and why.
NOT_KEPT = {
    "captcha_answer": "the code from the picture: sent once with the BIN, never kept",
    "gu_code_typed": "a ГУ/СКС code typed instead of picked: kept as gu_code",
    "accept": "the agreement's tick: it only opens the next screen",
    "password": "a secret: never in the state file",
    "password2": "a secret: never in the state file",
    "new_password": "a secret: never in the state file",
    "new_password2": "a secret: never in the state file",
    "request_number": "which application to look up, not a field of one",
    "app": "which application to continue, not a field of one",
    "legacy": "the containers' layout, chosen once at install: the files themselves tell it",
    "reason": "why certificates are revoked: sent with the holder's signed request, kept "
              "as revoke_reason once the service took it",
}


def table_names():
    with open(os.path.join(SRCDIR, "src", "common", "appfield.c"), encoding="utf-8") as f:
        names = re.findall(r'\.name = "([a-z_]+)"', f.read())
    assert len(names) >= 10, "the field table was not found in src/common/appfield.c"
    return set(names)


def kept_inputs():
    """(form file, field name) of every input of the applicant's screens."""
    out = []
    for path in sorted(glob.glob(os.path.join(SRCDIR, "forms", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            form = yaml.safe_load(f)
        for field in form.get("fields") or []:
            if field["type"] not in SHOWN and field["name"] not in NOT_KEPT:
                out.append((os.path.basename(path), field["name"]))
    return out


def test_every_kept_field_of_the_screens_is_a_row_of_the_table():
    table = table_names()
    strays = [f"{form}: {name}" for form, name in kept_inputs() if name not in table]
    assert not strays, "fields the table does not know:\n" + "\n".join(strays)


def test_every_row_of_the_table_is_asked_for_on_a_screen():
    asked = {name for _, name in kept_inputs()}
    assert table_names() - asked == set()
