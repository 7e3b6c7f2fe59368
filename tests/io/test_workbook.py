"""The XLSX workbook people share, and the CSV scripts read: headers in the language asked for,
typed cells, frozen header, filter, widths, no column twice, never a formula; machine names in
the CSV, on the workbook's second sheet, and with --xlsx-headers names."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kamrules.portfolio.outcolumns import COLUMNS
from tests.support import EXAMPLES, kam

PORTFOLIO = EXAMPLES / "portfolio"


def write(tmp_path: Path, name: str, *args: str, source: Path = PORTFOLIO / "portfolio.csv") -> Path:
    out = tmp_path / name
    result = kam(
        "portfolio", str(source), "--sectors", str(PORTFOLIO / "sectors.yaml"), "--as-of", "2026-11-27",
        "--out", str(out), *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


def sheets(path: Path) -> tuple[Any, Any]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return book.worksheets[0], book.worksheets[1]


def test_headers_in_the_language_asked_for_and_machine_names_on_the_second_sheet(tmp_path: Path) -> None:
    data, key = sheets(write(tmp_path, "a.xlsx", "--lang", "it"))
    assert (data.title, key.title) == ("Clienti", "Colonne")
    headers = [c.value for c in data[1]]
    assert headers[:4] == ["Codice", "Cliente", "Settore", "Stato"]
    assert "Fatturato (12 mesi)" in headers and "Cliente dal" in headers
    assert not any("." in str(h) for h in headers if h != "Return on investment")  # no machine name shown
    pairs = [(r[0].value, r[1].value) for r in key.iter_rows(min_row=2)]
    assert [h for h, _ in pairs] == headers  # every header, in order, with its machine name
    assert ("Fatturato (12 mesi)", "business.revenue") in pairs
    assert ("Livello", "tier.text") in pairs
    english, _ = sheets(write(tmp_path, "b.xlsx"))
    assert [c.value for c in english[1]][:4] == ["Id", "Account", "Sector", "Status"]


def test_frozen_header_filter_widths_and_typed_cells(tmp_path: Path) -> None:
    data, _ = sheets(write(tmp_path, "a.xlsx", "--lang", "it"))
    assert data.freeze_panes == "C2"  # the header row, the id and the name stay in view
    assert data.auto_filter.ref == f"A1:{data.cell(1, data.max_column).column_letter}13"  # 12 accounts
    assert data.cell(1, 1).font.bold
    widths = {
        data.cell(1, k).value: data.column_dimensions[data.cell(1, k).column_letter].width
        for k in range(1, data.max_column + 1)
    }
    assert widths["Cliente"] >= 30 and widths["Segnalazioni per esteso"] >= 40 and widths["Margine"] < 15
    column = {c.value: c.column for c in data[1]}
    rossi = {h: data.cell(2, k) for h, k in column.items()}
    assert rossi["Fatturato (12 mesi)"].value == 1_200_000 and rossi["Fatturato (12 mesi)"].number_format == "#,##0"
    assert rossi["Margine"].value == pytest.approx(0.22) and rossi["Margine"].number_format == "0.0%"
    assert rossi["Cliente dal"].value == dt.datetime(2015, 3, 1) and rossi["Cliente dal"].is_date
    assert rossi["Stato"].value == "analizzato"
    assert rossi["Livello"].value == "Key Account"
    assert rossi["Piano del cliente"].value == "sì"
    assert rossi["Riga d'origine"].value == 2


def test_no_column_twice(tmp_path: Path) -> None:
    data, key = sheets(write(tmp_path, "a.xlsx"))
    headers = [c.value for c in data[1]]
    assert len(headers) == len(set(headers))
    name_of = {row[0].value: row[1].value for row in key.iter_rows(min_row=2)}
    # Different facts that agree on this example, not by construction: BCG's ranges make two
    # estimates equal (+5 % of revenue, +5 margin points on revenue); every score here is given by
    # hand, so the four scores' sources agree.
    agree_here = ("estimate.", "scores.source.")
    columns: dict[str, tuple[Any, ...]] = {}
    for k, head in enumerate(headers, start=1):
        values = tuple(data.cell(r, k).value for r in range(2, data.max_row + 1))
        if any(v is not None for v in values) and not str(name_of[head]).startswith(agree_here):
            assert values not in columns.values(), f"{head} repeats {[h for h, v in columns.items() if v == values]}"
            columns[head] = values
    with (write(tmp_path, "a.csv")).open(encoding="utf-8-sig") as handle:
        names = next(csv.reader(handle))
    assert not [n for n in names if n.startswith(("bcg.", "contribution.quadrant"))]
    assert {"warnings.titles", "levers.text", "estimate.revenue_gain_low", "tier", "tier.text"} <= set(names)


def test_csv_and_xlsx_headers_names_share_the_machine_names_in_one_order(tmp_path: Path) -> None:
    with write(tmp_path, "a.csv").open(encoding="utf-8-sig") as handle:
        names = next(csv.reader(handle))
    data, _ = sheets(write(tmp_path, "a.xlsx", "--xlsx-headers", "names"))
    assert [c.value for c in data[1]] == names
    known = [c.name for c in COLUMNS]
    assert [n for n in names if n in known] == [n for n in known if n in names]  # the table's order
    row = {c.value: data.cell(2, c.column).value for c in data[1]}
    assert (row["status"], row["tier"], row["plan.exists"]) == ("ok", "key_account", True)


def test_text_cells_are_never_formulas(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text('id,name,sector\n=1+1,"=HYPERLINK(""http://example.com"",""x"")",+cmd\n', encoding="utf-8")
    from openpyxl import load_workbook

    out = tmp_path / "a.xlsx"
    assert kam("portfolio", str(source), "--out", str(out), "--as-of", "2026-11-27").exit_code == 0
    sheet = load_workbook(out).worksheets[0]
    assert [(c.value, c.data_type) for c in sheet[2][:3]] == [
        ("=1+1", "s"),
        ('=HYPERLINK("http://example.com","x")', "s"),
        ("+cmd", "s"),
    ]
    assert [c.quotePrefix for c in sheet[2][:3]] == [True, True, True]  # neutralised (io.cells)
    from openpyxl import Workbook

    from kamrules.io import workbook

    # The one place every text cell passes through: typed text, cleaned, neutralised unless raw.
    page = Workbook(write_only=True).create_sheet()
    cell = workbook.text_cell(page, "a\x00b")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("ab", "s", False)
    assert workbook.text_cell(page, "=1+1").quotePrefix is True
    assert workbook.text_cell(page, "=1+1", raw=True).quotePrefix is False
