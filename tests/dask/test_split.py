"""A large CSV or JSON Lines file cut into byte ranges (kamrules.dask.split), without a cluster:
where the cuts fall, what each range knows of the rows before it, the rows a range reads (numbered
as in the whole file), and every file that is read whole, with the reason given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kamrules.batch.readers import open_batches
from kamrules.dask.pieces import FilePiece, file_batches, file_count
from kamrules.dask.sources import pieces
from kamrules.dask.split import plan, range_file
from tests.support import columnar_inputs as inputs


def _no_breaks_in_cells(count: int, seed: int) -> list[list[str]]:
    return [r for r in inputs.rows(count, seed) if not any("\n" in c or "\r" in c for c in r)]


def test_cuts_fall_after_line_breaks_and_count_the_records_before(tmp_path: Path) -> None:
    path = inputs.write_csv(tmp_path / "a.csv", _no_breaks_in_cells(1_200, 3))
    data = path.read_bytes()
    header_end = data.index(b"\n") + 1
    got = plan(str(path), "a.csv", None, None, None, len(data) // 4 + 1)
    assert len(got.ranges) == 4 and not got.why
    assert [r.start for r in got.ranges[1:]] == [r.end for r in got.ranges[:-1]]  # contiguous
    assert got.ranges[0].start == header_end and got.ranges[-1].end == len(data)
    for r in got.ranges:
        assert data[r.start - 1 : r.start] == b"\n"
        assert r.lines_before == data[header_end : r.start].count(b"\n")
        assert (r.head, r.fmt, r.encoding, r.delimiter) == (header_end, "csv", "utf-8", ",")
        with range_file(path, r, ".csv") as part:
            assert part.read_bytes() == data[:header_end] + data[r.start : r.end]  # the header, then the range


def test_a_range_reads_its_rows_numbered_as_in_the_whole_file(tmp_path: Path) -> None:
    for path in (
        inputs.write_csv(tmp_path / "a.csv", _no_breaks_in_cells(1_500, 4)),
        inputs.jsonl(tmp_path / "a.jsonl", 1_500, 4),
    ):
        with open_batches(path) as source:
            whole = list(source.batches())
        found = pieces(str(path), split_bytes=path.stat().st_size // 3 + 1)
        assert len(found) == 3 and file_count(found) == 1
        assert [p.first_of_file for p in found] == [True, False, False]
        rows, lines, cells = [], [], []
        first = 0
        for piece in found:
            for batch in file_batches(piece, first):
                rows.append(batch.rows)
                lines.append(batch.lines)
                cells.extend(batch.raw_row(k).cells or batch.raw_row(k).data for k in range(batch.n))
                first += batch.n
        assert np.array_equal(np.concatenate(rows), np.concatenate([b.rows for b in whole]))
        assert np.array_equal(np.concatenate(lines), np.concatenate([b.lines for b in whole]))
        assert cells == [b.raw_row(k).cells or b.raw_row(k).data for b in whole for k in range(b.n)]


def _quoted_break(path: Path) -> Path:
    data = _no_breaks_in_cells(400, 5)
    data[200][1] = "two\nlines"
    return inputs.write_csv(path, data)


def _lone_cr(path: Path) -> Path:
    inputs.jsonl(path, 400, 5)
    text = path.read_bytes()
    at = len(text) // 2
    at = text.index(b"\n", at)
    path.write_bytes(text[: at + 1] + b"\r" + text[at + 1 :])  # a CR alone, at the start of a line
    return path


def _utf16(path: Path) -> Path:
    return inputs.write_csv(path, _no_breaks_in_cells(400, 5), encoding="utf-16")


def _stray_quote(path: Path) -> Path:
    inputs.write_csv(path, _no_breaks_in_cells(400, 5))
    lines = path.read_bytes().split(b"\r\n")
    lines[100] = lines[100].replace(b",", b',12" pipes ', 1)  # Python's csv keeps the quote as text
    path.write_bytes(b"\r\n".join(lines))
    return path


def _workbook(path: Path) -> Path:
    return inputs.xlsx(path, _no_breaks_in_cells(400, 5))


@pytest.mark.parametrize(
    ("name", "make", "why"),
    [
        ("q.csv", _quoted_break, "a quoted cell holds a line break (data line 201)"),
        ("cr.jsonl", _lone_cr, "a line break that is a lone carriage return"),
        ("u.csv", _utf16, "in encoding utf-16 a line break is not one byte"),
        ("s.csv", _stray_quote, "a quote inside a cell that is not quoted"),
        ("w.xlsx", _workbook, "XLSX files are not cut"),
    ],
)
def test_a_file_that_cannot_be_cut_safely_is_one_piece_that_says_why(
    tmp_path: Path, name: str, make: object, why: str
) -> None:
    path = make(tmp_path / name)  # type: ignore[operator]
    (piece,) = pieces(str(path), split_bytes=path.stat().st_size // 4)
    assert piece == FilePiece(str(path), str(path), uncut=why)
    small = pieces(str(path), split_bytes=path.stat().st_size)  # not above the threshold: nothing said
    assert small == [FilePiece(str(path), str(path))]
