"""`Store`: the history database behind one small interface, for `kam` and for the service.

Every method opens its own short transaction and returns plain data (pydantic models of
`kamrules.store.models`); a `Store` is safe to share between threads (SQLAlchemy's pool gives
each call its own connection).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from kamrules import codes
from kamrules.store import changes, protect, read, record, timeline
from kamrules.store.connect import checkpoint, explain, redact, with_retries
from kamrules.store.location import StoreError
from kamrules.store.models import ChangeReport, History, PlanRecorded, Purged, Recorded, RunInfo
from kamrules.store.record import PlanInput, RunMeta
from kamrules.store.schema import runs
from kamrules.store.snapshots import Snapshot, Spool, snapshot

NAME_LIMIT = 200  # the length of recorded_by
T = TypeVar("T")


def utcnow() -> dt.datetime:
    """Now, in UTC, as the store keeps times (naive)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def os_user() -> str:
    """Who runs kam: the operating system's user name."""
    try:
        return getpass.getuser()[:NAME_LIMIT] or "unknown"
    except (OSError, KeyError, ImportError):  # no user name in a bare container
        return "unknown"


def _version() -> str:
    from kamrules.version import __version__

    return __version__


class Store:
    """The history database (see `open_store`)."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self._engine = engine
        self._url = url

    @property
    def url(self) -> str:
        """The database's URL, without its password."""
        return redact(self._url)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return str(self._engine.dialect.name)

    def close(self) -> None:
        """Close the connections (a store is also a context manager)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- recording ---------------------------------------------------------------------------

    def record_advice(self, facts: Any, advice: Any, *, by: str | None = None, kind: str = "advise") -> Recorded:
        """Record one advice (`kamrules.Advice` or its JSON mapping) given for the account whose
        `facts` (`kamrules.Account` or its mapping) it was given; `by` is who asked (default: the
        OS user; the service passes its API key's name)."""
        return self.record_advices([(facts, advice)], by=by, kind=kind)

    def record_advices(
        self,
        pairs: Iterable[tuple[Any, Any]],
        *,
        by: str | None = None,
        kind: str = "advise",
        source: str | None = None,
    ) -> Recorded:
        """Record several (facts, advice) pairs as one run of `kind`, in one transaction; a pair
        the store cannot hold (STORE011) is left out, and said in `Recorded.refused`."""
        refused: list[str] = []
        with Spool() as spool:
            for facts, advice in pairs:
                try:
                    spool.add(snapshot(facts, advice))
                except StoreError as exc:
                    refused.append(exc.problem.render())  # with its code
            if spool.count == 0 and refused:
                raise StoreError(codes.STORE_UNSTORABLE, refused[0].removeprefix(f"{codes.STORE_UNSTORABLE} "))
            as_of = {snap.as_of for snap in spool}
            rulesets = {(s.ruleset_name, s.ruleset_version, s.ruleset_digest) for s in spool}
            meta = RunMeta(
                kind,
                as_of=as_of.pop() if len(as_of) == 1 else None,
                source=source,
                ruleset=rulesets.pop() if len(rulesets) == 1 else None,
            )
            recorded = self.record_run(meta, spool, by=by)
        return recorded.model_copy(update={"refused": refused}) if refused else recorded

    def record_run(self, meta: RunMeta, snapshots: Spool | Iterable[Snapshot], *, by: str | None = None) -> Recorded:
        """Record a run (a portfolio's: its snapshots, usually spooled while it ran) in one
        transaction: a reader sees all of it or none of it, whenever the writer is stopped."""
        if isinstance(snapshots, Spool):
            return self._record_spool(meta, snapshots, by)
        with Spool() as spool:
            for snap in snapshots:
                spool.add(snap)
            return self._record_spool(meta, spool, by)

    def _record_spool(self, meta: RunMeta, spool: Spool, by: str | None) -> Recorded:
        if spool.count == 0:
            raise StoreError(codes.STORE_NOTHING_TO_RECORD, "nothing to record: a run with no advice is not recorded")
        who = (by or os_user())[:NAME_LIMIT]
        now = utcnow()
        version = _version()

        def work(conn: Any) -> tuple[record.Written, RunInfo]:
            written = record.write_run(conn, meta, spool, spool.content_digest, by=who, now=now, version=version)
            return written, read.find_run(conn, written.run_id)

        written, info = self._write(work)
        return Recorded(run=info, new_run=written.new_run, advices=written.advices, new=written.new)

    def record_plan(self, plan: PlanInput, *, by: str | None = None) -> PlanRecorded:
        """Record a checked plan: a new version when it differs from the account's latest."""
        from kamrules.store.models import AccountRef

        who = (by or os_user())[:NAME_LIMIT]
        now = utcnow()
        version, new, plan_digest = self._write(lambda conn: record.write_plan(conn, plan, by=who, now=now))
        account = AccountRef(id=plan.account_id, name=plan.account_name)
        return PlanRecorded(account=account, version=version, new=new, digest=plan_digest)

    # -- asking ------------------------------------------------------------------------------

    def history(self, account_id: str, *, require: bool = False) -> History:
        """The account's timeline (every stored advice, oldest first) and plan versions; with
        `require`, an account with neither is a `StoreError` (STORE008) rather than empty."""
        if "\x00" in account_id:  # never stored (STORE011), and PostgreSQL refuses it in a query
            found = timeline.build_history(account_id, [], {}, [])
        else:
            with self._reading() as conn:
                rows = read.account_advices(conn, account_id)
                warnings = read.warnings_of(conn, [row.id for row in rows])
                plans = read.account_plans(conn, account_id)
            found = timeline.build_history(account_id, rows, warnings, plans)
        if require and not found.entries and not found.plans:
            raise StoreError(
                codes.STORE_UNKNOWN_ACCOUNT,
                f"nothing is recorded for the account {account_id!r}",
                parameter="account_id",
            )
        return found

    def changes_since(self, since: dt.date, until: dt.date | None = None) -> ChangeReport:
        """Each account's latest advice dated before `since` against its latest dated from
        `since` (up to `until`, included); accounts first advised since then are new."""
        if until is not None and until < since:
            raise StoreError(
                codes.STORE_BAD_PERIOD,
                f"{{parameter}}: {until} is before the period's start, {since}",
                parameter="until",
            )
        with self._reading() as conn:
            before = read.latest_states(conn, before=since)
            after = read.latest_states(conn, since=since, until=until)
        return changes.compare(before, after, since=since, until=until)

    def changes_between(self, run_a: int | str, run_b: int | str) -> ChangeReport:
        """Run A's advices against run B's (a run: its number, or `last`)."""
        with self._reading() as conn:
            a = read.find_run(conn, run_a, parameter="run_a")
            b = read.find_run(conn, run_b, parameter="run_b")
            before, after = read.run_states(conn, a.id), read.run_states(conn, b.id)
        return changes.compare(before, after, run_a=a, run_b=b)

    def compare_with_run(
        self, run: int | str, snapshots: Iterable[Snapshot], *, kind: str | None = None
    ) -> ChangeReport:
        """A recorded run against advices not (or not yet) recorded: `kam portfolio --compare`."""
        with self._reading() as conn:
            a = read.find_run(conn, run, kind)
            before = read.run_states(conn, a.id)
        after: dict[str, read.State] = {}
        for n, snap in enumerate(snapshots):
            state = (snap.account_id, snap.account_name, snap.as_of, snap.tier, snap.profile, snap.strategy)
            after[snap.account_id] = read.State(-n - 1, *state, snap.warnings)
        return changes.compare(before, after, run_a=a)

    def run(self, ref: int | str, *, kind: str | None = None) -> RunInfo:
        """The run `ref` names: its number, or `last` (the latest, of `kind` if given)."""
        with self._reading() as conn:
            return read.find_run(conn, ref, kind)

    def runs(self, limit: int = 20, *, kind: str | None = None) -> list[RunInfo]:
        """The latest runs, newest first."""
        with self._reading() as conn:
            return read.list_runs(conn, limit, kind)

    # -- data protection ---------------------------------------------------------------------

    def purge(self, account_id: str, *, keep_decisions: bool = False, by: str | None = None) -> Purged:
        """Erase the account (see `kamrules.store.protect`)."""
        who = (by or os_user())[:NAME_LIMIT]
        now = utcnow()
        done = self._write(
            lambda conn: protect.purge_account(conn, account_id, keep_decisions=keep_decisions, by=who, now=now)
        )
        checkpoint(self._engine)
        return done

    def retain(
        self, days: int, *, keep_decisions: bool = False, by: str | None = None, now: dt.datetime | None = None
    ) -> Purged:
        """Drop (or erase, with `keep_decisions`) what was recorded more than `days` days ago."""
        if days < 0:
            raise StoreError(
                codes.STORE_BAD_PERIOD, f"{{parameter}}: {days} is not a number of days (0 or more)", parameter="days"
            )
        who = (by or os_user())[:NAME_LIMIT]
        moment = now.astimezone(dt.UTC).replace(tzinfo=None) if now and now.tzinfo else (now or utcnow())
        cutoff = moment - dt.timedelta(days=days)
        done = self._write(lambda conn: protect.retain(conn, cutoff, keep_decisions=keep_decisions, by=who, now=moment))
        checkpoint(self._engine)
        return done

    def check(self) -> list[str]:
        """What is wrong with the database (empty when it is sound): SQLite's integrity and
        foreign-key checks, the schema revision, and every run's count of advices."""
        from kamrules.store.integrity import problems

        with self._reading() as conn:
            return problems(conn)

    # -- plumbing ----------------------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T]) -> T:
        try:
            return with_retries(self._engine, work)
        except DBAPIError as exc:
            raise explain(exc, self._url) from None

    def _reading(self) -> Any:
        return _Reading(self._engine, self._url)


class _Reading:
    """A read transaction; a database error becomes a `StoreError` naming the database."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self._engine = engine
        self._url = url
        self._conn: Any = None

    def __enter__(self) -> Any:
        try:
            self._conn = self._engine.connect()
            self._conn.begin()
        except DBAPIError as exc:
            raise explain(exc, self._url) from None
        return self._conn

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        try:
            self._conn.rollback()
            self._conn.close()
        finally:
            if isinstance(exc, DBAPIError):
                raise explain(exc, self._url) from None


def open_store(url: str | None = None, *, notify: Any = None, create: bool = True) -> Store:
    """Open the history database at `url` (else `$KAMRULES_DB`, else the SQLite file in the
    user's data folder), creating or upgrading its schema first (`notify` receives the one-line
    message saying so; default: none). With `create=False` (for a command that only asks), a
    database that holds no history yet is a `StoreError`, not created. Raises `StoreError` when
    it cannot."""
    from kamrules.store.connect import make_engine, parse_url
    from kamrules.store.location import chosen_url, data_dir
    from kamrules.store.migrate import ensure_schema

    chosen, default = chosen_url(url)
    parsed = parse_url(chosen)
    if not create:
        _require_history(parsed)
    if default:
        data_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(parsed)
    try:
        if not create:
            _require_schema(engine, parsed)
        ensure_schema(engine, notify or (lambda _message: None))
        with engine.connect() as conn:  # the schema now answers: fail here, not mid-run
            conn.execute(select(runs.c.id).limit(1)).all()
            conn.rollback()
    except DBAPIError as exc:
        engine.dispose()
        raise explain(exc, parsed) from None
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, parsed)


def _require_history(url: URL) -> None:
    from pathlib import Path

    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).exists():
        raise StoreError(codes.STORE_NO_HISTORY, f"there is no history at {redact(url)} yet", parameter="url")


def _require_schema(engine: Engine, url: URL) -> None:
    from kamrules.store.migrate import current_revision

    with engine.connect() as conn:
        revision = current_revision(conn)
        conn.rollback()
    if revision is None:
        raise StoreError(codes.STORE_NO_HISTORY, f"there is no history in {redact(url)} yet", parameter="url")
