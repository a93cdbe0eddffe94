"""The support contact (issue #10, point 27): the process ends with where to turn for
help, so the service's configuration carries it (`support:` in ncaenrolld.yaml), serves it
with the directories (GET /api/v1/directories/support) and the applicant's core reads it
in the reader's language (enroll_support, through tests/tools/enroll-support). A demo
names NCA's single contact centre, 1414, and its web site. A text given in some of the
three languages but not all is refused at start, as a typo is.
"""
import os
import subprocess

import pytest

from conftest import BUILDDIR, Run
from fixtures import service_fixture
from service import Service, program, program_env

CONFIG = """policy:
  captcha_per_minute: 10000
  checks_per_minute: 10000
support:
  phone: "+7 7172 00 00 00"
  email: help@example.kz
  web: https://help.example.kz
  address:
    kk: "Астана қ., Мәңгілік Ел даңғылы, 1"
    ru: "г. Астана, проспект Мангилик Ел, 1"
    en: "1 Mangilik El Avenue, Astana"
  hours:
    kk: "Дүйсенбі–жұма, 9:00–18:00"
    ru: "Понедельник–пятница, 9:00–18:00"
    en: "Monday to Friday, 9:00 to 18:00"
"""


def support_text(svc, tmp_path, lang):
    r = Run(BUILDDIR)("tests/tools/enroll-support", svc.base, svc.cafile,
                      str(tmp_path / f"state-{lang}.yaml"), lang)
    assert r.returncode == 0, r.stderr
    return r.stdout


demo = service_fixture("support-demo", fixture="demo")


def test_a_demo_names_the_nca_contact_centre(demo, tmp_path):
    status, answer = demo.request("GET", "/api/v1/directories/support")
    assert status == 200, answer
    assert answer == {"phone": "1414", "email": None, "web": "https://pki.gov.kz",
                      "address": None, "hours": None}
    assert support_text(demo, tmp_path, "kk") == "Телефон: 1414\nВеб-сайт: https://pki.gov.kz\n"
    assert support_text(demo, tmp_path, "en") == "Phone: 1414\nWeb site: https://pki.gov.kz\n"


def test_the_configured_contact_in_each_language(tmp_path):
    state = tmp_path / "state"
    os.makedirs(state)
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text(CONFIG, encoding="utf-8")
    s = Service(state, config=None, extra=["--config", str(conf)])
    try:
        status, answer = s.request("GET", "/api/v1/directories/support")
        assert status == 200
        assert answer["phone"] == "+7 7172 00 00 00" and answer["email"] == "help@example.kz"
        assert answer["address"]["kk"].startswith("Астана қ.")
        ru = support_text(s, tmp_path, "ru")
        assert "Адрес: г. Астана, проспект Мангилик Ел, 1" in ru, ru
        assert "Часы работы: Понедельник–пятница, 9:00–18:00" in ru, ru
        assert "Электронная почта: help@example.kz" in ru, ru
        kk = support_text(s, tmp_path, "kk")
        assert "Мекенжайы: Астана қ., Мәңгілік Ел даңғылы, 1" in kk, kk
        assert "Mangilik El Avenue" not in kk and "Monday" not in kk, kk
    finally:
        s.stop()


@pytest.mark.parametrize("block,says", [
    ("support:\n  address:\n    ru: \"г. Астана\"\n", "support.address: give it in kk, ru and en"),
    ("support:\n  fax: \"1414\"\n", "unknown key 'support.fax'"),
    ("support:\n  web: pki.gov.kz\n", "support.web"),
])
def test_a_bad_support_block_is_refused_at_start(tmp_path, block, says):
    conf = tmp_path / "ncaenrolld.yaml"
    conf.write_text(block, encoding="utf-8")
    p = subprocess.run(program() + ["--demo", "--listen", "127.0.0.1:0", "--state-dir",
                                    str(tmp_path / "state"), "--config", str(conf)],
                       capture_output=True, text=True, env=program_env(), timeout=60)
    assert p.returncode == 2, p.stdout + p.stderr
    assert says in p.stderr and f"{conf}:" in p.stderr, p.stderr
