"""`kam advise FILE…`: the treatment one or more accounts deserve (the main job)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from typing import TYPE_CHECKING

import click
import yaml

if TYPE_CHECKING:
    from kamrules.api import Engine
    from kamrules.model.advice import Advice

from .common import (
    as_of_option,
    emit,
    fail_on_option,
    format_option,
    lang_option,
    load_engine,
    out_option,
    reached,
    resolve_format,
    rules_option,
    styler,
    use_colour,
)
from .errors import render

FORMATS = ("text", "json", "yaml", "markdown")


@click.command("advise")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@rules_option
@format_option(FORMATS)
@lang_option
@as_of_option
@out_option
@click.option("--explain", is_flag=True, help="Show why (the trace) and why not (near misses).")
@fail_on_option("never")
def command(
    files: tuple[str, ...],
    rules: tuple[str, ...],
    fmt: str | None,
    lang: str,
    as_of: dt.date | None,
    out: str | None,
    explain: bool,
    fail_on: str,
) -> int:
    """Advise the accounts in FILE… (YAML, JSON, JSON Lines or CSV; - reads standard input).

    A file holds one account or a list of them. A bad account is reported (file, line, field,
    value, what was expected) and the others are still advised; the exit code is then 2.
    """
    engine = load_engine(rules)
    fmt = resolve_format(fmt, out, FORMATS)
    day = as_of or dt.date.today()
    advices, failed, crashed = _advise_files(files, engine, lang=lang, day=day, explain=explain)
    if advices:
        emit(_render(advices, engine, fmt, out, explain), out)
    if failed or crashed:
        total = failed + crashed
        noun = "account" if total == 1 else "accounts"
        click.echo(f"kam: {total} {noun} could not be advised (see above); {len(advices)} advised", err=True)
        return 3 if crashed else 2
    severities = [w.severity for a in advices for w in a.warnings]
    return 1 if reached(severities, fail_on) else 0


def _advise_files(
    files: tuple[str, ...], engine: Engine, *, lang: str, day: dt.date, explain: bool
) -> tuple[list[Advice], int, int]:
    """The advice of every account in `files`, and how many could not be advised: because of the
    input (each reported with its file and row), or because of a bug (reported, the rest go on)."""
    from kamrules.errors import KamError
    from kamrules.io.accounts import read_records
    from kamrules.model.validate import validate_account

    from .main import ISSUES_URL

    advices: list[Advice] = []
    failed = 0
    crashed = 0
    for path in files:
        try:
            records = list(read_records(path))
        except KamError as exc:
            click.echo(render(exc), err=True)
            failed += 1
            continue
        for record in records:
            if record.error is not None:
                # "accounts.csv row 3: accounts.csv:3: ..." names the row as a person counts it.
                prefix = f"{record.label}: " if record.label.startswith(f"{path} ") else ""
                click.echo(prefix + render(record.error), err=True)
                failed += 1
                continue
            try:
                account = validate_account(record.data, source=record.label, location=record.location)
                advices.append(engine.advise(account, lang=lang, as_of=day, explain=explain))
            except KamError as exc:
                click.echo(f"{record.label}: {render(exc)}", err=True)
                failed += 1
            except Exception as exc:
                click.echo(
                    f"{record.label}: internal error ({type(exc).__name__}: {exc}); the other accounts are still "
                    f"advised; please report it at {ISSUES_URL}",
                    err=True,
                )
                crashed += 1
    return advices, failed, crashed


def _render(advices: list[Advice], engine: Engine, fmt: str, out: str | None, explain: bool) -> str:
    from kamrules.advice.render import render_markdown, render_text

    if fmt == "json":
        data = [a.model_dump(mode="json", exclude_none=False) for a in advices]
        return json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        data = [a.model_dump(mode="json") for a in advices]
        return yaml.safe_dump(data[0] if len(data) == 1 else data, allow_unicode=True, sort_keys=False, width=100)
    if fmt == "markdown":
        return render_markdown(advices, engine.rulebase, explain=explain)
    width = min(110, shutil.get_terminal_size((100, 24)).columns)
    return render_text(advices, engine.rulebase, style=styler(use_colour(out)), width=width, explain=explain)
