"""The demo registries in data/demo/: format, valid numbers, references, reproducibility.

Reads the committed JSON files directly (no build needed). The check digit here is an
independent implementation of nca-facts.md §1, not data/demo/generate.py's.
"""
import ast
import datetime
import json
import os
import re
import subprocess
import sys

import pytest

SRCDIR = os.environ.get("NCA_SRCDIR", os.path.join(os.path.dirname(__file__), "../.."))
DEMO = os.path.join(SRCDIR, "data", "demo")
FILES = ("roles.json", "regions.json", "organizations.json", "persons.json")

KK_ONLY = set("ӘҒҚҢӨҰҮҺІәғқңөұүһі")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
UPPER_CYRILLIC = re.compile(r"^[А-ЯЁӘҒҚҢӨҰҮҺІ]+([ -][А-ЯЁӘҒҚҢӨҰҮҺІ]+)*$")

BIN_VECTORS = ("940140000385", "961141000023", "070941024691")
IIN_VECTORS = ("871008401427", "760212350620", "830717350867", "061211600012")


def load(name):
    with open(os.path.join(DEMO, name), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def roles():
    return load("roles.json")


@pytest.fixture(scope="module")
def regions():
    return load("regions.json")


@pytest.fixture(scope="module")
def orgs():
    return load("organizations.json")


@pytest.fixture(scope="module")
def persons():
    return load("persons.json")


# ---- an independent check digit (nca-facts.md §1) ----

def control(number):
    """The check digit for a 12-digit string's first 11 digits, or None if there is none."""
    digits = [ord(ch) - 48 for ch in number[:11]]
    first = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
    if first < 10:
        return first
    weights = list(range(3, 12)) + [1, 2]
    second = sum(d * w for d, w in zip(digits, weights)) % 11
    return None if second == 10 else second


def valid(number):
    return (len(number) == 12 and number.isascii() and number.isdigit()
            and control(number) == int(number[11]))


def test_check_digit_against_public_vectors():
    for n in BIN_VECTORS + IIN_VECTORS:
        assert valid(n), n
    assert control("000813159890") is None
    assert not valid("871008401428")


def has_kk(s):
    return any(ch in KK_ONLY for ch in s)


def names3(name, langs=("kk", "ru", "en")):
    assert isinstance(name, dict)
    assert set(name) == set(langs), name
    for lang in langs:
        assert isinstance(name[lang], str) and name[lang].strip() == name[lang] and name[lang]


# ---- the files themselves ----

@pytest.mark.parametrize("name", FILES)
def test_file_is_utf8_json_list_with_newline(name):
    with open(os.path.join(DEMO, name), "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    assert text.endswith("]\n")
    assert "\\u" not in text, "written with ensure_ascii=False: letters, not escapes"
    assert not text.startswith("\ufeff")
    assert isinstance(json.loads(text), list)


# ---- roles ----

def test_roles(roles):
    assert [r["id"] for r in roles] == ["ROLE%02d" % i for i in range(1, 6)]
    for i, r in enumerate(roles, 1):
        assert set(r) == {"id", "dc", "oid", "name"}
        assert r["dc"] == r["id"]
        assert r["oid"] == "1.2.398.3.3.4.1.2.%d" % i
        names3(r["name"])
        assert has_kk(r["name"]["kk"]), r
    assert roles[0]["name"]["ru"] == "Первый руководитель"
    assert roles[0]["name"]["kk"] == "Бірінші басшы"


# ---- regions, cities, offices ----

REGIONS_EN = {
    "Abai Region", "Akmola Region", "Aktobe Region", "Almaty Region", "Atyrau Region",
    "East Kazakhstan Region", "Zhambyl Region", "Zhetisu Region", "West Kazakhstan Region",
    "Karaganda Region", "Kostanay Region", "Kyzylorda Region", "Mangystau Region",
    "Pavlodar Region", "North Kazakhstan Region", "Turkistan Region", "Ulytau Region",
    "Astana city", "Almaty city", "Shymkent city",
}
REPUBLICAN_CITIES = {"astana", "almaty", "shymkent"}


def test_regions_are_the_twenty(regions):
    assert len(regions) == 20
    assert {r["name"]["en"] for r in regions} == REGIONS_EN
    ids = [r["id"] for r in regions]
    assert len(set(ids)) == len(ids)
    assert REPUBLICAN_CITIES <= set(ids)
    for r in regions:
        assert set(r) == {"id", "name", "cities"}
        assert SLUG.match(r["id"]), r["id"]
        names3(r["name"])
        if r["id"] in REPUBLICAN_CITIES:
            assert r["name"]["kk"].endswith(" қаласы") and r["name"]["ru"].startswith("город ")
        else:
            assert r["name"]["kk"].endswith(" облысы")
            assert "область" in r["name"]["ru"]
    kk = {r["id"]: r["name"]["kk"] for r in regions}
    assert kk["akmola"] == "Ақмола облысы"
    assert kk["east-kazakhstan"] == "Шығыс Қазақстан облысы"
    assert kk["ulytau"] == "Ұлытау облысы"
    assert sum(has_kk(r["name"]["kk"]) for r in regions) >= 10


def test_cities_and_offices(regions):
    city_ids, office_ids = [], []
    for r in regions:
        cities = r["cities"]
        if r["id"] in REPUBLICAN_CITIES:
            assert [c["id"] for c in cities] == [r["id"]]
        else:
            assert 2 <= len(cities) <= 5, r["id"]
        for c in cities:
            assert set(c) == {"id", "name", "offices"}
            assert SLUG.match(c["id"]), c["id"]
            names3(c["name"])
            city_ids.append(c["id"])
            assert 1 <= len(c["offices"]) <= 3, c["id"]
            for o in c["offices"]:
                assert set(o) == {"id", "name", "address"}
                assert SLUG.match(o["id"]) and o["id"].startswith(c["id"] + "-"), o["id"]
                names3(o["name"])
                assert has_kk(o["name"]["kk"])
                assert isinstance(o["address"], str) and len(o["address"]) > 10
                assert re.search(r"\d", o["address"])
                office_ids.append(o["id"])
    assert len(set(city_ids)) == len(city_ids)
    assert len(set(office_ids)) == len(office_ids)
    kk = {c["id"]: c["name"]["kk"] for r in regions for c in r["cities"]}
    assert kk["kokshetau"] == "Көкшетау" and kk["oskemen"] == "Өскемен"
    assert kk["kyzylorda"] == "Қызылорда" and kk["taldykorgan"] == "Талдықорған"
    assert sum(has_kk(v) for v in kk.values()) >= len(kk) // 3


# ---- organizations ----

RU_FORMS = ("ГУ «", "КГУ «", "РГП на ПХВ «", "ГКП на ПХВ «", "ГККП «", "АО «", "ТОО «",
            "Филиал ")
KK_FORMS = ("» ММ", "» КММ", "» ШЖҚ РМК", "» ШЖҚ МКК", "» МКҚК", "» АҚ", "» ЖШС",
            " филиалы")


def two_digit_year(yy, today):
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def test_organizations(orgs, regions):
    today = datetime.date.today()
    region_ids = {r["id"] for r in regions}
    assert len(orgs) >= 200
    bins, codes, names = set(), [], set()
    for o in orgs:
        assert set(o) == {"bin", "name", "region", "gu_codes"}, o
        b = o["bin"]
        assert valid(b), b
        assert b not in bins, b
        bins.add(b)
        month = int(b[2:4])
        assert 1 <= month <= 12, b
        assert (two_digit_year(int(b[:2]), today), month) <= (today.year, today.month), b
        assert b[4] in "456", b
        assert b[5] in "0123", b
        assert b[4] == "4", b          # the demo registries hold resident legal entities
        assert b[5] in "01", b
        # A branch's BIN says so, and only a branch's.
        assert (b[5] == "1") == o["name"]["ru"].startswith("Филиал "), o
        assert o["region"] in region_ids, o
        names3(o["name"], ("kk", "ru"))
        assert has_kk(o["name"]["kk"]), o["name"]["kk"]
        assert o["name"]["ru"].startswith(RU_FORMS), o["name"]["ru"]
        assert o["name"]["kk"].endswith(KK_FORMS), o["name"]["kk"]
        assert o["name"]["kk"] != o["name"]["ru"]
        assert (o["name"]["ru"], o["name"]["kk"]) not in names
        names.add((o["name"]["ru"], o["name"]["kk"]))
        assert isinstance(o["gu_codes"], list) and 1 <= len(o["gu_codes"]) <= 3, o
        for c in o["gu_codes"]:
            assert isinstance(c, str) and re.fullmatch(r"[0-9]{4,8}", c), c
        codes.extend(o["gu_codes"])
    assert len(set(codes)) == len(codes), "ГУ/СКС codes are unique across organizations"
    for v in BIN_VECTORS:
        assert v in bins, v
    attrs = [o["bin"][5] for o in orgs]
    assert attrs.count("1") >= 5 and attrs.count("0") > len(orgs) // 2
    assert len({o["region"] for o in orgs}) == 20, "every region has organizations"


# ---- persons ----

MALE_PATRONYMIC = ("ҰЛЫ", "ВИЧ", "ИЧ")
FEMALE_PATRONYMIC = ("ҚЫЗЫ", "ВНА", "ИЧНА")


def test_persons(persons):
    assert len(persons) >= 500
    iins, full = set(), set()
    lo, hi = datetime.date(1950, 1, 1), datetime.date(2005, 12, 31)
    kinds = {"kz": 0, "ru": 0, "empty": 0, "kk_letters": 0}
    for p in persons:
        assert set(p) == {"iin", "surname", "given_name", "patronymic"}, p
        iin = p["iin"]
        assert valid(iin), iin
        assert iin not in iins, iin
        iins.add(iin)
        assert iin[6] in "3456", iin
        century = 1900 if iin[6] in "34" else 2000
        born = datetime.date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))  # exists
        if iin != "061211600012":
            assert lo <= born <= hi, iin
        female = iin[6] in "46"
        for k in ("surname", "given_name"):
            assert UPPER_CYRILLIC.match(p[k]), p
        pat = p["patronymic"]
        if pat:
            assert UPPER_CYRILLIC.match(pat), p
            if female:
                assert pat.endswith(FEMALE_PATRONYMIC), p
            else:
                assert pat.endswith(MALE_PATRONYMIC) and not pat.endswith("ИЧНА"), p
            kinds["kz" if pat.endswith(("ҰЛЫ", "ҚЫЗЫ")) else "ru"] += 1
        else:
            kinds["empty"] += 1
        s = p["surname"]
        if s.endswith(("ОВА", "ЕВА", "ЁВА", "ИНА", "СКАЯ")):
            assert female, p
        elif s.endswith(("ОВ", "ЕВ", "ЁВ", "ИН", "СКИЙ")):
            assert not female, p
        if has_kk(s + p["given_name"] + pat):
            kinds["kk_letters"] += 1
        key = (s, p["given_name"], pat)
        assert key not in full, key
        full.add(key)
    for v in IIN_VECTORS:
        assert v in iins, v
    assert kinds["kz"] >= 100 and kinds["ru"] >= 100, kinds
    assert 1 <= kinds["empty"] <= len(persons) // 20, kinds
    assert kinds["kk_letters"] >= len(persons) // 3, kinds
    sexes = [p["iin"][6] in "46" for p in persons]
    assert len(persons) // 3 <= sum(sexes) <= 2 * len(persons) // 3


def test_vector_persons_match_their_digits(persons):
    by = {p["iin"]: p for p in persons}
    assert by["871008401427"]["patronymic"].endswith(FEMALE_PATRONYMIC)   # 4: 1900s, F
    assert by["760212350620"]["patronymic"].endswith(MALE_PATRONYMIC)     # 3: 1900s, M
    assert by["830717350867"]["patronymic"].endswith(MALE_PATRONYMIC)     # 3: 1900s, M
    assert by["061211600012"]["patronymic"].endswith(FEMALE_PATRONYMIC)   # 6: 2000s, F


# ---- the generator ----

def test_generator_uses_standard_library_only():
    path = os.path.join(DEMO, "generate.py")
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    assert ast.get_docstring(tree), "documented at the top"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mods = [node.module or ""]
        else:
            continue
        for m in mods:
            assert m.split(".")[0] in sys.stdlib_module_names, m


def test_generator_reproduces_committed_files(tmp_path):
    r = subprocess.run([sys.executable, os.path.join(DEMO, "generate.py"), str(tmp_path)],
                       capture_output=True, text=True, timeout=120,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                            "PYTHONHASHSEED": "random"})
    assert r.returncode == 0, r.stderr
    for name in FILES:
        with open(os.path.join(DEMO, name), "rb") as a, \
                open(os.path.join(tmp_path, name), "rb") as b:
            assert a.read() == b.read(), "%s differs: run data/demo/generate.py" % name
