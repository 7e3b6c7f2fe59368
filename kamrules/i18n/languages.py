"""The languages kamrules speaks: the one registry of them.

Each language has a catalog of every phrase kamrules writes itself, `kamrules/i18n/<code>.py`
(the knowledge's own texts, treatment rows, warning messages, are in the YAML rulesets, with a
key per language). A third language is: its code here, its catalog file (tests/i18n checks it
has every phrase English has, with the same placeholders), its key in the YAML texts
(`kamrules.language.spec.I18n`, the plan guide's `guide.yaml`), and its translations in the
rulesets and profiles.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Lang = Literal["en", "it"]
LANGS: Final[tuple[Lang, ...]] = get_args(Lang)
DEFAULT: Final[Lang] = "en"  # also the language a missing phrase falls back to
