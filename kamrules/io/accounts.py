"""Read account facts from files: YAML, JSON, JSON Lines and CSV.

Every account comes out as a `Record`: its position, a label a person can find it by
("accounts.csv row 12"), its data, and a function that locates a field in the file. A record
that cannot be read carries its error instead, so that one bad row never hides the others.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from kamrules import codes
from kamrules.errors import InputFileError, KamError, Location, Note, Problem
from kamrules.io.files import STDIN, decode_text, display_name, read_bytes
from kamrules.io.formats import ACCOUNT_FORMATS, read_as
from kamrules.io.rows import json_line, nest
from kamrules.io.yamlsafe import Document, parse_documents

LocationOf = Callable[[tuple[str | int, ...]], Location]


class CellReader(Protocol):
    """How a CSV file's cells become facts, in the file's own formats (the models above this
    layer know which fact is a number or a date: `kamrules.model.cellformats.FileCells`). One
    reader a file: it `observe`s every row first, `decide`s the formats (saying, in notes,
    where that read an ambiguous value), then `read`s each row."""

    def observe(self, row: int, cells: dict[str, Any]) -> None: ...

    def decide(self, delimiter: str) -> list[Note]: ...

    def read(self, cells: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str | None]]]: ...


@dataclass
class Record:
    index: int  # 0-based position of the account in its file
    label: str  # how a person finds it: "accounts.csv row 12", "acme.yaml"
    data: Any = None
    location: LocationOf | None = None
    error: KamError | None = None


def detect_format(path: str, text: str | None = None) -> str:
    """The format of an accounts file: by its suffix, else by its content `text`, else YAML."""
    named = read_as(path, ACCOUNT_FORMATS)
    if named is not None:
        return named
    if text is not None:
        if looks_like_jsonl(text.splitlines()):
            return "jsonl"
        head = text.lstrip()[:1]
        if head in ("{", "[", "#") or ":" in text.split("\n", 1)[0]:
            return "yaml"
        return "csv"
    return "yaml"


def looks_like_jsonl(lines: Iterable[str]) -> bool:
    """JSON Lines, by content: the first non-blank line is a JSON object on its own and the next
    non-blank line opens another. (Two such lines are never a valid YAML or JSON document.)"""
    found: list[str] = []
    for line in lines:
        if line.strip():
            found.append(line.strip().lstrip("\ufeff"))
            if len(found) == 2:
                break
    if len(found) < 2 or not found[1].startswith("{"):
        return False
    try:
        return isinstance(json.loads(found[0]), dict)
    except RecursionError:
        return True  # an object nested too deeply: JSON Lines, its first line an error row
    except ValueError:
        return False


def read_records(
    path: str | Path,
    fmt: str | None = None,
    *,
    cells: Callable[[], CellReader] | None = None,
    notes: list[Note] | None = None,
) -> Iterator[Record]:
    """The accounts in `path` (`-` is standard input), one `Record` each, as they are read:
    CSV and JSON Lines row by row from the file (memory does not grow with the number of
    accounts), YAML and JSON parsed whole (bounded by the size limit and the YAML reader's).
    A CSV file's cells are read by a reader `cells` makes (numbers and dates in the file's own
    format: `kamrules.model.cellformats.FileCells`), or as they are written; what the reader
    decided about an ambiguous value is appended to `notes`."""
    from kamrules.io.spool import check_text, head_text, local_file

    name = display_name(path)
    with local_file(path, name) as real:
        if fmt is None and str(path) != STDIN and Path(path).suffix.lower() in (".xlsx", ".xls"):
            raise InputFileError(
                "", [Problem(codes.SPREADSHEET, "is a spreadsheet: use kam portfolio for XLSX files", Location(name))]
            )
        check_text(real, name)
        named = str(path) if str(path) != STDIN else ""
        # The name decides, else the first lines do (only a name saying nothing reads them).
        kind = fmt or detect_format(named, head_text(real) if detect_format(named) == "yaml" else None)
        if kind == "csv":
            reader = cells() if cells is not None else None
            yield from _csv_file_records(real, name, reader, notes if notes is not None else [])
        elif kind == "jsonl":
            yield from _jsonl_file_records(real, name)
        else:
            yield from yaml_records(decode_text(read_bytes(real), name), name)


def yaml_records(text: str, name: str, *, empty_list_ok: bool = False) -> Iterator[Record]:
    """The accounts of a YAML (or JSON) text: one document, a list, or several documents.

    A text with no account is one error record, except that with `empty_list_ok` an empty list
    (`[]`) is what it says: no account at all (a portfolio of 0 accounts)."""
    docs = parse_documents(text, name)
    single = len(docs) == 1 and not isinstance(docs[0].data, list)
    position = 0
    for doc in docs:
        if doc.data is None:
            continue
        items = doc.data if isinstance(doc.data, list) else [doc.data]
        for i, item in enumerate(items):
            prefix: tuple[str | int, ...] = (i,) if isinstance(doc.data, list) else ()
            label = name if single else f"{name} account {position + 1}"
            yield Record(position, label, item, _locator(doc, prefix))
            position += 1
    if position == 0 and not (empty_list_ok and any(isinstance(doc.data, list) for doc in docs)):
        yield _no_account(name)


def _locator(doc: Document, prefix: tuple[str | int, ...]) -> LocationOf:
    def locate(path: tuple[str | int, ...]) -> Location:
        loc = doc.location((*prefix, *path))
        return Location(loc.file, loc.line, loc.column, ".".join(str(p) for p in path) or None)

    return locate


def _jsonl_file_records(path: Path, name: str) -> Iterator[Record]:
    from kamrules.io.spool import text_lines

    return _jsonl_records(text_lines(path), name)


def _jsonl_records(lines: Iterable[str], name: str) -> Iterator[Record]:
    position = 0
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        label = f"{name} line {lineno}"
        item, problem = json_line(line, name, lineno)
        if problem is not None:
            yield Record(position, label, error=InputFileError("", [problem]))
        else:
            yield Record(position, label, item, _line_locator(name, lineno))
        position += 1
    if position == 0:
        yield _no_account(name)


def _no_account(name: str) -> Record:
    return Record(0, name, error=InputFileError("", [Problem(codes.EMPTY, "holds no account", Location(name))]))


def _line_locator(name: str, line: int) -> LocationOf:
    def locate(path: tuple[str | int, ...]) -> Location:
        return Location(name, line, None, ".".join(str(p) for p in path) or None)

    return locate


def _csv_file_records(path: Path, name: str, reader: CellReader | None, notes: list[Note]) -> Iterator[Record]:
    """The accounts of a CSV file (a local file: standard input and pipes are spooled). With a
    `reader`, in two passes: the first shows it every row (it keeps counts only, so memory does
    not grow with the rows) for it to decide the file's formats; the second reads the rows in
    those formats, one by one."""
    from kamrules.io.textfile import csv_rows_from, sniff_delimiter

    if reader is not None:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first_line = next((line for line in handle if line.strip()), "")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            try:
                for raw in csv_rows_from(handle, name, None):
                    if raw.cells is not None:
                        reader.observe(raw.row, raw.cells)
            except KamError as exc:  # a bad header: the file's error
                yield Record(0, name, error=exc)
                return
        notes.extend(
            Note(f"{name}: {note.message}", note.parameter, note.key, note.values, name)
            for note in reader.decide(sniff_delimiter(first_line))
        )
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from _csv_records(handle, name, reader)


def _csv_records(handle: IO[str], name: str, reader: CellReader | None) -> Iterator[Record]:
    from kamrules.io.textfile import csv_rows_from

    rows = csv_rows_from(handle, name, None)
    try:
        # The header is read (and checked) with the first row: a bad header is the file's error.
        first = next(rows, None)
    except KamError as exc:
        yield Record(0, name, error=exc)
        return
    if first is None:
        yield _no_account(name)
        return
    for raw in itertools.chain([first], rows):
        label = f"{name} row {raw.row}"
        if raw.problems:
            yield Record(raw.index, label, error=InputFileError("", raw.problems))
            continue
        locate = _csv_locator(name, raw.line or raw.row)
        flat, wrong = reader.read(raw.cells or {}) if reader is not None else (raw.cells or {}, [])
        if wrong:
            problems = [
                Problem(codes.FACT.invalid, message, locate(tuple(path.split("."))), parameter=parameter)
                for path, message, parameter in wrong
            ]
            yield Record(raw.index, label, error=InputFileError("", problems))
            continue
        yield Record(raw.index, label, nest(flat), locate)


def _csv_locator(name: str, line: int) -> LocationOf:
    def locate(path: tuple[str | int, ...]) -> Location:
        column = ".".join(str(p) for p in path if isinstance(p, str))
        return Location(name, line, None, column or None)

    return locate
