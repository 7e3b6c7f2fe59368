"""`kam rules lint`: static analysis of a rule base."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from ..common import DateType, emit, lang_option, out_option, refuse_overwriting_inputs
from . import command
from .common import (
    FORMATS,
    builtin_option,
    dirs_argument,
    dirs_or_env,
    loaded_or_report,
    output_format,
    text_format_option,
    to_json,
)

if TYPE_CHECKING:
    pass


@command.command("lint")
@dirs_argument
@builtin_option
@text_format_option
@lang_option
@out_option
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["info", "low", "medium", "high", "never"]),
    default="medium",
    show_default=True,
    help="Exit 1 when a finding at or above this severity is found.",
)
@click.option("--select", "select", multiple=True, help="Run only these checks (id or name, e.g. KR101). Repeatable.")
@click.option("--ignore", "ignore", multiple=True, help="Skip these checks (id or name). Repeatable.")
@click.option(
    "--as-of",
    "as_of",
    type=DateType(),
    default=None,
    help="The evaluation date counter-examples are built for (date-relative rules); default today.",
)
def lint_command(
    dirs: tuple[str, ...],
    no_builtin: bool,
    fmt: str | None,
    lang: str,
    out: str | None,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    as_of: dt.date | None,
) -> int:
    """Static analysis: table gaps, overlaps and masked rows (each with a counter-example ready
    to paste as a test), conditions that can never be true, unused parameters, texts missing a
    language, warning codes with no test, scorecard weights. docs/lint-rules.md explains each id.

    Without DIR, the folders of KAMRULES_PATH (as `kam advise` reads them), or the built-in
    rules alone when it is not set. The format is text, or JSON with --format json or an --out
    file ending in .json.

    Exit 1 when a finding reaches --fail-on (medium by default), 2 when the rules do not load.
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.toolkit.lint import check_ids, lint
    from kamrules.toolkit.render_lint import render_json, render_text

    from ..common import reached

    known = check_ids()
    for name in (*select, *ignore):
        if name not in known and name not in known.values():
            raise click.BadParameter(f"unknown check {name!r}; the checks are {', '.join(known)}")
    fmt = output_format(fmt, out, FORMATS)
    loaded = loaded_or_report(dirs_or_env(dirs), no_builtin)
    if loaded is None:
        return 2
    day = as_of or dt.date.today()
    findings = lint(loaded.rulebase, loaded.files, as_of=day, select=select, ignore=ignore)
    if fmt == "json":
        emit(to_json(render_json(findings, lang, day)), out)
    else:
        emit(render_text(findings, lang, day), out)
    return 1 if reached([f.severity for f in findings], fail_on) else 0
