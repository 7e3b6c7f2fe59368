"""A seeded generator of realistic, distinct accounts, as a CRM export would hold them.

Continuous where real data is continuous (revenues, margins, shares, costs, dates), discrete where
CRMs hold discrete values (1-10 scores, stages, low/medium/high levels), and with facts missing
at the rates an incomplete CRM shows them. The same seed gives the same accounts, so figures
from two runs (or two machines) are measured on identical data.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 11, 27)

STAGES = ("exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating")
STAGE_WEIGHTS = (12, 25, 30, 15, 8, 10)
LEVELS = ("low", "medium", "high")
PROFILES = ("strategic", "status", "star", "opportunity")
ROLES = ("decider", "influencer", "user", "buyer", "gatekeeper")
ATTITUDES = ("sponsor", "supporter", "neutral", "critic")
SECTORS = (
    "automotive",
    "aerospace",
    "food",
    "pharma",
    "chemicals",
    "machinery",
    "retail",
    "energy",
    "logistics",
    "textiles",
)
# Choice criteria a sales team records: some technical, some service, some neither.
CRITERIA = (
    "quality",
    "technical_support",
    "innovation",
    "productivity",
    "delivery",
    "service",
    "reliability",
    "lead_time",
    "price",
    "brand",
    "payment_terms",
    "sustainability",
)
PRODUCTS = ("gearboxes", "pumps", "valves", "sensors", "service", "spare_parts", "software", "coatings")
MARKETS = ("EU", "US", "APAC", "LATAM", "MEA")
WORDS = (
    "Rossi",
    "Bianchi",
    "Nord",
    "Alpha",
    "Delta",
    "Meccanica",
    "Sistemi",
    "Tecno",
    "Euro",
    "Global",
    "Verdi",
    "Omega",
    "Ferro",
    "Lumen",
    "Acme",
    "Orion",
)
SUFFIXES = ("S.p.A.", "S.r.l.", "GmbH", "Ltd", "SA", "AG", "Inc.")


def _score(rng: random.Random) -> float | int:
    # CRMs hold whole scores, now and then a half point.
    base = rng.choices(range(1, 11), weights=(3, 5, 8, 10, 12, 12, 12, 10, 6, 3))[0]
    if base < 10 and rng.random() < 0.1:
        return base + 0.5
    return base


def _weights(rng: random.Random, n: int) -> list[int]:
    # Whole weights adding up to exactly 100, each at least 5.
    cuts = sorted(rng.sample(range(1, 100 // 5), n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100 // 5], strict=True)]
    return [5 * p for p in parts]


def _money(rng: random.Random, median: float, sigma: float) -> float:
    return round(median * math.exp(rng.gauss(0.0, sigma)), 2)


def _fraction(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return round(min(high, max(low, value)), 4)


def _date(day: dt.date) -> str:
    return day.isoformat()


def account(rng: random.Random, n: int, as_of: dt.date = AS_OF) -> dict[str, Any]:
    """One account as JSON-compatible facts (dates as ISO text), some facts missing."""
    facts: dict[str, Any] = {
        "id": f"BM-{n:07d}",
        "name": f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)} #{n}",
    }
    if rng.random() < 0.9:
        facts["sector"] = rng.choice(SECTORS)
    if rng.random() < 0.85:
        company: dict[str, Any] = {}
        if rng.random() < 0.8:
            company["address"] = f"Via {rng.choice(WORDS)} {rng.randint(1, 200)}, {rng.randint(10000, 99999)}"
        if rng.random() < 0.7:
            company["phone"] = f"+39 0{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}"
        if rng.random() < 0.2:
            company["whatsapp"] = f"+39 3{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}"
        if rng.random() < 0.75:
            company["email"] = f"buyer{n}@example.com"
        if rng.random() < 0.7:
            company["products"] = rng.sample(PRODUCTS, rng.randint(1, 3))
        if rng.random() < 0.65:
            company["markets"] = rng.sample(MARKETS, rng.randint(1, 2))
        if rng.random() < 0.7:
            company["revenue"] = _money(rng, 40_000_000, 1.5)
        if rng.random() < 0.4:
            company["sales_volume"] = _money(rng, 200_000, 1.2)
        if rng.random() < 0.4:
            company["capital_invested"] = _money(rng, 20_000_000, 1.4)
        if rng.random() < 0.5:
            company["roi"] = round(rng.gauss(0.08, 0.06), 4)
        if rng.random() < 0.5:
            company["ros"] = round(rng.gauss(0.06, 0.05), 4)
        facts["company"] = company
    if rng.random() < 0.4:
        facts["environment"] = rng.sample(
            ["new EU emission rules", "energy prices", "consolidation", "reshoring", "tariffs"], rng.randint(1, 2)
        )
    if rng.random() < 0.95:
        revenue = _money(rng, 400_000, 1.3)
        business: dict[str, Any] = {}
        if rng.random() < 0.95:
            business["revenue"] = revenue
        if rng.random() < 0.8:
            business["potential_revenue"] = round(revenue * rng.uniform(1.0, 4.0), 2)
        if rng.random() < 0.9:
            business["margin_pct"] = _fraction(rng.gauss(0.18, 0.1), -0.3, 0.6)
        if rng.random() < 0.85:
            business["share_of_wallet"] = _fraction(rng.betavariate(2, 3))
        if rng.random() < 0.7:
            business["growth_rate"] = round(max(-0.9, rng.gauss(0.03, 0.12)), 4)
        if rng.random() < 0.75:
            business["cost_to_serve"] = round(revenue * math.exp(rng.gauss(math.log(0.08), 0.7)), 2)
        if rng.random() < 0.5:
            business["discounts_pct"] = _fraction(rng.betavariate(1.5, 20))
        if rng.random() < 0.4:
            names = rng.sample(PRODUCTS, rng.randint(1, 3))
            split = [rng.random() + 0.1 for _ in names]
            total = sum(split)
            business["revenue_by_product"] = {
                p: round(revenue * s / total, 2) for p, s in zip(names, split, strict=True)
            }
        if rng.random() < 0.6:
            business["customer_since"] = _date(as_of - dt.timedelta(days=rng.randint(30, 30 * 365)))
        if rng.random() < 0.7:
            business["contract_end"] = _date(as_of + dt.timedelta(days=rng.randint(-200, 1100)))
        if rng.random() < 0.5:
            business["competitors"] = [
                {
                    "name": f"{rng.choice(WORDS)} {rng.choice(SUFFIXES)}",
                    "share": _fraction(rng.betavariate(2, 5)),
                    "price_index": round(rng.uniform(0.8, 1.35), 3),
                }
                for _ in range(rng.randint(1, 3))
            ]
        facts["business"] = business
    if rng.random() < 0.9:
        rel: dict[str, Any] = {}
        if rng.random() < 0.6:
            members = []
            for k in range(rng.randint(0, 6)):
                member: dict[str, Any] = {"name": f"Contact {n}-{k}"}
                if rng.random() < 0.9:
                    member["role"] = rng.choice(ROLES)
                if rng.random() < 0.8:
                    member["influence"] = rng.choice(LEVELS)
                if rng.random() < 0.85:
                    member["attitude"] = rng.choices(ATTITUDES, weights=(2, 4, 5, 2))[0]
                members.append(member)
            rel["dmu"] = members
        if rng.random() < 0.6:
            rel["choice_criteria"] = rng.sample(CRITERIA, rng.randint(1, 3))
        if rng.random() < 0.4:
            rel["perceptions"] = rng.choice(["reliable", "expensive", "slow to answer", "innovative"])
        if rng.random() < 0.35:
            rel["buying_process"] = rng.choice(["yearly tender", "spot orders", "framework agreement"])
        if rng.random() < 0.3:
            rel["evaluations"] = rng.choice(["rated A", "rated B", "rated C"])
        if rng.random() < 0.85:
            rel["stage"] = rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
        for key, rate in (("loyalty", 0.85), ("satisfaction", 0.85), ("price_sensitivity", 0.8)):
            if rng.random() < rate:
                rel[key] = rng.choice(LEVELS)
        facts["relationship"] = rel
    # A third of the accounts come as a CRM exports them, with no 1-10 score: the advisor derives
    # the scores from the facts (rulesets/derived/).
    if rng.random() < 0.65:
        assessment: dict[str, Any] = {}
        if rng.random() < 0.93:
            assessment["current_contribution"] = _score(rng)
        if rng.random() < 0.9:
            assessment["potential_contribution"] = _score(rng)
        pick = rng.random()
        if pick < 0.6:
            assessment["attractiveness"] = _score(rng)
        elif pick < 0.8:
            names = rng.sample(["size", "growth", "margin", "access", "fit"], rng.randint(2, 5))
            weights = _weights(rng, len(names))
            assessment["attractiveness_criteria"] = {
                c: {"weight": w, "score": rng.randint(1, 10)} for c, w in zip(names, weights, strict=True)
            }
        pick = rng.random()
        if pick < 0.55:
            assessment["relative_strength"] = _score(rng)
        elif pick < 0.75:
            names = rng.sample(["quality", "price", "delivery", "service", "innovation"], rng.randint(2, 5))
            assessment["buying_criteria"] = {
                c: {"weight": w, "ours": rng.randint(1, 10), "best_competitor": rng.randint(1, 10)}
                for c, w in zip(names, _weights(rng, len(names)), strict=True)
            }
        if rng.random() < 0.08:
            assessment["profile"] = rng.choice(PROFILES)
        facts["assessment"] = assessment
    if rng.random() < 0.2:
        facts.setdefault("assessment", {})["strategic_fit"] = _score(rng)
    if rng.random() < 0.2:
        facts.setdefault("assessment", {})["sector_attractiveness"] = _score(rng)
    if rng.random() < 0.05:
        facts["portfolio_scores"] = {
            k: _score(rng) for k in rng.sample(["current_contribution", "potential_contribution", "attractiveness"], 2)
        }
    return facts


def accounts(count: int, seed: int = 7, as_of: dt.date = AS_OF) -> list[dict[str, Any]]:
    """`count` distinct accounts, the same for the same seed."""
    rng = random.Random(seed)
    return [account(rng, n, as_of) for n in range(count)]


# The CSV of the portfolio benchmark: flat columns, as a CRM export holds them. Lists of texts are
# written as `[a, b]` cells; the nested records (DMU, competitors, weighted criteria) are left out,
# as flat exports leave them out.
CSV_COLUMNS = (
    "id",
    "name",
    "sector",
    "company.address",
    "company.phone",
    "company.email",
    "company.revenue",
    "company.capital_invested",
    "company.roi",
    "company.ros",
    "business.revenue",
    "business.potential_revenue",
    "business.margin_pct",
    "business.share_of_wallet",
    "business.growth_rate",
    "business.cost_to_serve",
    "business.discounts_pct",
    "business.customer_since",
    "business.contract_end",
    "relationship.choice_criteria",
    "relationship.perceptions",
    "relationship.stage",
    "relationship.loyalty",
    "relationship.satisfaction",
    "relationship.price_sensitivity",
    "assessment.current_contribution",
    "assessment.potential_contribution",
    "assessment.attractiveness",
    "assessment.relative_strength",
    "assessment.profile",
)


def _cell(facts: dict[str, Any], path: str) -> str:
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return ""
        value = value[part]
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def csv_rows(count: int, seed: int = 7, as_of: dt.date = AS_OF) -> Iterator[list[str]]:
    rng = random.Random(seed)
    for n in range(count):
        facts = account(rng, n, as_of)
        yield [_cell(facts, col) for col in CSV_COLUMNS]


def write_csv(path: Path, count: int, seed: int = 7, as_of: dt.date = AS_OF) -> Path:
    """Write `count` generated accounts as a portfolio CSV (streamed: constant memory)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for row in csv_rows(count, seed, as_of):
            writer.writerow(row)
    return path
