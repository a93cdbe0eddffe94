"""The applicant's form says what the service decided (found by the fresh mutants of
#11): the verification window is the service's (policy.verification_days, 30 unless set),
not a number compiled into ncaenroll, and a person without a patronymic is written as
the desk writes them, with no trailing space. The real service on loopback, one set to
ten days."""
import json
import re

import pytest

from service import DEMO_CONFIG_DEFAULT, Service
from test_apply_cli import Applicant

# The window's sentence in each language, with its number of days (po/*.po).
WINDOW = {"en": r"not verified within (\d+) days", "ru": r"в течение (\d+) дн",
          "kk": r"(\d+) күн ішінде"}


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    config = {k: dict(v) for k, v in DEMO_CONFIG_DEFAULT.items()}
    config["policy"]["verification_days"] = 10
    s = Service(tmp_path_factory.mktemp("window") / "state", config=config)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def applied(svc, tmp_path_factory):
    me = Applicant(svc, str(tmp_path_factory.mktemp("applicant")))
    p = me.apply(iin="790313370530")  # ЛИГАЙ СЕРГЕЙ, no patronymic (data/demo)
    assert p.returncode == 0, p.stderr
    return me, json.loads(p.stdout)["request_number"]




@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_form_gives_the_services_window(applied, lang):
    me, number = applied
    p = me.run("form", number, lang=lang)
    assert p.returncode == 0, p.stderr
    days = re.findall(WINDOW[lang], p.stdout)
    assert days == ["10"], f"the window's sentence gives {days}:\n{p.stdout}"


def test_no_patronymic_no_trailing_space(applied):
    me, number = applied
    p = me.run("form", number, lang="en")
    assert p.returncode == 0, p.stderr
    names = [ln for ln in p.stdout.splitlines() if "ЛИГАЙ" in ln]
    assert names, p.stdout
    for ln in names:
        assert "ЛИГАЙ СЕРГЕЙ" in ln and not re.search(r"СЕРГЕЙ\s+$", ln), repr(ln)
