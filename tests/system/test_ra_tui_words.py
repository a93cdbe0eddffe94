"""Every word of the registration desk's console, in Kazakh and in Russian (issue #10):
the real `ncaenroll-ra` in tmux against the real service over mutual TLS, walked as an
operator works (the queue, find with its refusals, an application in full, the documents
and the decisions with their questions and refusals, the reasons, the history, the form,
the filter, a decision another desk took, the service gone), with F1 on each screen; every
screen is read by tests/tui/words.py as in tests/system/test_tui_words.py, and the walk
fails once with the whole list.
"""
import os
import re

import pytest

pytest.importorskip("yaml")

from test_ra_cli import DEMO_IIN, Desk  # noqa: E402
from test_ra_tui import OTHER, RA_FORMS, console, svc  # noqa: E402,F401 (fixtures)
from test_apply_cli import Applicant  # noqa: E402
from test_tui_words import LANGS, Walk, finish, unknown_number, mistyped  # noqa: E402

from forms import Forms  # noqa: E402  (tests/tui, on the path through test_tui_words)
from words import Findings  # noqa: E402

# minutes under ASan: conftest.py starts it first, and walks it in one build only
pytestmark = [pytest.mark.long(3), pytest.mark.walk]

# Findings in files another branch is changing now (see test_tui_words.py).
KNOWN_ELSEWHERE = [
]


def desk_walk(t, lang, svc):
    t.forms = Forms(RA_FORMS, lang)
    w = Walk(t, lang, svc, Findings(lang, KNOWN_ELSEWHERE))
    return w


# ---- the steps ----

def s_queue(w):
    w.on("main")


def s_find(w):
    w.press("main", "goto", "find")
    w.on("find")


def s_find_typed(w, text):
    w.first_field()
    w.retype(text)
    w.press("find", "find")


def s_find_mistyped(w):
    s_find_typed(w, mistyped(w.number))


def s_find_letters(w):
    s_find_typed(w, w.number[:10] + "x")


def s_find_unknown(w):
    s_find_typed(w, unknown_number())


def s_find_iin(w):
    w.clear()
    s_find_typed(w, OTHER["iin"])
    w.on("main")


def s_app(w):
    w.press("main", "goto", "find")
    w.on("find")
    s_find_typed(w, w.number)
    w.on("app")


def s_approve(w):
    w.press("app", "approve_open", "approve")
    w.on("approve")


def s_approve_unticked(w):
    w.t.keys("Space")                        # one document of three
    w.press("approve", "approve")


def s_approve_question(w):
    for _ in range(3):
        if "[ ]" not in w.t.screen():
            break
        w.first_checkbox()
    w.press("approve", "approve")
    w.box()


def s_approve_declined(w):
    w.t.keys("Enter")                        # No: it has the focus
    w.settle()
    w.t.keys("Escape")
    w.on("app")


def s_reject(w):
    w.press("app", "reject_open", "reject")
    w.on("reject")


def s_reject_question(w):
    w.t.keys("Enter")                        # the first reason: the question
    w.box()


def s_history(w):
    w.t.keys("Enter")                        # No
    w.settle()
    w.t.keys("Escape")
    w.on("app")
    w.press("app", "goto", "history")
    w.on("history")


def s_form(w):
    w.t.keys("Escape")
    w.on("app")
    w.press("app", "goto", "form")
    w.on("form")


def s_form_read(w):
    for i in range(12):
        before = w.t.screen()
        w.t.keys("PageDown")
        scr = w.settle(quiet=0.3)
        if scr == before:
            return
        w.f.check(f"form (page {i + 2})", scr, w.data)
    return


def s_approved(w):
    """Approved for real: the service's answer in a box."""
    w.t.keys("Escape")
    w.on("app")
    w.press("app", "approve_open", "approve")
    w.on("approve")
    while "[ ]" in w.t.screen():
        w.first_checkbox()
    w.press("approve", "approve")
    w.box()
    w.t.keys("Left", "Enter")                # Yes
    w.settle(timeout=60)


def s_app_issued(w):
    w.clear()
    w.on("app")


def s_history_issued(w):
    """The history of the approved one: the serials and the documents checked."""
    w.press("app", "goto", "history")
    w.on("history")


def s_decided_already(w):
    """Another desk decided the other application meanwhile: said in a box."""
    p = Desk(w.svc, w.t.home).run("reject", w.other, "--reason", "identity_mismatch",
                                  "--text", "паспорт не совпадает", "--yes")
    assert p.returncode == 0, p.stderr
    w.t.keys("Escape")
    w.on("app")
    w.press("app", "goto", "main")
    w.on("main")
    w.press("main", "goto", "find")
    w.on("find")
    s_find_typed(w, w.other)
    w.on("app")


def s_decided_refused(w):
    w.press("app", "approve_open", "approve")
    w.settle()


def s_revoke(w):
    """The approved application again, by its number: Revoke."""
    w.clear()
    w.press("app", "goto", "main")
    w.on("main")
    w.press("main", "goto", "find")
    w.on("find")
    s_find_typed(w, w.number)
    w.on("app")
    w.press("app", "revoke_open", "revoke")
    w.on("revoke")


def s_revoke_no_reason(w):
    w.press("revoke", "revoke")
    w.settle()


def s_revoke_unticked(w):
    w.t.keys("Space")                        # the reason under the cursor, chosen
    w.press("revoke", "revoke")
    w.settle()


def s_revoke_question(w):
    for _ in range(3):
        if "[ ]" not in w.t.screen():
            break
        w.first_checkbox()
    w.press("revoke", "revoke")
    w.box()


def s_revoked(w):
    w.t.keys("Left", "Enter")                # Yes
    w.settle(timeout=60)


def s_app_revoked(w):
    w.clear()
    w.on("app")


def s_revoke_again(w):
    w.press("app", "revoke_open", "revoke")
    w.settle()


def s_certs(w):
    """The person's certificates by IIN, from the find screen."""
    w.clear()
    w.press("app", "goto", "main")
    w.on("main")
    w.press("main", "goto", "find")
    w.on("find")
    w.first_field()
    w.retype(DEMO_IIN)
    w.press("find", "certs_find", "certs")
    w.on("certs")


def s_certs_open(w):
    w.t.keys("Enter")
    w.on("app")


def s_filter(w):
    w.clear()
    if w.F.title("app") in w.t.screen().split("\n")[0]:
        w.press("app", "goto", "main")
    else:
        w.t.keys("Escape")
    w.on("main")
    w.press("main", "goto", "filter")
    w.on("filter")


def s_filter_region(w):
    w.t.type(w.region)
    w.settle()


def s_filtered(w):
    w.t.keys("Enter")                        # chosen, and the filter applied
    w.on("main")


def s_filter_office(w):
    w.press("main", "goto", "filter")
    w.on("filter")
    w.t.keys("Tab")                          # the office
    w.t.type(w.office)
    w.settle()


def s_filtered_office(w):
    w.t.keys("Enter")
    w.on("main")


def s_quit_question(w):
    w.press("main", "goto", "find")
    w.on("find")
    w.t.type("1234")
    w.t.keys("F10")
    w.box()


def s_service_gone(w):
    w.t.keys("Enter")                        # stay
    w.settle()
    w.t.keys("Escape")
    w.on("main")
    w.svc.stop()
    w.t.keys("F5")                           # the queue read again
    w.settle(timeout=60)


def _first_checkbox(w):
    """Space on the first unticked document: the cursor moves there first."""
    scr = w.t.screen()
    rows = [n for n, line in enumerate(scr.split("\n")) if "[ ]" in line]
    for _ in range(10):
        if w.t.cursor()[0] == rows[0]:
            break
        w.t.keys("Down" if w.t.cursor()[0] < rows[0] else "Up", pause=0.08)
    w.t.keys("Space")


Walk.first_checkbox = _first_checkbox

DESK_PATH = [
    ("queue", s_queue, "F1"),
    ("find", s_find, "F1"),
    ("find, a mistyped number", s_find_mistyped),
    ("find, a letter in a number", s_find_letters),
    ("find, an unknown number", s_find_unknown),
    ("queue narrowed to an IIN", s_find_iin),
    ("application", s_app, "F1"),
    ("approve", s_approve, "F1"),
    ("approve, not every document ticked", s_approve_unticked),
    ("approve, the question", s_approve_question),
    ("approve, declined", s_approve_declined),
    ("reject", s_reject, "F1"),
    ("reject, the question", s_reject_question),
    ("history", s_history, "F1"),
    ("form", s_form, "F1"),
    ("form, its end", s_form_read),
    ("approved", s_approved),
    ("application issued", s_app_issued),
    ("history of the issued one", s_history_issued),
    ("application decided by another desk", s_decided_already),
    ("approve what another desk decided", s_decided_refused),
    ("revoke", s_revoke, "F1"),
    ("revoke, no reason chosen", s_revoke_no_reason),
    ("revoke, not every document ticked", s_revoke_unticked),
    ("revoke, the question", s_revoke_question),
    ("revoked", s_revoked),
    ("application revoked", s_app_revoked),
    ("revoke what is revoked", s_revoke_again),
    ("a person's certificates", s_certs, "F1"),
    ("an application from the certificates", s_certs_open),
    ("filter", s_filter, "F1"),
    ("filter, a region typed", s_filter_region),
    ("queue filtered by region", s_filtered),
    ("filter, an office typed", s_filter_office),
    ("queue filtered by office", s_filtered_office),
    ("quit question", s_quit_question),
    ("the service gone", s_service_gone),
]

REGION = {"kk": "Қарағанды", "ru": "Караганд"}
OFFICE = {"kk": "Қарағанды қаласының № 2", "ru": "ЦОН № 2 города Караганды"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_desk_in_words_of_the_language(console, svc, tmp_path, lang):
    """Two applications (this office's and another region's); the walk ends with the
    service stopped, so it runs on a service of its own."""
    from service import Service
    from test_ra_cli import ensure_demo_operator
    s = Service(tmp_path / "state")
    try:
        ensure_demo_operator(s)
        me = Applicant(s, str(tmp_path / "applicant"))
        os.makedirs(me.home, exist_ok=True)
        numbers = []
        for over in ({}, {"dir": str(tmp_path / "applicant" / "keys-b")}):
            p = me.apply(**over)
            assert p.returncode == 0, p.stderr
            numbers.append(re.search(r'"request_number": *"([^"]+)"', p.stdout).group(1))
        t = console(lang, service=s)
        w = desk_walk(t, lang, s)
        w.number, w.other = numbers
        w.region, w.office = REGION[lang], OFFICE[lang]
        w.data += numbers + [numbers[0][:10] + "x", "1234", "паспорт не совпадает", "demo-operator", "buhgalter@mail.kz",
                             OTHER["iin"]]
        w.run(DESK_PATH)
    finally:
        s.stop(check=False)
    finish(w)


# ---- the organization's name in the desk's language ----

ORG_KK = "««Сарыарқа Жылу Энерго» ұлттық компаниясы» АҚ"
ORG_RU = "АО «Национальная компания «Сарыарка Жылу Энерго»»"


@pytest.mark.parametrize("lang,org", [("kk", ORG_KK), ("ru", ORG_RU)])
def test_the_organization_is_named_in_the_desks_language(console, svc, tmp_path, lang, org):
    """The register names the organization in Kazakh too: a Kazakh desk reads that name
    on the application, on the form and on the command line's show; the JSON carries
    both beside the name the certificates carry."""
    me = Applicant(svc, str(tmp_path / "applicant"))
    os.makedirs(me.home, exist_ok=True)
    p = me.apply()
    assert p.returncode == 0, p.stderr
    number = re.search(r'"request_number": *"([^"]+)"', p.stdout).group(1)
    desk = Desk(svc, tmp_path)
    p = desk.run("show", number, lang=lang)
    assert p.returncode == 0, p.stderr
    assert org in p.stdout, p.stdout
    p, app = desk.json("show", number)
    assert app["organization"]["name"] == ORG_RU
    assert app["organization"]["names"] == {"kk": ORG_KK, "ru": ORG_RU}
    p, queue = desk.json("queue", "--search", number)
    assert queue["applications"][0]["organization_names"]["kk"] == ORG_KK
    t = console(lang)
    t.forms = Forms(RA_FORMS, lang)
    t.press(t.forms.button("main", "goto", "find"))
    t.wait_for(t.forms.title("find"))
    t.type(number)
    t.press(t.forms.button("find", "find"))
    scr = t.wait_for(t.forms.title("app"))
    scr = t.wait_for(org)
    assert org in scr, scr
