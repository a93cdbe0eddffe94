"""The words of a program's screens, read from its forms (forms/*.yaml for ncaenroll,
forms/ra/*.yaml for ncaenroll-ra) in one language, so that a TUI test asserts what a person
sees in the words the forms give it: a change of wording breaks no test, a screen in the
wrong language does. Needs python3-yaml (tests skip without it: pytest.importorskip)."""
import glob
import os
import re

import yaml


class Forms:
    """The words of FOLDER/*.yaml in one language, English where a word has none."""

    def __init__(self, folder, lang):
        self.lang = lang
        self.f = {}
        for path in glob.glob(os.path.join(folder, "*.yaml")):
            with open(path, encoding="utf-8") as fh:
                self.f[os.path.basename(path)[:-5]] = yaml.safe_load(fh)

    def _t(self, d):
        return d.get(self.lang) or d["en"]

    def title(self, form):
        return self._t(self.f[form]["title"])

    def button(self, form, action, target=None):
        for b in self.f[form]["buttons"]:
            if b["action"] == action and (target is None or b.get("target") == target):
                return self._t(b["label"])
        raise KeyError(f"{form}: no button {action} {target}")

    def label(self, form, field):
        for fd in self.f[form].get("fields", []):
            if fd["name"] == field:
                return self._t(fd["label"])
        raise KeyError(f"{form}: no field {field}")

    def words(self, form):
        """Every label a person must see whole on the screen: fields' (the table's header
        cells one by one), buttons'."""
        out = []
        for fd in self.f[form].get("fields", []):
            if fd["type"] in ("text",):
                continue
            label = self._t(fd["label"])
            out += [c for c in re.split(r"[|\n]", label) if c.strip()]
        out += [self._t(b["label"]) for b in self.f[form]["buttons"]]
        return out
