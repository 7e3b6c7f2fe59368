"""Message templates: a warning's message or a lever's why, filled from facts and parameters.

Templates use `{name}` placeholders, where `name` is a fact path or a parameter name, with an
optional format: `{business.share_of_wallet:%}` prints 45 %, `{business.contract_end:days}`
prints the number of days from the evaluation date. A placeholder may also agree with what it
prints (`kamrules.i18n.grammar`): plural forms after bars, `{dmu.critics|# decider is|# deciders
are}`, and an article before the name, `{an tier}` (an Important Account) or `{il
ratios.cost_to_serve:%}` (l'8 %). Numbers, amounts, percentages and dates are written as the
message's language writes them (`kamrules.i18n.numbers`).

The placeholders are parsed by a regular expression and looked up in plain dictionaries: never
`str.format`, so a template can read nothing but facts and parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kamrules.i18n import grammar
from kamrules.i18n.numbers import date as written_date
from kamrules.i18n.numbers import decimal, format_number, number, percent, truth

PLACEHOLDER = grammar.field(r"[a-z%]+")  # the rulesets' formats only: a str.format spec is refused
FORMATS = ("%", "days", "int", "money", "list")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One placeholder of a template: `{article name:format|forms}`, each part but the name optional."""

    name: str
    format: str | None
    article: str | None
    forms: tuple[str, ...]
    text: str  # as written, braces included


def parse(template: str) -> list[Placeholder]:
    """The placeholders of a template, in order."""
    return [
        Placeholder(
            name=m.group("name"),
            format=m.group("format"),
            article=m.group("article"),
            forms=grammar.split_forms(m.group("forms")),
            text=m.group(),
        )
        for m in PLACEHOLDER.finditer(template)
    ]


def placeholders(template: str) -> list[tuple[str, str | None]]:
    """The (name, format) pairs a template refers to."""
    return [(p.name, p.format) for p in parse(template)]


# Any braced text: a placeholder of this language, or str.format's syntax that is refused.
_BRACED = re.compile(r"\{[^{}]*\}")


def malformed_placeholders(template: str) -> list[str]:
    """The braced texts of `template` that are not placeholders of this language: str.format's
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
        return fill(match, lookup(match.group("name")), label, as_of, lang)

    return PLACEHOLDER.sub(one, template)


def fill(match: re.Match[str], value: Any, label: Callable[[str, Any], str], as_of: dt.date, lang: str) -> str:
    """One placeholder (`match`, of PLACEHOLDER) filled with `value`: its format, its plural
    forms and its article. A pure function of its arguments, so that the batch engine
    (kamrules.batch.texts) fills each distinct value once and spreads it to the rows."""
    name, fmt = match.group("name"), match.group("format")
    text = format_value(name, value, fmt, label, as_of, lang)
    forms = grammar.split_forms(match.group("forms"))
    if forms:
        count = _count(value, fmt, as_of)
        text = grammar.plural(lang, 2 if count is None else count, forms, text)
    base = match.group("article")
    return text if base is None else grammar.article(lang, base, text)


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
    if isinstance(value, float) and not abs(value) < 1e15:
        # A value too large to be worded in full (1e306 as a price index is valid input; times
        # 100 as a percentage it is not even finite): three significant digits and its exponent,
        # rather than three hundred digits or an internal error.
        return decimal(f"{value:.3g}", lang)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and fmt in ("%", "int", "money"):
        return _number(value, fmt, lang)
    if isinstance(value, dt.date):
        return written_date(value, lang)
    if isinstance(value, (list, tuple)):
        return grammar.series(lang, [format_value(name, v, None, label, as_of, lang) for v in value])
    if isinstance(value, str) and " " in value:  # a word of a vocabulary, as a person types it
        key = value.strip().lower().replace(" ", "_")
        shown = label(name, key)
        return shown if shown != key else value
    if isinstance(value, Mapping):
        return grammar.series(lang, [label(name, k) for k in value])
    if isinstance(value, bool):
        return truth(value, lang)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, str):
        return label(name, value)
    return str(value)


def _number(value: float, fmt: str, lang: str) -> str:
    if fmt == "%":  # whole percentages as such (8 %), else one decimal (12,5 %)
        pct = value * 100
        return percent(value, lang, 0 if abs(pct - round(pct)) < 0.05 else 1)
    if fmt == "int":
        return number(round(value), lang, 0)
    # money: whole amounts without cents (1.200.000), others with two decimals (1.200.000,50)
    return number(value, lang, 0 if float(value).is_integer() else 2)


def _count(value: Any, fmt: str | None, as_of: dt.date) -> float | None:
    """The count plural forms agree with: the days to a date printed :days, a number as printed
    (1.4 printed :int is 1), a list's or a mapping's length."""
    if fmt == "days" and isinstance(value, dt.date):
        return float((value - as_of).days)
    if fmt == "int" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(round(value))
    return grammar.count_of(value)
