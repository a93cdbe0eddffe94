"""`ncaenroll validate`: the NCA RK rules as scripts at a registration desk see them."""
import json
import random

import pytest

import idref

pytestmark = pytest.mark.long(1)  # minutes under ASan: conftest.py starts it first

PUBLIC_IINS = ["871008401427", "760212350620", "830717350867", "061211600012"]
PUBLIC_BINS = ["940140000385", "961141000023", "070941024691"]


def validate(run, *args, input=None, lang="en"):
    return run("ncaenroll", "validate", *args, input=input, lang=lang)


@pytest.mark.parametrize("iin", PUBLIC_IINS)
def test_public_iins_accepted(run, iin):
    r = validate(run, "iin", iin)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("valid IIN: born ")


@pytest.mark.parametrize("bin_", PUBLIC_BINS)
def test_public_bins_accepted(run, bin_):
    r = validate(run, "bin", bin_)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("valid BIN")


def test_iin_details(run):
    r = validate(run, "--json", "iin", "871008401427")
    answer = json.loads(r.stdout)
    assert answer == {"valid": True, "kind": "iin", "errors": [],
                      "details": {"birth_date": "1987-10-08", "sex": "female"}}


def test_bin_details(run):
    r = validate(run, "--json", "bin", "940140000385")
    assert json.loads(r.stdout) == {
        "valid": True, "kind": "bin", "errors": [],
        "details": {"registered_yy_mm": "94-01", "entity_type": "resident legal entity",
                    "attribute": "head unit"}}


@pytest.mark.parametrize("bin_", PUBLIC_BINS)
def test_bin_registration_is_year_then_month(run, bin_):
    """The BIN's first four digits are the year and the month of registration."""
    r = validate(run, "--json", "bin", bin_)
    assert json.loads(r.stdout)["details"]["registered_yy_mm"] == f"{bin_[:2]}-{bin_[2:4]}"


def test_never_valid_number(run):
    r = validate(run, "--json", "iin", "000813159890")
    assert r.returncode == 1
    answer = json.loads(r.stdout)
    assert answer["valid"] is False
    assert [e["code"] for e in answer["errors"]] == ["iin.never_valid"]
    assert "never issued" in answer["errors"][0]["message"]


def test_wrong_check_digit_names_the_right_one(run):
    r = validate(run, "iin", "871008401420")
    assert r.returncode == 1
    assert "must be 7, not 0" in r.stderr
    assert r.stdout == ""


def _random_numbers(rng, n, kind):
    """Numbers near the valid ones: right shape, random digits, about half valid."""
    out = []
    while len(out) < n:
        if kind == "iin":
            d = "%02d%02d%02d%d%04d" % (rng.randrange(100), rng.randrange(0, 14),
                                        rng.randrange(0, 33), rng.randrange(0, 8),
                                        rng.randrange(10000))
        else:
            d = "%02d%02d%d%d%05d" % (rng.randrange(100), rng.randrange(0, 14),
                                      rng.choice([4, 4, 5, 6, 3]), rng.randrange(0, 5),
                                      rng.randrange(100000))
        c = idref.check_digit(d)
        last = c if c is not None and rng.random() < 0.6 else rng.randrange(10)
        out.append(d + str(last))
    return out


@pytest.mark.parametrize("kind", ["iin", "bin"])
def test_agrees_with_independent_reading_on_random_numbers(run, kind):
    """Numbers nobody wrote the tests for: the verdict matches nca-facts.md read anew."""
    rng = random.Random(20261125 if kind == "iin" else 1125)
    ref = idref.iin_ok if kind == "iin" else idref.bin_ok
    numbers = _random_numbers(rng, 150, kind)
    seen_valid = 0
    for number in numbers:
        r = validate(run, "--json", kind, number)
        answer = json.loads(r.stdout)
        assert answer["valid"] is ref(number), (number, answer)
        assert r.returncode == (0 if answer["valid"] else 1)
        seen_valid += answer["valid"]
    assert 20 < seen_valid < 130  # the sample really mixes both verdicts


@pytest.mark.parametrize("value,code", [
    ("87100840142", "iin.length"),
    ("87100840142x", "iin.not_digit"),
    ("871308401420", "iin.month"),
    ("940140000385", "iin.is_bin"),
])
def test_iin_refusals_are_specific(run, value, code):
    answer = json.loads(validate(run, "--json", "iin", value).stdout)
    assert code in [e["code"] for e in answer["errors"]]


def test_bin_given_an_iin(run):
    answer = json.loads(validate(run, "--json", "bin", "871008401427").stdout)
    assert [e["code"] for e in answer["errors"]] == ["bin.is_iin"]


@pytest.mark.parametrize("addr,ok", [
    ("buhgalter@kazna.gov.kz", True),
    ("user@пример.қаз", True),
    ("user@mail", False),
    ("user@@mail.kz", False),
    ("us er@mail.kz", False),
])
def test_email(run, addr, ok):
    r = validate(run, "email", addr)
    assert r.returncode == (0 if ok else 1), r.stderr


def test_gu_code(run):
    assert validate(run, "gu-code", "1234").returncode == 0
    r = validate(run, "gu-code", "12")
    assert r.returncode == 1 and "4 to 8 digits" in r.stderr


def test_password_from_stdin_names_every_failed_rule(run):
    r = validate(run, "--json", "password", input="пар 1\n")
    answer = json.loads(r.stdout)
    codes = sorted(e["code"] for e in answer["errors"])
    assert codes == ["password.char", "password.no_letter", "password.too_short"]
    assert "space" in next(e["message"] for e in answer["errors"]
                           if e["code"] == "password.char")
    assert "пар" not in r.stdout.replace("\\u043f", "")  # the value itself is never echoed
    assert validate(run, "password", input="Qwerty12\n").returncode == 0


def test_password_never_from_argv(run):
    r = validate(run, "password", "Qwerty12")
    assert r.returncode == 2
    assert "never from the command line" in r.stderr


def test_password_empty_input(run):
    r = validate(run, "password", input="")
    assert r.returncode == 4
    assert "no password" in r.stderr


@pytest.mark.parametrize("lang,word", [("ru", "ИИН"), ("kk", "ЖСН")])
def test_reasons_in_the_users_language(run, lang, word):
    r = validate(run, "iin", "871008401420", lang=lang)
    assert r.returncode == 1
    assert word in r.stderr, r.stderr
    assert "7" in r.stderr
    assert "wrong check digit" not in r.stderr


def test_lang_option_overrides_environment(run):
    r = run("ncaenroll", "--lang", "ru", "validate", "iin", "871008401420", lang="en")
    assert "ИИН" in r.stderr


def test_unknown_language_refused(run):
    r = run("ncaenroll", "--lang", "de", "validate", "iin", "871008401427")
    assert r.returncode == 2
    assert "kk, ru or en" in r.stderr
