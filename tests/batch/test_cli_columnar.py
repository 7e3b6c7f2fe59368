"""`kam portfolio` on the columnar run gives what the per-row run gives: the rows' file byte for
byte (CSV, JSON Lines; XLSX cell for cell), the error rows on standard error with their row
numbers, the summary and the exit code; `--out FILE.parquet` holds the same rows; an option the
columnar run does not serve goes to the per-row run, and a Parquet output with it is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import EXAMPLES, kam
from tests.support import columnar_inputs as inputs
from tests.support.columnar import xlsx_cells

PORTFOLIO = EXAMPLES / "portfolio"
AS_OF = ("--as-of", "2026-11-27")


def _both(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, *args: str) -> tuple[object, object]:
    """The per-row run and the columnar run of `kam portfolio ARGS`, each writing `name`."""
    runs = []
    for threshold, side in (("999999999999", "rows"), ("0", "columnar")):
        monkeypatch.setenv("KAMRULES_COLUMNAR_FROM", threshold)
        out = tmp_path / side / name
        out.parent.mkdir(exist_ok=True)
        result = kam("portfolio", *args, "--out", str(out), *AS_OF)
        runs.append((result.exit_code, result.stdout, result.stderr, out))
    return runs[0], runs[1]


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("p.csv", ("--sectors", str(PORTFOLIO / "sectors.yaml"))),
        ("p.jsonl", ("--lang", "it")),
        ("p.csv", ("--columns", str(PORTFOLIO / "salesforce-columns.yaml"), "--out-delimiter", ";")),
    ],
)
def test_the_examples(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, options: tuple[str, ...]) -> None:
    source = PORTFOLIO / ("salesforce-export.csv" if "--columns" in options else "portfolio.csv")
    rows, columnar = _both(monkeypatch, tmp_path, name, str(source), *options)
    assert rows[:3] == columnar[:3]
    assert rows[3].read_bytes() == columnar[3].read_bytes()


def test_error_rows_jobs_and_plans(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = inputs.write_csv(tmp_path / "p.csv", inputs.rows(600, 3))
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "X.yaml").write_text("kind: plan\naccount: {id: X, name: X}\n", encoding="utf-8")
    args = (str(path), "--jobs", "2", "--plans", str(plans), "--format", "markdown")
    rows, columnar = _both(monkeypatch, tmp_path, "p.csv", *args)
    assert rows[0] == columnar[0] == 2  # rows with errors
    assert rows[2] == columnar[2] and "row " in rows[2]  # each error row with its number
    assert rows[1] == columnar[1]
    assert rows[3].read_bytes() == columnar[3].read_bytes()


def test_xlsx_and_formula_cells(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text(
        'id,name,business.revenue\nA1,"=HYPERLINK(""http://x"")",100\n-A2,@Beta,200\nA3,Gamma,-5\n', encoding="utf-8"
    )
    for name, extra in (("p.xlsx", ()), ("p.csv", ()), ("raw.csv", ("--raw-cells",))):
        rows, columnar = _both(monkeypatch, tmp_path, name, str(source), *extra)
        assert rows[:3] == columnar[:3]
        if name.endswith(".xlsx"):
            assert xlsx_cells(rows[3]) == xlsx_cells(columnar[3])
        else:
            assert rows[3].read_bytes() == columnar[3].read_bytes()
            assert ("'=HYPERLINK" in rows[3].read_text(encoding="utf-8-sig")) == (name == "p.csv")


def test_parquet_out_holds_the_rows(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "p.parquet"
    result = kam("portfolio", str(PORTFOLIO / "portfolio.csv"), "--out", str(out), *AS_OF)
    assert result.exit_code == 0, result.stderr
    csv_out = tmp_path / "p.jsonl"
    assert kam("portfolio", str(PORTFOLIO / "portfolio.csv"), "--out", str(csv_out), *AS_OF).exit_code == 0
    import json

    table = pq.read_table(out)
    want = [json.loads(line) for line in csv_out.read_text(encoding="utf-8").splitlines()]
    assert table.column_names == list(want[0])
    assert table.column("id").to_pylist() == [r["id"] for r in want]
    assert table.column("tier").to_pylist() == [r["tier"] for r in want]


def test_an_option_the_columnar_run_does_not_serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAMRULES_COLUMNAR_FROM", "0")
    source = str(PORTFOLIO / "portfolio.csv")
    out = tmp_path / "p.csv"
    assert kam("portfolio", source, "--scores", "portfolio", "--out", str(out), *AS_OF).exit_code == 0
    refused = kam("portfolio", source, "--scores", "portfolio", "--out", str(tmp_path / "p.parquet"), *AS_OF)
    assert refused.exit_code == 2
    assert "--out" in refused.stderr and "--scores portfolio" in refused.stderr
