"""Reading portfolios: encodings, delimiters, XLSX cell types, column maps for CRM exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules.errors import InputFileError
from kamrules.io.portfolio_file import open_source
from kamrules.io.rows import RawRow
from kamrules.io.textfile import detect_encoding
from kamrules.portfolio.columns import IDENTITY, load_column_map
from kamrules.portfolio.prepare import prepare
from tests.support import EXAMPLES

HEADER = "id;name;business.revenue;relationship.perceptions\r\n"


def rows_of(path: Path, **kwargs: str) -> list[RawRow]:
    with open_source(path, **kwargs) as source:
        return list(source.rows())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"id,name\nA,Caff\xc3\xa8\n", "utf-8"),
        (b"\xef\xbb\xbfid,name\nA,Caff\xc3\xa8\n", "utf-8-sig"),
        (b"id,name\nA,Caff\xe8\nB,Citt\xe0\n", "cp1252"),  # Excel's plain CSV on Windows
        (b"id,name\nA,Caff\xc3\xa8\nB,Citt\xe0\n", "utf-8"),  # UTF-8 with one bad row
        (b"id,name\nA,Acme\n", "utf-8"),
    ],
)
def test_encoding_is_detected(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == expected


def test_excel_semicolons_bom_and_windows_encoding(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes((HEADER + "A;Caffè Rossi;1000;più che buona\r\n").encode("cp1252"))
    with open_source(path) as source:
        assert (source.format, source.delimiter, source.encoding) == ("csv", ";", "cp1252")
        (row,) = list(source.rows())
    assert row.cells == {
        "id": "A",
        "name": "Caffè Rossi",
        "business.revenue": "1000",
        "relationship.perceptions": "più che buona",
    }
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (HEADER + "A;Caffè;1000;ok\r\n").encode("utf-8"))
    (row,) = rows_of(bom)
    assert row.cells is not None and row.cells["id"] == "A"  # the BOM is not part of the first column


def test_a_badly_encoded_row_is_one_error_naming_its_column(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        HEADER.encode() + "A;Caffè;1000;buona\r\n".encode() + b"B;Citt\xe0;2000;ok\r\n" + "C;Però;3000;ok\r\n".encode()
    )
    rows = rows_of(path)
    assert [r.row for r in rows] == [2, 3, 4]
    assert rows[0].problems == [] and rows[2].problems == []
    (problem,) = rows[1].problems
    assert problem.location.path == "name"
    assert problem.location.line == 3
    assert "not valid utf-8 (0xe0)" in problem.message


def test_row_numbers_count_the_header_and_skip_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('id,name\nA,Acme\n\nB,"Two\nlines"\nC,Three\n', encoding="utf-8")
    rows = rows_of(path)
    assert [(r.row, r.line, r.cells["id"] if r.cells else None) for r in rows] == [
        (2, 2, "A"),
        (4, 4, "B"),
        (5, 6, "C"),
    ]


def test_extra_cells_and_duplicate_headers(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,name\nA,Acme,surplus\n", encoding="utf-8")
    (row,) = rows_of(path)
    assert row.problems[0].code == "IO009"
    dup = tmp_path / "dup.csv"
    dup.write_text("id,name,id\nA,Acme,B\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="names column 'id' twice"):
        rows_of(dup)


def test_xlsx_cells_keep_their_types(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "business.revenue", "business.customer_since", "business.margin_pct"])
    sheet.append([42, "Acme", 1200000, dt.datetime(2015, 3, 1), 0.22])
    sheet.append([None, None, None, None, None])
    sheet.append(["B", "Beta", "1000", dt.datetime(2015, 3, 1, 12, 30), "22%"])
    path = tmp_path / "p.xlsx"
    book.save(path)
    rows = rows_of(path)
    assert [r.row for r in rows] == [2, 4]
    assert rows[0].cells == {
        "id": 42,
        "name": "Acme",
        "business.revenue": 1200000,
        "business.customer_since": dt.date(2015, 3, 1),
        "business.margin_pct": 0.22,
    }
    prepared = [prepare(r, IDENTITY, "p.xlsx") for r in rows]
    assert prepared[0].ok and prepared[0].account is not None and prepared[0].account.id == "42"
    # A date with a time of day is not a date: the row says so, in its column.
    assert [p.column for p in prepared[1].problems] == ["business.customer_since"]


def test_salesforce_export_through_its_column_map() -> None:
    colmap = load_column_map(EXAMPLES / "portfolio" / "salesforce-columns.yaml")
    with open_source(EXAMPLES / "portfolio" / "salesforce-export.csv") as source:
        colmap = colmap.read_in_formats_of(source.rows(), source.delimiter)  # 1.200.000,00 and 01/03/2015
        prepared = [prepare(raw, colmap, source.name) for raw in source.rows()]
    assert all(p.ok for p in prepared), [p.problems for p in prepared]
    first = prepared[0].account
    assert first is not None and first.business is not None and first.relationship is not None
    assert first.business.revenue == 1_200_000  # 1.200.000,00, detected
    assert first.business.margin_pct == pytest.approx(0.22)  # 22%
    assert first.relationship.stage == "cooperative"  # "Cooperativa", through values:
    assert prepared[0].plan is not None and prepared[0].plan.exists is True  # "Sì"
    assert prepared[2].plan is not None and prepared[2].plan.exists is False
    assert prepared[3].account is not None and prepared[3].account.name == "Città Packaging S.r.l."


def test_column_map_names_the_crm_column_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Account ID,Account Name,Sales\nA,Acme,lots\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {Account ID: id, Account Name: name, Sales: business.revenue}\n", encoding="utf-8")
    colmap = load_column_map(mapping)
    (raw,) = rows_of(path)
    prep = prepare(raw, colmap, "export.csv")
    assert [p.column for p in prep.problems] == ["Sales"]


def test_a_column_map_with_a_typo_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Account ID: id\n  Sales: business.revenu\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        load_column_map(mapping)
    (problem,) = info.value.problems
    assert problem.suggestion == "business.revenue"
    assert problem.location.line == 3


def test_two_columns_mapped_to_one_fact_are_refused(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Account ID: id\n  Name: name\n  Code: id\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        load_column_map(mapping)
    (problem,) = info.value.problems
    assert problem.code == "MAP011" and problem.location.line == 4
    assert "'Account ID' and 'Code' both map to 'id'" in problem.message


def test_unmapped_error_refuses_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Account ID,Account Name,Owner\nA,Acme,Giulia\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {Account ID: id, Account Name: name}\nunmapped: error\n", encoding="utf-8")
    (raw,) = rows_of(path)
    prep = prepare(raw, load_column_map(mapping), "export.csv")
    assert [(p.column, p.code) for p in prep.problems] == [("Owner", "MAP020")]


def test_yaml_and_jsonl_portfolios(tmp_path: Path) -> None:
    rows = rows_of(EXAMPLES / "portfolio" / "portfolio.yaml")
    assert [r.data["id"] for r in rows] == ["IT-0042", "IT-0043", "IT-0044", "IT-0047", "IT-0048"]
    assert rows[1].line is not None and rows[1].line > rows[0].line  # type: ignore[operator]
    jsonl = tmp_path / "p.jsonl"
    # UTF-8 (the first line proves it) with one line in another encoding.
    jsonl.write_bytes(b'{"id": "A", "name": "Caff\xc3\xa8"}\n\nnot json\n{"id": "B", "name": "Citt\xe0"}\n')
    rows = rows_of(jsonl)
    assert [(r.row, bool(r.problems)) for r in rows] == [(1, False), (3, True), (4, True)]
    assert rows[1].problems[0].code == "IO008"
    assert rows[2].problems[0].code == "IO005"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from([",", ";", '"', "\n"]),
            min_size=1,
            max_size=30,
        ).filter(lambda t: t.strip() and t.strip()[0] not in "[{"),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_any_text_survives_a_csv_round_trip(names: list[str], delimiter: str, encoding: str) -> None:
    import csv
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.csv"
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(["id", "name"])
            for i, name in enumerate(names):
                writer.writerow([f"A{i}", name])
        rows = rows_of(path, delimiter=delimiter)
    assert [r.cells["name"] if r.cells else None for r in rows] == [n.strip() for n in names]


def test_the_decimal_mark_error_lists_both_marks(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text('columns: {Account ID: id}\ndecimal: ";"\n', encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        load_column_map(mapping)
    (problem,) = info.value.problems
    assert problem.message == "';' is not one of the allowed values: '.', ','"
    assert problem.location.line == 2


def test_allowed_values_are_read_whole_from_pydantic() -> None:
    from kamrules.model.validate import expected_values

    assert expected_values("'.' or ','") == [".", ","]
    assert expected_values("'low', 'medium' or 'high'") == ["low", "medium", "high"]
    assert expected_values("1 or 2") == ["1", "2"]


def test_dates_in_problems_are_shown_in_iso_form() -> None:
    from kamrules.model.validate import show_value

    assert show_value(dt.datetime(2020, 1, 1, 13, 30)) == "'2020-01-01T13:30:00'"
    assert show_value(dt.date(2020, 1, 1)) == "'2020-01-01'"
    assert show_value("12,5%") == "'12,5%'"
