"""One output row per account: the advice and the portfolio's decisions, flattened.

The columns are known before the first row (they follow the rule bases' declarations), so the
CSV, XLSX and JSON Lines writers can stream; their order, headers and kinds are declared in
`kamrules.portfolio.outcolumns`. Column names are stable identifiers (dotted, like the input's);
the texts in the cells are in the language asked for. A choice fact gives two columns: its
identifier, and `<fact>.text`, its label in that language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from kamrules.advice.build import TREATMENT_KEYS
from kamrules.language.rulebase import RuleBase
from kamrules.model.account import Account
from kamrules.model.vocabulary import SEVERITY_ORDER
from kamrules.portfolio.progress import COLUMNS as PROGRESS

# Not a column: each warning's code and severity, for the report's count by severity.
WARNINGS_SEEN = "_warnings"
BASE = ("row", "status", "id", "name", "sector", "error.column", "error.problem")
# The account facts the matrices read: their axes, shown next to the decisions they led to.
INPUTS = (
    "business.revenue",
    "business.potential_revenue",
    "business.margin_pct",
    "business.share_of_wallet",
    "business.growth_rate",
    "business.cost_to_serve",
    "business.customer_since",
    "assessment.current_contribution",
    "assessment.potential_contribution",
)
ADVICE = (
    "tier",
    "tier.text",
    "profile",
    "profile.text",
    "profile_source",
    "strategy",
    "strategy.text",
    "scores.current_contribution",
    "scores.potential_contribution",
    "scores.attractiveness",
    "scores.relative_strength",
    # Where each score comes from: hand, portfolio (--scores portfolio) or derived (the facts).
    "scores.source.current_contribution",
    "scores.source.potential_contribution",
    "scores.source.attractiveness",
    "scores.source.relative_strength",
    "warnings",
    "warnings.severity",
    "warnings.titles",
    "warnings.text",
    "levers",
    "levers.text",
    *(f"treatment.{k}" for k in TREATMENT_KEYS),
)
PLACE = ("portfolio.revenue_share", "portfolio.cumulative_share_before", "plan.exists")
# Each account's share of the KAM effort (kamrules.portfolio.effort), filled in once the whole
# portfolio's weights are known; the progress of its plan's objectives (kamrules.portfolio.progress).
EFFORT = (
    "effort.time_share",
    "effort.visits_share",
    "effort.budget_share",
    "effort.hours",
    "effort.visits",
    "effort.budget",
)
SECTOR = (
    "sector.attractiveness",
    "sector.adaptability",
    "attractiveness_adaptability.quadrant",
    "attractiveness_adaptability.quadrant.text",
    "attractiveness_adaptability.advice",
    "attractiveness_adaptability.advice.text",
)


def derived_columns(rb: RuleBase) -> list[str]:
    cols: list[str] = []
    for name, d in rb.derived.items():
        cols.append(name)
        if d.type.kind == "choice":
            cols.append(f"{name}.text")
    return cols


def columns(rb: RuleBase) -> list[str]:
    """Every output column, in order (kamrules.portfolio.outcolumns)."""
    from kamrules.portfolio.outcolumns import ordered

    return ordered([*BASE, *INPUTS, *ADVICE, *PLACE, *SECTOR, *derived_columns(rb), *EFFORT, *PROGRESS])


def cell(value: Any) -> Any:
    """A value as an output cell: dates as ISO text, whole floats kept as floats (no rounding)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def account_cells(account: Account) -> dict[str, Any]:
    out: dict[str, Any] = {"id": account.id, "name": account.name, "sector": account.sector}
    for path in INPUTS:
        group, _, key = path.partition(".")
        holder = getattr(account, group)
        out[path] = cell(getattr(holder, key)) if holder is not None else None
    return out


def advice_cells(advice: Mapping[str, Any]) -> dict[str, Any]:
    """The advice's columns, from its plain data (`kamrules.advice.build.advice_data`)."""
    labels = advice["labels"]
    warnings = advice["warnings"]
    out: dict[str, Any] = {
        "tier": advice["tier"],
        "tier.text": labels.get("tier"),
        "profile": advice["profile"],
        "profile.text": labels.get("profile"),
        "profile_source": advice["profile_source"],
        "strategy": advice["strategy"],
        "strategy.text": labels.get("strategy"),
        **{f"scores.{k}": v for k, v in advice["scores"].items()},
        **{f"scores.source.{k}": v for k, v in advice["score_sources"].items()},
        "warnings": "; ".join(w["code"] for w in warnings),
        "warnings.severity": max((w["severity"] for w in warnings), key=SEVERITY_ORDER.__getitem__, default=None),
        "warnings.titles": "; ".join(w.get("title") or w["code"] for w in warnings),
        # Read by people: each warning's title, not its code (the warnings column has the codes).
        "warnings.text": " | ".join(f"{w.get('title') or w['code']}: {w['message']}" for w in warnings),
        "levers": "; ".join(lv["id"] for lv in advice["levers"]),
        "levers.text": "; ".join(lv.get("label") or lv["id"] for lv in advice["levers"]),
        WARNINGS_SEEN: [(w["code"], w["severity"]) for w in warnings],
    }
    treatment = advice["treatment"]
    for key in TREATMENT_KEYS:
        value = treatment.get(key) if treatment is not None else None
        out[f"treatment.{key}"] = "; ".join(value) if isinstance(value, list) else value
    return out


def derived_cells(rb: RuleBase, values: dict[str, Any], lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, d in rb.derived.items():
        value = values.get(name)
        out[name] = cell(value)
        if d.type.kind == "choice":
            out[f"{name}.text"] = rb.label(name, value, lang) if value is not None else None
    return out


def error_cells(row: int, ident: str | None, name: str | None, problems: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {
        "row": row,
        "status": "error",
        "id": ident,
        "name": name,
        "error.column": "; ".join(dict.fromkeys(col for col, _ in problems if col)),
        # Each problem names its column too: a row can have several.
        "error.problem": "; ".join(f"{col}: {msg}" if col else msg for col, msg in problems),
    }
