"""Numbers, amounts, percentages and dates as each language writes them (kamrules.i18n.numbers)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from kamrules.i18n.numbers import NBSP, compact, date, money, number, percent

DAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("value", "decimals", "en", "it"),
    [
        (1_200_000, 2, "1,200,000.00", "1.200.000,00"),
        (1_200_000.5, 0, "1,200,000", "1.200.000"),  # rounded half to even, as Python rounds
        (-1234.5, 1, "-1,234.5", "-1.234,5"),
        (-0.0004, 0, "0", "0"),  # no "-0"
        (0.5, 3, "0.500", "0,500"),
    ],
)
def test_number(value: float, decimals: int, en: str, it: str) -> None:
    assert number(value, "en", decimals) == en
    assert number(value, "it", decimals) == it


def test_money_with_and_without_a_currency() -> None:
    assert money(1_200_000, "it", "EUR", 2) == f"1.200.000,00{NBSP}€"
    assert money(1_200_000, "en", "EUR") == "€1,200,000"
    assert money(-50, "en", "USD") == "-$50"
    assert money(1200, "en", "CHF") == f"CHF{NBSP}1,200"
    assert money(1200, "it") == "1.200"


def test_percent_and_compact() -> None:
    assert percent(0.08, "it", 0) == f"8{NBSP}%"
    assert percent(0.125, "en") == "12.5%"
    assert percent(0.125, "it") == f"12,5{NBSP}%"
    assert compact(1_500_000, "en") == "1.5M" and compact(250_000, "en") == "250k"
    assert compact(1_500_000, "it") == f"1,5{NBSP}Mln" and compact(2_000, "it") == f"2{NBSP}mila"
    assert number(math.nan, "en") == "–"


def test_dates() -> None:
    assert date(DAY, "it") == "27/11/2026"
    assert date(DAY, "en") == "2026-11-27"
    assert date(DAY, "it", long=True) == "27 novembre 2026"
    assert date(DAY, "en", long=True) == "27 November 2026"
    assert date(dt.date(2026, 1, 5), "it") == "05/01/2026"
    assert date(DAY, "fr") == "2026-11-27"  # a language kamrules does not know: English
