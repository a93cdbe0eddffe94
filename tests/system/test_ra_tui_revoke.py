"""Revocation in the desk's console (issue 13), driven in tmux against the real ncaenrolld
over mutual TLS, in Kazakh and Russian at 80x24, keys only: the find screen's
"Certificates" lists a person's certificates by IIN; Enter opens one; "Revoke" asks for a
reason a desk may give (superseded is not one), the documents an approval needs and a
confirmation naming the application; the answer is said, the application then reads
revoked with the reason and date, the applicant's status says revoked, and a second
revocation is answered with the first, not made. An application still waiting has nothing
to revoke. What is asserted is what a person sees (capture-pane).
"""
import re
import time

import pytest

from test_ra_cli import DEMO_IIN, Desk
from test_ra_tui import (applicant, console, flat, line_of, look, on,  # noqa: F401
                         open_app, svc, tick_all, whole, leave)
from test_apply_cli import wait_status

DOCS = "form,identity,authority"

# The words a reader of each language must see (src/common/revocation.c, appstatus.c's
# catalogs) and must not (another language's, the wire's).
WORDS = {
    "kk": dict(left="Ұйымнан кетті", compromised="Кілттің құпиялылығы бұзылды",
               superseded="Жаңа куәліктермен ауыстырылды",
               revoked_status="Сертификаттар кері қайтарылды",
               choose="Тізімнен себепті таңдаңыз"),
    "ru": dict(left="Уход из организации", compromised="Компрометация ключа",
               superseded="Заменены новыми сертификатами",
               revoked_status="Сертификаты отозваны",
               choose="Выберите причину из списка"),
}
WIRE = ("affiliationChanged", "keyCompromise", "superseded", "operator:")


def approved(svc, tmp_path, apply):
    number = apply()
    p = Desk(svc, str(tmp_path)).run("approve", number, "--documents", DOCS, "--yes")
    assert p.returncode == 0, p.stderr
    return number


def certs_of(t, iin):
    """Find → the IIN → Certificates: the person's certificates."""
    S = t.s
    t.press(S.button("main", "goto", "find"))
    on(t, "find")
    t.type(iin)
    t.press(S.button("find", "certs_find", "certs"))
    return on(t, "certs")


def field(scr, label):
    """The value beside a label of a screen's left column, its wrapped lines joined."""
    lines = scr.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^\s+" + re.escape(label) + r"\s{2,}(\S.*)$", line)
        if m:
            col, value = m.start(1), [m.group(1).strip()]
            for more in lines[i + 1:]:
                if more[:col].strip() or not more[col:].strip():
                    break
                value.append(more[col:].strip())
            return " ".join(value)
    raise AssertionError(f"{label!r} is not on the screen:\n{scr}")


def no_wire_words(scr):
    for w in WIRE:
        assert w not in scr, f"{w!r} on a person's screen:\n{scr}"


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_revoke_from_a_persons_certificates(console, svc, applicant, tmp_path, lang):
    me, apply = applicant
    number = approved(svc, tmp_path, apply)
    W = WORDS[lang]
    t = console(lang)
    S = t.s
    scr = certs_of(t, DEMO_IIN)
    whole(t, "certs")
    assert number in scr and DEMO_IIN in scr, scr
    t.wait_for(number)
    t.keys("Enter")                          # Open: the application
    scr = on(t, "app")
    whole(t, "app")
    assert number in scr
    assert re.search(r"\d{4}-\d\d-\d\d", field(scr, S.label("app", "certs"))), scr
    t.press(S.button("app", "revoke_open", "revoke"))
    scr = on(t, "revoke")
    whole(t, "revoke")
    assert W["left"] in scr and W["compromised"] in scr, scr
    assert W["superseded"] not in scr, "superseded is the service's, not a desk's"
    no_wire_words(scr)
    # No reason chosen yet: said at the list, nothing asked.
    t.press(S.button("revoke", "revoke"))
    scr = t.wait_for(W["choose"])
    assert "┌─" not in scr, "said at the list, not in a box"
    # The second reason (left the organization), then every document, then Revoke.
    t.keys("Home", "Down", "Space")
    t.keys("Tab")
    tick_all(t)
    t.press(S.button("revoke", "revoke"))
    scr = t.wait_for("┌─")
    assert number in flat(scr) and "ЖАҚСЫЛЫҚОВА" in scr and W["left"] in scr, scr
    t.keys("Left", "Enter")                  # Yes (No has the focus)
    scr = t.wait_for(W["left"], "demo-operator", timeout=60)
    scr = look(t, "the answer")
    assert "┌─" in scr and W["left"] in flat(scr), scr
    no_wire_words(scr)
    t.keys("Enter")
    scr = on(t, "app")
    assert W["revoked_status"] in scr, scr
    assert W["left"] in field(scr, S.label("app", "certs")), scr
    no_wire_words(scr)
    st = wait_status(me, number, "revoked", seconds=20)
    assert st["revocation"]["reason"] == "affiliationChanged"
    # Asked again: answered with the first, nothing sent.
    t.press(S.button("app", "revoke_open", "revoke"))
    scr = t.wait_for("┌─")
    assert W["left"] in flat(scr) and S.title("app") in scr, scr
    t.keys("Enter")
    # Back on the person's list: the row says revoked, with the reason.
    t.keys("Escape")
    scr = on(t, "certs")
    assert W["left"] in scr, scr
    leave(t)


def test_a_waiting_application_has_nothing_to_revoke(console, applicant):
    _, apply = applicant
    number = apply()
    t = console("ru")
    open_app(t, number)
    t.press(t.s.button("app", "revoke_open", "revoke"))
    scr = t.wait_for("┌─")
    assert "нечего отзывать" in flat(scr) or "нет сертификатов" in flat(scr), scr
    assert t.s.title("app") in scr
    t.keys("Enter")
    leave(t)


def test_a_mistyped_iin_is_caught_at_its_field(console):
    t = console("kk")
    S = t.s
    t.press(S.button("main", "goto", "find"))
    on(t, "find")
    wrong = DEMO_IIN[:-1] + str((int(DEMO_IIN[-1]) + 1) % 10)
    t.type(wrong)
    t.press(S.button("find", "certs_find", "certs"))
    t.wait_for(S.title("find"))
    time.sleep(0.5)
    scr = look(t, "mistyped IIN")
    assert S.title("find") in scr and "┌─" not in scr, scr
    below = scr.split("\n")[scr.split("\n").index(line_of(scr, wrong)) + 1]
    assert below.strip(), f"no reason under the IIN:\n{scr}"
    leave(t)
