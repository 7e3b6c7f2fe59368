"""Italian and English files read as they are: number formats and dates detected per file or
forced, lists typed in a cell, DMU members and competitors in flat columns; a bad cell is its
row's error, with the row number and the column, and the other rows are still advised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kamrules.model.cellformats import Detection, Forced, Formats, decide, read_cells
from tests.support import kam

HEADER = "id;name;business.revenue;business.potential_revenue;business.margin_pct;business.customer_since"


def rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def portfolio(tmp_path: Path, text: str, *args: str, suffix: str = ".csv") -> tuple[Any, list[dict[str, Any]]]:
    path = tmp_path / f"p{suffix}"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = kam("portfolio", str(path), "--out", str(out), "--as-of", "2026-11-27", *args)
    return result, rows(out)


def test_an_italian_csv_is_read_by_kam_portfolio_without_a_map(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\nA1;Acme;1.200.000,00;3.000.000,00;22,5%;25/03/2015\nA2;Beta;€ 950.000;1.200.000 €;18 %;01/02/2021\n"
    )
    result, out = portfolio(tmp_path, text)
    assert result.exit_code == 0, result.stderr
    assert [(r["business.revenue"], r["business.potential_revenue"]) for r in out] == [
        (1_200_000, 3_000_000),
        (950_000, 1_200_000),
    ]
    assert out[0]["business.margin_pct"] == pytest.approx(0.225)
    assert [r["business.customer_since"] for r in out] == ["2015-03-25", "2021-02-01"]  # 25/03 proves day first
    assert "numbers 1.234,5" in kam("portfolio", str(tmp_path / "p.csv"), "--as-of", "2026-11-27").stdout


def test_an_italian_csv_is_read_by_kam_advise(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\nA1;Acme;1.200.000,00;3.000.000,00;22,5%;25/03/2015\n", encoding="utf-8")
    result = kam("advise", str(path), "--as-of", "2026-11-27", "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_an_ambiguous_value_is_read_in_the_detected_format_and_the_note_says_which(tmp_path: Path) -> None:
    text = f"{HEADER}\nA1;Acme;1.200.000,00;3.000.000;22%;2015-03-01\nA2;Beta;1.200;2.400;18%;2015-03-01\n"
    result, out = portfolio(tmp_path, text)
    assert [r["business.revenue"] for r in out] == [1_200_000, 1_200]
    assert (
        "numbers are read with a decimal comma, as '1.200.000,00' (row 2, column business.revenue) shows: "
        "2 values that could be read either way, such as '1.200' (row 3, column business.revenue), "
        "are read so; give --decimal . if they are wrong"
    ) in result.stderr


@pytest.mark.parametrize(
    ("delimiter", "revenue", "mark"), [(";", 1200, "a decimal comma"), (",", 1.2, "a decimal point")]
)
def test_without_evidence_the_delimiter_decides_and_says_so(
    tmp_path: Path, delimiter: str, revenue: float, mark: str
) -> None:
    text = f"id{delimiter}name{delimiter}business.revenue\nA1{delimiter}Acme{delimiter}1.200\n"
    result, out = portfolio(tmp_path, text)
    assert out[0]["business.revenue"] == pytest.approx(revenue)
    assert (
        "no value in the file shows its decimal mark; 1 value that could be read either way, such as '1.200' "
        f"(row 2, column business.revenue), is read with {mark}" in result.stderr
    )


def test_decimal_and_thousands_force_the_format_and_a_value_written_otherwise_is_its_rows_error(
    tmp_path: Path,
) -> None:
    text = "id;name;business.revenue\nA1;Acme;1.200\nA2;Beta;1.200,50\nA3;Gamma;7\n"
    result, out = portfolio(tmp_path, text, "--decimal", ".")
    assert result.exit_code == 2
    assert [r["status"] for r in out] == ["ok", "error", "ok"]
    assert out[0]["business.revenue"] == pytest.approx(1.2)
    assert out[1]["error.column"] == "business.revenue"
    assert (
        "row 3, column business.revenue: FACT005 as --decimal says, numbers are written with a decimal point: "
        "'1.200,50' is not" in result.stderr
    )
    result, out = portfolio(
        tmp_path, 'id,name,business.revenue\nA1,Acme,1 200 000\nA2,Beta,"1,5"\n', "--thousands", "space"
    )
    assert result.exit_code == 0, result.stderr
    assert [r["business.revenue"] for r in out] == [1_200_000, 1.5]  # no , between thousands: a decimal comma
    assert kam("portfolio", str(tmp_path / "p.csv"), "--decimal", ",", "--thousands", ",").exit_code == 2


def test_ambiguous_dates_without_evidence_are_their_rows_errors_and_dates_forces_them(tmp_path: Path) -> None:
    text = "id,name,business.customer_since\nA1,Acme,01/03/2015\nA2,Beta,2015-03-01\nA3,Gamma,05/05/2015\n"
    result, out = portfolio(tmp_path, text)
    assert result.exit_code == 2
    assert [r["status"] for r in out] == ["error", "ok", "ok"]
    assert out[0]["error.column"] == "business.customer_since"
    problem = out[0]["error.problem"]
    assert "no date in the file settles whether it is day or month first" in problem
    assert "'01/03/2015' could be 1 March 2015 or 3 January 2015" in problem
    assert (
        "1 date such as '01/03/2015' (row 2, column business.customer_since) could be day or month first"
        in result.stderr
    )
    result, out = portfolio(tmp_path, text, "--dates", "mdy")
    assert result.exit_code == 0
    assert out[0]["business.customer_since"] == "2015-01-03"


def test_lists_typed_in_a_cell(tmp_path: Path) -> None:
    text = (
        "id,name,relationship.choice_criteria,company.markets,environment\n"
        'A1,Acme,quality; delivery,"[EU, US]","new EU rules\nenergy prices"\n'
    )
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8")
    result = kam("advise", str(path), "--as-of", "2026-11-27", "--format", "json")
    assert result.exit_code == 0, result.stderr
    cells = read_cells(
        {"relationship.choice_criteria": "quality; delivery;", "environment": "a\nb", "company.markets": ["EU", "US"]},
        {},
        Formats(),
    )
    assert cells.flat == {
        "relationship.choice_criteria": ["quality", "delivery"],
        "environment": ["a", "b"],
        "company.markets": ["EU", "US"],
    }


def test_dmu_members_and_competitors_in_flat_columns(tmp_path: Path) -> None:
    header = (
        "id,name,assessment.current_contribution,assessment.potential_contribution,"
        "relationship.dmu.1.name,relationship.dmu.1.role,relationship.dmu.1.attitude,"
        "relationship.dmu.2.name,relationship.dmu.2.role,relationship.dmu.2.influence,"
        "relationship.dmu.3.name,relationship.dmu.3.role,"
        "business.competitors.1.name,business.competitors.1.share,business.competitors.1.price_index"
    )
    text = (
        f"{header}\n"
        'A1,Acme,8,9,Anna Neri,decider,critic,Bruno Bo,buyer,high,,,Rivale S.p.A.,30%,"0,95"\n'
        "A2,Beta,8,9,Carla Rè,boss,,,,,,,,,\n"
        "A3,Gamma,8,9,,decider,,,,,,,,,\n"
    )
    result, out = portfolio(tmp_path, text)
    assert result.exit_code == 2
    assert [r["status"] for r in out] == ["ok", "error", "error"]
    assert "DMU_UNMAPPED" not in (out[0]["warnings"] or "")
    assert out[1]["error.column"] == "relationship.dmu.1.role"
    assert "'boss' is not one of the allowed values" in out[1]["error.problem"]
    # A member with a role and no name: the name is required, and said in the member's column.
    assert out[2]["error.column"] == "relationship.dmu.1.name"
    cells = read_cells(
        {
            "relationship.dmu.1.name": "Anna",
            "relationship.dmu.3.name": "Bruno",
            "relationship.dmu.3.role": "buyer",
            "relationship.dmu.2.name": None,
            "business.competitors.1.name": "Rivale",
            "business.competitors.1.share": "30,5%",
        },
        {},
        Formats(decimal=","),
    )
    assert cells.flat["relationship.dmu"] == [{"name": "Anna"}, {"name": "Bruno", "role": "buyer"}]
    assert cells.flat["business.competitors"] == [{"name": "Rivale", "share": "30.5%"}]
    assert cells.columns["relationship.dmu[1].role"] == "relationship.dmu.3.role"  # the second member
    assert cells.originals["business.competitors[0].share"] == ("30,5%", "30.5%")


def test_a_list_given_in_both_forms_is_refused() -> None:
    cells = read_cells({"relationship.dmu": [{"name": "A"}], "relationship.dmu.1.name": "B"}, {}, Formats())
    assert cells.problems == [
        (
            "relationship.dmu",
            "is given twice: in the column relationship.dmu and in relationship.dmu.1... columns; keep one",
            None,  # the parameter it names: none
        )
    ]


def test_xlsx_text_cells_are_read_like_csv_cells(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "business.revenue", "business.margin_pct", "business.customer_since"])
    sheet.append(["A1", "Acme", "1.200.000,00", "22,5%", "25/03/2015"])
    sheet.append(["A2", "Beta", 950000, 0.18, dt.datetime(2021, 2, 1)])  # typed cells, read as they are
    path = tmp_path / "p.xlsx"
    book.save(path)
    out = tmp_path / "o.jsonl"
    result = kam("portfolio", str(path), "--out", str(out), "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.stderr
    got = rows(out)
    assert [r["business.revenue"] for r in got] == [1_200_000, 950_000]
    assert [r["business.customer_since"] for r in got] == ["2015-03-25", "2021-02-01"]


def test_the_majority_decides_a_file_that_mixes_marks() -> None:
    detection = Detection()
    for row, text in enumerate(["1.200,50", "12,5", "7.5", "1.200"], start=2):
        detection.observe(row, {"business.revenue": text}, {}, Forced())
    formats = decide(detection, Forced())
    assert formats.decimal == ","
    assert formats.notes[0].message.startswith("numbers: the file mixes decimal marks: 2 values with a decimal comma")
    cells = read_cells({"business.revenue": "7.5"}, {}, formats)
    assert cells.flat["business.revenue"] == "7.5"  # read as written: it can be read no other way
