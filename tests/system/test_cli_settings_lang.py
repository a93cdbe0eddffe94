"""`lang:` in the settings files chooses the language of both programs, as ncaenroll(1)
and ncaenroll-ra(1) say: --lang wins, then the settings, then the environment."""
import pytest

from conftest import Run, BUILDDIR

BAD_IIN = "871008401420"     # check digit: must be 7
SAYS = {"kk": "ЖСН", "ru": "ИИН", "en": "IIN"}


@pytest.fixture
def home(tmp_path):
    (tmp_path / "cfg" / "ncaenroll").mkdir(parents=True)
    return tmp_path


def settings(home, prog, text):
    name = "config.yaml" if prog == "ncaenroll" else "ra.yaml"
    (home / "cfg" / "ncaenroll" / name).write_text(text, encoding="utf-8")


def said(home, prog, *args, env_lang="en"):
    """The language of what prog says: a bad IIN for ncaenroll, its help for the desk."""
    run = Run(BUILDDIR)
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / "cfg"),
           "XDG_STATE_HOME": str(home / "xdg")}
    if prog == "ncaenroll":
        p = run(prog, *args, "validate", "iin", BAD_IIN, lang=env_lang, env=env)
        assert p.returncode == 1, p.stderr
        text = p.stderr
    else:
        p = run(prog, *args, "queue", "--help", lang=env_lang, env=env)
        assert p.returncode == 0, p.stderr
        text = p.stdout.split("\n")[0]
        return {"Қолданылуы": "kk", "Использование": "ru", "Usage": "en"}[text.split(":")[0]]
    for lang, word in SAYS.items():
        if text.startswith(f"ncaenroll: {word}:"):
            return lang
    raise AssertionError(text)


@pytest.mark.parametrize("prog", ["ncaenroll", "ncaenroll-ra"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_settings_choose_the_language(home, prog, lang):
    settings(home, prog, f"lang: {lang}\n")
    other = "ru" if lang != "ru" else "kk"
    assert said(home, prog, env_lang=other) == lang


@pytest.mark.parametrize("prog", ["ncaenroll", "ncaenroll-ra"])
def test_the_option_wins_over_the_settings(home, prog):
    settings(home, prog, "lang: ru\n")
    assert said(home, prog, "--lang", "kk") == "kk"
    assert said(home, prog, "--lang=en", env_lang="ru") == "en"


@pytest.mark.parametrize("prog", ["ncaenroll", "ncaenroll-ra"])
def test_without_settings_the_environment(home, prog):
    assert said(home, prog, env_lang="ru") == "ru"
    assert said(home, prog, env_lang="kk") == "kk"


def test_an_unknown_language_in_the_settings_is_refused(home):
    settings(home, "ncaenroll", "lang: de\n")
    p = Run(BUILDDIR)("ncaenroll", "validate", "iin", BAD_IIN,
                      env={"HOME": str(home), "XDG_CONFIG_HOME": str(home / "cfg")})
    assert p.returncode == 2
    assert "'de'" in p.stderr
