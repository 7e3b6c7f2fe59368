"""kamrules' own phrases filled in a language: plural forms and articles (`grammar`), then the
values, with numbers and dates written as the language writes them (`numbers`): a float gets the
language's decimal mark (12,5 in Italian), a date its short form (27/11/2026 in Italian).

The phrases are kamrules' own (the catalogs), never a user's template: those are the rulesets',
filled by `kamrules.language.templates`, which reads nothing but facts and parameters.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from typing import Any

from kamrules.i18n import grammar, numbers
from kamrules.i18n.catalog import phrases

_SWAP = str.maketrans({".": ",", ",": "."})


class _Formatter(string.Formatter):
    """str.format with numbers and dates in `lang`'s way of writing them."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.comma = phrases(lang, "numbers")["decimal"] == ","  # Italian: 12,5

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, (bool, str)):
            return str(super().format_field(value, format_spec))
        if isinstance(value, dt.date) and not format_spec:
            return numbers.date(value, self.lang)
        if isinstance(value, float) and not format_spec:
            return numbers.format_number(value, self.lang)
        text = str(super().format_field(value, format_spec))
        if isinstance(value, (int, float)) and self.comma:
            text = text.translate(_SWAP)
        return text


def fill(template: str, lang: str, values: Mapping[str, Any]) -> str:
    """`template` (a catalog phrase) in `lang`, filled with `values`."""
    formatter = _Formatter(lang)

    def agree(match: re.Match[str]) -> str:
        base, forms = match.group("article"), grammar.split_forms(match.group("forms"))
        if base is None and not forms:
            return match.group()  # a plain field: str.format fills it below
        name, spec = match.group("name"), match.group("format")
        text = formatter.format("{" + name + (":" + spec if spec else "") + "}", **values)
        if forms:
            count = grammar.count_of(values[name])
            text = grammar.plural(lang, count if count is not None else 0, forms, text)
        if base is not None:
            text = grammar.article(lang, base, text)
        return text.replace("{", "{{").replace("}", "}}")

    return formatter.format(grammar.FIELD.sub(agree, template), **values)
