"""`kamrules.engine.compute.calendar_years` for many dates at once, in numpy: the whole calendar
years between two dates (anniversaries passed; 29 February falls on 28 February in a common
year), plus the part of the year under way, as the same float the per-account path computes."""

from __future__ import annotations

import numpy as np

ORDINAL_1970 = 719163  # date(1970, 1, 1).toordinal()


def _parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of dates given as days since 1970-01-01."""
    d = days.astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, day


def _leap(year: np.ndarray) -> np.ndarray:
    leap: np.ndarray = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return leap


def _anniversary(month: np.ndarray, day: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Days since 1970 of (year, month, day), 29 February on 28 February in a common year."""
    day = np.where((month == 2) & (day == 29) & ~_leap(year), 28, day)
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    days: np.ndarray = (start.astype("datetime64[D]") + (day - 1)).astype(np.int64)
    return days


def calendar_years(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The years from each `start` to each `end` (day ordinals, as `date.toordinal()`), negative
    when `end` is before `start`: `calendar_years(start, end)[2]` of each pair."""
    s = np.minimum(start, end).astype(np.int64) - ORDINAL_1970
    e = np.maximum(start, end).astype(np.int64) - ORDINAL_1970
    sign = np.where(end < start, -1.0, 1.0)
    sy, sm, sd = _parts(s)
    ey, _, _ = _parts(e)
    whole = ey - sy
    whole = np.where(_anniversary(sm, sd, sy + whole) > e, whole - 1, whole)
    last = _anniversary(sm, sd, sy + whole)
    following = _anniversary(sm, sd, sy + whole + 1)
    years: np.ndarray = whole.astype(np.float64) + (e - last).astype(np.float64) / (following - last).astype(np.float64)
    signed: np.ndarray = sign * years
    return signed
