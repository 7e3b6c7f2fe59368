"""Data protection: erasing an account (`kam history purge ACCOUNT`) and dropping what is older
than a retention period (`--retain DAYS`).

DMU entries name people, and facts hold addresses, phone numbers and e-mails. A purge deletes
the account's advices and plan versions; with `keep_decisions`, it keeps the decisions (tier,
profile, strategy, scores, warning codes, levers) and erases the facts, the account's name and
the plans' texts. Either way the account's name leaves the summaries of the runs it was in, runs
left with no advice are deleted, and the purge itself is logged (who, when, what, how many; no
personal data) in the `purges` table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, exists, func, select, update

from kamrules.store.models import Purged
from kamrules.store.schema import advices, plan_versions, purges, run_advices, runs

ERASED = "(erased)"
CHUNK = 500


def purge_account(conn: Connection, account_id: str, *, keep_decisions: bool, by: str, now: dt.datetime) -> Purged:
    ids = [int(i) for i in conn.execute(select(advices.c.id).where(advices.c.account_id == account_id)).scalars()]
    plans = conn.execute(
        select(func.count()).select_from(plan_versions).where(plan_versions.c.account_id == account_id)
    ).scalar_one()
    names = _names(conn, ids) | set(
        conn.execute(select(plan_versions.c.account_name).where(plan_versions.c.account_id == account_id)).scalars()
    )
    touched = _runs_of(conn, ids)
    if keep_decisions:
        _erase(conn, ids, now)
        conn.execute(
            update(plan_versions)
            .where(plan_versions.c.account_id == account_id)
            .values(plan=None, account_name=None, purged_at=now)
        )
    else:
        _delete(conn, ids)
        conn.execute(delete(plan_versions).where(plan_versions.c.account_id == account_id))
    _scrub_summaries(conn, touched, names)
    dropped = _recount(conn, touched)
    conn.execute(
        purges.insert(),
        {
            "at": now,
            "by": by,
            "scope": "account",
            "account_id": account_id,
            "before": None,
            "keep_decisions": keep_decisions,
            "advices": len(ids),
            "plans": plans,
        },
    )
    return Purged(
        scope="account",
        account_id=account_id,
        keep_decisions=keep_decisions,
        advices=len(ids),
        plans=int(plans),
        runs=dropped,
    )


def retain(conn: Connection, cutoff: dt.datetime, *, keep_decisions: bool, by: str, now: dt.datetime) -> Purged:
    """Drop (or erase, with `keep_decisions`) what was recorded before `cutoff`: advices no run
    since `cutoff` gave again, plan versions, and runs (their summaries and sources)."""
    recent = (
        select(run_advices.c.advice_id)
        .join(runs, runs.c.id == run_advices.c.run_id)
        .where(runs.c.recorded_at >= cutoff, run_advices.c.advice_id == advices.c.id)
    )
    old = select(advices.c.id).where(advices.c.recorded_at < cutoff, ~exists(recent))
    if keep_decisions:
        old = old.where(advices.c.purged_at.is_(None))
    ids = [int(i) for i in conn.execute(old).scalars()]
    old_plans = plan_versions.c.recorded_at < cutoff
    if keep_decisions:
        old_plans = old_plans & plan_versions.c.purged_at.is_(None)
    plans = conn.execute(select(func.count()).select_from(plan_versions).where(old_plans)).scalar_one()
    names = _names(conn, ids)
    touched = _runs_of(conn, ids)
    old_runs = [int(i) for i in conn.execute(select(runs.c.id).where(runs.c.recorded_at < cutoff)).scalars()]
    if keep_decisions:
        _erase(conn, ids, now)
        conn.execute(update(plan_versions).where(old_plans).values(plan=None, account_name=None, purged_at=now))
        _scrub_summaries(conn, touched, names)
        dropped = _recount(conn, touched)
    else:
        _delete(conn, ids)
        conn.execute(delete(plan_versions).where(old_plans))
        _scrub_summaries(conn, touched, names)
        for chunk in _chunks(old_runs):
            conn.execute(delete(runs).where(runs.c.id.in_(chunk)))
        gone = set(old_runs)
        dropped = len(old_runs) + _recount(conn, [r for r in touched if r not in gone])
    conn.execute(
        purges.insert(),
        {
            "at": now,
            "by": by,
            "scope": "retain",
            "account_id": None,
            "before": cutoff,
            "keep_decisions": keep_decisions,
            "advices": len(ids),
            "plans": plans,
        },
    )
    return Purged(
        scope="retain", before=cutoff, keep_decisions=keep_decisions, advices=len(ids), plans=int(plans), runs=dropped
    )


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _names(conn: Connection, ids: list[int]) -> set[str]:
    names: set[str] = set()
    for chunk in _chunks(ids):
        names.update(
            n for n in conn.execute(select(advices.c.account_name).where(advices.c.id.in_(chunk))).scalars() if n
        )
    return names


def _runs_of(conn: Connection, ids: list[int]) -> list[int]:
    found: set[int] = set()
    for chunk in _chunks(ids):
        query = select(run_advices.c.run_id).where(run_advices.c.advice_id.in_(chunk)).distinct()
        found.update(int(r) for r in conn.execute(query).scalars())
    return sorted(found)


def _erase(conn: Connection, ids: list[int], now: dt.datetime) -> None:
    for chunk in _chunks(ids):
        conn.execute(
            update(advices).where(advices.c.id.in_(chunk)).values(facts=None, account_name=None, purged_at=now)
        )


def _delete(conn: Connection, ids: list[int]) -> None:
    # Their warnings and run memberships go with them (ON DELETE CASCADE).
    for chunk in _chunks(ids):
        conn.execute(delete(advices).where(advices.c.id.in_(chunk)))


def _scrub_summaries(conn: Connection, run_ids: list[int], names: set[str]) -> None:
    """Take the names out of the runs' summaries (a portfolio summary names its largest accounts)."""
    if not names:
        return
    for chunk in _chunks(run_ids):
        for run_id, summary in conn.execute(select(runs.c.id, runs.c.summary).where(runs.c.id.in_(chunk))):
            cleaned = _without_names(summary, names)
            if cleaned != summary:
                conn.execute(update(runs).where(runs.c.id == run_id).values(summary=cleaned))


def _without_names(value: Any, names: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without_names(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_names(v, names) for v in value]
    return ERASED if isinstance(value, str) and value in names else value


def _recount(conn: Connection, run_ids: list[int]) -> int:
    """Set each run's count of advices again; delete the runs left with none. How many went."""
    dropped = 0
    for run_id in run_ids:
        count = conn.execute(
            select(func.count()).select_from(run_advices).where(run_advices.c.run_id == run_id)
        ).scalar_one()
        if count == 0:
            conn.execute(delete(runs).where(runs.c.id == run_id))
            dropped += 1
        else:
            conn.execute(update(runs).where(runs.c.id == run_id).values(accounts=count))
    return dropped
