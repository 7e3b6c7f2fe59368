"""What the store's tests share: advices made without the engine (fast, and exactly what a test
needs), an opened store, and counting rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

RULESET = {"name": "kamrules-builtin", "version": "1.0.0", "digest": "sha256:" + "a" * 64}


def facts(account_id: str = "T-1", name: str = "Test S.p.A.", **groups: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": account_id, "name": name}
    data.update(groups)
    return data


def advice(
    account_id: str = "T-1",
    name: str = "Test S.p.A.",
    *,
    as_of: str = "2026-06-30",
    tier: str | None = "key_account",
    profile: str | None = "strategic",
    strategy: str | None = "strategic_investment",
    warnings: tuple[tuple[str, str], ...] = (),
    ruleset: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An advice as `Advice.model_dump(mode="json")` gives it (the fields the store reads)."""
    return {
        "account": {"id": account_id, "name": name},
        "tier": tier,
        "profile": profile,
        "profile_source": "matrix",
        "strategy": strategy,
        "treatment": None,
        "levers": [{"id": "personal_trust", "why": "…", "label": "Personal trust", "rules": ["r1"]}],
        "warnings": [{"code": c, "severity": s, "message": "…", "rule": f"rule:{c}"} for c, s in warnings],
        "scores": {"current_contribution": 8.0, "potential_contribution": 9.0, "attractiveness": 7.5},
        "trace": [],
        "ruleset": ruleset or RULESET,
        "lang": "en",
        "as_of": as_of,
        **extra,
    }


def count(url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    from kamrules.store.connect import parse_url

    engine = create_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
