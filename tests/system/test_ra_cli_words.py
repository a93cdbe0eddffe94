"""The desk's command line in Kazakh and Russian (issue #10): what `ncaenroll-ra show`,
`queue`, `history` and `reasons` print holds no English word and no wire name, read by
tests/tui/words.py as the screens are. The codes a command takes as its arguments
(`approve --documents form,identity,authority`, `reject --reason identity_mismatch`) are
printed as what to type and are allowed; nothing else is. The real service, the real
desk."""
import json
import os
import sys

import pytest

from test_apply_cli import Applicant
from test_ra_cli import Desk, svc  # noqa: F401 (a fixture)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tui"))
from words import odd_words  # noqa: E402

# What the commands print for a person to type back: the documents' and reasons' codes.
ARGUMENTS = ["form", "identity", "authority", "identity_mismatch", "documents_missing",
             "not_authorized", "data_error", "applicant_request", "other"]


@pytest.fixture(scope="module")
def numbers(svc, tmp_path_factory):  # noqa: F811
    """One application waiting, one issued, one rejected."""
    home = str(tmp_path_factory.mktemp("applicant"))
    me = Applicant(svc, home)
    made = []
    for i in range(3):
        p = me.apply(dir=os.path.join(home, f"keys{i}"))
        assert p.returncode == 0, p.stderr
        made.append(json.loads(p.stdout)["request_number"])
    desk = Desk(svc, home)
    assert desk.run("approve", made[1], "--documents", "form,identity,authority",
                    "--yes").returncode == 0
    assert desk.run("reject", made[2], "--reason", "identity_mismatch", "--text",
                    "паспорт не совпадает", "--yes").returncode == 0
    return made, home


@pytest.mark.walk  # minutes under ASan: in one build only (conftest.py)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_desks_commands_in_words_of_the_language(svc, numbers, lang):  # noqa: F811
    made, home = numbers
    desk = Desk(svc, home)
    data = made + ["buhgalter@mail.kz", "demo-operator", "паспорт не совпадает",
                   "approve --documents", "reject --reason"] + ARGUMENTS
    found = []
    for args in [("queue",)] + [("show", n) for n in made] + \
            [("history", n) for n in made] + [("reasons",)]:
        p = desk.run(*args, lang=lang)
        assert p.returncode == 0, p.stderr
        for kind, word, line in odd_words(p.stdout, data):
            found.append(f"{' '.join(args[:1])}: {kind} {word!r} in: {line}")
    assert not found, "\n".join(dict.fromkeys(found))
