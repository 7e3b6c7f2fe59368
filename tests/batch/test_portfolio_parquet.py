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

from tests.support import AS_OF, EXAMPLES, kam
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


@pytest.mark.parametrize("typed", [False, True])
def test_the_per_row_run_reads_parquet_as_the_columnar_run(tmp_path: Path, typed: bool) -> None:
    # The options only the per-row run serves (--scores portfolio, --record, the service's
    # recording) take a Parquet portfolio too: the same rows, errors and summary.
    data = [row for row in inputs.rows(300, 11) if len(row) <= len(inputs.COLUMNS)]
    parquet = inputs.parquet(tmp_path / "p.parquet", data, typed=typed)
    per_row = today(parquet, tmp_path / "today.jsonl", "jsonl", sectors=SECTORS)
    column_wise = columnar(parquet, tmp_path / "columnar.jsonl", "jsonl", sectors=SECTORS, size=64)
    assert per_row.out.read_bytes() == column_wise.out.read_bytes()
    assert per_row.problems == column_wise.problems
    assert per_row.summary == column_wise.summary
    assert per_row.summary["source"].endswith("(PARQUET)")


def test_the_per_row_run_ranks_a_parquet_portfolio(tmp_path: Path) -> None:
    # --scores portfolio once read a Parquet file's bytes as CSV text (garbage error rows).
    data = [row for row in inputs.rows(120, 12) if len(row) <= len(inputs.COLUMNS)]
    csv_side = today(inputs.write_csv(tmp_path / "p.csv", data), tmp_path / "csv.jsonl", "jsonl", scores="portfolio")
    parquet = inputs.parquet(tmp_path / "p.parquet", data, typed=False)
    pq_side = today(parquet, tmp_path / "pq.jsonl", "jsonl", scores="portfolio")
    assert _rows(pq_side.out) == _rows(csv_side.out)
    assert {k: v for k, v in pq_side.summary.items() if k != "source"} == {
        k: v for k, v in csv_side.summary.items() if k != "source"
    }


def test_a_parquet_portfolio_without_pyarrow_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from kamrules.errors import InputFileError
    from kamrules.portfolio import sources

    parquet = inputs.parquet(tmp_path / "p.parquet", inputs.rows(3, 1), typed=False)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        sources.importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real_find_spec(name, *a)
    )
    with pytest.raises(InputFileError) as caught, sources.open_rows(parquet):
        pass
    (problem,) = caught.value.problems
    assert problem.code == "ARG003"
    assert "pip install 'kamrules[batch]'" in problem.message


def test_parquet_from_standard_input_is_read_when_named_and_refused_with_the_way_when_not(tmp_path: Path) -> None:
    data = [row for row in inputs.rows(30, 13) if len(row) <= len(inputs.COLUMNS)]
    parquet = inputs.parquet(tmp_path / "p.parquet", data, typed=True)
    from_file = tmp_path / "file.jsonl"
    by_name = kam("portfolio", str(parquet), "--out", str(from_file), "--as-of", AS_OF.isoformat())
    named = tmp_path / "named.jsonl"
    result = kam(
        "portfolio",
        "-",
        "--input-format",
        "parquet",
        "--out",
        str(named),
        "--as-of",
        AS_OF.isoformat(),
        stdin=parquet.read_bytes(),
    )
    assert result.exit_code == by_name.exit_code, result.stderr
    assert _rows(named) == _rows(from_file)
    unnamed = kam("portfolio", "-", "--as-of", AS_OF.isoformat(), stdin=parquet.read_bytes())
    assert unnamed.exit_code == 2
    assert "<stdin>: IO004 is a Parquet file: name its format (--input-format parquet)" in unnamed.stderr


def test_kam_portfolio_says_the_format_notes_in_italian(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,name,business.revenue\nA1,Acme,1.200\nA2,Beta,3.500\n", encoding="utf-8")
    italian = kam("portfolio", str(path), "--lang", "it", "--as-of", AS_OF.isoformat())
    assert f"kam: {path}: numeri: nessun valore del file mostra il separatore decimale" in italian.stderr
    assert "2 valori che si possono leggere in due modi" in italian.stderr and "--decimal ," in italian.stderr
