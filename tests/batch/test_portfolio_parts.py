"""The parts of the columnar portfolio run, one by one: the CSV reader's rows against today's
reader, the scan that decides which files pyarrow reads, number formatting against Python's,
the portfolio facts' ranking and duplicates, the worker processes, the per-row fallback."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules.batch.portfolio.facts import PortfolioFacts, ScanPart
from kamrules.batch.readers import open_batches
from kamrules.batch.readers.csvscan import well_formed
from kamrules.batch.writers.cells import csv_texts, json_texts
from kamrules.io.outputs import _text, jsonl_line
from kamrules.io.portfolio_file import open_source


def _rows_of(path: Path, size: int) -> list[tuple[Any, ...]]:
    out = []
    with open_batches(path, size=size) as source:
        for batch in source.batches():
            for k in range(batch.n):
                raw = batch.raw_row(k)
                cells = {c: v for c, v in (raw.cells or {}).items() if v is not None}
                out.append((raw.index, raw.row, raw.line, cells, [p.message for p in raw.problems]))
    return out


def _today(path: Path) -> list[tuple[Any, ...]]:
    with open_source(path) as source:
        return [
            (
                r.index,
                r.row,
                r.line,
                {c: v for c, v in (r.cells or {}).items() if v is not None},
                [p.message for p in r.problems],
            )
            for r in source.rows()
        ]


@pytest.mark.parametrize("size", [1, 2, 5, 1000])
def test_csv_rows_have_todays_numbers_lines_cells_and_problems(tmp_path: Path, size: int) -> None:
    text = (
        "\n\nid,name,,note\r\n"  # blank lines before the header, an unnamed column
        "A,Acme,,ok\r\n"
        "\r\n"  # a blank line: counted, not a row
        'B,"Two\r\nlines",,"x\ny"\r\n'  # line breaks inside quoted cells
        "C,Short\r\n"  # fewer cells than the header: a row
        "D,Wide,,n,extra\r\n"  # a cell beyond the header: an error row
        "E,Lost,value,\r\n"  # a value under the unnamed column: an error row
        ",,,\r\n"  # delimiters only: blank
        '   \r\nF,"q ""z""",,[a, b]\r\n'
        "G,Last,,"
    )
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    with open_batches(path) as source:
        assert source.columnar
    assert _rows_of(path, size) == _today(path)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('id,name\nA,12" pipe\n', "a quote inside a cell that is not quoted"),
        ('id,name\nA,"x"y\n', "text after a closing quote"),
        ("id,name\rA,B\r", "a line break that is a lone carriage return"),
        ('id,name\nA,"open\n', "a quoted cell left open at the end of the file"),
        ("id,name\nA,B\x00\n", "a NUL byte"),
        ("id,name\nA," + "x" * 140000 + "\n", "a line longer than Python's csv reader takes"),
        ('id,name\nA,"' + "x\n" * 70000 + '"\n', "a cell longer than Python's csv reader takes"),
    ],
)
def test_the_scan_sends_odd_files_to_pythons_reader(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(text.encode("utf-8"))
    with open_batches(path) as source:
        assert source.layout is not None and source.layout.why in (why, "a lone carriage return before the data")
        assert not source.columnar
    assert _rows_of(path, 3) == _today(path)


def test_well_formed_quotes_pass_the_scan(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b'id,name\r\nA,"a ""quoted"" word"\r\nB,"x, y"\r\n"C",""\r\n')
    assert well_formed(path, 9, "utf-8", ",") == ""


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(finite | st.sampled_from([0.0, -0.0, 1e15, 1e16, 1e-4, 1e-5, 123e20, 5e-324]), max_size=30))
def test_numbers_are_written_as_python_writes_them(values: list[float]) -> None:
    array = pa.array(values, pa.float64())
    assert csv_texts(array).to_pylist() == [_text(v) for v in values]
    assert json_texts(array).to_pylist() == [json.dumps(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.text(), max_size=20))
def test_texts_are_written_as_json_lines_writes_them(values: list[str | None]) -> None:
    got = json_texts(pa.array(values, pa.string())).to_pylist()
    assert got == [jsonl_line(v)[:-1] for v in values]


def _part(index: list[int], ids: list[str], revenue: list[float]) -> ScanPart:
    return ScanPart(
        max(index, default=-1) + 1,
        np.array(index, dtype=np.int64),
        np.array(index, dtype=np.int64) + 2,
        pa.array(ids, pa.string()),
        np.array(revenue, dtype=np.float64),
        np.array(revenue, dtype=np.float64) * 2,
    )


def test_facts_rank_revenue_as_todays_scan() -> None:
    from kamrules.portfolio.scan import ScanRow, scan

    index = list(range(9))
    ids = ["a", "b", "c", "b", "d", "e", "f", "g", "h"]
    revenue = [10.0, 30.0, 10.0, 99.0, math.nan, 0.1, 0.2, 10.0, 0.0]
    parts = [_part(index[:4], ids[:4], revenue[:4]), _part(index[4:], ids[4:], revenue[4:])]
    facts = PortfolioFacts.combine(parts)
    rows = [
        ScanRow(k, k + 2, k + 2, True, i, None if math.isnan(r) else r, None if math.isnan(r) else 2 * r)
        for k, i, r in zip(index, ids, revenue, strict=True)
    ]
    want = scan(rows)
    assert (facts.revenue_total, facts.revenue_median, facts.potential_median) == (
        want.revenue_total,
        want.revenue_median,
        want.potential_median,
    )
    share, before = facts.place(np.array(index), np.array(revenue))
    for k in index:
        place = want.place(k)
        got = None if math.isnan(share[k]) else (share[k], before[k])
        assert got == (None if place is None else (place.revenue_share, place.cumulative_share_before))
    dup, first = facts.duplicates(np.array(index))
    assert {k: int(f) for k, f in zip(index, first, strict=True) if dup[k]} == {
        k: int(p.message.split("row ")[1].split(" ")[0]) for k, p in want.duplicates.items()
    }
    sliced = facts.for_rows(4, 5)
    assert sliced.place(np.array(index[4:]), np.array(revenue[4:]))[1].tolist() == pytest.approx(
        before[4:].tolist(), nan_ok=True
    )


def test_a_portfolio_without_revenue_has_no_ranking() -> None:
    facts = PortfolioFacts.combine([_part([0, 1], ["a", "b"], [0.0, 0.0])])
    share, before = facts.place(np.array([0, 1]), np.array([0.0, 0.0]))
    assert np.isnan(share).all() and np.isnan(before).all() and facts.revenue_median == 0.0


def _double(x: int) -> int:
    if x == 13:
        raise ValueError("unlucky")
    return 2 * x


def test_workers_keep_the_order_and_stop_on_an_error() -> None:
    from kamrules.batch.parallel import Workers

    with Workers(2) as workers:
        assert list(workers.map(_double, range(13))) == [2 * x for x in range(13)]
    with pytest.raises(ValueError, match="unlucky"), Workers(2) as workers:
        list(workers.map(_double, range(30)))
    assert workers.pool is None


def test_a_batch_the_columnar_path_fails_on_is_done_row_by_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kamrules.batch.portfolio import run as columnar_run
    from tests.support.columnar import columnar, today

    path = tmp_path / "p.csv"
    path.write_text("id,name,business.revenue\nA1,Uno,100\nA2,Due,x\nA1,Tre,300\nA4,Quattro,400\n", encoding="utf-8")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(columnar_run, "advise_batch", broken)
    monkeypatch.setattr(columnar_run, "scan_batch", broken)
    got = columnar(path, tmp_path / "c.csv", size=2)
    want = today(path, tmp_path / "t.csv")
    assert got.out.read_bytes() == want.out.read_bytes()
    assert got.problems == want.problems and got.summary == want.summary


def test_dates_before_year_1000_are_written_in_iso_form() -> None:
    array = pa.array([dt.date(999, 1, 2), None], pa.date32())
    assert csv_texts(array).to_pylist() == ["0999-01-02", None]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.dates(min_value=dt.date(2, 1, 1), max_value=dt.date(9997, 12, 31)), min_size=1, max_size=40),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_calendar_years_in_numpy_are_the_per_account_floats(days: list[dt.date], as_of: dt.date) -> None:
    from kamrules.batch.calendar import calendar_years as vector
    from kamrules.engine.compute import calendar_years

    start = np.array([d.toordinal() for d in [*days, dt.date(2000, 2, 29), dt.date(2024, 2, 29)]], dtype=np.float64)
    got = vector(start, np.full(len(start), float(as_of.toordinal())))
    assert got.tolist() == [calendar_years(dt.date.fromordinal(int(d)), as_of)[2] for d in start]


def test_zero_and_minus_zero_are_worded_apart(tmp_path: Path) -> None:
    """A margin of 0 and one of -0 are equal numbers, but a warning words them "0%" and "-0%"."""
    from tests.support.columnar import differences

    header = "id,name,business.revenue,business.margin_pct,business.cost_to_serve,assessment.current_contribution,"
    header += "assessment.potential_contribution,assessment.profile,relationship.stage\n"
    rows = [
        f"Z{k},Zero {k},821959.46,{m},154900.78,8.5,6,opportunity,interdependent\n"
        for k, m in enumerate(["0", "-0", "-0.0", "0.0"])
    ]
    path = tmp_path / "zero.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    assert differences(path, tmp_path) == []


def test_a_day_past_the_months_end_is_an_error_row(tmp_path: Path) -> None:
    from tests.support.columnar import differences

    path = tmp_path / "days.csv"
    path.write_text(
        "id,name,business.contract_end,plan.reviewed\nA,Uno,2026-02-30,2025-04-31\nB,Due,2024-02-29,2025-01-31\n",
        encoding="utf-8",
    )
    assert differences(path, tmp_path) == []
