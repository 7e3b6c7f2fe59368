"""Parquet (new in the columnar run): a portfolio read from Parquet is advised as the same
portfolio read from CSV (apart from the row numbers: a Parquet record's is its position), and
the Parquet output holds today's cells, typed."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.support import EXAMPLES
from tests.support import columnar_inputs as inputs
from tests.support.columnar import columnar, today

SECTORS = str(EXAMPLES / "portfolio" / "sectors.yaml")


def _unnumbered(text: Any) -> Any:
    """A text without its row numbers ("row 178 has the same id"): they count differently."""
    if isinstance(text, tuple):
        return tuple(_unnumbered(t) for t in text)
    return re.sub(r"\brow \d+", "row N", text) if isinstance(text, str) else text


def _rows(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row.pop("row")
        row["error.problem"] = _unnumbered(row["error.problem"])
    return rows


@pytest.mark.parametrize("typed", [False, True])
def test_parquet_input_is_advised_as_the_same_csv(tmp_path: Path, typed: bool) -> None:
    data = inputs.rows(600, 8)
    data = [row for row in data if len(row) <= len(inputs.COLUMNS)]  # Parquet has no row too wide
    csv_side = columnar(inputs.write_csv(tmp_path / "p.csv", data), tmp_path / "csv.jsonl", "jsonl", sectors=SECTORS)
    parquet = inputs.parquet(tmp_path / "p.parquet", data, typed=typed)
    pq_side = columnar(parquet, tmp_path / "pq.jsonl", "jsonl", sectors=SECTORS, size=100)
    # A typed cell is quoted as its type writes it (45.0, where the CSV cell says '45').
    words = 5 if not typed else 4
    keep = (lambda row: row) if not typed else (lambda row: {k: v for k, v in row.items() if k != "error.problem"})
    assert [keep(row) for row in _rows(pq_side.out)] == [keep(row) for row in _rows(csv_side.out)]
    assert [(*p[2:4], _unnumbered(p[4:words])) for p in pq_side.problems] == [
        (*p[2:4], _unnumbered(p[4:words])) for p in csv_side.problems
    ]
    assert {k: v for k, v in pq_side.summary.items() if k != "source"} == {
        k: v for k, v in csv_side.summary.items() if k != "source"
    }
    assert pq_side.summary["source"].endswith("(PARQUET)")


def test_parquet_output_holds_todays_cells(tmp_path: Path) -> None:
    data = inputs.rows(400, 9)
    path = inputs.write_csv(tmp_path / "p.csv", data)
    want = today(path, tmp_path / "today.jsonl", "jsonl", sectors=SECTORS)
    got = columnar(path, tmp_path / "out.parquet", "parquet", sectors=SECTORS, size=128)
    table = pq.read_table(got.out)
    cells = [{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()} for row in table.to_pylist()]
    assert cells == [json.loads(line) for line in want.out.read_text(encoding="utf-8").splitlines()]
    assert table.schema.field("row").type == "int64"
    assert str(table.schema.field("business.customer_since").type) == "date32[day]"
    assert got.summary == want.summary
