"""The national ID card among the secure media (issue #10, point 26; doc/tokens.md says
why it is a storage choice): the storage screen lists it beside the four tokens, in the
person's language; choosing it leads to the token screen, which finds the card through
its PKCS#11 module like any token (SoftHSM2 stands in for it); the service takes the
application and issues token certificates for it (three years). The real ncaenroll in
tmux against the real ncaenrolld, approving by itself."""
import json
import re
import time
from datetime import date

import pytest

pytest.importorskip("yaml")

from softhsm import SoftHSM  # noqa: E402
from test_apply_cli import Applicant  # noqa: E402
from test_tui_path import choose, fill_to_region, look, on_screen  # noqa: E402
from test_tui_path import person, svc  # noqa: E402,F401 (fixtures)

CARD = {"kk": "Жеке куәлік (ID-карта)", "ru": "Удостоверение личности (ID-карта)",
        "en": "National ID card"}


def to_storage(t):
    fill_to_region(t)
    choose(t, "region", "karaganda", "city")
    choose(t, "city", "karaganda", "gucode")
    choose(t, "gucode", None, "storage")
    return look(t, "storage")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_storage_screen_lists_the_id_card(person, lang):
    t = person(lang)
    scr = to_storage(t)
    assert CARD[lang] in scr, scr
    assert re.search(r"ID-карт", t.forms.f["storage"]["text"][lang]), "the text names it"


def test_keys_on_the_id_card(person, tmp_path):
    card = SoftHSM(tmp_path / "card", label="ID card")
    t = person("en", extra_env=card.env())
    F = t.forms
    scr = to_storage(t)
    assert CARD["en"] in scr
    # The list: PC, eToken, JaCarta, Kaztoken, AKey, the ID card.
    for _ in range(5):
        t.keys("Down")
    t.keys("Enter")
    scr = on_screen(t, "token")
    assert "ID card —" in scr and card.serial in scr, scr
    t.keys("Enter")
    scr = on_screen(t, "apply")
    assert CARD["en"] in scr, scr            # the storage, said back
    assert "ID card" in scr.replace(CARD["en"], ""), scr   # and the card found
    t.press(F.button("apply", "apply"))
    t.wait_for("Token PIN")
    t.type(card.pin)
    t.keys("Enter")
    scr = on_screen(t, "number", timeout=120)
    number = re.search(r"\d{4}(?:-\d{4}){6}", scr).group(0)
    # The service took it as a token storage: its certificates are a token's, 3 years.
    me = Applicant(t.svc, t.home)
    for _ in range(60):
        p = me.run("--json", "status", number)
        st = json.loads(p.stdout)
        if st.get("status") == "issued":
            break
        time.sleep(0.5)
    assert st["status"] == "issued", st
    nb, na = (date.fromisoformat(st["certificates"][k][:10]) for k in ("not_before",
                                                                       "not_after"))
    assert (na - nb).days >= 1094, st["certificates"]
