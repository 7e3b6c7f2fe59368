"""The database's health, as `Store.check()` reports it: what a killed writer must never leave
behind (a torn page, a dangling reference, a run whose advices are not all there)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from kamrules.store.migrate import current_revision
from kamrules.store.schema import HEAD, advices, run_advices, runs


def problems(conn: Connection) -> list[str]:
    """Each problem found, in words; an empty list when the database is sound."""
    found: list[str] = []
    if conn.dialect.name == "sqlite":
        verdict = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
        if verdict != ["ok"]:
            found.extend(f"integrity_check: {line}" for line in verdict)
        for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
            found.append(f"{table} row {rowid} refers to a missing {parent} row")
    revision = current_revision(conn)
    if revision != HEAD:
        found.append(f"schema revision {revision}, expected {HEAD}")
    members = select(run_advices.c.run_id, func.count().label("n")).group_by(run_advices.c.run_id).subquery()
    query = (
        select(runs.c.id, runs.c.accounts, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.run_id == runs.c.id)
        .where(runs.c.accounts != func.coalesce(members.c.n, 0))
    )
    for run_id, said, holds in conn.execute(query):
        found.append(f"run {run_id} says it holds {said} advices but holds {holds}")
    empty = select(func.count()).select_from(runs).where(runs.c.accounts == 0)
    if (n := conn.execute(empty).scalar_one()) > 0:
        found.append(f"{n} runs hold no advice")
    orphans = (
        select(func.count())
        .select_from(advices)
        .where(~select(run_advices.c.advice_id).where(run_advices.c.advice_id == advices.c.id).exists())
    )
    if (n := conn.execute(orphans).scalar_one()) > 0:
        found.append(f"{n} advices belong to no run")
    return found
