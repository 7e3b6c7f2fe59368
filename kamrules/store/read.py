"""Reading: the rows the history and the change reports are made of, as plain records."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select

from kamrules import codes
from kamrules.store.location import StoreError
from kamrules.store.models import RulesetRef, RunInfo
from kamrules.store.schema import advice_warnings, advices, plan_versions, run_advices, runs
from kamrules.store.snapshots import WarningRef

CHUNK = 500  # ids per IN (…) list


@dataclass(frozen=True)
class State:
    """An account's advice at one point: what the change reports compare."""

    advice_id: int
    account_id: str
    account_name: str | None
    as_of: dt.date
    tier: str | None
    profile: str | None
    strategy: str | None
    warnings: tuple[WarningRef, ...] = ()


def utc(value: dt.datetime) -> dt.datetime:
    """A stored time (naive, UTC) as an aware one."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def run_info(row: Row[Any]) -> RunInfo:
    ruleset = (
        RulesetRef(name=row.ruleset_name, version=row.ruleset_version or "", digest=row.ruleset_digest or "")
        if row.ruleset_name
        else None
    )
    return RunInfo(
        id=row.id,
        kind=row.kind,
        recorded_at=utc(row.recorded_at),
        recorded_by=row.recorded_by,
        as_of=row.as_of,
        source=row.source,
        input_digest=row.input_digest,
        ruleset=ruleset,
        accounts=row.accounts,
        summary=row.summary,
        kamrules_version=row.kamrules_version,
    )


# A run's number as a person writes it: ASCII digits (str.isdigit also takes '²' and other
# scripts' digits, which int() refuses), and no more than a BIGINT holds.
_RUN_NUMBER = re.compile(r"[0-9]{1,18}")


def find_run(conn: Connection, ref: int | str, kind: str | None = None, *, parameter: str = "run") -> RunInfo:
    """The run `ref` names: its id, or `last` (the latest run, of `kind` if given); `parameter`:
    the argument `ref` came from, named by a problem with it."""
    query = select(runs)
    text = str(ref).strip()
    if text.lower() in ("last", "latest"):
        if kind is not None:
            query = query.where(runs.c.kind == kind)
        row = conn.execute(query.order_by(runs.c.id.desc()).limit(1)).first()
        if row is None:
            what = f"{kind} run" if kind else "run"
            raise StoreError(codes.STORE_UNKNOWN_RUN, f"{{parameter}}: no {what} is recorded yet", parameter=parameter)
        return run_info(row)
    if _RUN_NUMBER.fullmatch(text) is None:
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise StoreError(
            codes.STORE_BAD_RUN,
            f"{{parameter}}: {shown!r} is not a run: give a run number or last",
            parameter=parameter,
        )
    row = conn.execute(query.where(runs.c.id == int(text))).first()
    if row is None:
        raise StoreError(codes.STORE_UNKNOWN_RUN, f"{{parameter}}: there is no run {text}", parameter=parameter)
    return run_info(row)


def list_runs(conn: Connection, limit: int, kind: str | None = None) -> list[RunInfo]:
    query = select(runs).order_by(runs.c.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(runs.c.kind == kind)
    return [run_info(row) for row in conn.execute(query)]


def account_advices(conn: Connection, account_id: str) -> list[Row[Any]]:
    """Every stored advice of the account, oldest first (by as-of date, then as recorded)."""
    query = select(advices).where(advices.c.account_id == account_id).order_by(advices.c.as_of, advices.c.id)
    return list(conn.execute(query))


def account_plans(conn: Connection, account_id: str) -> list[Row[Any]]:
    query = select(plan_versions).where(plan_versions.c.account_id == account_id).order_by(plan_versions.c.version)
    return list(conn.execute(query))


def warnings_of(conn: Connection, advice_ids: Iterable[int]) -> dict[int, tuple[WarningRef, ...]]:
    """Each advice's warnings, in their order."""
    ids = list(advice_ids)
    found: dict[int, list[WarningRef]] = {}
    for start in range(0, len(ids), CHUNK):
        query = (
            select(advice_warnings)
            .where(advice_warnings.c.advice_id.in_(ids[start : start + CHUNK]))
            .order_by(advice_warnings.c.advice_id, advice_warnings.c.position)
        )
        for row in conn.execute(query):
            found.setdefault(row.advice_id, []).append(WarningRef(row.code, row.severity, row.rule))
    return {advice_id: tuple(found.get(advice_id, ())) for advice_id in ids}


def latest_states(
    conn: Connection, *, before: dt.date | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, State]:
    """Each account's latest advice with an as-of date before `before` (or from `since` up to
    `until`, both included), by account id."""
    conditions = []
    if before is not None:
        conditions.append(advices.c.as_of < before)
    if since is not None:
        conditions.append(advices.c.as_of >= since)
    if until is not None:
        conditions.append(advices.c.as_of <= until)
    rank = (
        func.row_number()
        .over(partition_by=advices.c.account_id, order_by=(advices.c.as_of.desc(), advices.c.id.desc()))
        .label("rank")
    )
    ranked = select(*_state_columns(), rank).where(*conditions).subquery()
    rows = conn.execute(select(ranked).where(ranked.c.rank == 1))
    return _states(conn, rows)


def run_states(conn: Connection, run_id: int) -> dict[str, State]:
    """The advices run `run_id` gave, by account id (an account given twice: its last advice)."""
    query: Select[Any] = (
        select(*_state_columns())
        .join(run_advices, run_advices.c.advice_id == advices.c.id)
        .where(run_advices.c.run_id == run_id)
        .order_by(run_advices.c.position)
    )
    return _states(conn, conn.execute(query))


def _state_columns() -> Sequence[Any]:
    c = advices.c
    return (c.id, c.account_id, c.account_name, c.as_of, c.tier, c.profile, c.strategy)


def _states(conn: Connection, rows: Iterable[Row[Any]]) -> dict[str, State]:
    latest = {row.account_id: row for row in rows}
    warnings = warnings_of(conn, [row.id for row in latest.values()])
    return {
        account_id: State(
            row.id, account_id, row.account_name, row.as_of, row.tier, row.profile, row.strategy, warnings[row.id]
        )
        for account_id, row in latest.items()
    }
