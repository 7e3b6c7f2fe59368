"""Generated portfolios with the faults a CRM export holds: bad cells, repeated ids, rows of the
wrong width, blank lines, quoted line breaks, plan columns, odd blanks at a cell's ends.

`faulty_rows` takes the benchmark's generated rows (`benchmarks.generate.csv_rows`) and spoils a
seeded share of them, one fault each, so that every fault the portfolio readers and the
validation must handle (an error row with its number, or a row read one by one and advised) is
met many times in a few thousand rows. The equivalence tests (tests/batch/) run today's `kam
portfolio` and the columnar run on these files; the benchmark can time them too.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Iterator
from pathlib import Path

from benchmarks.generate import AS_OF, CSV_COLUMNS, csv_rows

PLAN_COLUMNS = ("plan.exists", "plan.reviewed")
COLUMNS = (*CSV_COLUMNS, *PLAN_COLUMNS)
_AT = {name: k for k, name in enumerate(COLUMNS)}


def _set(name: str, value: str) -> Callable[[list[str], random.Random], list[str]]:
    def apply(row: list[str], rng: random.Random) -> list[str]:
        row[_AT[name]] = value
        return row

    return apply


def _extra_cell(row: list[str], rng: random.Random) -> list[str]:
    return [*row, "surplus"]  # a delimiter inside an unquoted cell shifts the row: an error row


def _short(row: list[str], rng: random.Random) -> list[str]:
    return row[: rng.randint(2, len(row) - 1)]  # trailing cells left out: a valid row


def _padded(row: list[str], rng: random.Random) -> list[str]:
    k = _AT["business.margin_pct"]
    if row[k]:
        row[k] = f"  {row[k]} "
    return row


def _odd_blank(row: list[str], rng: random.Random) -> list[str]:
    row[_AT["relationship.perceptions"]] = "\xa0trusted partner\u3000"  # ends Python strips, Arrow does not
    return row


def _two_lines(row: list[str], rng: random.Random) -> list[str]:
    row[_AT["relationship.perceptions"]] = "good\nbut slow to pay"
    return row


def _crlf_inside(row: list[str], rng: random.Random) -> list[str]:
    row[_AT["company.address"]] = "Via Roma 1\r\nMilano"
    return row


def _no_id(row: list[str], rng: random.Random) -> list[str]:
    row[_AT["id"]] = ""
    return row


def _blank_row(row: list[str], rng: random.Random) -> list[str]:
    return [""] * len(row)


FAULTS: tuple[Callable[[list[str], random.Random], list[str]], ...] = (
    _set("business.customer_since", "31/02/2020"),
    _set("business.margin_pct", "140%"),
    _set("business.revenue", "-5"),
    _set("business.potential_revenue", "n/a"),
    _set("relationship.stage", "friendly"),
    _set("business.share_of_wallet", "45"),
    _set("business.growth_rate", "12%"),
    _set("assessment.current_contribution", "11"),
    _set("relationship.choice_criteria", "[quality, delivery"),
    _set("relationship.choice_criteria", "{quality: high}"),
    _set("business.discounts_pct", "0,05"),
    _set("plan.exists", "maybe"),
    _set("plan.exists", "Sì"),
    _set("plan.reviewed", "2025-13-01"),
    _set("plan.reviewed", "2020-01-01T00:00:00"),
    _set("company.phone", "[+39, 02]"),
    _set("name", "   "),
    _extra_cell,
    _short,
    _padded,
    _odd_blank,
    _two_lines,
    _crlf_inside,
    _no_id,
    _blank_row,
)


def faulty_rows(count: int, seed: int = 7, as_of: dt.date = AS_OF, rate: float = 0.08) -> Iterator[list[str]]:
    """The generated rows with plan columns, a share `rate` of them spoiled by one fault each;
    now and then a row repeats an earlier row's id, and a blank line comes between rows."""
    rng = random.Random(seed * 7919 + 1)
    earlier: list[str] = []
    for generated in csv_rows(count, seed, as_of):
        plan = [rng.choice(("yes", "no", "", "", "1", "x")), rng.choice(("", "", "2025-06-30", "2024-01-15"))]
        row = [*generated, *plan]
        if earlier and rng.random() < 0.01:
            row[_AT["id"]] = rng.choice(earlier)
        elif rng.random() < rate:
            row = rng.choice(FAULTS)(row, rng)
        if len(earlier) < 200 and row[0]:
            earlier.append(row[0])
        yield row
        if rng.random() < 0.005:
            yield []


def write_faulty_csv(path: Path, count: int, seed: int = 7, as_of: dt.date = AS_OF, *, delimiter: str = ",") -> Path:
    """`faulty_rows` as a CSV file (streamed)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(COLUMNS)
        for row in faulty_rows(count, seed, as_of):
            writer.writerow(row)
    return path
