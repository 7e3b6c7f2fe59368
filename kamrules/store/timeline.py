"""An account's timeline: its stored advices in order, each with what changed since the one before
(tier, profile, strategy, warnings) and why (the facts that changed, the rule base, or only the
date moving on, as a contract nears its end)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import Row

from kamrules.store.models import (
    AccountRef,
    DecisionChange,
    FactChange,
    History,
    HistoryEntry,
    PlanVersionInfo,
    RulesetRef,
    WarningItem,
)
from kamrules.store.read import utc
from kamrules.store.snapshots import WarningRef

DECISIONS: tuple[Literal["tier", "profile", "profile_source", "strategy"], ...] = (
    "tier",
    "profile",
    "profile_source",
    "strategy",
)


def warning_item(w: WarningRef) -> WarningItem:
    return WarningItem(code=w.code, severity=w.severity, rule=w.rule, subject=w.subject)


def flatten_facts(facts: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{dotted path: value}; lists are values, compared whole (a DMU list changes as one)."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten_facts(value, path + "."))
        else:
            out[path] = value
    return out


def fact_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FactChange]:
    old, new = flatten_facts(before), flatten_facts(after)
    return [
        FactChange(path=path, before=old.get(path), after=new.get(path))
        for path in sorted(old.keys() | new.keys())
        if old.get(path) != new.get(path)
    ]


def _ruleset(row: Row[Any]) -> RulesetRef:
    return RulesetRef(name=row.ruleset_name, version=row.ruleset_version, digest=row.ruleset_digest)


def build_history(
    account_id: str,
    rows: Sequence[Row[Any]],
    warnings: Mapping[int, tuple[WarningRef, ...]],
    plans: Sequence[Row[Any]],
) -> History:
    """The account's history from its advice rows (oldest first) and plan versions."""
    entries: list[HistoryEntry] = []
    previous: Row[Any] | None = None
    for row in rows:
        entries.append(_entry(row, previous, warnings))
        previous = row
    names = [row.account_name for row in rows if row.account_name] + [p.account_name for p in plans if p.account_name]
    return History(
        account=AccountRef(id=account_id, name=names[-1] if names else None),
        entries=entries,
        plans=[_plan(p) for p in plans],
    )


def _entry(row: Row[Any], previous: Row[Any] | None, warnings: Mapping[int, tuple[WarningRef, ...]]) -> HistoryEntry:
    mine = warnings.get(row.id, ())
    base: dict[str, Any] = {
        "advice_id": row.id,
        "as_of": row.as_of,
        "recorded_at": utc(row.recorded_at),
        "recorded_by": row.recorded_by,
        "run": row.run_id,
        "tier": row.tier,
        "profile": row.profile,
        "profile_source": row.profile_source,
        "strategy": row.strategy,
        "scores": row.scores or {},
        "warnings": [warning_item(w) for w in mine],
        "levers": list(row.levers or []),
        "ruleset": _ruleset(row),
        "facts_digest": row.facts_digest,
        "facts_erased": row.facts is None,
        "extra": row.extra or {},
    }
    if previous is None:
        return HistoryEntry(**base, changed=True, causes=["first"])
    decisions = [
        DecisionChange(field=name, before=getattr(previous, name), after=getattr(row, name))
        for name in DECISIONS
        if getattr(previous, name) != getattr(row, name)
    ]
    theirs = {w.identity: w for w in warnings.get(previous.id, ())}
    ours = {w.identity: w for w in mine}
    raised = [warning_item(w) for key, w in ours.items() if key not in theirs]
    cleared = [warning_item(w) for key, w in theirs.items() if key not in ours]
    facts_moved = previous.facts_digest != row.facts_digest
    rules_moved = previous.ruleset_digest != row.ruleset_digest
    facts_changed = fact_changes(previous.facts, row.facts) if facts_moved and previous.facts and row.facts else []
    causes: list[Literal["first", "facts", "rules", "date", "unknown"]] = []
    if facts_moved:
        causes.append("facts")
    if rules_moved:
        causes.append("rules")
    if not causes:
        causes.append("date" if previous.as_of != row.as_of else "unknown")
    return HistoryEntry(
        **base,
        changed=bool(decisions or raised or cleared),
        decisions=decisions,
        warnings_raised=raised,
        warnings_cleared=cleared,
        causes=causes,
        facts_changed=facts_changed,
        ruleset_before=_ruleset(previous) if rules_moved else None,
    )


def _plan(row: Row[Any]) -> PlanVersionInfo:
    return PlanVersionInfo(
        version=row.version,
        as_of=row.as_of,
        recorded_at=utc(row.recorded_at),
        recorded_by=row.recorded_by,
        digest=row.digest,
        findings=list(row.findings or []),
        ruleset=_ruleset(row),
        source=row.source,
        erased=row.plan is None,
    )
