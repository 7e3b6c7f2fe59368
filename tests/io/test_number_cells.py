"""Numbers and dates written as text, read one way, both ways, or not at all."""

from __future__ import annotations

import pytest

from kamrules.io.dates import date_with, read_date
from kamrules.io.numbers import read_number, value_with

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "value", "mark"),
    [
        ("1.200.000,00", "1200000.00", ","),  # Excel in Italian
        ("1,200,000.00", "1200000.00", "."),  # in English
        (f"1{NBSP}200{NBSP}000,00", "1200000.00", ","),  # French, non-breaking spaces
        ("1\u202f200,5", "1200.5", ","),  # a narrow no-break space
        ("1'200'000.00", "1200000.00", "."),  # Swiss
        ("€ 1.200,50", "1200.50", ","),
        (f"1.200,50{NBSP}€", "1200.50", ","),
        ("EUR 1.200,50", "1200.50", ","),
        ("1,200.50 USD", "1200.50", "."),
        ("$1,200.50", "1200.50", "."),
        ("22,5 %", "22.5%", ","),
        (f"22,5{NBSP}%", "22.5%", ","),
        ("12.5%", "12.5%", "."),
        ("0,5", "0.5", ","),  # a group of thousands never starts with 0
        (".5", "0.5", "."),
        ("1234,567", "1234.567", ","),  # nor has four digits
        ("1,2E+06", "1.2e+06", ","),  # Excel's scientific notation, in Italian
        ("\u22127,5", "-7.5", ","),  # the typographer's minus sign
    ],
)
def test_a_number_read_only_one_way_proves_its_decimal_mark(text: str, value: str, mark: str) -> None:
    reading = read_number(text)
    assert (reading.value, reading.decisive, reading.ambiguous) == (value, mark, False)


@pytest.mark.parametrize(("text", "value"), [("1200", "1200"), ("-5%", "-5%"), ("-€5", "-5"), ("+3", "3")])
def test_a_number_without_separators_proves_nothing(text: str, value: str) -> None:
    reading = read_number(text)
    assert (reading.value, reading.decisive, reading.ambiguous) == (value, None, False)


@pytest.mark.parametrize(("text", "point", "comma"), [("1.200", "1.2", "1200"), ("1,200", "1200", "1.2")])
def test_a_number_read_both_ways_takes_the_files_mark(text: str, point: str, comma: str) -> None:
    reading = read_number(text)
    assert reading.ambiguous
    assert float(value_with(reading, ".") or "nan") == float(point)
    assert float(value_with(reading, ",") or "nan") == float(comma)


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12/03/2020", "1,2,3.4.5", "١٢٣", "12 apples", "", "%", "-"])
def test_what_is_no_number_is_left_to_the_facts_check(text: str) -> None:
    assert read_number(text).value is None


def test_a_forced_mark_reads_one_way_and_refuses_the_other() -> None:
    assert read_number("1.200", ",").value == "1200"
    assert read_number("1.200", ".").value == "1.200"
    assert read_number("7.5", ",").value is None  # '.' groups thousands: 7.5 is not a number so
    assert read_number("1.200", None, "").value == "1.200"  # --thousands none: a lone mark is decimal
    assert read_number("1.200", None, "").decisive == "."


@pytest.mark.parametrize(
    ("text", "iso", "order"),
    [
        ("25/01/2020", "2020-01-25", "dmy"),
        ("01/25/2020", "2020-01-25", "mdy"),
        ("25.1.2020", "2020-01-25", "dmy"),
        ("25-01-2020 00:00", "2020-01-25", "dmy"),
        ("25/01/2020 00:00:00", "2020-01-25", "dmy"),
    ],
)
def test_a_date_read_only_one_way_proves_its_order(text: str, iso: str, order: str) -> None:
    reading = read_date(text)
    assert (reading.value, reading.decisive, reading.ambiguous) == (iso, order, False)


def test_dates_read_both_ways() -> None:
    reading = read_date("01/03/2020")
    assert reading.ambiguous
    assert date_with(reading, "dmy") == "2020-03-01"
    assert date_with(reading, "mdy") == "2020-01-03"
    same = read_date("05/05/2020")
    assert (same.value, same.ambiguous, same.decisive) == ("2020-05-05", False, None)
    assert read_date("2020/01/25").value == "2020-01-25"


def test_dates_that_are_no_dates() -> None:
    assert read_date("2020-01-25").value is None  # ISO: the facts read it themselves
    assert (
        read_date("31/02/2020").problem
        == "'31/02/2020' is no date of the calendar, read day first or month first: check it (YYYY-MM-DD)"
    )
    assert "two-digit year" in str(read_date("01/03/20").problem)
    assert read_date("25/01/2020", "mdy").problem is not None  # forced month first: no 25th month
    assert read_date("25/01/2020 13:30").value is None  # a time of day: the facts refuse it
