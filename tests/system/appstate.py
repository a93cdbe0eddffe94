"""The applicant's state file (src/enroll/state.h) written as ncaenroll writes it, for
tests that need an application at a given step without walking there through the
service: a submitted one to print, a rejected one with keys left behind..."""
import json

# A submitted application on a PC folder, as `ncaenroll apply` leaves it (fields from a
# real run against the demo service).
SUBMITTED = {
    "created": "2026-12-06T08:24:38Z", "lang": "en", "bin": "940140000385",
    "org_name_kk": "««Сарыарқа Жылу Энерго» ұлттық компаниясы» АҚ",
    "org_name_ru": "АО «Национальная компания «Сарыарка Жылу Энерго»»",
    "mail": "none", "deadline": "2027-01-05T08:24:39Z", "iin": "871008401427",
    "surname": "ЖАҚСЫЛЫҚОВА", "given_name": "ӘСЕЛ", "patronymic": "ҚАЙРАТҚЫЗЫ",
    "email": "buhgalter@mail.kz", "role": "ROLE02",
    "role_kk": "Қол қою құқығы бар тұлға", "role_ru": "Лицо с правом подписи",
    "role_en": "Person with the right of signature", "region": "karaganda",
    "region_kk": "Қарағанды облысы", "region_ru": "Карагандинская область",
    "region_en": "Karaganda Region", "city": "karaganda", "city_kk": "Қарағанды",
    "city_ru": "Караганда", "city_en": "Karaganda", "gu_code": "1001", "storage": "pc",
    "request_number": "9092-3786-9128-3677-0413-0686-0166",
}


def write_state(path, apps):
    """apps: [{"id": 16 hex, "state": "submitted", "fields": {...}}]."""
    lines = ["# ncaenroll: applications in progress. No password, PIN, captcha or key is "
             "ever kept here.", "schema: 1", "applications:"]
    for a in apps:
        lines += [f'- id: "{a["id"]}"', f'  state: {a["state"]}', "  fields:"]
        lines += [f"    {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in a["fields"].items()]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
