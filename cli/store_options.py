"""The history store on the command line: `--record` and `--db` (for kam advise, kam portfolio,
kam plan check), opening the store with its messages on standard error, and the line saying
what was recorded. The store itself (kamrules.store, SQLAlchemy) is imported only when used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

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


def open_for(db: str | None, *, create: bool = True) -> Any:
    """The store at `db` (else KAMRULES_DB, else the default file), its schema created or
    upgraded first with a message on standard error; `create=False` for the commands that only
    ask (a database with no history yet is an error, not created)."""
    from kamrules.store import open_store

    return open_store(db, notify=lambda message: click.echo(message, err=True), create=create)


def say_recorded(recorded: Any, store: Any) -> None:
    """One line on standard error: which run, how many advices, how many new, where."""
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
