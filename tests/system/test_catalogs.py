"""The message catalogs a Kazakh or Russian reader depends on: every source file with a
translatable message is listed for xgettext, and kk, ru and en are complete and valid, so
no screen or error falls back to English in the middle of a Kazakh sentence."""
import os
import re
import subprocess

import pytest

from conftest import SRCDIR

MARK = re.compile(r"\b(?:N_|_)\(")


def sources():
    out = []
    for top, _, files in os.walk(os.path.join(SRCDIR, "src")):
        for f in files:
            if f.endswith(".c"):
                path = os.path.join(top, f)
                with open(path, encoding="utf-8") as fh:
                    if MARK.search(fh.read()):
                        out.append(os.path.relpath(path, SRCDIR))
    return sorted(out)


def test_every_translatable_source_is_listed():
    with open(os.path.join(SRCDIR, "po", "POTFILES"), encoding="utf-8") as f:
        listed = {line.strip() for line in f if line.strip() and not line.startswith("#")}
    missing = [s for s in sources() if s not in listed]
    assert not missing, f"add to po/POTFILES (then make update-po): {missing}"
    gone = [s for s in listed if not os.path.exists(os.path.join(SRCDIR, s))]
    assert not gone, f"po/POTFILES lists files that are gone: {gone}"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_catalog_is_complete_and_valid(lang):
    po = os.path.join(SRCDIR, "po", f"{lang}.po")
    p = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", po],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "fuzzy" not in p.stderr and "untranslated" not in p.stderr, p.stderr


def test_catalogs_hold_every_message_in_the_sources(tmp_path):
    """A message added to the code but never merged into the catalogs would show in
    English to everyone: every msgid xgettext finds now is in each catalog, translated."""
    pot = tmp_path / "now.pot"
    p = subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                        "--files-from=po/POTFILES", "-o", str(pot)], cwd=SRCDIR,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    for lang in ("kk", "ru", "en"):
        # msgcmp: every msgid of the template must be in the catalog, translated.
        p = subprocess.run(["msgcmp", os.path.join(SRCDIR, "po", f"{lang}.po"), str(pot)],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, f"{lang}.po lacks messages (make update-po):\n{p.stderr[-2000:]}"
