"""Numbers, amounts of money, percentages and dates written the way each language writes them.

One place for what a reader sees: `number(1200000.5, "it", 2)` is `1.200.000,50`, `money(1200000,
"it", currency="EUR")` is `1.200.000 €`, `percent(0.08, "it")` is `8 %`, `date(d, "it")` is
`27/11/2026`; in English `1,200,000.50`, `€1,200,000`, `8%` and `2026-11-27` (ISO: the English
teams are international, and a date such as 03/04/2026 means two different days to them).

The separators between a number and its unit (`8 %`, `1.200 €`) are non-breaking spaces, so that a
line never breaks between the two. Every output kamrules writes for people formats its numbers
through this module (the summary, the HTML report, the pictures' axes); the messages of the rule
bases are to adopt it too. Spreadsheet cells are not formatted here: an XLSX cell holds the number
itself, and Excel shows it in its reader's own language.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

NBSP = "\u00a0"


@dataclass(frozen=True)
class Conventions:
    """How one language writes numbers and dates."""

    decimal: str
    thousands: str
    percent: str  # the percent sign with what separates it from the number
    currency_after: bool  # 1.200 € (Italian) or €1,200 (English)
    months: tuple[str, ...]
    date_short: str  # strftime-like pattern with {d} {m} {y} {month}
    date_long: str


CONVENTIONS: dict[str, Conventions] = {
    "en": Conventions(
        ".",
        ",",
        "%",
        False,
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        "{y:04d}-{m:02d}-{d:02d}",
        "{d} {month} {y}",
    ),
    "it": Conventions(
        ",",
        ".",
        NBSP + "%",
        True,
        (
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ),
        "{d:02d}/{m:02d}/{y:04d}",
        "{d} {month} {y}",
    ),
}
# Currency codes and their signs; an unknown code is written as the code itself (CHF 1'200 is
# written CHF 1,200 in English here: the digits follow the language, not the currency).
SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def conventions(lang: str) -> Conventions:
    """The conventions of `lang` (English for a language kamrules does not know)."""
    return CONVENTIONS.get(lang, CONVENTIONS["en"])


def number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """`value` with the language's thousands separator and decimal mark, `decimals` digits after it.
    Not a number (NaN, infinity) is written as a dash: no output should show `nan`."""
    if not math.isfinite(value):
        return "–"
    c = conventions(lang)
    text = f"{abs(value):,.{decimals}f}"
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", c.thousands)
    sign = "-" if value < 0 and any(ch not in "0.," for ch in text) else ""
    return sign + whole + (c.decimal + fraction if fraction else "")


def money(value: float, lang: str = "en", currency: str | None = None, decimals: int = 0) -> str:
    """An amount: `1.200.000 €` (it) or `€1,200,000` (en); without `currency`, the number alone."""
    digits = number(value, lang, decimals)
    if currency is None:
        return digits
    c = conventions(lang)
    sign = SIGNS.get(currency.upper(), currency.upper())
    if c.currency_after:
        return f"{digits}{NBSP}{sign}"
    if len(sign) > 1:  # a code, not a sign: CHF 1,200
        return f"{sign}{NBSP}{digits}"
    return f"-{sign}{digits[1:]}" if digits.startswith("-") else f"{sign}{digits}"


def percent(fraction: float, lang: str = "en", decimals: int = 1) -> str:
    """A fraction as a percentage: 0.125 is `12.5%` (en) or `12,5 %` (it). Trailing zeros are
    kept, so that a column of percentages lines up."""
    return number(fraction * 100, lang, decimals) + conventions(lang).percent


def compact(value: float, lang: str = "en") -> str:
    """A short amount for an axis: 1.5M, 250k (en); 1,5 Mln, 250 mila (it)."""
    c = conventions(lang)
    units = (("bn", 1e9), ("M", 1e6), ("k", 1e3)) if lang != "it" else ((" Mrd", 1e9), (" Mln", 1e6), (" mila", 1e3))
    for unit, size in units:
        if abs(value) >= size:
            scaled = value / size
            text = f"{scaled:.1f}".rstrip("0").rstrip(".") if not float(scaled).is_integer() else f"{scaled:.0f}"
            return text.replace(".", c.decimal) + unit.replace(" ", NBSP)
    text = f"{value:g}"
    return text.replace(".", c.decimal)


def date(value: dt.date, lang: str = "en", *, long: bool = False) -> str:
    """A date: `27/11/2026` (it) or `2026-11-27` (en); `long=True`: `27 novembre 2026`,
    `27 November 2026`."""
    c = conventions(lang)
    pattern = c.date_long if long else c.date_short
    return pattern.format(d=value.day, m=value.month, y=value.year, month=c.months[value.month - 1])
