"""`kam history ACCOUNT | runs | purge`: what the history database holds.

`kam history ACCOUNT` prints the account's timeline: when its tier, profile, strategy and
warnings changed, and what caused each change (the facts that changed, a new rule base, or only
the date moving on). `kam history runs` lists the recorded runs (their numbers are what
`kam changes RUN_A RUN_B` and `kam portfolio --compare RUN` take). `kam history purge ACCOUNT`
erases an account; `kam history purge --retain DAYS` drops what is older (docs/security.md).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .common import emit, lang_option, out_format, out_option
from .store_options import db_option, open_for

FORMATS = ("text", "json", "markdown", "csv")


class _DefaultToShow(click.Group):
    """`kam history ACCOUNT` runs `kam history show ACCOUNT`: any first word that is not a
    subcommand is an account id (an account named `runs` or `purge`: kam history show runs)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().resolve_command(ctx, args)


@click.group("history", cls=_DefaultToShow)
def command() -> None:
    """What the history database holds (docs/history.md).

    \b
    kam history ACCOUNT                   the account's timeline: what changed, when, and why
    kam history runs                      the recorded runs, newest first
    kam history purge ACCOUNT             erase an account (--keep-decisions keeps them, without personal data)
    kam history purge --retain DAYS       drop what was recorded more than DAYS days ago
    """


@command.command("show")
@click.argument("account")
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (default text).")
@click.option("--all", "everything", is_flag=True, help="Show every recorded advice, also those that changed nothing.")
@lang_option
@out_option
def show(account: str, db: str | None, fmt: str | None, everything: bool, lang: str, out: str | None) -> int:
    """The timeline of ACCOUNT (its id): its first advice, then each change of tier, profile,
    strategy or warnings, with the facts or the rule base that caused it; then its plan versions."""
    from kamrules.store.render_history import render_csv, render_json, render_markdown, render_text

    fmt = out_format(fmt, out, FORMATS, default="text")
    with open_for(db, create=False) as store:
        history = store.history(account, require=True)
    if fmt == "json":
        text = render_json(history)
    elif fmt == "csv":
        text = render_csv(history)
    elif fmt == "markdown":
        text = render_markdown(history, lang, everything=everything)
    else:
        text = render_text(history, lang, everything=everything)
    emit(text, out)
    return 0


@command.command("runs")
@db_option
@click.option("--kind", default=None, help="Only runs of this kind (advise, portfolio, …).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many runs.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (default text).")
@lang_option
@out_option
def runs(db: str | None, kind: str | None, limit: int, fmt: str | None, lang: str, out: str | None) -> int:
    """The recorded runs, newest first: number, kind, when, by whom, as-of date, accounts, input."""
    from kamrules.store.render_history import render_runs

    fmt = out_format(fmt, out, FORMATS, default="text")
    with open_for(db, create=False) as store:
        found = store.runs(limit, kind=kind)
    emit(render_runs(found, fmt, lang), out)
    return 0


@command.command("purge")
@click.argument("account", required=False)
@db_option
@click.option(
    "--retain",
    type=click.IntRange(min=0),
    default=None,
    metavar="DAYS",
    help="Instead of an account: drop everything recorded more than DAYS days ago (that no newer run gave again).",
)
@click.option(
    "--keep-decisions",
    is_flag=True,
    help="Keep the decisions (tier, profile, strategy, scores, warning codes, levers); erase the facts, the "
    "account's name and the plans' texts.",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def purge(account: str | None, db: str | None, retain: int | None, keep_decisions: bool, yes: bool) -> int:
    """Erase ACCOUNT from the history database (its facts hold personal data: DMU entries name
    people), or with --retain DAYS what is older than that. Logged in the database (who, when,
    how many; no personal data). Cannot be undone."""
    if (account is None) == (retain is None):
        raise click.UsageError("give an ACCOUNT or --retain DAYS (one of the two)")
    what = f"the account {account!r}" if account is not None else f"everything recorded more than {retain} days ago"
    how = "erase the facts of" if keep_decisions else "delete"
    with open_for(db, create=False) as store:
        if not yes:
            if not sys.stdin.isatty():
                raise click.UsageError(f"this would {how} {what} in {store.url}: add --yes to confirm")
            click.confirm(f"{how.capitalize()} {what} in {store.url}?", abort=True, err=True)
        if account is not None:
            done = store.purge(account, keep_decisions=keep_decisions)
        else:
            assert retain is not None
            done = store.retain(retain, keep_decisions=keep_decisions)
    click.echo(_purged(done), err=True)
    return 0


def _purged(done: Any) -> str:
    verb = "erased the facts of" if done.keep_decisions else "deleted"
    subject = (
        f"the account {done.account_id}"
        if done.scope == "account"
        else f"what was recorded before {done.before:%Y-%m-%d %H:%M} UTC"
    )
    plans = f"{done.plans} plan version{'' if done.plans == 1 else 's'}"
    advices = f"{done.advices} advice{'' if done.advices == 1 else 's'}"
    runs = f"; {done.runs} run{'' if done.runs == 1 else 's'} left empty deleted" if done.runs else ""
    return f"kam: {subject}: {verb} {advices} and {plans}{runs}"
