"""`kam rules diff`: what changes between two rule bases, and its impact on a portfolio."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from ..common import DateType, emit, lang_option, out_option, refuse_overwriting_inputs
from . import command
from .common import (
    DIFF_FORMATS,
    builtin_option,
    loaded_or_report,
    output_format,
    to_json,
)

if TYPE_CHECKING:
    pass


@command.command("diff")
@click.argument("old", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.argument("new", required=False, type=click.Path(exists=True, file_okay=True, dir_okay=True))
@builtin_option
@click.option(
    "--accounts",
    "accounts",
    multiple=True,
    type=click.Path(allow_dash=True),
    help="A portfolio (YAML, JSON, JSON Lines or CSV): show which accounts the change moves. Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default=None,
    help="Output format: text, or by --out's extension (.json, .md).",
)
@lang_option
@out_option
@click.option(
    "--as-of", "as_of", type=DateType(), default=None, help="The evaluation date for the impact; default today."
)
def diff_command(
    old: str,
    new: str | None,
    no_builtin: bool,
    accounts: tuple[str, ...],
    fmt: str | None,
    lang: str,
    out: str | None,
    as_of: dt.date | None,
) -> int:
    """What changes from OLD to NEW: parameters, rules, tables and rows, not lines of text.

    OLD and NEW are rules folders, each layered on the built-in knowledge. With one folder,
    OLD is the built-in knowledge alone and NEW the folder on top of it: what your folder
    changes. With --accounts, the impact: which accounts change tier, profile, strategy or
    warnings, with counts and a table. KAMRULES_PATH does not apply here: only the folders
    given are compared. Exit 0, or 2 when the rules or the accounts are invalid.
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.api import Engine
    from kamrules.toolkit.diff import diff_rulebases
    from kamrules.toolkit.impact import impact
    from kamrules.toolkit.render_diff import render_json, render_markdown, render_text

    fmt = output_format(fmt, out, DIFF_FORMATS)
    sides = [(), (old,)] if new is None else [(old,), (new,)]
    if new is None and no_builtin:
        raise click.UsageError("with --no-builtin give both OLD and NEW")
    loaded = [loaded_or_report(side, no_builtin) for side in sides]
    if loaded[0] is None or loaded[1] is None:
        return 2
    before, after = loaded[0].rulebase, loaded[1].rulebase
    changes = diff_rulebases(before, after)
    result = None
    if accounts:
        result = impact(Engine(before), Engine(after), accounts, as_of=as_of or dt.date.today())
        for problem in result.invalid:
            click.echo(problem, err=True)
    if fmt == "json":
        text = to_json(render_json(changes, result))
    elif fmt == "markdown":
        text = render_markdown(changes, result, lang)
    else:
        text = render_text(changes, result, lang)
    emit(text, out)
    return 2 if result is not None and result.invalid else 0
