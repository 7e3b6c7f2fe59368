"""The sectors file (`kam portfolio --sectors FILE`) and each sector's place on the target
sectors matrix (docs/domain.md §7), as the sectors rule base (rulesets/portfolio/sectors/) decides.

    sectors:
      - id: automotive              # matched with the accounts' `sector`, ignoring case
        name: Automotive
        attractiveness: {margin: 6, size: 8, revenue: 7, access: 5, growth_rate: 4,
                         potential_customers: 6, competition: 3}
        adaptability: {quality: 8, customer_experience: 7, needs_knowledge: 8,
                       technical_service: 7, innovation: 6, competitiveness: 5,
                       commercial_services: 6}

Each criterion is scored 1 to 10, 10 the best for us (little competition scores high).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from kamrules import codes
from kamrules.errors import InputFileError, Problem
from kamrules.io.files import read_text
from kamrules.io.yamlsafe import parse_document
from kamrules.model.validate import validate_model
from kamrules.portfolio.inputs import SectorFacts
from kamrules.portfolio.knowledge import Compiled


class SectorsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sectors: list[SectorFacts]


@dataclass(frozen=True)
class SectorResult:
    id: str
    name: str
    attractiveness: float | None
    adaptability: float | None
    quadrant: str | None
    advice: str | None


def load_sectors(path: str | Path) -> list[SectorFacts]:
    name = str(path)
    doc = parse_document(read_text(path), name)
    spec, problems = validate_model(SectorsFile, doc.data, doc.location, family=codes.SECTOR)
    if spec is None:
        raise InputFileError("the sectors file cannot be used:", problems)
    seen: dict[str, int] = {}
    for i, sector in enumerate(spec.sectors):
        key = sector.id.casefold()
        if key in seen:
            problems.append(
                Problem(
                    codes.DUPLICATE_SECTOR,
                    f"sector {sector.id!r} is also listed as sector {seen[key] + 1}",
                    doc.location(("sectors", i, "id")),
                )
            )
        seen[key] = i
    if problems:
        raise InputFileError("the sectors file cannot be used:", problems)
    return spec.sectors


def _values(sector: SectorFacts) -> dict[str, Any]:
    values: dict[str, Any] = {"id": sector.id}
    for group in ("attractiveness", "adaptability"):
        scores = getattr(sector, group)
        if scores is None:
            continue
        for key, value in scores.model_dump(exclude_none=True).items():
            values[f"{group}.{key}"] = value
    return values


def evaluate_sectors(sectors: list[SectorFacts], compiled: Compiled, as_of: dt.date) -> dict[str, SectorResult]:
    """Each sector's scores and quadrant, by its id folded to lower case."""
    out: dict[str, SectorResult] = {}
    for sector in sectors:
        ev = compiled.program.run(_values(sector), as_of, "en", trace=False)
        v = ev.values
        out[sector.id.casefold()] = SectorResult(
            sector.id,
            sector.name or sector.id,
            v.get("score.attractiveness"),
            v.get("score.adaptability"),
            v.get("target.quadrant"),
            v.get("target.advice"),
        )
    return out
