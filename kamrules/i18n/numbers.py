"""Numbers as each language writes them: its decimal mark and thousands separator, and its words
for true and false (the catalog's `numbers` section)."""

from __future__ import annotations

from kamrules.i18n.catalog import phrases


def decimal(text: str, lang: str) -> str:
    """`text` (a number Python wrote) with `lang`'s decimal mark."""
    mark = phrases(lang, "numbers")["decimal"]
    return text if mark == "." else text.replace(".", mark)


def grouped(value: float, lang: str) -> str:
    """A whole amount with `lang`'s thousands separator: 1,200,000 or 1.200.000."""
    return f"{value:,.0f}".replace(",", phrases(lang, "numbers")["thousands"])


def format_number(value: float, lang: str = "en") -> str:
    """A number as people write it: thin-space thousands from 10,000 on, and `lang`'s decimal mark."""
    if isinstance(value, bool):
        return str(value).lower()
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", "\u202f") if abs(value) >= 10000 else str(int(value))
    text = f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}".replace(",", "\u202f")
    return decimal(text, lang)


def truth(value: bool, lang: str) -> str:
    """true / false in `lang` (vero... as a value in a sentence)."""
    return phrases(lang, "numbers")["true" if value else "false"]


def yes_no(value: bool, lang: str) -> str:
    """yes / no in `lang` (as an answer shown in a plan)."""
    return phrases(lang, "numbers")["yes" if value else "no"]


def money(value: float, lang: str) -> str:
    """An amount of money, whole, with `lang`'s thousands separator."""
    return grouped(value, lang)


def percent(value: float, lang: str = "en") -> str:
    """A fraction as a percentage with one decimal: 0.4512 is 45.1% (45,1% in Italian)."""
    return decimal(f"{value * 100:.1f}%", lang)
