"""Spreadsheet cells read as people write them: numbers and dates in the file's own format, lists
typed as `quality; delivery`, and DMU members and competitors spread over flat columns.

**Per file.** Before the rows are read, one pass over the file's number and date cells collects
the evidence (`Detection`): the texts only one decimal mark can read (`1.200.000,00`, `12,5`),
the dates only one order can read (`25/01/2020`). The majority decides the file's format
(`decide`); a value that can be read only one way is always read that way, and the format decides
the ambiguous ones (`1.200`; `01/03/2020`). Without evidence a number is read with the decimal
comma when the file is `;`-separated (as Excel writes it where the comma is the decimal mark),
else with the point; an ambiguous date without evidence is its row's error. `--decimal`,
`--thousands` and `--dates` (or the column map's `decimal:`, `thousands:`, `dates:`) force the
format: a value written otherwise is then its row's error. Each choice that read an ambiguous
value is said in a note (`Formats.notes`), naming an example.

**Lists** (`relationship.choice_criteria`, `company.products`, `environment`...): items separated
by `;` or line breaks (`quality; delivery`), as Salesforce and HubSpot export a multi-select
picklist; `[quality, delivery]` (YAML or JSON) is read too.

**Members of a list** (the DMU, the competitors): one column per field of each member, numbered
from 1 as a person counts (`relationship.dmu.1.name`, `relationship.dmu.1.role`,
`business.competitors.2.price_index`); a member whose cells are all empty is absent, so a CRM
export with five DMU slots lists only those it fills.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.errors import Note
from kamrules.i18n.cellnotes import worded
from kamrules.io.dates import date_with, read_date
from kamrules.io.numbers import read_number, value_with
from kamrules.model.cellkinds import path_kind

THOUSANDS = {".": ".", ",": ",", "space": " ", " ": " ", "'": "'", "none": ""}
_ITEMS = re.compile(r"\s*(?:;|\r?\n)\s*")
_MARK_NAMES = {".": "a decimal point", ",": "a decimal comma"}


@dataclass(frozen=True)
class Forced:
    """What the user said of the file's format (options, or the column map)."""

    decimal: str | None = None  # "." or ","
    thousands: str | None = None  # ".", ",", " ", "'", or "" for none
    dates: str | None = None  # "dmy" or "mdy"

    def decimal_mark(self) -> str | None:
        """The decimal mark given, or implied by the thousands separator (`.` implies `,`)."""
        if self.decimal is not None:
            return self.decimal
        if self.thousands in (".", ","):
            return "," if self.thousands == "." else "."
        return None

    def grouping(self) -> str | None:
        """The thousands separators allowed among `.` and `,` (None: whichever is not decimal)."""
        if self.thousands is None:
            return None
        return self.thousands if self.thousands in (".", ",") else ""


@dataclass
class Seen:
    """How many cells showed a thing, and the first of them (row, column, text)."""

    count: int = 0
    first: tuple[int, str, str] | None = None

    def add(self, row: int, column: str, text: str) -> None:
        self.count += 1
        if self.first is None:
            self.first = (row, column, text)


@dataclass
class Detection:
    """The evidence of one pass over a file's cells."""

    numbers: dict[str, Seen] = field(default_factory=lambda: {".": Seen(), ",": Seen()})
    ambiguous_numbers: Seen = field(default_factory=Seen)
    dates: dict[str, Seen] = field(default_factory=lambda: {"dmy": Seen(), "mdy": Seen()})
    ambiguous_dates: Seen = field(default_factory=Seen)

    def observe(self, row: int, flat: Mapping[str, Any], columns: Mapping[str, str], forced: Forced) -> None:
        """Look at one row's mapped cells (`columns`: fact -> the column as the file names it)."""
        for path, value in flat.items():
            if not isinstance(value, str):
                continue
            found = path_kind(path)
            if found is None:
                continue
            column = columns.get(path, path)
            if found.kind == "number" and forced.decimal_mark() is None:
                reading = read_number(value, None, forced.grouping())
                if reading.decisive is not None:
                    self.numbers[reading.decisive].add(row, column, value)
                elif reading.ambiguous:
                    self.ambiguous_numbers.add(row, column, value)
            elif found.kind == "date" and forced.dates is None:
                dated = read_date(value)
                if dated.decisive is not None:
                    self.dates[dated.decisive].add(row, column, value)
                elif dated.ambiguous:
                    self.ambiguous_dates.add(row, column, value)


@dataclass(frozen=True)
class Formats:
    """How a file's cells are read: the forced formats, and what the file's evidence decided."""

    forced: Forced = Forced()
    decimal: str = "."  # the decimal mark of the ambiguous numbers
    dates: str | None = None  # the order of the ambiguous dates; None: they are refused
    notes: tuple[Note, ...] = ()  # what was decided, where it mattered, for the user
    described: str = ""  # for the summary: "numbers 1.234,5; dates dd/mm/yyyy"


def decide(detection: Detection, forced: Forced, delimiter: str | None = None) -> Formats:
    """The file's formats from its evidence (see the module's docstring)."""
    notes: list[Note] = []
    decimal = forced.decimal_mark() or _decide_decimal(detection, delimiter, notes)
    order = forced.dates or _decide_order(detection, notes)
    described = []
    if decimal == "," or forced.decimal_mark() is not None or forced.thousands is not None:
        described.append("numbers " + _sample(decimal, forced))
    if order is not None:
        described.append("dates " + ("dd/mm/yyyy" if order == "dmy" else "mm/dd/yyyy"))
    return Formats(forced, decimal, order, tuple(notes), ", ".join(described))


def _decide_decimal(detection: Detection, delimiter: str | None, notes: list[Note]) -> str:
    point, comma = detection.numbers["."], detection.numbers[","]
    ambiguous = detection.ambiguous_numbers
    n = ambiguous.count
    if not point.count and not comma.count:
        decimal = "," if delimiter == ";" else "."
        if n:
            why = "semicolon" if delimiter == ";" else "default"
            flip = other_mark(decimal)
            notes.append(_note("numbers.unshown", "decimal", n=n, example=ambiguous, mark=decimal, why=why, other=flip))
        return decimal
    decimal = "," if comma.count > point.count else "."
    proof, other = detection.numbers[decimal], detection.numbers[other_mark(decimal)]
    if other.count:
        notes.append(
            _note(
                "numbers.mixed",
                None,
                p=proof.count,
                mark=decimal,
                proof=proof,
                o=other.count,
                other_mark=other_mark(decimal),
                other_ex=other,
                tail=bool(n),
            )
        )
    elif n:
        notes.append(
            _note(
                "numbers.shown", "decimal", mark=decimal, proof=proof, n=n, example=ambiguous, other=other_mark(decimal)
            )
        )
    return decimal


def _decide_order(detection: Detection, notes: list[Note]) -> str | None:
    dmy, mdy = detection.dates["dmy"], detection.dates["mdy"]
    ambiguous = detection.ambiguous_dates
    n = ambiguous.count
    if not dmy.count and not mdy.count:
        if n:
            notes.append(_note("dates.unsettled", "dates", n=n, example=ambiguous))
        return None
    order = "mdy" if mdy.count > dmy.count else "dmy"
    proof, other = detection.dates[order], detection.dates["dmy" if order == "mdy" else "mdy"]
    if other.count:
        counts = {"p": proof.count, "o": other.count}
        notes.append(_note("dates.mixed", None, **counts, order=order, proof=proof, other_ex=other, tail=n > 0))
    elif n:
        other_order = "mdy" if order == "dmy" else "dmy"
        notes.append(_note("dates.shown", "dates", order=order, proof=proof, n=n, example=ambiguous, other=other_order))
    return order


def _note(key: str, parameter: str | None, **values: object) -> Note:
    """A note worded from the catalog (kamrules.i18n.cellnotes); its example cells as plain
    (row, column, quoted text), so that it travels from a worker and is worded in any language."""
    plain = tuple((name, _plain(value)) for name, value in values.items())
    return Note(worded(key, plain, "en", "{parameter}"), parameter, key, plain)


def _plain(value: object) -> object:
    if isinstance(value, Seen):
        if value.first is None:  # pragma: no cover - only asked of a Seen with a count
            return ("", "", "")
        row, column, text = value.first
        return (row, column, repr(text))
    return value


def other_mark(decimal: str) -> str:
    return "." if decimal == "," else ","


def _sample(decimal: str, forced: Forced) -> str:
    grouping = forced.thousands if forced.thousands is not None else other_mark(decimal)
    grouping = {"": "", " ": "\u00a0"}.get(grouping, grouping)
    return f"1{grouping}234{decimal}5"


@dataclass
class ReadCells:
    """A row's cells as read: fact path -> value, where each came from, and what went wrong."""

    flat: dict[str, Any]
    columns: dict[str, str]  # fact path (members indexed from 0: relationship.dmu[0].role) -> column
    originals: dict[str, tuple[Any, Any]]  # fact path -> (the cell as written, as read)
    # (fact path, message, the parameter it names as `{parameter}`: decimal, thousands, dates)
    problems: list[tuple[str, str, str | None]]


def read_cells(flat: Mapping[str, Any], columns: Mapping[str, str], formats: Formats) -> ReadCells:
    """One row's mapped cells (`columns`: fact -> the column as the file names it) as facts."""
    out = ReadCells({}, dict(columns), {}, [])
    members: dict[str, dict[int, dict[str, Any]]] = {}
    for path, value in flat.items():
        found = path_kind(path)
        read = _read(path, value, found.kind if found else None, formats, out) if isinstance(value, str) else value
        if read is _REFUSED:
            continue  # its problem is said; the facts' own check would only say it again
        if found is not None and found.list_path is not None and found.member is not None and found.field:
            members.setdefault(found.list_path, {}).setdefault(found.member, {})[found.field] = (read, path)
            continue
        out.flat[path] = read
    for list_path, numbered in members.items():
        # A member whose cells are all empty is absent (a CRM export's unused slots).
        filled = {n: fields for n, fields in numbered.items() if any(v is not None for v, _ in fields.values())}
        if not filled:
            continue
        if out.flat.get(list_path) is not None:
            out.problems.append(
                (
                    list_path,
                    f"is given twice: in the column {list_path} and in {list_path}.1... columns; keep one",
                    None,
                )
            )
            continue
        items = []
        for k, number in enumerate(sorted(filled)):
            item = {}
            for name, (value, path) in filled[number].items():
                indexed = f"{list_path}[{k}].{name}"
                # Every field's column, empty ones too: "is required but missing" names the name's column.
                out.columns[indexed] = columns.get(path, path)
                out.columns.setdefault(f"{list_path}[{k}]", columns.get(path, path))
                if path in out.originals:
                    out.originals[indexed] = out.originals.pop(path)
                if value is not None:
                    item[name] = value
            items.append(item)
        out.flat[list_path] = items
    return out


_REFUSED = object()


def _read(path: str, value: str, kind: str | None, formats: Formats, out: ReadCells) -> Any:
    """One text cell as its fact's kind reads it; problems and changed values noted in `out`."""
    if kind == "number":
        forced = formats.forced
        reading = read_number(value, forced.decimal_mark(), forced.grouping())
        if reading.value is None:
            if forced.decimal_mark() is not None and read_number(value).value is not None:
                mark = forced.decimal_mark()
                given = "decimal" if forced.decimal is not None else "thousands"
                # `{parameter}` first: the value quoted after it is the user's (Problem.text).
                out.problems.append(
                    (
                        path,
                        f"as {{parameter}} says, numbers are written with {_MARK_NAMES[str(mark)]}: "
                        f"{value.strip()!r} is not",
                        given,
                    )
                )
                return _REFUSED
            return value  # not a number: the facts' own check says so
        read = value_with(reading, formats.decimal)
    elif kind == "date":
        dated = read_date(value, formats.forced.dates)
        if dated.problem is not None:
            out.problems.append((path, dated.problem, None))
            return _REFUSED
        if dated.value is None:
            return value
        if dated.ambiguous and formats.dates is None:
            out.problems.append(
                (
                    path,
                    "no date in the file settles whether it is day or month first (write it YYYY-MM-DD, or give "
                    f"{{parameter}} dmy or mdy): {value.strip()!r} could be {_day(dated.value)} or {_day(dated.other)}",
                    "dates",
                )
            )
            return _REFUSED
        read = date_with(dated, formats.dates or "dmy")
    elif kind == "texts":
        items = [item for item in _ITEMS.split(value.strip()) if item]
        return items
    else:
        return value
    if read != value:
        out.originals[path] = (value, read)
    return read


def _day(iso: str | None) -> str:
    import datetime as dt

    from kamrules.i18n.numbers import date

    if iso is None:  # pragma: no cover - an ambiguous reading has both days
        return ""
    return date(dt.date.fromisoformat(iso), "en", long=True)


class FileCells:
    """The cells of one CSV file read in its own formats (`forced`, else what its cells show):
    the reader `kamrules.io.accounts.read_records` takes (`cells=lambda: FileCells(forced)`)."""

    def __init__(self, forced: Forced | None = None) -> None:
        self.forced = forced or Forced()
        self.detection = Detection()
        self.formats = Formats(self.forced)

    def observe(self, row: int, cells: dict[str, Any]) -> None:
        self.detection.observe(row, cells, {}, self.forced)

    def decide(self, delimiter: str) -> list[Note]:
        """Decide the file's formats; what that read an ambiguous value, in notes."""
        self.formats = decide(self.detection, self.forced, delimiter)
        return list(self.formats.notes)

    def read(self, cells: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str | None]]]:
        """A row's facts (flat, dotted), and its cells' problems as (fact path, message, the
        parameter the message names)."""
        read = read_cells(cells, {}, self.formats)
        return read.flat, read.problems
