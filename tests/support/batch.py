"""Helpers of the batch tests: the advice of a batch row and of `Engine.advise`, side by side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from kamrules import Engine, FactsError
from kamrules.batch.cells import flatten_groups, row_facts


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def expected(engine: Engine, facts: dict[str, Any], as_of: dt.date, lang: str) -> dict[str, Any]:
    """What the batch row must say, from the per-account path."""
    try:
        advice = engine.advise(facts, as_of=as_of, lang=lang)
    except FactsError as exc:
        problems = [(p.code, p.location.path, p.message, p.suggestion) for p in exc.problems]
        return {"error": (exc.message, problems)}
    return {
        "id": advice.account.id,
        "name": advice.account.name,
        "tier": advice.tier,
        "profile": advice.profile,
        "profile_source": advice.profile_source,
        "strategy": advice.strategy,
        "labels": advice.labels,
        "treatment": advice.treatment.model_dump() if advice.treatment else None,
        "scores": advice.scores.model_dump(),
        "score_sources": advice.score_sources.model_dump(),
        "warnings": [(w.code, w.severity, w.message, w.rule, w.title) for w in advice.warnings],
        "levers": [(lv.id, lv.label, lv.why, lv.rules) for lv in advice.levers],
        "facts": {k: _plain(v) for k, v in advice.facts.items()},
        "error": None,
    }


def found(row: dict[str, Any]) -> dict[str, Any]:
    """The same shape, from a row of the advice table."""
    if row["error"] is not None:
        err = row["error"]
        problems = [(p["code"], p["field"], p["message"], p["suggestion"]) for p in err["problems"]]
        return {"error": (err["message"], problems)}
    return {
        "id": row["id"],
        "name": row["name"],
        "tier": row["tier"],
        "profile": row["profile"],
        "profile_source": row["profile_source"],
        "strategy": row["strategy"],
        "labels": {k: v for k, v in row["labels"].items() if v is not None},
        "treatment": row["treatment"],
        "scores": row["scores"],
        "score_sources": row["score_sources"],
        "warnings": [(w["code"], w["severity"], w["message"], w["rule"], w["title"]) for w in row["warnings"]],
        "levers": [(lv["id"], lv["label"], lv["why"], lv["rules"]) for lv in row["levers"]],
        "facts": {k: _plain(v) for k, v in row["facts"].items() if v is not None},
        "error": None,
    }


def differences(engine: Engine, table: pa.Table, as_of: dt.date, lang: str = "en") -> list[str]:
    """Every row whose batch advice differs from `Engine.advise` on the row's facts."""
    out = engine.advise_table(table, as_of=as_of, lang=lang)
    assert out.num_rows == table.num_rows
    assert out.column("row").to_pylist() == list(range(table.num_rows))
    flat = flatten_groups(table)
    problems: list[str] = []
    for i, row in enumerate(out.to_pylist()):
        want = expected(engine, row_facts(flat, i), as_of, lang)
        got = found(row)
        for key in want:
            if want[key] != got.get(key):
                problems.append(f"row {i} {key}: expected {want[key]!r}, found {got.get(key)!r}")
    return problems
