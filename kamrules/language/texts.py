"""Bilingual texts and message templates.

Templates use `{name}` placeholders, where `name` is a fact path or a parameter name, with an
optional format: `{business.share_of_wallet:%}` prints 45 %, `{business.contract_end:days}`
prints the number of days from the evaluation date. The placeholders are parsed by a regular
expression and looked up in plain dictionaries: never `str.format`, so a template can read
nothing but facts and parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kamrules.language.schema import I18n
from kamrules.model.vocabulary import LANGS

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?::([a-z%]+))?\}")
FORMATS = ("%", "days", "int", "money", "list")


@dataclass(frozen=True, slots=True)
class Texts:
    """A resolved bilingual text. `get(lang)` falls back to English, then to the other language."""

    en: str | None = None
    it: str | None = None

    @classmethod
    def of(cls, spec: I18n | str | None) -> Texts:
        if spec is None:
            return cls()
        if isinstance(spec, str):
            return cls(en=spec)
        return cls(en=spec.en, it=spec.it)

    def get(self, lang: str) -> str:
        if lang == "it" and self.it is not None:
            return self.it
        if lang == "en" and self.en is not None:
            return self.en
        return self.en or self.it or ""

    def missing_langs(self) -> list[str]:
        return [lang for lang in LANGS if getattr(self, lang) in (None, "")]

    def as_dict(self) -> dict[str, str]:
        return {lang: value for lang in LANGS if (value := getattr(self, lang)) is not None}

    def __bool__(self) -> bool:
        return bool(self.en or self.it)


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


def format_number(value: float, lang: str = "en") -> str:
    """A number as people write it: thin-space thousands, and a decimal comma in Italian."""
    if isinstance(value, bool):
        return str(value).lower()
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", "\u202f") if abs(value) >= 10000 else str(int(value))
    text = f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}".replace(",", "\u202f")
    return text.replace(".", ",") if lang == "it" else text


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
    if value is None:
        return "?"
    if fmt == "days" and isinstance(value, dt.date):
        return str((value - as_of).days)
    if fmt == "%" and isinstance(value, (int, float)):
        pct = value * 100
        text = f"{pct:.0f}%" if abs(pct - round(pct)) < 0.05 else f"{pct:.1f}%"
        return text.replace(".", ",") if lang == "it" else text
    if fmt == "int" and isinstance(value, (int, float)):
        return str(round(value))
    if fmt == "money" and isinstance(value, (int, float)):
        return f"{value:,.0f}".replace(",", "." if lang == "it" else ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(name, v, None, label, as_of, lang) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(str(k) for k in value)
    if isinstance(value, bool):
        return ("true" if value else "false") if lang == "en" else ("sì" if value else "no")
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, str):
        return label(name, value)
    return str(value)
