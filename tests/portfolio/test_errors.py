"""Nothing lost: every broken row is an error row (row number, column, problem) in the output
and on standard error, every good row is still advised, and the exit code is 2."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import Result

HEADER = "id,name,business.revenue,business.margin_pct,business.customer_since,assessment.current_contribution\n"
GOOD = [
    "G1,Good One,1000000,0.30,2015-01-01,8",
    "G2,Good Two,500000,0.15,2018-06-30,5",
    "G3,Good Three,250000,0.05,2020-02-29,3",
    "G4,Caffè Quattro,100000,0.25,2010-10-10,2",
    "G5,Good Five,90000,0.12,2011-11-11,6",
    "G6,Good Six,80000,0.40,2012-12-12,9",
]
# (line, the column the error must name, a word of the problem)
BROKEN = [
    ("W1,Wrong Type,lots,0.2,2015-01-01,5", "business.revenue", "lots"),
    (",No Id,300000,0.2,2015-01-01,5", "id", "required"),
    ("G1,Duplicate Of G1,300000,0.2,2015-01-01,5", "id", "duplicate id 'G1': row 2"),
    ("D1,Bad Date,300000,0.2,31/02/2020,5", "business.customer_since", "YYYY-MM-DD"),
    ("S1,Share Out Of Range,300000,1.4,2015-01-01,5", "business.margin_pct", "fraction"),
]


def broken_portfolio(tmp_path: Path) -> Path:
    # Good and broken rows alternate: G1, broken, G2, broken, ..., G6, then the encoding error.
    lines = [HEADER.rstrip("\n").encode(), GOOD[0].encode()]
    for (line, _, _), good in zip(BROKEN, GOOD[1:], strict=True):
        lines.append(line.encode())
        lines.append(good.encode())
    # A row in another encoding inside a UTF-8 file (the good rows hold UTF-8 "è").
    lines.append(b"E1,Citt" + b"\xe0 Sbagliata,300000,0.2,2015-01-01,5")
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_every_broken_row_is_reported_and_nothing_else_is_lost(
    tmp_path: Path, kam: Callable[..., Result], fmt: str
) -> None:
    path = broken_portfolio(tmp_path)
    out = tmp_path / f"advice.{fmt}"
    code, stdout, stderr = kam(
        "portfolio", str(path), "--as-of", "2026-11-27", "--out", str(out), "--xlsx-headers", "names"
    )
    assert code == 2
    from kamrules.io.portfolio_file import open_source

    with open_source(out) as source:
        raw = list(source.rows())
    rows = [r.cells if r.cells is not None else r.data for r in raw]
    # One output row per input row, in input order, each naming its row number.
    assert [int(r["row"]) for r in rows] == list(range(2, 2 + len(rows)))
    assert len(rows) == 1 + 2 * len(BROKEN) + 1
    ok = [r for r in rows if r["status"] == "ok"]
    errors = [r for r in rows if r["status"] == "error"]
    assert [r["id"] for r in ok] == ["G1", "G2", "G3", "G4", "G5", "G6"]
    assert len(errors) == len(BROKEN) + 1
    for (_, column, word), row in zip(BROKEN, errors[:-1], strict=True):
        assert row["error.column"] == column
        assert word in row["error.problem"]
    encoding_error = errors[-1]
    assert encoding_error["error.column"] == "name"
    assert "0xe0" in encoding_error["error.problem"]
    # Every good row was advised and placed (the rejected rows' revenue counts for nothing).
    assert all(r["revenue_class"] and r["revenue_quality.quadrant"] for r in ok)
    assert {r["id"]: r["revenue_class"] for r in ok} == {
        "G1": "A",
        "G2": "A",
        "G3": "A",
        "G4": "B",
        "G5": "B",
        "G6": "C",
    }
    # The same errors on standard error, each with its row and column.
    for row in errors:
        assert f"row {row['row']}, column {row['error.column']}" in stderr
    assert "rows could not be advised" in stderr
    assert "Rows rejected: 6" in stdout


def test_rejected_rows_do_not_count_in_the_revenue_ranking(tmp_path: Path, kam: Callable[..., Result]) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        HEADER + "A,Alpha,800,0.3,2015-01-01,5\nB,Beta,200,0.3,2015-01-01,5\nA,Dup,100000,0.3,2015-01-01,5\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    code, _, _ = kam("portfolio", str(path), "--as-of", "2026-11-27", "--out", str(out))
    assert code == 2
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["portfolio.revenue_share"] for r in rows[:2]] == ["0.8", "0.2"]
    assert rows[2]["status"] == "error"


def test_a_bad_ruleset_or_sectors_file_stops_before_any_row(tmp_path: Path, kam: Callable[..., Result]) -> None:
    path = tmp_path / "p.csv"
    path.write_text(HEADER + GOOD[0] + "\n", encoding="utf-8")
    sectors = tmp_path / "sectors.yaml"
    sectors.write_text("sectors:\n  - id: food\n    attractiveness: {margin: 11}\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    out.write_text("the previous file\n", encoding="utf-8")
    code, _, stderr = kam("portfolio", str(path), "--sectors", str(sectors), "--out", str(out))
    assert code == 2
    assert "sectors.yaml:3" in stderr and "attractiveness.margin" in stderr
    assert out.read_text(encoding="utf-8") == "the previous file\n"  # untouched


def test_output_is_atomic_when_a_run_fails_midway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from kamrules.io.outputs import row_writer
    from kamrules.portfolio import evaluate
    from kamrules.portfolio.run import Request, run_portfolio

    path = tmp_path / "p.csv"
    path.write_text(HEADER + "\n".join(GOOD) + "\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    out.write_text("the previous file\n", encoding="utf-8")
    original = evaluate.Evaluator.evaluate
    calls = {"n": 0}

    def flaky(self: evaluate.Evaluator, *args: object) -> evaluate.RowResult:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the user pressed Ctrl-C mid-way
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluate.Evaluator, "evaluate", flaky)
    with pytest.raises(KeyboardInterrupt), row_writer(out, "csv", ["row", "id"]) as sink:
        run_portfolio(Request(str(path), dt.date(2026, 11, 27)), lambda r: sink.write(r.cells))
    assert out.read_text(encoding="utf-8") == "the previous file\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".o.csv")] == []  # no temporary left


def test_worker_processes_give_the_same_rows_errors_included(tmp_path: Path, kam: Callable[..., Result]) -> None:
    path = broken_portfolio(tmp_path)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    code1, out1, err1 = kam("portfolio", str(path), "--as-of", "2026-11-27", "--out", str(one))
    code2, out2, err2 = kam("portfolio", str(path), "--as-of", "2026-11-27", "--out", str(two), "--jobs", "2")
    assert (code1, code2) == (2, 2)
    assert one.read_bytes() == two.read_bytes()
    assert (out1, err1) == (out2, err2)


def test_an_internal_error_on_one_row_does_not_stop_the_portfolio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.main import run
    from kamrules.portfolio import evaluate as evaluate_module

    real = evaluate_module.Evaluator.evaluate

    def sometimes(self: Any, prep: Any, place: Any, duplicate: Any) -> Any:
        if prep.account is not None and prep.account.id == "B2":
            raise KeyError("simulated bug")
        return real(self, prep, place, duplicate)

    monkeypatch.setattr(evaluate_module.Evaluator, "evaluate", sometimes)
    source = tmp_path / "p.csv"
    source.write_text("id,name,business.revenue\nB1,Uno,100\nB2,Due,200\nB3,Tre,300\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(["portfolio", str(source), "--out", str(out), "--as-of", "2026-11-27"]) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["status"]) for r in rows] == [("B1", "ok"), ("B2", "error"), ("B3", "ok")]
    assert "internal error (KeyError" in rows[1]["error.problem"]


def _error_rows(out: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [{k: r[k] for k in ("row", "status", "id", "name", "error.column", "error.problem")} for r in rows]


def test_a_row_with_more_cells_than_the_header_says_whose_row_it_is(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from tests.support import kam

    # An unquoted comma in the revenue shifts the cells after it: the row is refused, but it
    # still says whose row it is, and what is wrong with it.
    csv_file = tmp_path / "p.csv"
    csv_file.write_text(
        "id,name,business.revenue,business.margin_pct\nA1,Acme,1,200,0.3\nB1,Beta,100,0.2\n", encoding="utf-8"
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "business.revenue", "business.margin_pct"])
    sheet.append(["A1", "Acme", 1, 200, 0.3])  # the same extra cell, under no header
    sheet.append(["B1", "Beta", 100, 0.2])
    sheet.append(["C1", "Gamma", 100, 0.2, None, "note"])  # a value further out still counts
    xlsx_file = tmp_path / "p.xlsx"
    book.save(xlsx_file)
    out = tmp_path / "o.jsonl"
    result = kam("portfolio", str(csv_file), "--as-of", "2026-11-27", "--out", str(out))
    assert result.exit_code == 2
    assert _error_rows(out)[0] == {
        "row": 2,
        "status": "error",
        "id": "A1",
        "name": "Acme",
        "error.column": "",
        "error.problem": "row 2 has 5 cells, the header 4 (a ',' inside a cell that is not in quotes?)",
    }
    assert _error_rows(out)[1]["status"] == "ok"
    assert f"{csv_file}:2: row 2: IO009 row 2 has 5 cells, the header 4" in result.stderr
    result = kam("portfolio", str(xlsx_file), "--as-of", "2026-11-27", "--out", str(out))
    assert result.exit_code == 2
    rows = _error_rows(out)
    assert [(r["id"], r["name"], r["status"], r["error.problem"]) for r in rows] == [
        ("A1", "Acme", "error", "row 2 has 5 cells, the header 4"),
        ("B1", "Beta", "ok", None),
        ("C1", "Gamma", "error", "row 4 has 6 cells, the header 4"),
    ]


def test_a_value_under_a_column_with_no_name_is_an_error_row(tmp_path: Path) -> None:
    from tests.support import kam

    path = tmp_path / "p.csv"
    path.write_text("id,,name\nA1,,Acme\nB1,lost,Beta\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = kam("portfolio", str(path), "--as-of", "2026-11-27", "--out", str(out))
    assert result.exit_code == 2
    rows = _error_rows(out)
    assert rows[0]["status"] == "ok"
    assert (rows[1]["id"], rows[1]["name"]) == ("B1", "Beta")
    assert rows[1]["error.problem"] == "row 3 has a value in column 2, which the header leaves without a name"


def test_plan_errors_name_the_input_column(tmp_path: Path) -> None:
    from tests.support import kam

    plain = tmp_path / "p.csv"
    plain.write_text(
        "id,name,plan.exists,plan.reviewed,relationship.loyalty\nA1,Acme,forse,2025-13-01,Fedeltà\n", encoding="utf-8"
    )
    out = tmp_path / "o.jsonl"
    assert kam("portfolio", str(plain), "--as-of", "2026-11-27", "--out", str(out)).exit_code == 2
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["error.column"] == "plan.exists; plan.reviewed; relationship.loyalty"
    # Through a column map, the CRM's names, as for every other fact.
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Account ID,Account Name,KAM Plan,Plan Review,Fedeltà\nA1,Acme,forse,2025-13-01,Fedeltà\n", encoding="utf-8"
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns: {Account ID: id, Account Name: name, KAM Plan: plan.exists, Plan Review: plan.reviewed, "
        "Fedeltà: relationship.loyalty}\n",
        encoding="utf-8",
    )
    result = kam("portfolio", str(crm), "--columns", str(mapping), "--as-of", "2026-11-27", "--out", str(out))
    assert result.exit_code == 2
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["error.column"] == "KAM Plan; Plan Review; Fedeltà"
    assert "row 2, column KAM Plan: FACT005 'forse' is not valid" in result.stderr
    assert "row 2, column Plan Review: FACT005 '2025-13-01' is not valid" in result.stderr


def test_errors_quote_the_cell_as_the_file_holds_it(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    from tests.support import kam

    crm = tmp_path / "crm.csv"
    crm.write_text("Account ID;Account Name;Sales;Fedeltà\nA1;Acme;12,5%;Altissima\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns: {Account ID: id, Account Name: name, Sales: business.revenue, Fedeltà: relationship.loyalty}\n"
        "values: {relationship.loyalty: {Altissima: altissimo}}\n"  # a translation to no allowed value
        'decimal: ","\n',
        encoding="utf-8",
    )
    result = kam("portfolio", str(crm), "--columns", str(mapping), "--as-of", "2026-11-27")
    assert result.exit_code == 2
    assert "column Sales: FACT005 '12,5%' is not valid" in result.stderr
    assert "'12.5%'" not in result.stderr
    assert "column Fedeltà: FACT003 'Altissima' is not one of the allowed values" in result.stderr
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "business.customer_since"])
    sheet.append(["A1", "Acme", dt.datetime(2020, 1, 1, 13, 30)])
    path = tmp_path / "p.xlsx"
    book.save(path)
    result = kam("portfolio", str(path), "--as-of", "2026-11-27")
    assert result.exit_code == 2
    assert "column business.customer_since: FACT005 '2020-01-01T13:30:00' is not valid" in result.stderr
    assert "datetime.datetime" not in result.stderr


def test_a_json_line_nested_too_deeply_is_one_error_row(tmp_path: Path) -> None:
    from tests.support import kam

    deep = '{"id": "X", "name": "X", "environment": ' + "[" * 5000 + "]" * 5000 + "}"
    (tmp_path / "p.jsonl").write_text('{"id": "OK1", "name": "fine"}\n' + deep + "\n", encoding="utf-8")
    result = kam("portfolio", str(tmp_path / "p.jsonl"), "--out", str(tmp_path / "o.jsonl"), "--as-of", "2026-11-27")
    assert result.exit_code == 2, result.stderr
    assert "internal error" not in result.stderr
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["row"], r["status"]) for r in rows] == [(1, "ok"), (2, "error")]
    assert rows[1]["error.problem"] == "not valid JSON: nested too deeply"
