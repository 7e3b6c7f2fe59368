"""The input of `kam portfolio --scheduler`, as the pieces the tasks read.

INPUT is a file, a glob (`exports/2026-*.csv`) or a folder (a Parquet dataset, or any folder of
portfolio files: every file in it, at any depth, but those whose name starts with `.` or `_`,
which datasets use for their metadata), given as a local path or an fsspec URL. Files are taken
in name order: the portfolio's row order, which decides the ranking's ties and which row of a
duplicate id is kept. A Parquet file is split along its row groups into pieces of about
`piece_rows` rows (its metadata is read here); any other file is one piece, read by kamrules'
own readers on a worker; a local CSV or JSON Lines file larger than `split_bytes` (64 MB) is
cut into byte ranges at line breaks (`kamrules.dask.split`), one piece each, where that is safe:
otherwise it is one piece, and the piece says why (`FilePiece.uncut`).
"""

from __future__ import annotations

from typing import Any

from kamrules import codes
from kamrules.dask import split
from kamrules.dask.pieces import FilePiece
from kamrules.errors import InputFileError, Location, Problem

PIECE_ROWS = 131_072  # a task's rows: 16 of the batch engine's batches, a few seconds of one core
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
GLOB_CHARS = ("*", "?", "[")


def pieces(
    given: str,
    fmt: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    *,
    piece_rows: int = PIECE_ROWS,
    split_bytes: int | None = None,
) -> list[FilePiece]:
    """The pieces of INPUT `given`, in the portfolio's order (`InputFileError` when there are none);
    `split_bytes`: the size past which a CSV or JSON Lines file is cut (default `split.SPLIT_BYTES`,
    read when called, so that tests may lower it)."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(given)
    found = _files(fs, path, given)
    if not found:
        raise InputFileError("", [Problem(codes.NO_FILE, "no such file, or no file matches", Location(given))])
    local = "file" in ((fs.protocol,) if isinstance(fs.protocol, str) else tuple(fs.protocol))
    out: list[FilePiece] = []
    for file in found:
        url = file if local else fs.unstrip_protocol(file)
        name = given if len(found) == 1 and not _is_pattern(given) else (file if local else url)
        if fmt == "parquet" or (fmt is None and file.lower().endswith(PARQUET_SUFFIXES)):
            out.extend(_parquet_pieces(fs, file, url, name, piece_rows))
        else:
            out.extend(_file_pieces(fs, file, url, name, (fmt, encoding, delimiter), local, split_bytes))
    return out


def _file_pieces(
    fs: Any,
    file: str,
    url: str,
    name: str,
    options: tuple[str | None, str | None, str | None],
    local: bool,
    split_bytes: int | None,
) -> list[FilePiece]:
    """A CSV, JSON Lines, XLSX, YAML or JSON file: one piece, or its ranges when it is large."""
    limit = split.SPLIT_BYTES if split_bytes is None else split_bytes
    if fs.size(file) <= limit:
        return [FilePiece(url, name, *options)]
    if not local:
        why = "not a local file (the client would have to download it to find where its lines end)"
        return [FilePiece(url, name, *options, uncut=why)]
    cut = split.plan(file, name, *options, limit)
    if len(cut.ranges) < 2:
        return [FilePiece(url, name, *options, uncut=cut.why)]
    return [FilePiece(url, name, *options, cut=r) for r in cut.ranges]


def _is_pattern(given: str) -> bool:
    return any(c in given for c in GLOB_CHARS)


def _files(fs: Any, path: str, given: str) -> list[str]:
    if _is_pattern(given):
        return sorted(p for p in fs.glob(path) if fs.isfile(p) and not _hidden(p))
    if fs.isdir(path):
        return sorted(p for p in fs.find(path) if not _hidden(p[len(path) :]))
    return [path] if fs.exists(path) else []


def _hidden(path: str) -> bool:
    return any(part.startswith((".", "_")) for part in path.split("/") if part)


def _parquet_pieces(fs: Any, file: str, url: str, name: str, piece_rows: int) -> list[FilePiece]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with fs.open(file, "rb") as handle:
            meta = pq.ParquetFile(handle).metadata
    except (pa.ArrowException, OSError) as exc:
        reason = str(exc) or type(exc).__name__
        raise InputFileError(
            "", [Problem(codes.BAD_PARQUET, f"is not a readable Parquet file ({reason})", Location(name))]
        ) from None
    out: list[FilePiece] = []
    groups: list[int] = []
    start = rows = 0
    for g in range(meta.num_row_groups):
        groups.append(g)
        rows += meta.row_group(g).num_rows
        if rows >= piece_rows:
            out.append(FilePiece(url, name, "parquet", row_groups=tuple(groups), start=start, rows=rows))
            start, groups, rows = start + rows, [], 0
    if groups or not out:
        out.append(FilePiece(url, name, "parquet", row_groups=tuple(groups), start=start, rows=rows))
    return out
