"""Numbers, amounts of money, percentages and dates as each language writes them: the one place
for what a reader sees (the summary, the HTML report, the charts' axes, the plan's page, the
messages' placeholders).

Each language's conventions are phrases of its catalog (`numbers` and `dates` in `i18n/en.py`,
`it.py`): its decimal mark and thousands separator, where the percent and currency signs go,
its short units and its dates. `number(1200000.5, "it", 2)` is `1.200.000,50`,
`money(1200000, "it", "EUR")` is `1.200.000 €`, `percent(0.08, "it", 0)` is `8 %`, `date(d, "it")`
is `27/11/2026`; in English `1,200,000.50`, `€1,200,000`, `8%` and `2026-11-27` (ISO: the English
teams are international, and 03/04/2026 means two different days to them). The space between a
number and its unit (`8 %`, `1.200 €`) is non-breaking, so a line never breaks between the two.

Spreadsheet cells are not formatted here: an XLSX cell holds the number itself, and Excel shows
it in its reader's own language.
"""

from __future__ import annotations

import datetime as dt
import math

from kamrules.i18n.catalog import phrases

NBSP = "\u00a0"
# Currency codes and their signs; an unknown code is written as the code itself (CHF 1'200 is
# written CHF 1,200 in English here: the digits follow the language, not the currency).
SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
# The short units of `compact`, largest first.
_UNITS = (("bn", 1e9), ("M", 1e6), ("k", 1e3))


def decimal(text: str, lang: str) -> str:
    """`text` (a number Python wrote) with `lang`'s decimal mark."""
    mark = phrases(lang, "numbers")["decimal"]
    return text if mark == "." else text.replace(".", mark)


def grouped(value: float, lang: str) -> str:
    """A whole amount with `lang`'s thousands separator: 1,200,000 or 1.200.000."""
    return f"{value:,.0f}".replace(",", phrases(lang, "numbers")["thousands"])


def number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """`value` with `lang`'s thousands separator and decimal mark, `decimals` digits after it.
    Not a number (NaN, infinity) is written as a dash: no output should show `nan`."""
    if not math.isfinite(value):
        return "–"
    marks = phrases(lang, "numbers")
    text = f"{abs(value):,.{decimals}f}"
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", marks["thousands"])
    sign = "-" if value < 0 and any(ch not in "0.," for ch in text) else ""
    return sign + whole + (marks["decimal"] + fraction if fraction else "")


def format_number(value: float, lang: str = "en") -> str:
    """A number in a message (a template's placeholder): thin-space thousands from 10,000 on,
    up to four significant digits, and `lang`'s decimal mark."""
    if isinstance(value, bool):
        return str(value).lower()
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", "\u202f") if abs(value) >= 10000 else str(int(value))
    text = f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}".replace(",", "\u202f")
    return decimal(text, lang)


def money(value: float, lang: str = "en", currency: str | None = None, decimals: int = 0) -> str:
    """An amount: `1.200.000 €` (it) or `€1,200,000` (en); without `currency`, the number alone."""
    digits = number(value, lang, decimals)
    if currency is None:
        return digits
    marks = phrases(lang, "numbers")
    code = currency.upper()
    sign = SIGNS.get(code)
    if sign is None:  # a code, not a sign: CHF 1,200
        return marks.say("money.code", code=code, number=digits)
    minus, digits = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
    return minus + marks.say("money.sign", sign=sign, number=digits)


def percent(fraction: float, lang: str = "en", decimals: int = 1) -> str:
    """A fraction as a percentage: 0.125 is `12.5%` (en) or `12,5 %` (it). Trailing zeros are
    kept, so that a column of percentages lines up."""
    return phrases(lang, "numbers").say("percent", number=number(fraction * 100, lang, decimals))


def compact(value: float, lang: str = "en") -> str:
    """A short amount for an axis: 1.5M, 250k (en); 1,5 Mln, 250 mila (it)."""
    marks = phrases(lang, "numbers")
    for unit, size in _UNITS:
        if abs(value) >= size:
            scaled = value / size
            text = f"{scaled:.1f}".rstrip("0").rstrip(".") if not float(scaled).is_integer() else f"{scaled:.0f}"
            return marks.say(f"compact.{unit}", number=decimal(text, lang))
    return decimal(f"{value:g}", lang)


def date(value: dt.date, lang: str = "en", *, long: bool = False) -> str:
    """A date: `27/11/2026` (it) or `2026-11-27` (en); `long=True`: `27 novembre 2026`,
    `27 November 2026`."""
    words = phrases(lang, "dates")
    month = words[f"month.{value.month}"]
    return words.say("long" if long else "short", d=value.day, m=value.month, y=value.year, month=month)


def truth(value: bool, lang: str) -> str:
    """true / false in `lang` (vero... as a value in a sentence)."""
    return phrases(lang, "numbers")["true" if value else "false"]


def yes_no(value: bool, lang: str) -> str:
    """yes / no in `lang` (as an answer shown in a plan)."""
    return phrases(lang, "numbers")["yes" if value else "no"]
