"""Generated portfolios for the tests: valid accounts with every fact the matrices read."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

SECTORS = ("automotive", "food", "pharma", "electronics", "packaging", "textile", "logistics")
STAGES = ("exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating")
LEVELS = ("low", "medium", "high")
COLUMNS = (
    "id",
    "name",
    "sector",
    "business.revenue",
    "business.potential_revenue",
    "business.margin_pct",
    "business.share_of_wallet",
    "business.growth_rate",
    "business.cost_to_serve",
    "business.customer_since",
    "business.contract_end",
    "relationship.stage",
    "relationship.loyalty",
    "relationship.satisfaction",
    "relationship.price_sensitivity",
    "assessment.current_contribution",
    "assessment.potential_contribution",
    "assessment.attractiveness",
    "assessment.relative_strength",
)


def generate(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """`n` valid accounts as flat rows (dotted column -> value), deterministic for a seed."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        revenue = round(rng.lognormvariate(12, 1.4))  # a long tail, as real portfolios have
        since = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        rows.append(
            {
                "id": f"AC-{i:05d}",
                "name": f"{rng.choice(['Rossi', 'Bianchi', 'Città', 'Ferrè', 'Gallo'])} {i} S.p.A.",
                "sector": rng.choice(SECTORS),
                "business.revenue": revenue,
                "business.potential_revenue": revenue + round(rng.lognormvariate(12, 1.2)),
                "business.margin_pct": round(rng.uniform(-0.05, 0.45), 4),
                "business.share_of_wallet": round(rng.uniform(0.01, 0.95), 3),
                "business.growth_rate": round(rng.uniform(-0.1, 0.3), 3),
                "business.cost_to_serve": round(revenue * rng.uniform(0.02, 0.3)),
                "business.customer_since": since,
                "business.contract_end": dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(900)),
                "relationship.stage": rng.choice(STAGES),
                "relationship.loyalty": rng.choice(LEVELS),
                "relationship.satisfaction": rng.choice(LEVELS),
                "relationship.price_sensitivity": rng.choice(LEVELS),
                "assessment.current_contribution": rng.randint(1, 10),
                "assessment.potential_contribution": rng.randint(1, 10),
                "assessment.attractiveness": round(rng.uniform(1, 10), 1),
                "assessment.relative_strength": round(rng.uniform(1, 10), 1),
            }
        )
    return rows


def nested(row: dict[str, Any]) -> dict[str, Any]:
    """A flat row as the nested account facts of docs/contract.md §2."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        group, _, field = key.partition(".")
        if field:
            out.setdefault(group, {})[field] = value
        else:
            out[key] = value
    return out


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_text(row[c]) for c in COLUMNS])


def write_xlsx(rows: list[dict[str, Any]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("accounts")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    book.save(path)


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)
