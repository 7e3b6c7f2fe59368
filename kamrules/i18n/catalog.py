"""The phrase catalogs, one per language (`kamrules/i18n/<code>.py`), read on first use.

`phrases(lang, section)` is a section of a language's catalog: a phrase it lacks comes from the
English one, and a language kamrules does not speak reads English. `texts(section, key)` is one
phrase in every language, as a `Texts` (for what is worded once and shown in any language).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator, Mapping
from typing import Any

from kamrules.i18n.languages import DEFAULT, LANGS
from kamrules.i18n.texts import Texts

Catalog = Mapping[str, Mapping[str, str]]


@functools.cache
def catalog(lang: str) -> Catalog:
    """The catalog of `lang` (one of LANGS: never a module named by the caller)."""
    if lang not in LANGS:
        lang = DEFAULT
    table: Catalog = importlib.import_module(f"kamrules.i18n.{lang}").CATALOG
    return table


class Phrases(Mapping[str, str]):
    """One section of a language's catalog, each phrase it lacks read from English."""

    def __init__(self, own: Mapping[str, str], english: Mapping[str, str], lang: str = DEFAULT) -> None:
        self._own = own
        self._english = english
        self._lang = lang

    def __getitem__(self, key: str) -> str:
        return self._own.get(key) or self._english[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._english)

    def __len__(self) -> int:
        return len(self._english)

    def say(self, key: str, **values: Any) -> str:
        """The phrase `key` filled with `values` (computed by kamrules, never a user's template), in
        the section's language: plural forms agree with their count, articles with the word after
        them, numbers and dates are written the language's way (`kamrules.i18n.say`)."""
        from kamrules.i18n.say import fill  # here: say.py reads numbers, which reads this module

        template = self[key]
        return fill(template, self._lang, values) if values else template


def phrases(lang: str, section: str) -> Phrases:
    """The section `section` of `lang`'s catalog (English for a language kamrules does not speak)."""
    return _section(lang if lang in LANGS else DEFAULT, section)


@functools.cache
def _section(lang: str, section: str) -> Phrases:
    english = catalog(DEFAULT)[section]
    return Phrases(catalog(lang).get(section, english), english, lang)


def texts(section: str, key: str, **values: Any) -> Texts:
    """The phrase `key` of `section` in every language kamrules speaks, filled with `values`."""
    return Texts(**{lang: phrases(lang, section).say(key, **values) for lang in LANGS})
