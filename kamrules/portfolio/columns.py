"""Column maps: a CRM export (Salesforce, HubSpot...) used as it is, by naming its columns.

    # examples/portfolio/salesforce-columns.yaml
    columns:
      Account ID: id
      Account Name: name
      Annual Revenue: company.revenue
    values:                       # optional: the CRM's picklist values, translated
      relationship.loyalty: {Alta: high, Media: medium, Bassa: low}
    unmapped: ignore              # keep (default): read other columns by their own names
                                  # ignore: leave them out; error: refuse the file
    decimal: ","                  # optional: numbers written 1.200,50; default: detected
    thousands: "."                # optional: the thousands separator (".", ",", space, "'", none)
    dates: dmy                    # optional: 01/03/2020 is 1 March; default: detected

Each target is checked against the account facts of docs/contract.md §2 (plus the portfolio's own
`plan.exists` and `plan.reviewed`; a field of a DMU member or a competitor in the flat form,
`relationship.dmu.1.name`) when the map is loaded, with a did-you-mean for typos.
Error messages about a row name the CRM's column, not the dotted path it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.files import read_text
from kamrules.io.rows import RawRow
from kamrules.io.yamlsafe import parse_document
from kamrules.model.cellformats import THOUSANDS, Detection, Forced, Formats, decide
from kamrules.model.cellkinds import is_account_column, is_member_field, member_field, path_kind
from kamrules.model.validate import validate_model
from kamrules.suggest import suggest

PORTFOLIO_COLUMNS = ("plan.exists", "plan.reviewed")
_INDEX = re.compile(r"\[\d+\]")
# A value the map changed: fact path -> (the cell as the file holds it, the value as read).
Originals = dict[str, tuple[Any, Any]]


class ColumnMapFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(description="The export's column name -> the account fact (dotted path).")
    values: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Account fact -> {the export's value: the contract's value}."
    )
    unmapped: Literal["keep", "ignore", "error"] = Field(
        "keep", description="Columns the map does not name: read by their own name, left out, or refused."
    )
    decimal: Literal[".", ","] | None = Field(
        None, description="The decimal mark of numbers written as text: ',' for a European Excel (1.200,50)."
    )
    thousands: Literal[".", ",", "space", "'", "none"] | None = Field(
        None, description="The thousands separator of numbers written as text."
    )
    dates: Literal["dmy", "mdy"] | None = Field(
        None, description="Dates such as 01/03/2020 are day first (dmy) or month first (mdy)."
    )
    percent: list[str] = Field(  # a list, not a set: its problems are located by position
        default_factory=list,
        description="The export's columns whose numbers are percentages (22.5 meaning 22.5 %), as a CRM's "
        "percent fields export them.",
    )


@dataclass(frozen=True)
class ColumnMap:
    """How to turn a row's cells into dotted account facts, and a dotted fact back into a column."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    unmapped: str = "keep"
    forced: Forced = field(default_factory=Forced)  # the map's own decimal:, thousands: and dates:
    percent: frozenset[str] = frozenset()  # columns whose numbers are percentages (22.5 = 22.5 %)
    formats: Formats = field(default_factory=Formats)  # how the file's cells are read, once decided

    def apply(self, cells: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str], list[str], Originals]:
        """(facts by dotted path, dotted path -> source column, unmapped columns refused, and
        dotted path -> (the cell as the file holds it, as it was read) for the values the map
        changed: a problem with one quotes what the file holds, `'12,5%'`, not `'12.5%'`)."""
        flat: dict[str, Any] = {}
        source: dict[str, str] = {}
        refused: list[str] = []
        original: Originals = {}
        for col, value in cells.items():
            target = self.columns.get(col)
            if target is None:
                if self.unmapped == "ignore":
                    continue
                if self.unmapped == "error":
                    if value is not None:
                        refused.append(col)
                    continue
                target = col
            translate = self.values.get(target)
            if translate is None and "." in target:
                generic = member_field(target)  # values: {relationship.dmu.role: {...}} for every member
                translate = self.values.get(generic) if generic is not None else None
            if translate is not None and isinstance(value, str) and value in translate:
                flat[target] = translate[value]
                original[target] = (value, flat[target])
            elif col in self.percent and value is not None and not isinstance(value, bool):
                # A CRM's percent field: 22.5 means 22.5 %, which the facts read as "22.5%".
                text = str(value).strip()
                flat[target] = text if text.endswith("%") or not text else text + "%"
                original[target] = (value, flat[target])
            else:
                flat[target] = value
            source[target] = col
        return flat, source, refused, original

    def read_in_formats_of(
        self, rows: Iterable[RawRow], delimiter: str | None = None, forced: Forced | None = None
    ) -> ColumnMap:
        """This map, with the number and date formats of the file whose `rows` these are decided
        (kamrules.model.cellformats): `forced` first (else the map's own), then one pass over the rows."""
        forced = forced or self.forced
        detection = Detection()
        if forced.decimal_mark() is None or forced.dates is None:
            for raw in rows:
                if raw.cells is not None:
                    flat, columns, _refused, _original = self.apply(raw.cells)
                    detection.observe(raw.row, flat, columns, forced)
        return replace(self, formats=decide(detection, forced, delimiter))

    def target_of(self, path: str, source: Mapping[str, str]) -> str | None:
        """The mapped fact a dotted fact path belongs to (its longest mapped prefix), if any."""
        # relationship.dmu[0].role came from its own column (the flat form, relationship.dmu.1.role)
        # or from relationship.dmu (a list written in one cell).
        for start in (path, _INDEX.sub("", path)):
            probe = start
            while probe:
                if probe in source:
                    return probe
                probe = probe.rpartition(".")[0]
        return None

    def column_of(self, path: str, source: Mapping[str, str]) -> str:
        """The input column a dotted fact path came from (its longest mapped prefix)."""
        target = self.target_of(path, source)
        return source[target] if target is not None else path


IDENTITY = ColumnMap()


def known_targets() -> list[str]:
    from kamrules.model.catalog import input_catalog

    return [p for p in input_catalog() if p != "as_of"] + list(PORTFOLIO_COLUMNS)


def load_column_map(path: str | Path) -> ColumnMap:
    """Read and check a column map file; every problem is reported with its line."""
    name = str(path)
    doc = parse_document(read_text(path), name)
    spec, problems = validate_model(ColumnMapFile, doc.data, doc.location, family=codes.MAP)
    if spec is None:
        raise InputFileError("the column map cannot be used:", problems)
    known = known_targets()
    first_column: dict[str, str] = {}
    for col, target in spec.columns.items():
        if target in first_column:
            # Two columns for one fact: which one wins would depend on the file's column order.
            problems.append(
                Problem(
                    codes.MAP_TWO_COLUMNS,
                    f"columns {first_column[target]!r} and {col!r} both map to {target!r}: map one of them",
                    doc.location(("columns", col)),
                )
            )
        first_column.setdefault(target, col)
        if target not in known and not is_account_column(target):
            member = path_kind(target)
            close = (
                f"{member.list_path}.{member.member}.{hint}"
                if member is not None
                and member.list_path is not None
                and (hint := suggest(str(member.field), list(member.fields)))
                else suggest(target, known)
            )
            problems.append(
                Problem(
                    codes.MAP_UNKNOWN_FACT,
                    f"column {col!r} maps to {target!r}, which is not an account fact",
                    doc.location(("columns", col)),
                    close,
                )
            )
    for target in spec.values:
        if target not in known and not is_member_field(target):
            problems.append(
                Problem(codes.MAP_UNKNOWN_FACT, f"{target!r} is not an account fact", doc.location(("values", target)))
            )
    for k, col in enumerate(spec.percent):
        if col not in spec.columns:
            problems.append(
                Problem(
                    codes.MAP_PERCENT_COLUMN,
                    f"{col!r} is not a column the map names",
                    doc.location(("percent", k)),
                    suggest(col, list(spec.columns)),
                )
            )
    if problems:
        raise InputFileError("the column map cannot be used:", problems)
    thousands = None if spec.thousands is None else THOUSANDS[spec.thousands]
    forced = Forced(spec.decimal, thousands, spec.dates)
    return ColumnMap(dict(spec.columns), dict(spec.values), spec.unmapped, forced, frozenset(spec.percent))


def refused_problem(name: str, line: int | None, columns: list[str]) -> Problem:
    return Problem(
        codes.MAP_UNMAPPED,
        f"column(s) {', '.join(columns)} are not in the column map (unmapped: error)",
        Location(name, line, None, columns[0]),
    )
