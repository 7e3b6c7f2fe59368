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

Each target is checked against the account facts of CONTRACT.md §2 (plus the portfolio's own
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

from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.files import read_text
from kamrules.io.yamlsafe import parse_document
from kamrules.language.suggest import suggest
from kamrules.model.validate import validate_model

PORTFOLIO_COLUMNS = ("plan.exists", "plan.reviewed")
_INDEX = re.compile(r"\[\d+\]")


class ColumnMapFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(description="The export's column name -> the account fact (dotted path).")
    values: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Account fact -> {the export's value: the contract's value}."
    )
    unmapped: Literal["keep", "ignore", "error"] = Field(
        "keep", description="Columns the map does not name: read by their own name, left out, or refused."
    )


@dataclass(frozen=True)
class ColumnMap:
    """How to turn a row's cells into dotted account facts, and a dotted fact back into a column."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    unmapped: str = "keep"

    def apply(self, cells: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        """(facts by dotted path, dotted path -> source column, unmapped columns refused)."""
        flat: dict[str, Any] = {}
        source: dict[str, str] = {}
        refused: list[str] = []
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
            else:
                flat[target] = value
            source[target] = col
        return flat, source, refused

    def column_of(self, path: str, source: Mapping[str, str]) -> str:
        """The input column a dotted fact path came from (its longest mapped prefix)."""
        probe = _INDEX.sub("", path)  # business.competitors[0].share came from business.competitors
        while probe:
            if probe in source:
                return source[probe]
            probe = probe.rpartition(".")[0]
        return path


IDENTITY = ColumnMap()


def known_targets() -> list[str]:
    from kamrules.language.catalog import input_catalog

    return [p for p in input_catalog() if p != "as_of"] + list(PORTFOLIO_COLUMNS)


def load_column_map(path: str | Path) -> ColumnMap:
    """Read and check a column map file; every problem is reported with its line."""
    name = str(path)
    doc = parse_document(read_text(path), name)
    spec, problems = validate_model(ColumnMapFile, doc.data, doc.location, code="MAP")
    if spec is None:
        raise InputFileError("the column map cannot be used:", problems)
    known = known_targets()
    for col, target in spec.columns.items():
        if target not in known:
            problems.append(
                Problem(
                    "MAP010",
                    f"column {col!r} maps to {target!r}, which is not an account fact",
                    doc.location(("columns", col)),
                    suggest(target, known),
                )
            )
    for target in spec.values:
        if target not in known:
            problems.append(Problem("MAP010", f"{target!r} is not an account fact", doc.location(("values", target))))
    if problems:
        raise InputFileError("the column map cannot be used:", problems)
    return ColumnMap(dict(spec.columns), dict(spec.values), spec.unmapped)


def refused_problem(name: str, line: int | None, columns: list[str]) -> Problem:
    return Problem(
        "MAP020",
        f"column(s) {', '.join(columns)} are not in the column map (unmapped: error)",
        Location(name, line, None, columns[0]),
    )
