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
    decimal: ","                  # numbers written 1.200,50 (Excel in Italian); default "."

Each target is checked against the account facts of docs/contract.md §2 (plus the portfolio's own
`plan.exists` and `plan.reviewed`) when the map is loaded, with a did-you-mean for typos.
Error messages about a row name the CRM's column, not the dotted path it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.files import read_text
from kamrules.io.yamlsafe import parse_document
from kamrules.model.validate import validate_model
from kamrules.suggest import suggest

PORTFOLIO_COLUMNS = ("plan.exists", "plan.reviewed")
_INDEX = re.compile(r"\[\d+\]")
# A value the map changed: fact path -> (the cell as the file holds it, the value as read).
Originals = dict[str, tuple[Any, Any]]
_COMMA_NUMBER = re.compile(r"^\s*[-+]?\d{1,3}(?:\.\d{3})*(?:,\d+)?\s*%?\s*$|^\s*[-+]?\d+(?:,\d+)?\s*%?\s*$")


class ColumnMapFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(description="The export's column name -> the account fact (dotted path).")
    values: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Account fact -> {the export's value: the contract's value}."
    )
    unmapped: Literal["keep", "ignore", "error"] = Field(
        "keep", description="Columns the map does not name: read by their own name, left out, or refused."
    )
    decimal: Literal[".", ","] = Field(
        ".", description="The decimal mark of numbers written as text: ',' for a European Excel (1.200,50)."
    )


@dataclass(frozen=True)
class ColumnMap:
    """How to turn a row's cells into dotted account facts, and a dotted fact back into a column."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    unmapped: str = "keep"
    decimal: str = "."
    numeric: frozenset[str] = frozenset()  # the number facts, where a decimal comma is read

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
            if translate is not None and isinstance(value, str) and value in translate:
                flat[target] = translate[value]
                original[target] = (value, flat[target])
            elif (
                self.decimal == "," and target in self.numeric and isinstance(value, str) and _COMMA_NUMBER.match(value)
            ):
                # 1.200,50 -> 1200.50; 22,5% -> 22.5%
                flat[target] = value.replace(".", "").replace(",", ".")
                original[target] = (value, flat[target])
            else:
                flat[target] = value
            source[target] = col
        return flat, source, refused, original

    def target_of(self, path: str, source: Mapping[str, str]) -> str | None:
        """The mapped fact a dotted fact path belongs to (its longest mapped prefix), if any."""
        probe = _INDEX.sub("", path)  # business.competitors[0].share came from business.competitors
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


def numeric_targets() -> frozenset[str]:
    from kamrules.model.catalog import input_catalog

    return frozenset(p for p, info in input_catalog().items() if info.type.kind == "number")


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
        if target not in known:
            problems.append(
                Problem(
                    codes.MAP_UNKNOWN_FACT,
                    f"column {col!r} maps to {target!r}, which is not an account fact",
                    doc.location(("columns", col)),
                    suggest(target, known),
                )
            )
    for target in spec.values:
        if target not in known:
            problems.append(
                Problem(codes.MAP_UNKNOWN_FACT, f"{target!r} is not an account fact", doc.location(("values", target)))
            )
    if problems:
        raise InputFileError("the column map cannot be used:", problems)
    return ColumnMap(dict(spec.columns), dict(spec.values), spec.unmapped, spec.decimal, numeric_targets())


def refused_problem(name: str, line: int | None, columns: list[str]) -> Problem:
    return Problem(
        codes.MAP_UNMAPPED,
        f"column(s) {', '.join(columns)} are not in the column map (unmapped: error)",
        Location(name, line, None, columns[0]),
    )
