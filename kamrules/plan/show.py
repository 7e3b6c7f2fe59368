"""How the values of a plan are shown to a reader: numbers with their unit, dates, choices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kamrules.i18n.numbers import decimal, format_number, grouped, yes_no
from kamrules.model.vocabulary import LABELS
from kamrules.plan.guide import guide

# Which vocabulary labels each field of the plan's records.
_FIELD_VOCABULARY = {
    "role": ("labels", "role"),
    "influence": ("labels", "level"),
    "attitude": ("labels", "attitude"),
    "horizon": ("guide", "horizon"),
    "contract": ("guide", "contract"),
    "pricing": ("guide", "pricing"),
}


def amount(value: float, unit: str | None, lang: str) -> str:
    """A baseline or target: 0.45 with unit % is 45%; money gets thousands separators."""
    if unit == "%" and abs(value) <= 1.5:
        pct = value * 100
        shown = f"{pct:.0f}" if abs(pct - round(pct)) < 0.05 else f"{pct:.1f}"
        return decimal(shown, lang) + "%"
    text = format_number(value, lang)
    if abs(value) >= 1000:
        text = grouped(value, lang)
    return f"{text} {unit}" if unit and unit != "%" else text


def choice(name: str, value: Any, lang: str, status_of: str | None = None) -> str:
    """The label of a closed choice (a DMU role, a horizon, a contract) in `lang`."""
    if value is None:
        return ""
    if name == "status" and status_of is not None:
        return guide().word(f"{status_of}_status", value, lang)
    source = _FIELD_VOCABULARY.get(name)
    if source is None:
        return str(value)
    kind, vocab = source
    if kind == "guide":
        return guide().word(vocab, value, lang)
    return LABELS.get(vocab, {}).get(str(value), {}).get(lang, str(value))


def text(value: Any, lang: str) -> str:
    """Any other value as text."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, float):
        return format_number(value, lang)
    if isinstance(value, list):
        return ", ".join(text(v, lang) for v in value)
    return str(value)
