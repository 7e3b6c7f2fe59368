"""Opening the database: one SQLAlchemy engine per store, set up for several writers at once.

SQLite: WAL mode (readers never wait for the writer), a busy timeout (a writer waits for
another's transaction instead of failing), foreign keys enforced, and transactions begun by us
(pysqlite's own implicit BEGIN comes too late to protect a read followed by a write): writes
begin with `BEGIN IMMEDIATE`, which takes the write lock up front, so two writers queue rather
than deadlock. PostgreSQL: psycopg 3, read-committed transactions, a connect timeout.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

from kamrules import codes
from kamrules.store.location import SUPPORTED, StoreError

BUSY_TIMEOUT_S = 60  # how long a SQLite writer waits for another's transaction
CONNECT_TIMEOUT_S = 10  # how long a PostgreSQL connection waits for the server
WRITE_ATTEMPTS = 5  # a write that meets a deadlock or a busy database is tried this many times
BEGIN = "kam_begin"  # execution option: how a SQLite transaction begins (DEFERRED or IMMEDIATE)
# PostgreSQL error codes worth a new attempt: serialization failure, deadlock, unique violation
# (two writers numbering the same plan version at once).
RETRY_PGCODES = frozenset({"40001", "40P01", "23505"})

T = TypeVar("T")


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL of `url`, on a driver kamrules ships: pysqlite or psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            codes.STORE_BAD_URL,
            f"{{parameter}}: {redact(url)!r} is not a database URL; give {SUPPORTED}",
            parameter="url",
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    raise StoreError(
        codes.STORE_BAD_URL,
        f"{{parameter}}: kamrules cannot keep its history in {backend!r}; give {SUPPORTED}",
        parameter="url",
    )


def redact(url: str | URL) -> str:
    """`url` without its password, for messages."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except ArgumentError:
        return "<not a URL>"
    if parsed.get_backend_name() == "sqlite":  # a file: its name says it best
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def make_engine(url: URL) -> Engine:
    """An engine on `url` (from `parse_url`), set up as the module's docstring says."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "kamrules"},
    )


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        path = Path(database).expanduser().resolve()
        if not path.parent.is_dir():
            raise StoreError(
                codes.STORE_NO_FILE,
                f"{{parameter}}: {redact(url)}: the folder {path.parent} does not exist",
                parameter="url",
            )
        _create_private(path)
    options: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}}
    if in_memory:  # one connection, or every connection would see its own empty database
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN: `on_begin` says how
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        if not in_memory:
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                raise StoreError(
                    codes.STORE_DATABASE,
                    f"{redact(url)}: SQLite refused WAL mode (journal mode {mode[0] if mode else '?'}); "
                    "is the file on a network share? Keep it on a local disk, or use PostgreSQL",
                )
        cursor.execute("PRAGMA foreign_keys = ON")
        # What a purge deletes is overwritten, not left in the file's free pages.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {'IMMEDIATE' if mode == 'IMMEDIATE' else 'DEFERRED'}")

    return engine


def _create_private(path: Path) -> None:
    """A new database file is readable by its owner only: it holds personal data (SQLite gives
    its -wal and -shm files the same permissions)."""
    import os

    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(
            codes.STORE_NO_FILE, f"{{parameter}}: cannot create {path}: {exc.strerror or exc}", parameter="url"
        ) from None


def checkpoint(engine: Engine) -> None:
    """Fold SQLite's write-ahead log into the file and empty it, so that what a purge deleted
    does not linger in the log either (PostgreSQL: nothing to do here; see docs/security.md)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        if driver is not None:
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction, committed at the end of the block (rolled back if it
    raises)."""
    with engine.connect() as conn:
        conn.execution_options(**{BEGIN: "IMMEDIATE"})
        with conn.begin():
            yield conn


def with_retries(engine: Engine, work: Callable[[Connection], T]) -> T:
    """`work` in a write transaction, tried again (a fresh transaction) when it meets a deadlock,
    a serialization failure or a database busy past its timeout; the last failure is raised."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with writing(engine) as conn:
                return work(conn)
        except DBAPIError as exc:
            if attempt == WRITE_ATTEMPTS or not _transient(exc):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _transient(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None)
    if code in RETRY_PGCODES:
        return True
    text = str(exc.orig).lower()
    return isinstance(exc, OperationalError) and ("database is locked" in text or "database is busy" in text)


def explain(exc: DBAPIError, url: URL) -> StoreError:
    """A database error as a one-line message for the user."""
    first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    return StoreError(codes.STORE_DATABASE, f"history database {redact(url)}: {first}")
