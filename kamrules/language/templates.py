"""Message templates: a warning's message or a lever's why, filled from facts and parameters.

Templates use `{name}` placeholders, where `name` is a fact path or a parameter name, with an
optional format: `{business.share_of_wallet:%}` prints 45 %, `{business.contract_end:days}`
prints the number of days from the evaluation date. The placeholders are parsed by a regular
expression and looked up in plain dictionaries: never `str.format`, so a template can read
nothing but facts and parameters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from kamrules.i18n.numbers import decimal, format_number, grouped, truth

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?::([a-z%]+))?\}")
FORMATS = ("%", "days", "int", "money", "list")


def placeholders(template: str) -> list[tuple[str, str | None]]:
    """The (name, format) pairs a template refers to."""
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(template)]


# A braced word with no space in it: what str.format would take for a replacement field.
_BRACED = re.compile(r"\{[^{}\s]*\}")


def malformed_placeholders(template: str) -> list[str]:
    """The braced words of `template` that are not placeholders of this language: str.format's
    syntax (`{0.__globals__}`, `{name!r}`, `{}`, `{a[0]}`), refused when the files are loaded
    rather than printed as they are."""
    return [m.group() for m in _BRACED.finditer(template) if not PLACEHOLDER.fullmatch(m.group())]


def render(
    template: str,
    lookup: Callable[[str], Any],
    label: Callable[[str, Any], str],
    as_of: dt.date,
    lang: str,
) -> str:
    """Fill `template`'s placeholders. `lookup(name)` gives a fact's or a parameter's value;
    `label(name, value)` gives the label of a choice value in `lang`."""

    def one(match: re.Match[str]) -> str:
        name, fmt = match.group(1), match.group(2)
        value = lookup(name)
        return format_value(name, value, fmt, label, as_of, lang)

    return PLACEHOLDER.sub(one, template)


def format_value(
    name: str,
    value: Any,
    fmt: str | None,
    label: Callable[[str, Any], str],
    as_of: dt.date,
    lang: str,
) -> str:
    """One placeholder's value, written with its format in `lang` ("?" when it is missing)."""
    if value is None:
        return "?"
    if fmt == "days" and isinstance(value, dt.date):
        return str((value - as_of).days)
    if isinstance(value, float) and not math.isfinite(value * 100):
        # A value too large to be worded as a percentage or a whole number (1e306 as a price
        # index is valid input): written as it is rather than failing the account.
        return decimal(f"{value:.3g}", lang)
    if fmt == "%" and isinstance(value, (int, float)):
        pct = value * 100
        return decimal(f"{pct:.0f}%" if abs(pct - round(pct)) < 0.05 else f"{pct:.1f}%", lang)
    if fmt == "int" and isinstance(value, (int, float)):
        return str(round(value))
    if fmt == "money" and isinstance(value, (int, float)):
        return grouped(value, lang)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(name, v, None, label, as_of, lang) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(str(k) for k in value)
    if isinstance(value, bool):
        return truth(value, lang)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, str):
        return label(name, value)
    return str(value)
