"""`kam changes --since DATE | RUN_A RUN_B`: what moved in the portfolio, from the history."""

from __future__ import annotations

import datetime as dt

import click

from .common import DateType, emit, lang_option, out_format, out_option
from .store_options import db_option, open_for

FORMATS = ("text", "json", "markdown", "csv")


@click.command("changes")
@click.argument("runs", nargs=-1, metavar="[RUN_A RUN_B]")
@click.option(
    "--since",
    type=DateType(),
    default=None,
    help="Compare each account's latest advice before DATE with its latest since.",
)
@click.option("--until", type=DateType(), default=None, help="With --since: ignore advices dated after DATE.")
@db_option
@lang_option
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (by --out's extension, else text)."
)
@out_option
def command(
    runs: tuple[str, ...],
    since: dt.date | None,
    until: dt.date | None,
    db: str | None,
    lang: str,
    fmt: str | None,
    out: str | None,
) -> int:
    """Accounts that moved tier, profile or strategy, warnings raised and cleared, accounts new
    (and, between runs, gone): since a date (by the advices' as-of dates), or from run RUN_A to
    run RUN_B (numbers from kam history runs, or last).

    \b
    kam changes --since 2026-07-01                     what changed since last quarter
    kam changes 3 last                                 from run 3 to the latest run
    """
    from kamrules.store.render_changes import render_csv, render_json, render_markdown, render_text

    if (since is None) == (not runs):
        raise click.UsageError("give --since DATE or two runs RUN_A RUN_B (one of the two)")
    if runs and len(runs) != 2:
        raise click.UsageError(f"give two runs, RUN_A and RUN_B (found {len(runs)})")
    if until is not None and since is None:
        raise click.UsageError("--until goes with --since")
    fmt = out_format(fmt, out, FORMATS, default="text")
    with open_for(db, create=False) as store:
        report = store.changes_since(since, until) if since is not None else store.changes_between(runs[0], runs[1])
    if fmt == "json":
        text = render_json(report)
    elif fmt == "csv":
        text = render_csv(report, lang)
    elif fmt == "markdown":
        text = render_markdown(report, lang)
    else:
        text = render_text(report, lang)
    emit(text, out)
    return 0
