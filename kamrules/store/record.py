"""Writing: a run and its advices in one transaction, idempotently; a plan's new version.

Every statement binds its values as parameters (an account id holding SQL is just text). An
advice whose key is already stored is not stored again (INSERT … ON CONFLICT DO NOTHING, which
is also what keeps two writers of the same advice from clashing); the run only points at it.
The very same run recorded twice (same kind, input, as-of date and advices) is stored once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, func, select, update
from sqlalchemy.sql.dml import Insert

from kamrules.store.schema import advice_warnings, advices, plan_versions, run_advices, runs
from kamrules.store.snapshots import Snapshot, digest

BATCH = 500  # advices per statement: far below SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class RunMeta:
    """What a run says about itself (the advices come separately)."""

    kind: str
    as_of: dt.date | None = None
    source: str | None = None
    input_digest: str | None = None
    ruleset: tuple[str, str, str] | None = None  # name, version, digest
    summary: dict[str, Any] | None = None


@dataclass(frozen=True)
class Written:
    run_id: int
    new_run: bool
    advices: int
    new: int


def insert_ignoring_duplicates(conn: Connection, table: Table) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING, in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def run_key(meta: RunMeta, content_digest: str) -> str:
    as_of = meta.as_of.isoformat() if meta.as_of else None
    return digest(["run/1", meta.kind, meta.input_digest, as_of, content_digest])


def write_run(
    conn: Connection,
    meta: RunMeta,
    snapshots: Iterable[Snapshot],
    content_digest: str,
    *,
    by: str,
    now: dt.datetime,
    version: str,
) -> Written:
    """Record the run and its advices (in the caller's transaction)."""
    name, ruleset_version, ruleset_digest = meta.ruleset or (None, None, None)
    key = run_key(meta, content_digest)
    inserted = conn.execute(
        insert_ignoring_duplicates(conn, runs).returning(runs.c.id),
        {
            "key": key,
            "kind": meta.kind,
            "recorded_at": now,
            "recorded_by": by,
            "as_of": meta.as_of,
            "source": meta.source,
            "input_digest": meta.input_digest,
            "ruleset_name": name,
            "ruleset_version": ruleset_version,
            "ruleset_digest": ruleset_digest,
            "accounts": 0,
            "summary": meta.summary,
            "kamrules_version": version,
        },
    ).first()
    if inserted is None:
        existing = conn.execute(select(runs.c.id, runs.c.accounts).where(runs.c.key == key)).one()
        return Written(existing.id, False, existing.accounts, 0)
    run_id = int(inserted.id)
    new = 0
    position = 0
    for batch in _batches(snapshots, BATCH):
        new += _write_batch(conn, run_id, batch, position, by, now)
        position += len(batch)
    members = conn.execute(select(func.count()).select_from(run_advices).where(run_advices.c.run_id == run_id))
    count = int(members.scalar_one())
    conn.execute(update(runs).where(runs.c.id == run_id).values(accounts=count))
    return Written(run_id, True, count, new)


def _batches(items: Iterable[Snapshot], size: int) -> Iterator[list[Snapshot]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _write_batch(
    conn: Connection, run_id: int, batch: Sequence[Snapshot], start: int, by: str, now: dt.datetime
) -> int:
    first: dict[str, tuple[int, Snapshot]] = {}
    for offset, snap in enumerate(batch):
        first.setdefault(snap.key, (start + offset, snap))
    rows = [_advice_row(snap, run_id, by, now) for _, snap in first.values()]
    stored = conn.execute(insert_ignoring_duplicates(conn, advices).returning(advices.c.id, advices.c.key), rows)
    ids = {row.key: int(row.id) for row in stored}
    new_keys = set(ids)
    missing = [key for key in first if key not in ids]
    if missing:
        found = conn.execute(select(advices.c.id, advices.c.key).where(advices.c.key.in_(missing)))
        ids.update({row.key: int(row.id) for row in found})
    warnings = [
        {"advice_id": ids[key], "position": n, "code": w.code, "severity": w.severity, "rule": w.rule}
        for key in new_keys
        for n, w in enumerate(first[key][1].warnings)
    ]
    if warnings:
        conn.execute(advice_warnings.insert(), warnings)
    members = [{"run_id": run_id, "advice_id": ids[key], "position": pos} for key, (pos, _) in first.items()]
    conn.execute(insert_ignoring_duplicates(conn, run_advices), members)
    return len(new_keys)


def _advice_row(snap: Snapshot, run_id: int, by: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "key": snap.key,
        "account_id": snap.account_id,
        "account_name": snap.account_name,
        "as_of": snap.as_of,
        "recorded_at": now,
        "recorded_by": by,
        "run_id": run_id,
        "facts": snap.facts,
        "facts_digest": snap.facts_digest,
        "ruleset_name": snap.ruleset_name,
        "ruleset_version": snap.ruleset_version,
        "ruleset_digest": snap.ruleset_digest,
        "tier": snap.tier,
        "profile": snap.profile,
        "profile_source": snap.profile_source,
        "strategy": snap.strategy,
        "scores": snap.scores,
        "levers": list(snap.levers),
        "extra": snap.extra or None,
    }


@dataclass(frozen=True)
class PlanInput:
    """A checked plan, as `kam plan check --record` gives it."""

    account_id: str
    account_name: str | None
    plan: dict[str, Any]
    as_of: dt.date
    findings: list[dict[str, str]]
    ruleset: tuple[str, str, str]
    source: str | None = None


def write_plan(conn: Connection, plan: PlanInput, *, by: str, now: dt.datetime) -> tuple[int, bool, str]:
    """(version, whether it is new, digest): a new version when the plan differs from its latest."""
    plan_digest = digest(plan.plan)
    latest = conn.execute(
        select(plan_versions.c.version, plan_versions.c.digest)
        .where(plan_versions.c.account_id == plan.account_id)
        .order_by(plan_versions.c.version.desc())
        .limit(1)
    ).first()
    if latest is not None and latest.digest == plan_digest:
        return int(latest.version), False, plan_digest
    version = 1 if latest is None else int(latest.version) + 1
    name, ruleset_version, ruleset_digest = plan.ruleset
    conn.execute(
        plan_versions.insert(),
        {
            "account_id": plan.account_id,
            "account_name": plan.account_name,
            "version": version,
            "digest": plan_digest,
            "plan": plan.plan,
            "as_of": plan.as_of,
            "findings": plan.findings,
            "ruleset_name": name,
            "ruleset_version": ruleset_version,
            "ruleset_digest": ruleset_digest,
            "source": plan.source,
            "recorded_at": now,
            "recorded_by": by,
        },
    )
    return version, True, plan_digest
