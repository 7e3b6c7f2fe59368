"""Dates written as text in a spreadsheet cell: `2015-03-01` always; `01/03/2015`, `1.3.2015`,
`01-03-2015` (with an optional time of midnight, as CRM exports add) where the file says which
comes first, the day or the month.

Like a number (`kamrules.io.numbers`), a date text is read both ways: `25/01/2020` only day
first (*decisive*), `01/25/2020` only month first, `01/03/2020` either way with two different
days (*ambiguous*: the file decides, see `kamrules.model.cellformats`), `01/01/2020` alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

ORDERS = ("dmy", "mdy")
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})$")


@dataclass(frozen=True)
class DateReading:
    """What a text says as a date."""

    value: str | None  # ISO text (2020-01-25), or None: not a d/m/y date (left as it is)
    decisive: str | None = None  # "dmy" or "mdy": the order only this reading allows
    ambiguous: bool = False
    other: str | None = None  # when ambiguous: the month-first reading (value is day first)
    problem: str | None = None  # why the text is no date, when it looks like one


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def read_date(text: str, order: str | None = None) -> DateReading:
    """Read `text` as a day/month/year date; `order` ("dmy" or "mdy") forces which comes first."""
    s = text.strip()
    year_first = _YEAR_FIRST.match(s)
    if year_first is not None:  # 2020/01/25: never written year, day, month
        iso = _iso(int(year_first.group(1)), int(year_first.group(3)), int(year_first.group(4)))
        return DateReading(iso, problem=None if iso else f"{s!r} is no date of the calendar: check it (YYYY-MM-DD)")
    match = _NUMERIC.match(s)
    if match is None:
        return DateReading(None)
    first, second, year_text = int(match.group(1)), int(match.group(3)), match.group(4)
    if len(year_text) == 2:
        return DateReading(None, problem=f"{s!r} has a two-digit year: write the year in full (such as 27/11/2026)")
    year = int(year_text)
    day_first = _iso(year, second, first) if order in (None, "dmy") else None
    month_first = _iso(year, first, second) if order in (None, "mdy") else None
    if day_first is None and month_first is None:
        which = {"dmy": "day first", "mdy": "month first"}.get(order or "", "day first or month first")
        return DateReading(None, problem=f"{s!r} is no date of the calendar, read {which}: check it (YYYY-MM-DD)")
    if day_first is None or month_first is None:
        proves = "dmy" if day_first is not None else "mdy"
        return DateReading(day_first or month_first, decisive=proves if order is None else None)
    if day_first == month_first:
        return DateReading(day_first)
    return DateReading(day_first, ambiguous=True, other=month_first)


def date_with(reading: DateReading, order: str) -> str | None:
    """The value of an ambiguous reading in a file whose dates are written in `order`."""
    if not reading.ambiguous:
        return reading.value
    return reading.value if order == "dmy" else reading.other
