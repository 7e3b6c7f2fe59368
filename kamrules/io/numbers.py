"""Numbers written as text in a spreadsheet cell, as people and CRM exports write them.

`1.200.000,00` (Excel in Italian), `1,200,000.00` (in English), `1 200 000,00` with non-breaking
spaces (French), `1'200'000.00` (Swiss), `€ 1.200,50`, `1.200,50 €`, `EUR 1.200,50`, `22,5 %`,
`-5%`, `1,2E+06`. A text is read with each decimal mark in turn (`.` then `,`, the other one then
being the thousands separator, which must group digits by three):

* read only one way, it proves its decimal mark (`1.200,50`, `12,5`, `1.200.000`): *decisive*;
* read both ways with different values (`1.200`: 1200 or 1.2), it is *ambiguous*, and the file's
  decimal mark decides (see `kamrules.model.cellformats`);
* read both ways alike (`1200`, `5%`), it is plain.

Spaces (ordinary, non-breaking, narrow, thin) and apostrophes are always thousands separators.
A value comes out as the plain text pydantic reads (`1200000.00`, `22.5%`), so that the account
facts' own checks (a share is at most 100 %, a revenue is not negative) apply unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MARKS = (".", ",")
SPACES = " \u00a0\u202f\u2009\u2007"
# Currency codes a CRM writes beside an amount; a sign (€ $ £ ...) is any Unicode currency symbol.
CODES = ("EUR", "USD", "GBP", "CHF", "JPY", "CNY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD", "AUD")
_CODE = re.compile(rf"^(?:{'|'.join(CODES)})(?=[\s\d+\-−.,]|$)|(?<=[\s\d.,])(?:{'|'.join(CODES)})$", re.I)
_EXPONENT = re.compile(r"[eE]([+-]?\d{1,3})$")
_GROUPING = "'" + SPACES


@dataclass(frozen=True)
class Reading:
    """What a text says as a number."""

    value: str | None  # the plain text pydantic reads, or None: not a number at all
    decisive: str | None = None  # the decimal mark only this reading allows
    ambiguous: bool = False  # both marks read it, with different values
    other: str | None = None  # when ambiguous: the value with the other mark


def _strip_currency(text: str) -> str:
    text = _CODE.sub("", text).strip(SPACES)
    if text and unicodedata.category(text[0]) == "Sc":
        text = text[1:].strip(SPACES)
    if text and unicodedata.category(text[-1]) == "Sc":
        text = text[:-1].strip(SPACES)
    return text


def _strict(body: str, decimal: str, grouping: str) -> str | None:
    """`body` (digits and separators, no sign) read with `decimal` as the decimal mark and the
    characters of `grouping` as thousands separators; None when it cannot be read so."""
    if body.count(decimal) > 1:
        return None
    whole, _, fraction = body.partition(decimal)
    if not fraction.isdigit() and fraction:
        return None
    if not whole and not fraction:
        return None
    if whole and not whole.isdigit():
        groups = [g for g in re.split(f"[{re.escape(grouping)}]", whole)] if grouping else [whole]
        used = {ch for ch in whole if not ch.isdigit()}
        if len(used) != 1 or not used <= set(grouping):
            return None  # one kind of separator between groups, and one the reading allows
        if not all(g.isdigit() for g in groups) or not 1 <= len(groups[0]) <= 3 or groups[0].startswith("0"):
            return None
        if any(len(g) != 3 for g in groups[1:]):
            return None
        whole = "".join(groups)
    return (whole or "0") + ("." + fraction if fraction else "")


def read_number(text: str, decimal: str | None = None, grouping: str | None = None) -> Reading:
    """Read `text` as a number (see the module's docstring). `decimal` forces the decimal mark
    (then nothing is ambiguous); `grouping` forces the thousands separators allowed besides
    spaces and apostrophes (`""` for none)."""
    s = _strip_currency(text.strip(SPACES + "\t"))
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip(SPACES)
    sign = ""
    if s[:1] in ("+", "-", "\u2212"):  # the minus sign U+2212, as typographers write it
        sign = "-" if s[0] != "+" else ""
        s = _strip_currency(s[1:])  # -€5
    exponent = ""
    match = _EXPONENT.search(s)
    if match is not None:
        exponent = "e" + match.group(1)
        s = s[: match.start()]
    if not s or not all((ch.isdigit() and ch.isascii()) or ch in MARKS or ch in _GROUPING for ch in s):
        return Reading(None)  # a word, a date, digits of another script: not a number here
    marks = (decimal,) if decimal is not None else MARKS
    values: dict[str, str] = {}
    for mark in marks:
        others = "".join(m for m in MARKS if m != mark) if grouping is None else grouping.replace(mark, "")
        read = _strict(s, mark, others + _GROUPING)
        if read is not None:
            values[mark] = sign + read + exponent + ("%" if percent else "")
    if not values:
        return Reading(None)
    if len(values) == 1:
        mark, value = next(iter(values.items()))
        proves = decimal is None and any(m in s for m in MARKS)
        return Reading(value, decisive=mark if proves else None)
    point, comma = values["."], values[","]
    if _same(point, comma):
        return Reading(point)
    return Reading(point, ambiguous=True, other=comma)


def _same(a: str, b: str) -> bool:
    try:
        return float(a.rstrip("%")) == float(b.rstrip("%"))
    except ValueError:  # pragma: no cover - both are digits and one point at most
        return a == b


def value_with(reading: Reading, decimal: str) -> str | None:
    """The value of an ambiguous reading with `decimal` as the file's decimal mark."""
    if not reading.ambiguous:
        return reading.value
    return reading.value if decimal == "." else reading.other
