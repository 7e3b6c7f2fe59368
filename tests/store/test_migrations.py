"""The schema's migrations: from an empty database, from the first schema with rows in it, and
the refusals (a newer schema, tables that are not kamrules')."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kamrules.store import StoreError, open_store
from kamrules.store.connect import make_engine, parse_url
from kamrules.store.migrate import REVISIONS, current_revision, migrations_folder, upgrade
from kamrules.store.schema import HEAD, VERSION_TABLE, metadata


def revision_of(url: str) -> str | None:
    engine = make_engine(parse_url(url))
    try:
        with engine.connect() as conn:
            return current_revision(conn)
    finally:
        engine.dispose()


def test_the_revisions_kamrules_knows_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(migrations_folder()))
    assert scripts.get_current_head() == HEAD
    assert tuple(reversed([s.revision for s in scripts.walk_revisions()])) == REVISIONS


def test_an_empty_database_gets_the_schema_of_schema_py(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    messages: list[str] = []
    open_store(db_url, notify=messages.append).close()
    assert revision_of(db_url) == HEAD
    assert len(messages) == 1 and messages[0].startswith("kam: creating the history database at ")
    engine = make_engine(parse_url(db_url))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE, "compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()
    # Opened again: nothing to do, nothing said.
    open_store(db_url, notify=messages.append).close()
    assert len(messages) == 1


def _first_schema_rows(url: str) -> None:
    """A run of two advices, with warnings, written as kamrules 0001 wrote them."""
    engine = make_engine(parse_url(url))
    upgrade(engine, "0001", lambda _m: None)
    when = dt.datetime(2026, 6, 30, 9, 0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO runs (id, key, kind, recorded_at, recorded_by, as_of, accounts, summary, kamrules_version)"
                " VALUES (1, 'sha256:run', 'portfolio', :when, 'alice', :day, 2, :summary, '0.1.0')"
            ),
            {"when": when, "day": dt.date(2026, 6, 30), "summary": json.dumps({"largest": [{"name": "Acme"}]})},
        )
        for n, (ident, warnings) in enumerate(
            [("A-1", [["CONTRACT_EXPIRING", "high"], ["UNDECIDED", "high"]]), ("A-2", [])], start=1
        ):
            conn.execute(
                text(
                    "INSERT INTO advices (id, key, account_id, account_name, as_of, recorded_at, recorded_by, run_id,"
                    " facts, facts_digest, ruleset_name, ruleset_version, ruleset_digest, tier, profile,"
                    " profile_source, strategy, scores, warnings, levers)"
                    " VALUES (:id, :key, :account, 'Acme', :day, :when, 'alice', 1, :facts, 'sha256:f', 'rb', '1.0.0',"
                    " 'sha256:r', 'key_account', 'strategic', 'matrix', 'strategic_investment', :scores, :warnings,"
                    " '[]')"
                ),
                {
                    "id": n,
                    "key": f"sha256:{ident}",
                    "account": ident,
                    "day": dt.date(2026, 6, 30),
                    "when": when,
                    "facts": json.dumps({"id": ident, "name": "Acme"}),
                    "scores": json.dumps({"attractiveness": 7.5}),
                    "warnings": json.dumps(
                        [{"code": c, "severity": s, "rule": f"decision:{c.lower()}"} for c, s in warnings]
                    ),
                },
            )
            conn.execute(
                text("INSERT INTO run_advices (run_id, advice_id, position) VALUES (1, :id, :pos)"),
                {"id": n, "pos": n - 1},
            )
    engine.dispose()


def test_the_first_schema_with_rows_in_it_is_upgraded_and_keeps_them(db_url: str) -> None:
    _first_schema_rows(db_url)
    assert revision_of(db_url) == "0001"
    messages: list[str] = []
    with open_store(db_url, notify=messages.append) as store:
        assert revision_of(db_url) == HEAD
        assert messages[0].startswith("kam: upgrading the history database at ")
        assert "from schema 0001 to 0002; nothing stored is dropped" in messages[0]
        history = store.history("A-1")
        assert [(w.code, w.severity, w.subject) for w in history.entries[0].warnings] == [
            ("CONTRACT_EXPIRING", "high", "contract_expiring"),
            ("UNDECIDED", "high", "undecided"),
        ]
        assert store.history("A-2").entries[0].warnings == []
        run = store.run(1)
        assert (run.accounts, run.recorded_by, run.summary) == (2, "alice", {"largest": [{"name": "Acme"}]})
        assert store.check() == []
        # The new schema's features work on the old rows: erase a name (a NULL the old schema refused).
        store.purge("A-2", keep_decisions=True, by="dpo")
        assert store.history("A-2").account.name is None
        assert store.check() == []
    if db_url.startswith("sqlite"):
        copy = Path(parse_url(db_url).database or "").with_name("history.db.before-0002")
        old = create_engine(f"sqlite:///{copy}")
        with old.connect() as conn:
            assert conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar() == "0001"
            assert conn.execute(text("SELECT count(*) FROM advices")).scalar() == 2
        old.dispose()


def test_a_newer_schema_is_refused_untouched(db_url: str) -> None:
    open_store(db_url).close()
    engine = make_engine(parse_url(db_url))
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(StoreError, match="schema revision 0099, which this kamrules does not know"):
        open_store(db_url)
    assert revision_of(db_url) == "0099"


def test_tables_that_are_not_kamrules_are_never_touched(db_url: str) -> None:
    engine = make_engine(parse_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE advices (id INTEGER PRIMARY KEY, mine TEXT)"))
    engine.dispose()
    with pytest.raises(StoreError, match="not a kamrules history database"):
        open_store(db_url)
    assert revision_of(db_url) is None
