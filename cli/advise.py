"""`kam advise FILE…`: the treatment one or more accounts deserve (the main job)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from kamrules.advice.stream import AdviceStream
    from kamrules.api import Engine
    from kamrules.errors import Note
    from kamrules.model.account import Account
    from kamrules.model.advice import Advice
    from kamrules.model.cellformats import Forced

from .cellformat import cell_format_options, check_cell_formats
from .common import (
    as_of_option,
    echo_out,
    fail_on_option,
    format_option,
    lang_option,
    load_engine,
    out_option,
    reached,
    refuse_overwriting_inputs,
    resolve_format,
    rules_option,
    styler,
    use_colour,
)
from .errors import option, render
from .store_options import record_options

FORMATS = ("text", "json", "yaml", "markdown")


@click.command("advise")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@rules_option
@format_option(FORMATS)
@lang_option
@as_of_option
@out_option
@click.option("--explain", is_flag=True, help="Show why (the trace) and why not (near misses).")
@cell_format_options
@fail_on_option("never")
@record_options
def command(
    files: tuple[str, ...],
    rules: tuple[str, ...],
    fmt: str | None,
    lang: str,
    as_of: dt.date | None,
    out: str | None,
    explain: bool,
    decimal: str | None,
    thousands: str | None,
    dates: str | None,
    fail_on: str,
    record_history: bool,
    db: str | None,
) -> int:
    """Advise the accounts in FILE… (YAML, JSON, JSON Lines or CSV; - reads standard input).

    A file holds one account or a list of them. A bad account is reported (file, line, field,
    value, what was expected) and the others are still advised; the exit code is then 2.
    With --record, the accounts advised are recorded in the history database (kam history).
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    check_cell_formats(decimal, thousands)
    from kamrules.advice.stream import AdviceStream
    from kamrules.errors import KamError
    from kamrules.model.cellformats import Forced

    from .store_options import open_for, say_recorded

    forced = Forced(decimal, thousands, dates)
    engine = load_engine(rules)
    fmt = resolve_format(fmt, out, FORMATS)
    day = as_of or dt.date.today()
    width = min(110, shutil.get_terminal_size((100, 24)).columns)
    store = open_for(db) if record_history else None  # a database that cannot be used fails before any work
    tally = _Tally()
    not_recorded: KamError | None = None
    with contextlib.ExitStack() as outputs:
        # The output is opened at the first advice (no advice, no file), and each advice is
        # written as it is made: memory does not grow with the number of accounts (what is
        # recorded waits in the store's spool, a temporary file, until the one transaction).
        stream = AdviceStream(
            _lazy_writer(out, outputs),
            fmt,
            engine.rulebase,
            explain=explain,
            style=styler(use_colour(out)),
            width=width,
        )
        advised = (
            pair
            for path in files
            for pair in _advise_file(path, engine, stream, tally, forced, lang=lang, day=day, explain=explain)
        )
        if store is None:
            for _ in advised:
                pass
        else:
            with store:
                first = next(advised, None)  # no account advised, no run recorded
                if first is not None:
                    try:
                        recorded = store.record_advices(itertools.chain([first], advised), source=", ".join(files))
                    except KamError as exc:  # nothing could be recorded: the advice is still given, then this
                        not_recorded = exc
                    else:
                        say_recorded(recorded, store)
        stream.close()
    if not_recorded is not None:
        raise not_recorded
    if tally.failed or tally.crashed:
        from kamrules.i18n.problem_words import words

        failed = tally.failed + tally.crashed
        click.echo(f"kam: {words('advise.not_advised', lang, failed=failed, advised=tally.advised)}", err=True)
        return 3 if tally.crashed else 2
    return 1 if reached(sorted(tally.severities), fail_on) else 0


@dataclass
class _Tally:
    """What a run did: accounts advised, failed (the input's fault) or crashed (a bug), and the
    severities of the warnings seen (for --fail-on: the severities, not the advice, are kept)."""

    advised: int = 0
    failed: int = 0
    crashed: int = 0
    severities: set[str] = field(default_factory=set)


def _advise_file(
    path: str,
    engine: Engine,
    stream: AdviceStream,
    tally: _Tally,
    forced: Forced,
    *,
    lang: str,
    day: dt.date,
    explain: bool,
) -> Iterator[tuple[Account, Advice]]:
    """Advise every account of `path` into `stream` as it is read, yielding each with its advice
    (for --record): a bad row is reported with its file and row (the input's fault) or as an
    internal error (a bug), and the rest go on. How a CSV file's numbers and dates were read
    (`forced`, or detected) is said where it mattered."""
    from kamrules.errors import KamError, OutputError
    from kamrules.i18n.problem_words import words
    from kamrules.io.accounts import read_records
    from kamrules.model.cellformats import FileCells
    from kamrules.model.validate import validate_account

    from .main import ISSUES_URL

    notes: list[Note] = []  # filled once the file's formats are decided, before its first record
    try:
        for record in read_records(path, cells=lambda: FileCells(forced), notes=notes):
            _say_notes(notes, lang)
            label = _label(record.label, path, lang)
            if record.error is not None:
                # "accounts.csv row 3: accounts.csv:3: ..." names the row as a person counts it.
                prefix = f"{label}: " if record.label.startswith(f"{path} ") else ""
                click.echo(prefix + render(record.error, lang), err=True)
                tally.failed += 1
                continue
            try:
                account = validate_account(record.data, source=record.label, location=record.location)
                advice = engine.advise(account, lang=lang, as_of=day, explain=explain)
            except KamError as exc:
                click.echo(f"{label}: {render(exc, lang)}", err=True)
                tally.failed += 1
                continue
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                click.echo(f"{label}: {words('advise.internal', lang, error=error, url=ISSUES_URL)}", err=True)
                tally.crashed += 1
                continue
            stream.add(advice)
            yield account, advice
            tally.advised += 1
            tally.severities.update(w.severity for w in advice.warnings)
    except OutputError:
        raise  # the output cannot be written: nothing more can be done
    except KamError as exc:  # the file cannot be read (or stops being readable)
        _say_notes(notes, lang)
        click.echo(render(exc, lang), err=True)
        tally.failed += 1
    _say_notes(notes, lang)


def _label(label: str, path: str, lang: str) -> str:
    """A record's label (`accounts.csv row 3`, as the reader names it) in `lang`."""
    from kamrules.i18n.problem_words import words

    row = label.removeprefix(f"{path} row ")
    return words("row", lang, file=path, row=int(row)) if row != label and row.isdigit() else label


def _say_notes(notes: list[Note], lang: str) -> None:
    """How a CSV file's numbers and dates were read, where it mattered (each said once)."""
    from kamrules.i18n.cellnotes import note_text

    for note in notes:
        click.echo(f"kam: {note_text(note, option, lang)}", err=True)
    notes.clear()


def _lazy_writer(out: str | None, outputs: contextlib.ExitStack) -> Callable[[str], None]:
    """Where the advice goes: standard output, or `out` written atomically (opened at the first
    write, committed when `outputs` closes without an error)."""
    from kamrules.io.atomic import atomic_writer

    if not out:
        return lambda text: echo_out(text, whole=False)
    handle: list[Any] = []

    def write(text: str) -> None:
        if not handle:
            handle.append(outputs.enter_context(atomic_writer(out)))
        handle[0].write(text)

    return write
