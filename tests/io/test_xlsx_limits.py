"""Finding 3: XLSX decompression bombs are refused while, or before, they inflate.

The size limit counted the compressed file only: 1 MB holding a 1 GB cell (MemoryError, exit 3,
3.1 GB), 2 MB holding 2 GB of whitespace (exit 0 after 34 s, 4.2 GB), 2.9 MB holding 50 million
shared strings (killed at 3.4 GB), 7 MB holding 20 million rows (about four hours). Each shape
is built here, at a size that exceeds a limit of kamrules.io.xlsx_limits, and must be refused
with exit 2 within a memory ceiling and a CPU limit the old code exceeded.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kamrules.io import xlsx_limits
from tests.support import xlsx_bombs as bombs
from tests.support.bounded import Limits, assert_refused, run_kam

LIMITS = Limits(peak_mb=200, cpu_s=30)
AS_OF = ("--as-of", "2026-11-27")


def refused(path: Path, *words: str) -> None:
    assert path.stat().st_size < 8 * 1024 * 1024  # well under the input size limit
    out = path.parent / "rows.csv"
    result = run_kam("portfolio", str(path), "--out", str(out), *AS_OF, limits=LIMITS)
    assert_refused(result, "IO013", *words, limits=LIMITS)
    assert not out.exists()


def test_a_sheet_declaring_4_gb_is_refused_before_inflating(tmp_path: Path) -> None:
    refused(bombs.declaring(tmp_path / "declared.xlsx", 0xFFFF_FFF0), "inflates to 4,096 MB")


def test_a_200_mb_cell(tmp_path: Path) -> None:
    cell = [
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
        *bombs.repeated(b"x", 200 * 1024 * 1024),
        b"</t></is></c></row>",
    ]
    rows = [bombs.header_row().encode(), *cell]
    refused(bombs.workbook(tmp_path / "cell.xlsx", rows), "holds a text of more than 1 MB")


def test_whitespace_between_tags(tmp_path: Path) -> None:
    rows = [bombs.header_row().encode(), *bombs.repeated(b" ", 500 * 1024 * 1024)]
    refused(bombs.workbook(tmp_path / "blank.xlsx", rows), "holds a text of more than 1 MB")


@pytest.mark.slow
def test_more_than_a_million_shared_strings(tmp_path: Path) -> None:
    table = bombs.repeated(b"<si><t>a</t></si>", (xlsx_limits.MAX_SHARED_STRINGS + 10) * 17)
    book = bombs.workbook(tmp_path / "strings.xlsx", [bombs.header_row().encode()], table)
    refused(book, "more than 1,000,000 shared strings")


@pytest.mark.parametrize("shape", ["a far row", "a wide sheet"])
def test_rows_and_cells_read_are_bounded(tmp_path: Path, shape: str) -> None:
    if shape == "a far row":
        # One row at 20,000,000: openpyxl fills every row before it.
        rows = [bombs.header_row().encode(), b'<row r="20000000"><c r="A20000000"><v>1</v></c></row>']
        book = bombs.workbook(tmp_path / "far.xlsx", rows, dimension="A1:C20000000")
        refused(book, "more than 1,048,576 rows")
    else:
        # The sheet claims 16,384 columns and a million rows: every row read is that wide.
        rows = [bombs.header_row().encode(), b'<row r="1000000"><c r="XFD1000000"><v>1</v></c></row>']
        book = bombs.workbook(tmp_path / "wide.xlsx", rows, dimension="A1:XFD1000000")
        refused(book, "more than 50,000,000 cells")


def test_a_long_cell_is_one_error_row_and_the_others_are_advised(tmp_path: Path) -> None:
    long_name = "n" * (xlsx_limits.MAX_CELL_CHARS + 1)
    rows = bombs.header_row() + bombs.account_row(2, "A1", "Uno", 100)
    rows += bombs.account_row(3, "A2", long_name, 200) + bombs.account_row(4, "A3", "Tre", 300)
    book = bombs.workbook(tmp_path / "long.xlsx", [rows.encode()], dimension="A1:C4")
    out = tmp_path / "rows.csv"
    result = run_kam("portfolio", str(book), "--out", str(out), *AS_OF, limits=LIMITS)
    assert_refused(result, "row 3", "cannot be read as XLSX: a cell is longer than 131,072 characters", limits=LIMITS)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [row["status"] for row in rows] == ["ok", "error", "ok"]


def test_a_benign_workbook_reads_as_before(tmp_path: Path) -> None:
    book = bombs.benign(tmp_path / "ok.xlsx")
    result = run_kam("portfolio", str(book), "--format", "csv", *AS_OF, limits=LIMITS)
    assert result.code == 0, result.err
    assert [row["id"] for row in csv.DictReader(io.StringIO(result.out))] == ["A1", "A2"]
