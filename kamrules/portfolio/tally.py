"""Adding up the output rows as they stream past: counts per quadrant, the largest accounts, key
accounts without a plan, the BCG estimate, and (when a report or plots are asked for) one small
record per account for the pictures and the report's table."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kamrules.portfolio import flatten
from kamrules.portfolio.matrices import MATRICES

# The cells the report's table and the plots read, per account.
POINT_COLUMNS = (
    "row",
    "id",
    "name",
    "sector",
    "tier",
    "tier.text",
    "profile",
    "profile.text",
    "strategy",
    "strategy.text",
    "business.revenue",
    "business.potential_revenue",
    "business.margin_pct",
    "business.share_of_wallet",
    "business.growth_rate",
    "scores.current_contribution",
    "scores.potential_contribution",
    "relationship_years",
    "portfolio.cumulative_share_before",
    "revenue_class",
    "margin_class",
    "warnings",
    "warnings.severity",
    flatten.WARNINGS_SEEN,  # (code, severity) of each warning: the report groups accounts by them
    "no_plan",
    "plan_outdated",
    "effort.time_share",
    *(f"{m.quadrant_column}" for m in MATRICES),
    *(f"{m.quadrant_column}.text" for m in MATRICES),
)
ESTIMATES = (
    "estimate.revenue_gain_low",
    "estimate.revenue_gain_high",
    "estimate.margin_gain_low",
    "estimate.margin_gain_high",
    "estimate.cost_saving_low",
    "estimate.cost_saving_high",
)
MAX_IDS = 10


@dataclass
class Tally:
    keep_points: bool = False
    rows: int = 0
    ok: int = 0
    rejected: int = 0
    key_accounts: int = 0
    key_revenue: float = 0.0
    without_plan: int = 0
    without_plan_ids: list[str] = field(default_factory=list)
    plan_outdated: int = 0
    plan_outdated_ids: list[str] = field(default_factory=list)
    class_a: int = 0
    quadrants: dict[str, Counter[str]] = field(default_factory=dict)
    quadrant_revenue: dict[str, dict[str, float]] = field(default_factory=dict)
    warnings: Counter[tuple[str, str]] = field(default_factory=Counter)  # (code, severity) -> accounts
    unplaced_sectors: Counter[str] = field(default_factory=Counter)  # sectors with no score
    estimate: dict[str, float] = field(default_factory=lambda: dict.fromkeys(ESTIMATES, 0.0))
    points: list[dict[str, Any]] = field(default_factory=list)
    _top: list[tuple[float, int, str]] = field(default_factory=list)

    def add(self, cells: dict[str, Any], ok: bool) -> None:
        self.rows += 1
        if not ok:
            self.rejected += 1
            return
        self.ok += 1
        revenue = cells.get("business.revenue")
        if cells.get("tier") == "key_account":
            self.key_accounts += 1
            self.key_revenue += float(revenue or 0.0)
            if cells.get("no_plan"):
                self.without_plan += 1
                if len(self.without_plan_ids) < MAX_IDS:
                    self.without_plan_ids.append(str(cells["id"]))
            if cells.get("plan_outdated"):
                self.plan_outdated += 1
                if len(self.plan_outdated_ids) < MAX_IDS:
                    self.plan_outdated_ids.append(str(cells["id"]))
        if cells.get("revenue_class") == "A":
            self.class_a += 1
        for m in MATRICES:
            quadrant = cells.get(m.quadrant_column)
            if quadrant is not None:
                self.quadrants.setdefault(m.id, Counter())[quadrant] += 1
                by_quadrant = self.quadrant_revenue.setdefault(m.id, {})
                by_quadrant[quadrant] = by_quadrant.get(quadrant, 0.0) + float(revenue or 0.0)
        sector = cells.get("sector")
        if sector and cells.get("attractiveness_adaptability.quadrant") is None:
            self.unplaced_sectors[str(sector)] += 1
        for code, severity in cells.get(flatten.WARNINGS_SEEN) or ():
            self.warnings[code, severity] += 1
        for key in ESTIMATES:
            value = cells.get(key)
            if isinstance(value, (int, float)):
                self.estimate[key] += float(value)
        if isinstance(revenue, (int, float)):
            item = (float(revenue), -self.rows, str(cells.get("name") or cells.get("id")))
            if len(self._top) < 5:
                heapq.heappush(self._top, item)
            else:
                heapq.heappushpop(self._top, item)
        if self.keep_points:
            self.points.append({k: cells.get(k) for k in POINT_COLUMNS})

    def largest(self) -> list[tuple[float, str]]:
        """The five largest accounts by revenue, largest first (ties: the earlier row first); an
        account with no revenue is never among the largest."""
        return [(rev, name) for rev, _, name in sorted(self._top, reverse=True) if rev > 0]

    def totals(self, revenue_total: float) -> dict[str, Any]:
        """The facts of the portfolio totals rule base (PortfolioTotals)."""
        values: dict[str, Any] = {
            "accounts": float(self.ok),
            "rejected": float(self.rejected),
            "key_accounts": float(self.key_accounts),
            "key_accounts_without_plan": float(self.without_plan),
            "key_accounts_plan_outdated": float(self.plan_outdated),
            "class_a_accounts": float(self.class_a),
        }
        for name, count, ids in (
            ("key_accounts_without_plan_ids", self.without_plan, self.without_plan_ids),
            ("key_accounts_plan_outdated_ids", self.plan_outdated, self.plan_outdated_ids),
        ):
            if ids:
                values[name] = [*ids, "…"] if count > len(ids) else list(ids)
        top = self.largest()
        if revenue_total > 0 and top:
            values["revenue_total"] = revenue_total
            values["largest_account"] = top[0][1]
            values["top1_share"] = top[0][0] / revenue_total
            values["top5_share"] = sum(r for r, _ in top) / revenue_total
        return values
