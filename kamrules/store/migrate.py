"""The schema, brought up to date on first use: kamrules runs its own Alembic migrations.

Opening a store reads the schema revision (one small query; Alembic is not even imported when
the schema is current). A database that is older is upgraded in one transaction, after a message
saying so; a SQLite file is first copied beside itself (`history.db.before-0002`). A migration
only ever adds or moves data, never drops any. A database written by a newer kamrules, or one
that holds kamrules' tables without its version table, is refused, never touched.

Two processes opening a new database at once do not both create it: the upgrade runs under the
database's write lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock) and reads the
revision again once it holds it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from kamrules import codes
from kamrules.store.connect import BEGIN, redact
from kamrules.store.location import StoreError
from kamrules.store.schema import HEAD, VERSION_TABLE, metadata

# The revisions this kamrules knows, oldest first (a test checks them against Alembic's).
REVISIONS = ("0001", "0002")
ADVISORY_LOCK = 0x6B616D72  # "kamr": the PostgreSQL advisory lock the upgrade holds

Notify = Callable[[str], None]


def current_revision(conn: Connection) -> str | None:
    """The database's schema revision, or None when it has no kamrules schema yet."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    value = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()  # noqa: S608 (a constant)
    return None if value is None else str(value)


def ensure_schema(engine: Engine, notify: Notify) -> None:
    """Upgrade the database to `HEAD` if it is older (see the module's docstring)."""
    with engine.connect() as conn:
        revision = current_revision(conn)
        conn.rollback()
    if revision == HEAD:
        return
    _refuse_unknown(revision, engine)
    upgrade(engine, HEAD, notify)


def upgrade(engine: Engine, target: str, notify: Notify) -> None:
    """Upgrade the database to the revision `target` in one transaction (tests stop at `0001`)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Copying a table (SQLite's way to alter one) must not cascade the deletion of the
            # old copy to the rows that refer to it; the keys are checked again before commit.
            # (Outside any transaction, where SQLite honours it: on the driver's connection.)
            _pragma(conn, "PRAGMA foreign_keys = OFF")
        try:
            conn.execution_options(**{BEGIN: "IMMEDIATE"})
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
                revision = current_revision(conn)
                if revision == target or (revision in REVISIONS and target in REVISIONS and revision > target):
                    return  # another process got there first
                _refuse_unknown(revision, engine)
                if revision is None:
                    _refuse_foreign(conn, engine)
                notify(_message(engine, revision, target))
                if revision is not None and sqlite:
                    _backup(engine, revision, target)
                _run_alembic(conn, target)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(
                            codes.STORE_SCHEMA,
                            f"{redact(engine.url)}: the upgrade would break {len(broken)} references",
                        )
        finally:
            if sqlite:
                _pragma(conn, "PRAGMA foreign_keys = ON")


def _pragma(conn: Connection, statement: str) -> None:
    driver = conn.connection.dbapi_connection
    if driver is not None:
        driver.execute(statement)


def _run_alembic(conn: Connection, target: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = conn
    command.upgrade(config, target)


def migrations_folder() -> Path:
    """The folder of the migrations, shipped inside the package."""
    return Path(str(resources.files("kamrules.store") / "migrations"))


def _refuse_unknown(revision: str | None, engine: Engine) -> None:
    if revision is not None and revision not in REVISIONS:
        raise StoreError(
            codes.STORE_SCHEMA,
            f"the history database {redact(engine.url)} has schema revision {revision}, which this kamrules does "
            f"not know (its newest is {HEAD}): it was written by a newer kamrules; upgrade kamrules to use it",
        )


def _refuse_foreign(conn: Connection, engine: Engine) -> None:
    ours = set(metadata.tables) & set(inspect(conn).get_table_names())
    if ours:
        raise StoreError(
            codes.STORE_SCHEMA,
            f"{{parameter}}: {redact(engine.url)} already has tables named {', '.join(sorted(ours))} but no "
            f"{VERSION_TABLE}: it is not a kamrules history database, and kamrules will not touch it",
            parameter="url",
        )


def _message(engine: Engine, revision: str | None, target: str) -> str:
    where = redact(engine.url)
    if revision is None:
        return f"kam: creating the history database at {where} (schema {target})"
    copy = " (a copy of it as it was is kept beside it)" if engine.dialect.name == "sqlite" else ""
    return (
        f"kam: upgrading the history database at {where} from schema {revision} to {target}; "
        f"nothing stored is dropped{copy}"
    )


def _backup(engine: Engine, revision: str, target: str) -> None:
    """Copy the SQLite file beside itself before an upgrade, with SQLite's online backup (which
    reads a consistent state even while others write)."""
    database = engine.url.database
    if not database or database == ":memory:":
        return
    source = Path(database)
    copy = source.with_name(f"{source.name}.before-{target}")
    if copy.exists():
        return  # an earlier attempt kept one: the older copy is the one worth keeping
    with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    dst.close()
    src.close()
