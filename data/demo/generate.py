#!/usr/bin/python3
"""Generate the invented demo registries of ncaenroll (data/demo/*.json).

    /usr/bin/python3 data/demo/generate.py [OUTDIR]     (default: this script's folder)

Python 3 standard library only. Deterministic: one random.Random with a fixed seed, no
clock, no environment, no set iteration; re-running writes byte-identical files. The file
format is described in README.md beside this script (the loader in src/ncaenrolld follows it).

Everything here is INVENTED demo data. No record describes a real person or a real
registration: BINs, IINs and ГУ/СКС codes are made up, and so are company brand names.
Names of government bodies follow the naming pattern real bodies use ("Управление
образования Акмолинской области"), so such a name may coincide with a real body's name; the
BIN and the codes beside it are still invented and identify nothing.

What is written
  roles.json          the five Treasury-Client roles (nca-facts.md §2), names in kk/ru/en.
  regions.json        the 17 regions and the 3 cities of republican significance (20 entries);
                      a region has 2-5 cities (its administrative centre first), a city of
                      republican significance one (itself); each city has 1-3 RA offices
                      (ЦОН / ХҚКО) at invented addresses on plausible streets. Real
                      geography, invented offices.
  organizations.json  public-sector organizations (ГУ and СКС) with valid BINs, names in kk and
                      ru with their legal forms, a region id and 1-3 ГУ/СКС codes.
  persons.json        people with valid IINs and upper-case Cyrillic names.

How names are composed
  Organizations: a template per kind of body (regional akimat's department, akim's office,
    city department, school, polyclinic, kindergarten, college, utility, territorial
    department of a ministry's committee, republican committee, RSE/JSC/LLP and its regional
    branches) is filled with a place name in the form the template needs: kk genitive
    "<kk name> облысының/қаласының", ru genitive "Акмолинской области", "города Кокшетау",
    ru "по Акмолинской области" for branches. Brand names of companies are drawn from a small
    list of invented Kazakh compounds; the ru form of a brand is its kk form as Russian texts
    write it, Kazakh letters transcribed (Қ→К, Ұ→У, Ә→А, ...), as real companies do (kk
    «Қазақтелеком», ru «Казахтелеком»). Legal forms: ru ГУ/КГУ/РГП на ПХВ/
    ГКП на ПХВ/ГККП/АО/ТОО before the quoted name; kk ММ/КММ/ШЖҚ РМК/ШЖҚ МКК/МКҚК/АҚ/ЖШС after
    it. Every kk organization name contains at least one Kazakh-specific letter (asserted).
  Persons: a group is drawn (Kazakh 65 %, Russian/Ukrainian 20 %, other peoples of Kazakhstan
    15 %: Korean, German, Tatar, Uzbek, Uyghur), then sex, then a given name, a surname (male
    form, or its female form: -ОВ→-ОВА, -ИН→-ИНА, -СКИЙ→-СКАЯ; -ЕНКО, КИМ, ШМИДТ unchanged) and a
    patronymic from a father's name: Kazakh fathers give either the Kazakh form (СЕРІКҰЛЫ /
    СЕРІКҚЫЗЫ) or the Russian-style one (СЕРІКОВИЧ / СЕРІКОВНА); other fathers give the Russian
    form from a table (СЕРГЕЙ → СЕРГЕЕВИЧ / СЕРГЕЕВНА). About 2 % have no patronymic (""). Full
    names are unique; famous surnames are left out of the lists.

How numbers are made valid (nca-facts.md §1)
  Check digit: s = Σ d[i]·i over digits 1-11 (weights 1..11), c = s mod 11; if c = 10, the
    weights 3..11,1,2 are used instead; if c is 10 again the 11 digits are dropped and new
    ones drawn (such numbers are never issued).
  IIN: YYMMDD of a birth date drawn between 1950-01-01 and 2005-12-31 (so the date exists),
    digit 7 = 3/4 (1900s male/female) or 5/6 (2000s male/female) from the person's sex,
    4 random serial digits, check digit.
  BIN: YYMM of a registration month between 1995-01 and 2024-12, digit 5 = 4 (resident legal
    entity), digit 6 = 0 (head unit) or 1 (branch: only for organizations named as branches),
    a random 5-digit serial (below 30000, as serials are small), check digit.
  ГУ/СКС codes: 4-8 random digits (a code may begin with 0: codes are strings), unique across
    all organizations.
  Everything drawn is unique (BINs, IINs, codes, organization names, full names).

Public test vectors (nca-facts.md §1) are included as entries, first in their files, so tests
and docs can rely on them: organizations 940140000385, 961141000023 (branch), 070941024691
(branch); persons 871008401427 (F, 1987), 760212350620 (M, 1976), 830717350867 (M, 1983),
061211600012 (F, 2006 — the one birth date outside 1950-2005).
"""

import datetime
import json
import os
import random
import sys

SEED = 20260101
N_PERSONS = 600

KK_LETTERS = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"

# ---------------------------------------------------------------------------------------
# Numbers


def check_digit(d11):
    """The check digit for 11 digits (a str), or None when both weightings give 10."""
    for w in ((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)):
        c = sum(int(x) * k for x, k in zip(d11, w)) % 11
        if c != 10:
            return c
    return None


def make_iin(rng, born, female, used):
    century = {19: 3, 20: 5}[born.year // 100] + (1 if female else 0)
    while True:
        d11 = born.strftime("%y%m%d") + str(century) + "%04d" % rng.randrange(10000)
        c = check_digit(d11)
        if c is None or d11 + str(c) in used:
            continue
        used.add(d11 + str(c))
        return d11 + str(c)


def make_bin(rng, branch, used):
    while True:
        year = rng.randrange(1995, 2025)
        month = rng.randrange(1, 13)
        d11 = "%02d%02d4%d%05d" % (year % 100, month, 1 if branch else 0, rng.randrange(30000))
        c = check_digit(d11)
        if c is None or d11 + str(c) in used:
            continue
        used.add(d11 + str(c))
        return d11 + str(c)


def make_codes(rng, n, used):
    codes = []
    while len(codes) < n:
        length = rng.randrange(4, 9)
        code = "".join(str(rng.randrange(10)) for _ in range(length))
        if code in used:
            continue
        used.add(code)
        codes.append(code)
    return codes


# ---------------------------------------------------------------------------------------
# Roles (nca-facts.md §2)

ROLE_OID_BASE = "1.2.398.3.3.4.1.2"
ROLES = [
    ("Бірінші басшы", "Первый руководитель", "First head"),
    ("Қол қою құқығы бар тұлға", "Лицо с правом подписи", "Person with the right of signature"),
    ("Қаржылық құжаттарға қол қою құқығы бар қызметкер",
     "Сотрудник с правом подписи финансовых документов",
     "Employee with the right to sign financial documents"),
    ("Кадр қызметінің қызметкері", "Сотрудник кадровой службы", "HR officer"),
    ("Ұйым қызметкері", "Сотрудник организации", "Employee"),
]


def build_roles():
    out = []
    for i, (kk, ru, en) in enumerate(ROLES, 1):
        rid = "ROLE%02d" % i
        out.append({"id": rid, "dc": rid, "oid": "%s.%d" % (ROLE_OID_BASE, i),
                    "name": {"kk": kk, "ru": ru, "en": en}})
    return out


# ---------------------------------------------------------------------------------------
# Regions, cities and RA offices. Real geography; offices and addresses are invented.
# Region: id, kk, ru, en, ru genitive ("Управление образования <...>"), ru "по <...>"
# (branches), cities. The administrative centre is the first city.
# City: id, kk, ru, en, ru genitive ("Отдел образования <...>"), number of offices.

REGIONS = [
    ("abai", "Абай облысы", "область Абай", "Abai Region", "области Абай", None, [
        ("semey", "Семей", "Семей", "Semey", "города Семей", 2),
        ("kurchatov", "Курчатов", "Курчатов", "Kurchatov", "города Курчатова", 1),
        ("ayagoz", "Аягөз", "Аягоз", "Ayagoz", "города Аягоз", 1)]),
    ("akmola", "Ақмола облысы", "Акмолинская область", "Akmola Region",
     "Акмолинской области", None, [
        ("kokshetau", "Көкшетау", "Кокшетау", "Kokshetau", "города Кокшетау", 2),
        ("stepnogorsk", "Степногор", "Степногорск", "Stepnogorsk", "города Степногорска", 1),
        ("shchuchinsk", "Щучинск", "Щучинск", "Shchuchinsk", "города Щучинска", 1),
        ("kosshy", "Қосшы", "Косшы", "Kosshy", "города Косшы", 1),
        ("atbasar", "Атбасар", "Атбасар", "Atbasar", "города Атбасара", 1)]),
    ("aktobe", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region",
     "Актюбинской области", None, [
        ("aktobe", "Ақтөбе", "Актобе", "Aktobe", "города Актобе", 3),
        ("khromtau", "Хромтау", "Хромтау", "Khromtau", "города Хромтау", 1),
        ("kandyagash", "Қандыағаш", "Кандыагаш", "Kandyagash", "города Кандыагаш", 1),
        ("shalkar", "Шалқар", "Шалкар", "Shalkar", "города Шалкара", 1)]),
    ("almaty-region", "Алматы облысы", "Алматинская область", "Almaty Region",
     "Алматинской области", None, [
        ("konaev", "Қонаев", "Конаев", "Konaev", "города Конаева", 2),
        ("kaskelen", "Қаскелең", "Каскелен", "Kaskelen", "города Каскелена", 1),
        ("talgar", "Талғар", "Талгар", "Talgar", "города Талгара", 1),
        ("esik", "Есік", "Есик", "Esik", "города Есик", 1)]),
    ("atyrau", "Атырау облысы", "Атырауская область", "Atyrau Region",
     "Атырауской области", None, [
        ("atyrau", "Атырау", "Атырау", "Atyrau", "города Атырау", 2),
        ("kulsary", "Құлсары", "Кульсары", "Kulsary", "города Кульсары", 1)]),
    ("east-kazakhstan", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область",
     "East Kazakhstan Region", "Восточно-Казахстанской области", None, [
        ("oskemen", "Өскемен", "Усть-Каменогорск", "Oskemen", "города Усть-Каменогорска", 3),
        ("ridder", "Риддер", "Риддер", "Ridder", "города Риддера", 1),
        ("altai", "Алтай", "Алтай", "Altai", "города Алтай", 1),
        ("zaisan", "Зайсаң", "Зайсан", "Zaisan", "города Зайсана", 1)]),
    ("zhambyl", "Жамбыл облысы", "Жамбылская область", "Zhambyl Region",
     "Жамбылской области", None, [
        ("taraz", "Тараз", "Тараз", "Taraz", "города Тараза", 2),
        ("shu", "Шу", "Шу", "Shu", "города Шу", 1),
        ("zhanatas", "Жаңатас", "Жанатас", "Zhanatas", "города Жанатаса", 1),
        ("karatau", "Қаратау", "Каратау", "Karatau", "города Каратау", 1)]),
    ("zhetisu", "Жетісу облысы", "область Жетісу", "Zhetisu Region", "области Жетісу", None, [
        ("taldykorgan", "Талдықорған", "Талдыкорган", "Taldykorgan", "города Талдыкоргана", 2),
        ("tekeli", "Текелі", "Текели", "Tekeli", "города Текели", 1),
        ("zharkent", "Жаркент", "Жаркент", "Zharkent", "города Жаркента", 1),
        ("ushtobe", "Үштөбе", "Уштобе", "Ushtobe", "города Уштобе", 1)]),
    ("west-kazakhstan", "Батыс Қазақстан облысы", "Западно-Казахстанская область",
     "West Kazakhstan Region", "Западно-Казахстанской области", None, [
        ("oral", "Орал", "Уральск", "Oral", "города Уральска", 2),
        ("aksai", "Ақсай", "Аксай", "Aksai", "города Аксай", 1)]),
    ("karaganda", "Қарағанды облысы", "Карагандинская область", "Karaganda Region",
     "Карагандинской области", None, [
        ("karaganda", "Қарағанды", "Караганда", "Karaganda", "города Караганды", 3),
        ("temirtau", "Теміртау", "Темиртау", "Temirtau", "города Темиртау", 2),
        ("balkhash", "Балқаш", "Балхаш", "Balkhash", "города Балхаша", 1),
        ("shakhtinsk", "Шахтинск", "Шахтинск", "Shakhtinsk", "города Шахтинска", 1),
        ("saran", "Саран", "Сарань", "Saran", "города Сарани", 1)]),
    ("kostanay", "Қостанай облысы", "Костанайская область", "Kostanay Region",
     "Костанайской области", None, [
        ("kostanay", "Қостанай", "Костанай", "Kostanay", "города Костаная", 2),
        ("rudny", "Рудный", "Рудный", "Rudny", "города Рудного", 1),
        ("lisakovsk", "Лисаков", "Лисаковск", "Lisakovsk", "города Лисаковска", 1),
        ("arkalyk", "Арқалық", "Аркалык", "Arkalyk", "города Аркалыка", 1)]),
    ("kyzylorda", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region",
     "Кызылординской области", None, [
        ("kyzylorda", "Қызылорда", "Кызылорда", "Kyzylorda", "города Кызылорды", 2),
        ("aral", "Арал", "Аральск", "Aral", "города Аральска", 1),
        ("kazaly", "Қазалы", "Казалинск", "Kazaly", "города Казалинска", 1)]),
    ("mangystau", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region",
     "Мангистауской области", None, [
        ("aktau", "Ақтау", "Актау", "Aktau", "города Актау", 2),
        ("zhanaozen", "Жаңаөзен", "Жанаозен", "Zhanaozen", "города Жанаозен", 1),
        ("fort-shevchenko", "Форт-Шевченко", "Форт-Шевченко", "Fort-Shevchenko",
         "города Форт-Шевченко", 1)]),
    ("pavlodar", "Павлодар облысы", "Павлодарская область", "Pavlodar Region",
     "Павлодарской области", None, [
        ("pavlodar", "Павлодар", "Павлодар", "Pavlodar", "города Павлодара", 2),
        ("ekibastuz", "Екібастұз", "Экибастуз", "Ekibastuz", "города Экибастуза", 1),
        ("aksu", "Ақсу", "Аксу", "Aksu", "города Аксу", 1)]),
    ("north-kazakhstan", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область",
     "North Kazakhstan Region", "Северо-Казахстанской области", None, [
        ("petropavl", "Петропавл", "Петропавловск", "Petropavl", "города Петропавловска", 2),
        ("bulaevo", "Булаево", "Булаево", "Bulaevo", "города Булаево", 1),
        ("taiynsha", "Тайынша", "Тайынша", "Taiynsha", "города Тайынша", 1),
        ("mamlyutka", "Мамлют", "Мамлютка", "Mamlyutka", "города Мамлютка", 1)]),
    ("turkistan", "Түркістан облысы", "Туркестанская область", "Turkistan Region",
     "Туркестанской области", None, [
        ("turkistan", "Түркістан", "Туркестан", "Turkistan", "города Туркестана", 2),
        ("kentau", "Кентау", "Кентау", "Kentau", "города Кентау", 1),
        ("saryagash", "Сарыағаш", "Сарыагаш", "Saryagash", "города Сарыагаш", 1),
        ("arys", "Арыс", "Арыс", "Arys", "города Арыси", 1),
        ("shardara", "Шардара", "Шардара", "Shardara", "города Шардары", 1)]),
    ("ulytau", "Ұлытау облысы", "область Ұлытау", "Ulytau Region", "области Ұлытау", None, [
        ("zhezkazgan", "Жезқазған", "Жезказган", "Zhezkazgan", "города Жезказгана", 2),
        ("satbayev", "Сәтбаев", "Сатпаев", "Satbayev", "города Сатпаева", 1),
        ("karazhal", "Қаражал", "Каражал", "Karazhal", "города Каражала", 1)]),
    ("astana", "Астана қаласы", "город Астана", "Astana city", "города Астаны",
     "по городу Астане", [("astana", "Астана", "Астана", "Astana", "города Астаны", 3)]),
    ("almaty", "Алматы қаласы", "город Алматы", "Almaty city", "города Алматы",
     "по городу Алматы", [("almaty", "Алматы", "Алматы", "Almaty", "города Алматы", 3)]),
    ("shymkent", "Шымкент қаласы", "город Шымкент", "Shymkent city", "города Шымкент",
     "по городу Шымкент", [("shymkent", "Шымкент", "Шымкент", "Shymkent", "города Шымкент", 3)]),
]

# The cities of republican significance: one RA office per district (kk, ru, en).
DISTRICT_OFFICES = {
    "astana": [("Есіл ауданы", "района Есиль", "Yesil district"),
               ("Сарыарқа ауданы", "района Сарыарка", "Saryarka district"),
               ("Алматы ауданы", "района Алматы", "Almaty district")],
    "almaty": [("Медеу ауданы", "Медеуского района", "Medeu district"),
               ("Бостандық ауданы", "Бостандыкского района", "Bostandyk district"),
               ("Әуезов ауданы", "Ауэзовского района", "Auezov district")],
    "shymkent": [("Әл-Фараби ауданы", "Аль-Фарабийского района", "Al-Farabi district"),
                 ("Абай ауданы", "Абайского района", "Abai district"),
                 ("Еңбекші ауданы", "Енбекшинского района", "Enbekshi district")],
}

STREETS = [
    "ул. Абая", "ул. Байтурсынова", "ул. Ауэзова", "пр. Республики", "ул. Сатпаева",
    "ул. Кенесары", "ул. Толе би", "ул. Жамбыла", "ул. Пушкина", "ул. Гоголя",
    "ул. Желтоксан", "пр. Абылай хана", "ул. Богенбай батыра", "ул. Кабанбай батыра",
    "пр. Достык", "ул. Тауелсиздик", "ул. Момышулы", "ул. Алтынсарина", "ул. Букетова",
    "ул. Чокина", "ул. Строителей", "ул. Мира", "ул. Торайгырова", "ул. Валиханова",
    "ул. Сейфуллина", "ул. Майлина", "ул. Есенберлина",
    "ул. Жансугурова", "ул. Бокейхана", "ул. Дулатова",
]


def build_regions(rng):
    out = []
    for rid, kk, ru, en, _gen, _po, cities in REGIONS:
        cl = []
        for cid, ckk, cru, cen, cgen, noffices in cities:
            offices = []
            streets = rng.sample(STREETS, noffices)
            for i in range(noffices):
                if cid in DISTRICT_OFFICES:
                    dkk, dru, den = DISTRICT_OFFICES[cid][i]
                    name = {"kk": "%s қаласы %sның ХҚКО" % (ckk, dkk),
                            "ru": "ЦОН %s %s" % (dru, cgen),
                            "en": "%s PSC, %s" % (cen, den)}
                elif noffices == 1:
                    name = {"kk": "%s қаласының ХҚКО" % ckk, "ru": "ЦОН %s" % cgen,
                            "en": "%s PSC" % cen}
                else:
                    name = {"kk": "%s қаласының № %d ХҚКО" % (ckk, i + 1),
                            "ru": "ЦОН № %d %s" % (i + 1, cgen),
                            "en": "%s PSC No. %d" % (cen, i + 1)}
                address = "г. %s, %s, %d" % (cru, streets[i], rng.randrange(1, 200))
                offices.append({"id": "%s-%d" % (cid, i + 1), "name": name,
                                "address": address})
            cl.append({"id": cid, "name": {"kk": ckk, "ru": cru, "en": cen},
                       "offices": offices})
        out.append({"id": rid, "name": {"kk": kk, "ru": ru, "en": en}, "cities": cl})
    return out


# ---------------------------------------------------------------------------------------
# Organizations

def kk_gen(kk_place):
    """'Ақмола облысы' -> 'Ақмола облысының', 'Көкшетау' -> 'Көкшетау қаласының'."""
    if kk_place.endswith((" облысы", " қаласы")):
        return kk_place + "ның"
    return kk_place + " қаласының"


# Regional akimat's departments: ru "Управление <X> <region gen>", kk "<region gen> <X>".
REGION_DEPARTMENTS = [
    ("образования", "білім басқармасы"),
    ("здравоохранения", "денсаулық сақтау басқармасы"),
    ("финансов", "қаржы басқармасы"),
    ("культуры, архивов и документации", "мәдениет, архивтер және құжаттама басқармасы"),
    ("физической культуры и спорта", "дене шынықтыру және спорт басқармасы"),
    ("сельского хозяйства", "ауыл шаруашылығы басқармасы"),
    ("энергетики и жилищно-коммунального хозяйства",
     "энергетика және тұрғын үй-коммуналдық шаруашылық басқармасы"),
    ("пассажирского транспорта и автомобильных дорог",
     "жолаушылар көлігі және автомобиль жолдары басқармасы"),
    ("координации занятости и социальных программ",
     "жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар басқармасы"),
    ("природных ресурсов и регулирования природопользования",
     "табиғи ресурстар және табиғат пайдалануды реттеу басқармасы"),
    ("строительства", "құрылыс басқармасы"),
    ("предпринимательства и промышленности", "кәсіпкерлік және өнеркәсіп басқармасы"),
    ("цифровизации", "цифрландыру басқармасы"),
    ("по делам религий", "дін істері басқармасы"),
    ("внутренней политики", "ішкі саясат басқармасы"),
    ("ветеринарии", "ветеринария басқармасы"),
    ("экономики и бюджетного планирования", "экономика және бюджеттік жоспарлау басқармасы"),
]

# City departments: ru "Отдел <X> <city gen>", kk "<city> қаласының <X>".
CITY_DEPARTMENTS = [
    ("образования", "білім бөлімі"),
    ("финансов", "қаржы бөлімі"),
    ("жилищно-коммунального хозяйства", "тұрғын үй-коммуналдық шаруашылық бөлімі"),
    ("занятости и социальных программ", "жұмыспен қамту және әлеуметтік бағдарламалар бөлімі"),
    ("строительства", "құрылыс бөлімі"),
    ("культуры и развития языков", "мәдениет және тілдерді дамыту бөлімі"),
    ("земельных отношений", "жер қатынастары бөлімі"),
]

# Territorial departments of ministries' committees: (ru department, ru "of the committee of
# the ministry", kk "ministry's committee's", kk department).
COMMITTEE_DEPARTMENTS = [
    ("Департамент казначейства", "Комитета казначейства Министерства финансов Республики "
     "Казахстан", "Қазақстан Республикасы Қаржы министрлігі Қазынашылық комитетінің",
     "қазынашылық департаменті"),
    ("Департамент государственных доходов", "Комитета государственных доходов Министерства "
     "финансов Республики Казахстан", "Қазақстан Республикасы Қаржы министрлігі Мемлекеттік "
     "кірістер комитетінің", "мемлекеттік кірістер департаменті"),
    ("Департамент экологии", "Комитета экологического регулирования и контроля Министерства "
     "экологии и природных ресурсов Республики Казахстан", "Қазақстан Республикасы Экология "
     "және табиғи ресурстар министрлігі Экологиялық реттеу және бақылау комитетінің",
     "экология департаменті"),
    ("Департамент санитарно-эпидемиологического контроля", "Комитета "
     "санитарно-эпидемиологического контроля Министерства здравоохранения Республики "
     "Казахстан", "Қазақстан Республикасы Денсаулық сақтау министрлігі "
     "Санитариялық-эпидемиологиялық бақылау комитетінің",
     "санитариялық-эпидемиологиялық бақылау департаменті"),
    ("Департамент юстиции", "Министерства юстиции Республики Казахстан",
     "Қазақстан Республикасы Әділет министрлігінің", "әділет департаменті"),
    ("Департамент по обеспечению качества в сфере образования", "Комитета по обеспечению "
     "качества в сфере образования Министерства просвещения Республики Казахстан",
     "Қазақстан Республикасы Оқу-ағарту министрлігі Білім беру саласындағы сапаны "
     "қамтамасыз ету комитетінің",
     "білім беру саласындағы сапаны қамтамасыз ету департаменті"),
]

# Republican committees (Astana): ru, kk.
REPUBLICAN_COMMITTEES = [
    ("Комитет казначейства Министерства финансов Республики Казахстан",
     "Қазақстан Республикасы Қаржы министрлігінің Қазынашылық комитеті"),
    ("Комитет по управлению земельными ресурсами Министерства сельского хозяйства "
     "Республики Казахстан", "Қазақстан Республикасы Ауыл шаруашылығы министрлігінің Жер "
     "ресурстарын басқару жөніндегі комитеті"),
    ("Комитет по водным ресурсам Министерства водных ресурсов и ирригации Республики "
     "Казахстан", "Қазақстан Республикасы Су ресурстары және ирригация министрлігінің Су "
     "ресурстары комитеті"),
    ("Комитет индустрии туризма Министерства туризма и спорта Республики Казахстан",
     "Қазақстан Республикасы Туризм және спорт министрлігінің Туризм индустриясы комитеті"),
    ("Комитет автомобильных дорог Министерства транспорта Республики Казахстан",
     "Қазақстан Республикасы Көлік министрлігінің Автомобиль жолдары комитеті"),
    ("Комитет по делам строительства и жилищно-коммунального хозяйства Министерства "
     "промышленности и строительства Республики Казахстан", "Қазақстан Республикасы "
     "Өнеркәсіп және құрылыс министрлігінің Құрылыс және тұрғын үй-коммуналдық шаруашылық "
     "істері комитеті"),
]

# Republican state enterprises (RSE on the right of economic management), invented:
# ru, kk. They sit in Astana and have regional branches.
RSES = [
    ("Республиканский центр цифровой сертификации", "Республикалық цифрлық сертификаттау "
     "орталығы"),
    ("Национальный центр мониторинга водных ресурсов", "Су ресурстарын мониторингілеудің "
     "ұлттық орталығы"),
    ("Центр контроля качества автомобильных дорог", "Автомобиль жолдарының сапасын бақылау "
     "орталығы"),
    ("Республиканский центр ветеринарной диагностики", "Республикалық ветеринариялық "
     "диагностика орталығы"),
    ("Научно-производственный центр земельного кадастра", "Жер кадастрының "
     "ғылыми-өндірістік орталығы"),
]

# Invented brand names of joint-stock companies and LLPs of the quasi-public sector:
# (kk, ru). The ru form is the kk one as Russian texts write it (Kazakh letters transcribed,
# as real companies do: kk «Қазақтелеком», ru «Казахтелеком»).
BRANDS = [
    ("Сарыарқа Жылу Энерго", "Сарыарка Жылу Энерго"),
    ("Ертіс Өзен Транзит", "Ертис Озен Транзит"),
    ("Қазақ Дала Агро", "Казах Дала Агро"),
    ("Тұран Су Жүйесі", "Туран Су Жуйеси"),
    ("Алатау Жарық Желісі", "Алатау Жарык Желиси"),
    ("Жайық Мұнай Сервис", "Жайык Мунай Сервис"),
    ("Көкжиек Логистика", "Кокжиек Логистика"),
    ("Ақжол Инфрақұрылым", "Акжол Инфракурылым"),
    ("Атамекен Тұрғын Үй", "Атамекен Тургын Уй"),
    ("Шығыс Көмір Өнім", "Шыгыс Комир Оним"),
    ("Байтақ Цифрлық Сервис", "Байтак Цифрлык Сервис"),
    ("Қыран Авиа Сервис", "Кыран Авиа Сервис"),
    ("Ұлы Дала Инвест", "Улы Дала Инвест"),
    ("Теңіз Порт Құрылыс", "Тениз Порт Курылыс"),
    ("Мөлдір Бұлақ", "Молдир Булак"),
    ("Жасыл Өңір", "Жасыл Онир"),
    ("Күнгей Энергия", "Кунгей Энергия"),
    ("Ақ Бидай Астық", "Ак Бидай Астык"),
    ("Өркен Білім Қоры", "Оркен Билим Коры"),
    ("Ордабасы Темір Жол Сервис", "Ордабасы Темир Жол Сервис"),
]

MAX_BRANCHES = 3  # an RSE or a JSC has 0 to 3 regional branches


def national_ru(brand):
    return "АО «Национальная компания «%s»»" % brand[1]


def national_kk(brand):
    return "««%s» ұлттық компаниясы» АҚ" % brand[0]


class Orgs:
    def __init__(self, rng):
        self.rng = rng
        self.out = []
        self.bins = set()
        self.codes = set()
        self.names = set()

    def add(self, region, ru, kk, branch=False, bin_=None, codes=None):
        assert any(c in KK_LETTERS for c in kk), kk
        assert (ru not in self.names) and (kk not in self.names), ru
        self.names.add(ru)
        self.names.add(kk)
        if bin_ is None:
            bin_ = make_bin(self.rng, branch, self.bins)
        else:
            assert bin_ not in self.bins
            self.bins.add(bin_)
        if codes is None:
            codes = make_codes(self.rng, self.rng.choice((1, 1, 1, 2, 2, 3)), self.codes)
        else:
            assert not (set(codes) & self.codes)
            self.codes.update(codes)
        self.out.append({"bin": bin_, "name": {"kk": kk, "ru": ru}, "region": region,
                         "gu_codes": codes})


def region_po(reg):
    return reg[5] if reg[5] else "по " + reg[4]


def build_organizations(rng):
    o = Orgs(rng)
    regions = {r[0]: r for r in REGIONS}

    # The public test vectors first, with fixed codes: the head office of a national
    # company, a branch of an RSE, a branch of another national company.
    o.add("karaganda", national_ru(BRANDS[0]), national_kk(BRANDS[0]),
          bin_="940140000385", codes=["1001", "100385"])
    o.add("pavlodar", "Филиал РГП на ПХВ «%s» %s" % (RSES[0][0], region_po(regions["pavlodar"])),
          "«%s» ШЖҚ РМК %s бойынша филиалы" % (RSES[0][1], regions["pavlodar"][1]),
          branch=True, bin_="961141000023", codes=["2002"])
    o.add("kostanay", "Филиал %s %s" % (national_ru(BRANDS[1]), region_po(regions["kostanay"])),
          "%s %s бойынша филиалы" % (national_kk(BRANDS[1]), regions["kostanay"][1]),
          branch=True, bin_="070941024691", codes=["3003", "30024691"])
    taken = {("pavlodar", RSES[0][0]), ("kostanay", BRANDS[1])}

    # Republican level: committees and RSEs in Astana, national companies and other JSCs in
    # Astana or Almaty, some with regional branches; LLPs.
    for ru, kk in REPUBLICAN_COMMITTEES:
        o.add("astana", "ГУ «%s»" % ru, "«%s» ММ" % kk)
    oblasts = [r[0] for r in REGIONS[:17]]
    heads = []
    for ru, kk in RSES:
        heads.append(("astana", ru, "РГП на ПХВ «%s»" % ru, "«%s» ШЖҚ РМК" % kk))
    for i, brand in enumerate(BRANDS):
        home = "karaganda" if i == 0 else rng.choice(("astana", "astana", "almaty"))
        if i < 6:
            heads.append((home, brand, national_ru(brand), national_kk(brand)))
        elif i < 12:
            heads.append((home, brand, "АО «%s»" % brand[1], "«%s» АҚ" % brand[0]))
        else:
            heads.append((home, brand, "ТОО «%s»" % brand[1], "«%s» ЖШС" % brand[0]))
    for home, key, ru, kk in heads:
        if key != BRANDS[0]:            # the first vector is that head office
            o.add(home, ru, kk)
        if ru.startswith("ТОО"):
            continue
        for rid in rng.sample(oblasts, rng.randrange(0, MAX_BRANCHES + 1)):
            if (rid, key) in taken or rid == home:
                continue
            reg = regions[rid]
            o.add(rid, "Филиал %s %s" % (ru, region_po(reg)),
                  "%s %s бойынша филиалы" % (kk, reg[1]), branch=True)

    # Regional level: the akim's office, departments, territorial departments, a hospital.
    for rid, kk, ru, en, gen, _po, cities in REGIONS:
        kgen = kk_gen(kk)
        akim_kk = kk + " әкімінің аппараты"
        o.add(rid, "ГУ «Аппарат акима %s»" % gen, "«%s» ММ" % akim_kk)
        for dru, dkk in rng.sample(REGION_DEPARTMENTS, rng.randrange(4, 8)):
            o.add(rid, "ГУ «Управление %s %s»" % (dru, gen), "«%s %s» ММ" % (kgen, dkk))
        for dep_ru, com_ru, com_kk, dep_kk in rng.sample(COMMITTEE_DEPARTMENTS,
                                                          rng.randrange(1, 4)):
            o.add(rid, "ГУ «%s %s %s»" % (dep_ru, region_po(regions[rid]), com_ru),
                  "«%s %s бойынша %s» ММ" % (com_kk, kk, dep_kk))
        hosp = rng.choice((
            ("Многопрофильная областная больница", "Көпбейінді облыстық аурухана"),
            ("Областной онкологический центр", "Облыстық онкологиялық орталық"),
            ("Областной перинатальный центр", "Облыстық перинаталдық орталық"),
            ("Областная детская больница", "Облыстық балалар ауруханасы")))
        if rid in ("astana", "almaty", "shymkent"):
            hosp = (hosp[0].replace("областн", "городск").replace("Областн", "Городск"),
                    hosp[1].replace("облыстық", "қалалық").replace("Облыстық", "Қалалық"))
        o.add(rid, "ГКП на ПХВ «%s» управления здравоохранения %s" % (hosp[0], gen),
              "%s денсаулық сақтау басқармасының «%s» ШЖҚ МКК" % (kk, hosp[1]))

        # City level.
        for cid, ckk, cru, cen, cgen, _n in cities:
            capital = cid == rid and rid in ("astana", "almaty", "shymkent")
            ckgen = kk_gen(ckk)
            if not capital:
                o.add(rid, "ГУ «Аппарат акима %s»" % cgen,
                      "«%s қаласы әкімінің аппараты» ММ" % ckk)
                for dru, dkk in rng.sample(CITY_DEPARTMENTS, rng.randrange(0, 3)):
                    o.add(rid, "ГУ «Отдел %s %s»" % (dru, cgen), "«%s %s» ММ" % (ckgen, dkk))
            else:
                for dkk, dru, _den in DISTRICT_OFFICES[cid]:
                    o.add(rid, "ГУ «Аппарат акима %s %s»" % (dru, cgen),
                          "«%s қаласы %s әкімінің аппараты» ММ" % (ckk, dkk))
            nschools = rng.randrange(3, 7) if capital else rng.randrange(0, 3)
            for num in sorted(rng.sample(range(1, 90), nschools)):
                kind = rng.choice(("school", "school", "gymnasium", "lyceum"))
                if kind == "school":
                    ru_s, kk_s = "Общеобразовательная школа № %d" % num, \
                        "№ %d жалпы білім беретін мектебі" % num
                elif kind == "gymnasium":
                    ru_s, kk_s = "Школа-гимназия № %d" % num, "№ %d мектеп-гимназиясы" % num
                else:
                    ru_s, kk_s = "Школа-лицей № %d" % num, "№ %d мектеп-лицейі" % num
                o.add(rid, "КГУ «%s %s»" % (ru_s, cgen), "«%s %s» КММ" % (ckgen, kk_s))
            nclinics = rng.randrange(2, 4) if capital else rng.randrange(0, 2)
            for num in sorted(rng.sample(range(1, 15), nclinics)):
                o.add(rid, "ГКП на ПХВ «Городская поликлиника № %d %s»" % (num, cgen),
                      "«%s № %d қалалық емханасы» ШЖҚ МКК" % (ckgen, num))
            if rng.random() < (0.9 if capital else 0.3):
                num = rng.randrange(1, 60)
                o.add(rid, "ГККП «Ясли-сад № %d %s»" % (num, cgen),
                      "«%s № %d бөбекжай-бақшасы» МКҚК" % (ckgen, num))
            if rng.random() < (0.9 if capital else 0.2):
                col = rng.choice((("Политехнический колледж", "политехникалық колледжі"),
                                  ("Медицинский колледж", "медициналық колледжі"),
                                  ("Аграрно-технический колледж",
                                   "аграрлық-техникалық колледжі")))
                o.add(rid, "ГККП «%s %s»" % (col[0], cgen), "«%s %s» МКҚК" % (ckgen, col[1]))
            if rng.random() < (1.0 if capital else 0.35):
                ut = rng.choice((("Тепловые сети", "жылу желілері"),
                                 ("Водоканал", "су арнасы"),
                                 ("Городской пассажирский транспорт",
                                  "қалалық жолаушылар көлігі")))
                o.add(rid, "ГКП на ПХВ «%s %s»" % (ut[0], cgen),
                      "«%s %s» ШЖҚ МКК" % (ckgen, ut[1]))
            if capital:
                o.add(rid, "ТОО «Центр развития %s»" % cgen,
                      "«%s қаласын дамыту орталығы» ЖШС" % ckk)
    return o.out


# ---------------------------------------------------------------------------------------
# Persons

KZ_MALE = [
    "АЙДАР", "АЛМАС", "АСХАТ", "АЗАМАТ", "БАУЫРЖАН", "ДӘУРЕН", "ЕРЛАН", "ЕРБОЛ", "ЖАНДОС",
    "ҚАЙРАТ", "ҚАНАТ", "МАРАТ", "НҰРЛАН", "ОЛЖАС", "СЕРІК", "ТАЛҒАТ", "ТИМУР", "ЕРЖАН",
    "ДАНИЯР", "АРМАН", "САНЖАР", "РУСЛАН", "ӘЛИХАН", "ДИАС", "ЕРАСЫЛ", "НҰРБОЛ", "ЖАСҰЛАН",
    "БЕКЗАТ", "ҒАЛЫМ", "МҰХТАР", "ӘДІЛЕТ", "ЕРНАР", "АЙБЕК", "БЕРІК", "ҚУАНЫШ", "ТӨЛЕГЕН",
    "ШЫҢҒЫС", "ЕЛДОС", "АСЛАН", "ДАМИР", "МЕЙІРЖАН", "БАҒДАТ", "ЖАНБОЛАТ", "ЕСЕН", "АРДАҚ",
    "НҰРЖАН", "ӘСЕТ", "ЫСҚАҚ", "ҚАСЫМ", "ӨМІРБЕК",
]
KZ_FEMALE = [
    "АЙГҮЛ", "АЙЖАН", "АЙНҰР", "ГҮЛНАР", "ГҮЛМИРА", "ДИНАРА", "ЖАНАР", "ЖАНСАЯ", "ӘСЕЛ",
    "АҚМАРАЛ", "АЛТЫНАЙ", "БОТАГӨЗ", "ДАНА", "ЖАДЫРА", "ЖҰЛДЫЗ", "ҚАРЛЫҒАШ", "ҚАРАКӨЗ",
    "МАДИНА", "НАЗЕРКЕ", "ИНДИРА", "СӘУЛЕ", "ТОМИРИС", "ШОЛПАН", "ЛӘЗЗАТ", "ГАУХАР",
    "АРУЖАН", "АЯУЛЫМ", "ӘЙГЕРІМ", "ІҢКӘР", "МӨЛДІР", "ЖАНЕРКЕ", "ҰЛЖАН", "ПЕРИЗАТ",
    "РАУШАН", "САЛТАНАТ", "КҮНСҰЛУ", "БАҚЫТГҮЛ", "НҰРГҮЛ", "ДӘМЕТКЕН", "ГҮЛЖАН",
]
# Kazakh surnames in the male form (female: + А).
KZ_SURNAMES = [
    "АХМЕТОВ", "ОМАРОВ", "ЖАҚЫПОВ", "ҚАСЫМОВ", "ЖАҚСЫЛЫҚОВ", "ТӨЛЕУБАЕВ", "НҰРҒАЛИЕВ",
    "ӘБДІРАХМАНОВ", "ҚҰДАЙБЕРГЕНОВ", "СЕЙІТОВ", "БЕКМАҒАМБЕТОВ", "ОСПАНОВ", "СӘРСЕНБАЕВ",
    "ЕРМЕКОВ", "ЖҰМАБАЕВ", "ӘЛІМЖАНОВ", "ТҰРСЫНОВ", "МҰСАБЕКОВ", "ҚОЖАХМЕТОВ",
    "БАЙМҰХАМЕДОВ", "ЫСҚАҚОВ", "ИБРАЕВ", "ДҮЙСЕНБАЕВ", "СМАҒҰЛОВ", "ОРАЗБЕКОВ", "ЖАНТАСОВ",
    "ТЕМІРБЕКОВ", "ӨТЕПОВ", "ҮМБЕТОВ", "ШАЙМЕРДЕНОВ", "АМАНЖОЛОВ", "ЕСЕНОВ", "МАМЫТОВ",
    "ҚАЛИЕВ", "БЕЙСЕНОВ", "КЕНЖЕБАЕВ", "ҚОЙШЫБАЕВ", "ТОҚТАРОВ", "ЖЕКСЕНБАЕВ",
    "СҰЛТАНБЕКОВ", "БАЛҒАБАЕВ", "НҰРМАҒАНБЕТОВ", "ӘМІРОВ", "ҚАНАПИН", "ЖҮСІПОВ",
    "САДЫҚОВ", "ТӘЖИЕВ", "ЕРҒАЛИЕВ", "БАЙЖАНОВ", "ҒАБДУЛЛИН",
]
# Russian fathers' names and their patronymics (male, female).
RU_FATHERS = [
    ("АЛЕКСАНДР", "АЛЕКСАНДРОВИЧ", "АЛЕКСАНДРОВНА"), ("СЕРГЕЙ", "СЕРГЕЕВИЧ", "СЕРГЕЕВНА"),
    ("ВЛАДИМИР", "ВЛАДИМИРОВИЧ", "ВЛАДИМИРОВНА"), ("НИКОЛАЙ", "НИКОЛАЕВИЧ", "НИКОЛАЕВНА"),
    ("ЮРИЙ", "ЮРЬЕВИЧ", "ЮРЬЕВНА"), ("МИХАИЛ", "МИХАЙЛОВИЧ", "МИХАЙЛОВНА"),
    ("ПАВЕЛ", "ПАВЛОВИЧ", "ПАВЛОВНА"), ("ИГОРЬ", "ИГОРЕВИЧ", "ИГОРЕВНА"),
    ("ДМИТРИЙ", "ДМИТРИЕВИЧ", "ДМИТРИЕВНА"), ("ЕВГЕНИЙ", "ЕВГЕНЬЕВИЧ", "ЕВГЕНЬЕВНА"),
    ("ВИКТОР", "ВИКТОРОВИЧ", "ВИКТОРОВНА"), ("АНАТОЛИЙ", "АНАТОЛЬЕВИЧ", "АНАТОЛЬЕВНА"),
    ("ВАСИЛИЙ", "ВАСИЛЬЕВИЧ", "ВАСИЛЬЕВНА"), ("ПЕТР", "ПЕТРОВИЧ", "ПЕТРОВНА"),
    ("ГЕННАДИЙ", "ГЕННАДЬЕВИЧ", "ГЕННАДЬЕВНА"), ("ВАЛЕРИЙ", "ВАЛЕРЬЕВИЧ", "ВАЛЕРЬЕВНА"),
    ("АНДРЕЙ", "АНДРЕЕВИЧ", "АНДРЕЕВНА"), ("ОЛЕГ", "ОЛЕГОВИЧ", "ОЛЕГОВНА"),
    ("ВИТАЛИЙ", "ВИТАЛЬЕВИЧ", "ВИТАЛЬЕВНА"), ("ИВАН", "ИВАНОВИЧ", "ИВАНОВНА"),
    ("КОНСТАНТИН", "КОНСТАНТИНОВИЧ", "КОНСТАНТИНОВНА"), ("БОРИС", "БОРИСОВИЧ", "БОРИСОВНА"),
]
RU_MALE = [
    "АЛЕКСАНДР", "СЕРГЕЙ", "ДМИТРИЙ", "АНДРЕЙ", "АЛЕКСЕЙ", "ВЛАДИМИР", "ЕВГЕНИЙ", "НИКОЛАЙ",
    "ИГОРЬ", "ОЛЕГ", "ВИКТОР", "ЮРИЙ", "ПАВЕЛ", "МИХАИЛ", "ДЕНИС", "АРТЁМ", "МАКСИМ", "ИВАН",
    "КОНСТАНТИН", "ВАДИМ", "РОМАН", "АНТОН", "КИРИЛЛ", "ВИТАЛИЙ",
]
RU_FEMALE = [
    "ЕЛЕНА", "ОЛЬГА", "ТАТЬЯНА", "НАТАЛЬЯ", "ИРИНА", "СВЕТЛАНА", "АННА", "МАРИНА", "ЮЛИЯ",
    "ЕКАТЕРИНА", "ОКСАНА", "ГАЛИНА", "ЛЮДМИЛА", "ВАЛЕНТИНА", "ЛАРИСА", "ВИКТОРИЯ",
    "АНАСТАСИЯ", "ДАРЬЯ", "КСЕНИЯ", "АЛЁНА", "НАДЕЖДА", "ВЕРА",
]
RU_SURNAMES = [
    "ИВАНОВ", "КУЗНЕЦОВ", "ПОПОВ", "ВАСИЛЬЕВ", "СОКОЛОВ", "МИХАЙЛОВ", "НОВИКОВ", "ФЁДОРОВ",
    "МОРОЗОВ", "ВОЛКОВ", "АЛЕКСЕЕВ", "ЛЕБЕДЕВ", "СЕМЁНОВ", "ЕГОРОВ", "ПАВЛОВ", "КОЗЛОВ",
    "СТЕПАНОВ", "НИКОЛАЕВ", "ОРЛОВ", "АНДРЕЕВ", "МАКАРОВ", "ЗАХАРОВ", "ЗАЙЦЕВ", "БЕЛОВ",
    "ГРИГОРЬЕВ", "ТАРАСОВ", "ПОЛЯКОВ", "ЕРМАКОВ", "СОРОКИН", "ЛАПИН", "КОВАЛЕВСКИЙ",
    "ЗАВАДСКИЙ", "КОВАЛЕНКО", "БОНДАРЕНКО", "ТКАЧЕНКО", "КРАВЧЕНКО", "ЛИТВИНЕНКО",
    "МЕЛЬНИЧУК", "САВЧУК",
]
# Other peoples of Kazakhstan: (surnames, male names, female names, fathers) where fathers
# are (name, male patronymic, female patronymic); None = Russian tables.
OTHER_GROUPS = [
    (["КИМ", "ПАК", "ЦОЙ", "ЛИ", "ТЕН", "ЛИГАЙ", "ХАН", "НАМ"], None, None, None),
    (["ШМИДТ", "МИЛЛЕР", "ВАГНЕР", "ГЕРБЕР", "ФРИЗЕН", "КЛАССЕН", "ЭНС", "РЕЙМЕР"],
     None, None, None),
    (["ХАБИБУЛЛИН", "ГАЛИЕВ", "САФИН", "ЗАКИРОВ", "ШАРИПОВ", "ГАЙНУТДИНОВ"],
     ["РУСТАМ", "РИНАТ", "ИЛЬДАР", "РАМИЛЬ", "ТИМУР", "МАРАТ"],
     ["АЛЬФИЯ", "ГУЛЬНАРА", "ЛИЛИЯ", "ЭЛЬМИРА", "ДИНАРА", "РЕГИНА"],
     [("РИНАТ", "РИНАТОВИЧ", "РИНАТОВНА"), ("ИЛЬДАР", "ИЛЬДАРОВИЧ", "ИЛЬДАРОВНА"),
      ("РАФАЭЛЬ", "РАФАЭЛЕВИЧ", "РАФАЭЛЕВНА"), ("МАРАТ", "МАРАТОВИЧ", "МАРАТОВНА"),
      ("РУСТАМ", "РУСТАМОВИЧ", "РУСТАМОВНА")]),
    (["ЮСУПОВ", "РАХИМОВ", "ТАШЕВ", "МИРЗАЕВ", "САДЫКОВ", "НАЗИРОВ"],
     ["ШЕРЗОД", "ФАРХОД", "ДИЛШОД", "АКМАЛЬ", "БАХТИЁР", "УЛУГБЕК"],
     ["ДИЛНОЗА", "ГУЛЧЕХРА", "МАЛИКА", "НИГОРА", "ФЕРУЗА", "ШАХЛО"],
     [("АКМАЛЬ", "АКМАЛЕВИЧ", "АКМАЛЕВНА"), ("ФАРХОД", "ФАРХОДОВИЧ", "ФАРХОДОВНА"),
      ("БАХТИЁР", "БАХТИЁРОВИЧ", "БАХТИЁРОВНА"), ("РАВШАН", "РАВШАНОВИЧ", "РАВШАНОВНА")]),
    (["ИМИНОВ", "МАМУТОВ", "ТУРСУНОВ", "АБДУЛЛАЕВ", "ХАМРАЕВ", "ЯКУПОВ"],
     ["АРСЛАН", "ДИЛЬМУРАТ", "ШАХИДИН", "ИЛЬЯР", "МУРАТ", "АКБАР"],
     ["ДИЛЬНАРА", "ГУЛЬЗИРА", "МАРЬЯМ", "ЗУЛЬФИЯ", "ПАТИГУЛЬ", "НАЗИРА"],
     [("ДИЛЬМУРАТ", "ДИЛЬМУРАТОВИЧ", "ДИЛЬМУРАТОВНА"), ("АРСЛАН", "АРСЛАНОВИЧ", "АРСЛАНОВНА"),
      ("АКБАР", "АКБАРОВИЧ", "АКБАРОВНА"), ("МУРАТ", "МУРАТОВИЧ", "МУРАТОВНА")]),
]

SIBILANTS = "ЖШЧЩЦ"


def female_surname(s):
    if s.endswith(("ОВ", "ЕВ", "ЁВ", "ИН")):
        return s + "А"
    if s.endswith("СКИЙ"):
        return s[:-4] + "СКАЯ"
    return s  # -ЕНКО, -ЧУК, КИМ, ШМИДТ, ...


def kz_patronymic(rng, father, female):
    if rng.random() < 0.6:
        return father + ("ҚЫЗЫ" if female else "ҰЛЫ")
    suffix = "ЕВ" if father[-1] in SIBILANTS else "ОВ"
    return father + suffix + ("НА" if female else "ИЧ")


# Kazakh fathers: male names ending in a consonant (not Й/Ь) so that both patronymic forms work.
KZ_FATHERS = [n for n in KZ_MALE if n[-1] not in "АӘЕИОӨУҰҮЫІЭЮЯЙЬ"]


def person(rng):
    g = rng.random()
    female = rng.random() < 0.5
    if g < 0.65:
        given = rng.choice(KZ_FEMALE if female else KZ_MALE)
        surname = rng.choice(KZ_SURNAMES)
        patronymic = kz_patronymic(rng, rng.choice(KZ_FATHERS), female)
    elif g < 0.85:
        given = rng.choice(RU_FEMALE if female else RU_MALE)
        surname = rng.choice(RU_SURNAMES)
        patronymic = rng.choice(RU_FATHERS)[2 if female else 1]
    else:
        surnames, males, females, fathers = rng.choice(OTHER_GROUPS)
        given = rng.choice((females or RU_FEMALE) if female else (males or RU_MALE))
        surname = rng.choice(surnames)
        patronymic = rng.choice(fathers or RU_FATHERS)[2 if female else 1]
    if female:
        surname = female_surname(surname)
    if rng.random() < 0.02:
        patronymic = ""
    return female, surname, given, patronymic


# The public test vectors: IIN, surname, given name, patronymic (sex and century from digit 7).
PERSON_VECTORS = [
    ("871008401427", "ЖАҚСЫЛЫҚОВА", "ӘСЕЛ", "ҚАЙРАТҚЫЗЫ"),
    ("760212350620", "КОВАЛЕНКО", "СЕРГЕЙ", "ВИКТОРОВИЧ"),
    ("830717350867", "ОСПАНОВ", "ЕРЛАН", "СЕРІКҰЛЫ"),
    ("061211600012", "ТӨЛЕУБАЕВА", "АЯУЛЫМ", "ДӘУРЕНҚЫЗЫ"),
]


def build_persons(rng):
    out = []
    iins = set()
    names = set()
    for iin, s, g, p in PERSON_VECTORS:
        iins.add(iin)
        names.add((s, g, p))
        out.append({"iin": iin, "surname": s, "given_name": g, "patronymic": p})
    first = datetime.date(1950, 1, 1).toordinal()
    last = datetime.date(2005, 12, 31).toordinal()
    while len(out) < N_PERSONS:
        female, s, g, p = person(rng)
        born = datetime.date.fromordinal(rng.randint(first, last))
        if (s, g, p) in names:
            continue
        names.add((s, g, p))
        out.append({"iin": make_iin(rng, born, female, iins), "surname": s, "given_name": g,
                    "patronymic": p})
    return out


# ---------------------------------------------------------------------------------------
# Output


def dump_indented(data):
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def dump_per_entry(data):
    """One entry per line: a changed entry is a one-line diff."""
    lines = [json.dumps(e, ensure_ascii=False) for e in data]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rng = random.Random(SEED)
    files = {
        "roles.json": dump_indented(build_roles()),
        "regions.json": dump_indented(build_regions(rng)),
        "organizations.json": dump_per_entry(build_organizations(rng)),
        "persons.json": dump_per_entry(build_persons(rng)),
    }
    os.makedirs(outdir, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(outdir, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
