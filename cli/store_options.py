"""The history store on the command line: `--record` and `--db` (for kam advise, kam portfolio,
kam plan check), `--compare` (kam portfolio), opening the store with its messages on standard
error, and the line saying what was recorded. The store itself (kamrules.store, SQLAlchemy) is
imported only when used."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from kamrules.plan.api import CheckResult
    from kamrules.portfolio.run import Outcome
    from kamrules.store import ChangeReport, Recorded, Spool, Store

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        default=None,
        envvar="KAMRULES_DB",
        metavar="URL",
        help="The history database: a SQLite file (a file name or sqlite:///FILE) or postgresql://USER@HOST/DB "
        "(also KAMRULES_DB; default: history.db in your data folder). See docs/history.md.",
    )(func)


def record_options(func: F) -> F:
    """--record and --db."""
    func = db_option(func)
    return click.option(
        "--record",
        "record_history",
        is_flag=True,
        help="Also record the advice in the history database (kam history, kam changes); the same account "
        "with the same facts and rules on the same date is stored once.",
    )(func)


def compare_option(func: F) -> F:
    """--compare RUN (kam portfolio)."""
    return click.option(
        "--compare",
        metavar="RUN",
        default=None,
        help="Show the movements since a recorded run (its number, or last: the latest portfolio run) in the "
        "summary and the report.",
    )(func)


def open_for(db: str | None, *, create: bool = True) -> Store:
    """The store at `db` (else KAMRULES_DB, else the default file), its schema created or
    upgraded first with a message on standard error; `create=False` for the commands that only
    ask (a database with no history yet is an error, not created)."""
    from kamrules.store import open_store

    return open_store(db, notify=lambda message: click.echo(message, err=True), create=create)


def say_recorded(recorded: Recorded, store: Store) -> None:
    """One line on standard error: which run, how many advices, how many new, where."""
    for reason in recorded.refused:
        click.echo(f"kam: {reason}", err=True)
    run = recorded.run
    noun = "advice" if recorded.advices == 1 else "advices"
    if not recorded.new_run:
        click.echo(f"kam: already recorded as run {run.id} ({recorded.advices} {noun}) in {store.url}", err=True)
        return
    click.echo(
        f"kam: recorded run {run.id}: {recorded.advices} {noun}, {recorded.new} new, in {store.url}",
        err=True,
    )


def file_digest(path: str) -> str | None:
    """sha256 of the file's bytes (None for standard input, which cannot be read again)."""
    if path == "-":
        return None
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def record_plan(store: Store, result: CheckResult) -> None:
    """Record a checked plan (kam plan check --record) and say which version it is."""
    from kamrules.store import PlanInput

    plan = result.plan
    version = PlanInput(
        plan.account.id,
        plan.account.name,
        plan.model_dump(mode="json"),
        result.as_of,
        [{"id": f.id, "severity": f.severity} for f in result.findings],
        result.rules,
        source=result.loaded.source,
    )
    with store:
        done = store.record_plan(version)
    state = "recorded as version" if done.new else "unchanged since version"
    click.echo(f"kam: plan of {done.account.id} {state} {done.version} in {store.url}", err=True)


class PortfolioHistory:
    """kam portfolio --record and --compare: each advised row's snapshot spooled while the
    portfolio runs, then compared with a recorded run (as it was before this one is recorded),
    then recorded as one run."""

    def __init__(self, store: Store, spool: Spool, *, record: bool, compare: str | None) -> None:
        self.store = store
        self.spool = spool
        self.record = record
        self.compare = compare

    @classmethod
    def open(cls, db: str | None, *, record: bool, compare: str | None) -> PortfolioHistory | None:
        """The history of a run that records or compares (None for one that does neither); the
        database is opened now, so that a bad --db fails before the work."""
        if not record and compare is None:
            return None
        from kamrules.store import Spool

        return cls(open_for(db), Spool(), record=record, compare=compare)

    def add(self, cells: Mapping[str, Any], where: str) -> None:
        """Keep the snapshot an advised row carries (kamrules.store.snapshots.SNAPSHOT_CELL), or
        say, naming the row (`where`), why the history cannot keep it (the row is still advised)."""
        from kamrules.store.snapshots import SNAPSHOT_CELL, Snapshot

        kept = cells[SNAPSHOT_CELL]
        if isinstance(kept, Snapshot):
            self.spool.add(kept)
        else:
            click.echo(f"kam: {where}: {kept.code} {kept.message}", err=True)

    def finish(self, outcome: Outcome, file: str) -> ChangeReport | None:
        """Compare (--compare), then record (--record); the movements since the compared run."""
        from kamrules.portfolio.summary import summary_data
        from kamrules.store import RunMeta

        with self.store, self.spool:
            movements = None
            if self.compare is not None:
                movements = self.store.compare_with_run(self.compare, self.spool, kind="portfolio")
            if self.record and self.spool.count == 0:
                click.echo("kam: nothing recorded: no account could be advised", err=True)
            elif self.record:
                rb = outcome.engine.rulebase
                meta = RunMeta(
                    "portfolio",
                    as_of=outcome.request.as_of,
                    source="<stdin>" if file == "-" else file,
                    input_digest=file_digest(file),
                    ruleset=(rb.name, rb.version, rb.digest),
                    summary=summary_data(outcome),
                )
                say_recorded(self.store.record_run(meta, self.spool), self.store)
        return movements
