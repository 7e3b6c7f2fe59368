"""`kam portfolio FILE`: advice and the portfolio matrices for a whole portfolio."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml
from kamrules.cli.common import EXTENSION_FORMATS, as_of_option, fail_on_option, lang_option, reached, rules_option
from kamrules.cli.store_options import record_options


def _encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--encoding names a text encoding Python knows: checked now, a usage error (exit 2) if not."""
    from kamrules.io.textfile import check_encoding

    try:
        return None if value is None else check_encoding(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _delimiter(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--delimiter is one character (`tab` or `\\t` for a tab): checked now, exit 2 if not."""
    from kamrules.io.textfile import check_delimiter

    try:
        return None if value is None else check_delimiter(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


PROGRESS_FROM = 1000  # rows: shorter runs finish before a bar would be worth reading
ROW_FORMATS = ("csv", "xlsx", "jsonl")
SUMMARY_FORMATS = ("markdown", "text", "json", "yaml")


@click.command("portfolio")
@click.argument("file", type=click.Path(allow_dash=True))
@rules_option
@lang_option
@as_of_option
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write one row per account (advice or error) to this file, atomically: .csv, .xlsx or .jsonl "
    "(or the summary, to .md, .txt, .json or .yaml).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*ROW_FORMATS, *SUMMARY_FORMATS]),
    default=None,
    help="csv, xlsx or jsonl: the rows' format (of --out, or on standard output for csv and jsonl "
    "without --out); markdown (the default), text, json or yaml: the summary's.",
)
@click.option(
    "--out-delimiter",
    type=click.Choice([",", ";", "tab"]),
    default=",",
    show_default=True,
    help="Delimiter of a CSV --out (';' for Excel in much of Europe).",
)
@click.option(
    "--input-format",
    type=click.Choice(["csv", "xlsx", "jsonl", "yaml", "json"]),
    default=None,
    help="Format of FILE (default: from its name and content).",
)
@click.option(
    "--encoding",
    default=None,
    callback=_encoding,
    help="Encoding of a CSV or JSON Lines FILE, e.g. utf-8, cp1252, utf-16 (default: detected).",
)
@click.option(
    "--delimiter",
    default=None,
    callback=_delimiter,
    help="Delimiter of a CSV FILE, one character or tab (default: detected from the header).",
)
@click.option(
    "--columns",
    "columns",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A column map (YAML) naming the account fact of each column of a CRM export.",
)
@click.option(
    "--sectors",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A sectors file (YAML): each sector scored on the deck's criteria, for the target sectors matrix.",
)
@click.option(
    "--plans",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="A folder of Key Account Development Plans, one file per account id (<id>.yaml, .yml or .json).",
)
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write a self-contained HTML report (matrices, warnings, a sortable table of accounts).",
)
@click.option(
    "--plot",
    "plot_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write each matrix as SVG and PNG into this folder (PNG needs: pip install 'kamrules[plots]').",
)
@click.option(
    "--labels", type=click.IntRange(min=0), default=15, show_default=True, help="Largest accounts named on the plots."
)
@fail_on_option("never")
@record_options
@click.option(
    "--compare",
    metavar="RUN",
    default=None,
    help="Show the movements since a recorded run (its number, or last: the latest portfolio run) in the summary "
    "and the report.",
)
def command(
    file: str,
    rules: tuple[str, ...],
    lang: str,
    as_of: dt.date | None,
    out: str | None,
    fmt: str | None,
    out_delimiter: str,
    input_format: str | None,
    encoding: str | None,
    delimiter: str | None,
    columns: str | None,
    sectors: str | None,
    plans: str | None,
    jobs: int,
    report: str | None,
    plot_dir: str | None,
    labels: int,
    fail_on: str,
    record_history: bool,
    db: str | None,
    compare: str | None,
) -> int:
    """Advise every account of FILE (CSV, XLSX, JSON Lines, YAML or JSON list; - reads standard
    input) and place it on the six portfolio matrices.

    Prints a Markdown summary. A row that cannot be advised becomes an error row (in --out and on
    standard error, with its row number, column and problem); the others are still advised, and
    the exit code is then 2. The file is read twice: a first pass ranks revenue for the ABC
    classes and finds duplicate ids.
    """
    from kamrules.cli.common import split_rules

    from kamrules.io.outputs import format_of, row_writer, stream_writer
    from kamrules.portfolio.run import PortfolioRun, Request
    from kamrules.portfolio.texts import words

    w = words(lang)
    row_fmt = fmt if fmt in ROW_FORMATS else None
    by_extension = EXTENSION_FORMATS.get(Path(out).suffix.lower()) if out else None
    # --out summary.md (or .txt, .json, .yaml) takes the summary instead of standard output.
    summary_out = out if out and row_fmt is None and by_extension in SUMMARY_FORMATS else None
    summary_fmt = fmt if fmt in SUMMARY_FORMATS else (by_extension if summary_out else None) or "markdown"
    out = None if summary_out else out
    out_fmt = format_of(out, row_fmt) if out else row_fmt
    if out and out_fmt is None:
        raise click.BadParameter(
            "the file name must end in .csv, .xlsx, .jsonl or .ndjson for the rows, or .md, .markdown, .txt, "
            ".json, .yaml or .yml for the summary (or give --format)",
            param_hint="--out",
        )
    if out_fmt == "xlsx" and not out:
        raise click.BadParameter("an XLSX workbook needs a file: give --out FILE.xlsx", param_hint="--format")
    # Rows on standard output (--format csv|jsonl without --out) leave no room for the summary.
    rows_to_stdout = out_fmt is not None and not out
    if plot_dir:
        from kamrules.portfolio.png import require_matplotlib

        require_matplotlib()  # say now, not after the whole portfolio, that PNGs cannot be drawn
    request = Request(
        file,
        as_of or dt.date.today(),
        lang,
        input_format,
        encoding,
        delimiter,
        columns,
        sectors,
        plans,
        tuple(split_rules(rules)),
        jobs,
        keep_points=bool(report or plot_dir),
        labels=labels,
        snapshots=record_history or compare is not None,
    )
    closing = contextlib.ExitStack()
    bar: list[Any] = []

    def progress(done: int, total: int) -> None:
        if total < PROGRESS_FROM or not sys.stderr.isatty():
            return
        if not bar:  # made at the first row, when the first pass has counted them
            bar.append(closing.enter_context(click.progressbar(length=total, label=w["progress"], file=sys.stderr)))
        bar[0].update(1)

    def report_problems(result: Any, name: str) -> None:
        for p in result.problems:
            where = f"{name}:{p.line}" if p.line else name
            column = f", {w['column']} {p.column}" if p.column else ""
            click.echo(f"{where}: {w['row']} {result.row}{column}: {p.code} {p.message}", err=True)

    from kamrules.portfolio.evaluate import INTERNAL

    job = PortfolioRun(request)  # rules, maps, sectors: any problem with them stops us here
    for skipped in job.skipped_plans:  # a plan file that cannot be read is not a plan
        click.echo(f"kam: --plans: {skipped}", err=True)
    crashed: list[int] = []  # rows where kamrules met a bug (reported; the other rows go on)
    from kamrules.cli.store_options import open_for

    store = open_for(db) if request.snapshots else None  # before the work: a bad --db fails fast
    spool = _spool() if store is not None else None

    def run(sink: Any) -> Any:
        name = "<stdin>" if file == "-" else file

        def on_row(result: Any) -> None:
            if sink is not None:
                sink.write(result.cells)
            if spool is not None and result.ok:
                spool.add(result.cells[_SNAPSHOT])
            if not result.ok:
                report_problems(result, name)
                if any(p.code == INTERNAL for p in result.problems):
                    crashed.append(result.row)

        with closing:
            return job.run(on_row, progress)

    delim = "\t" if out_delimiter == "tab" else out_delimiter
    if out and out_fmt:
        with row_writer(out, out_fmt, job.columns, delimiter=delim) as sink:
            outcome = run(sink)
    elif rows_to_stdout and out_fmt:
        outcome = run(stream_writer(sys.stdout, out_fmt, job.columns, delimiter=delim))
    else:
        outcome = run(None)
    movements = _use_store(store, spool, outcome, file, record_history, compare)
    _write_pictures(outcome, report, plot_dir, movements)
    if summary_out:
        from kamrules.io.atomic import write_text_atomic

        write_text_atomic(summary_out, _summary(outcome, summary_fmt, movements))
    elif not rows_to_stdout:
        click.echo(_summary(outcome, summary_fmt, movements), nl=False)
    if outcome.tally.rejected:
        noun = w["error"] if outcome.tally.rejected == 1 else w["errors"]
        click.echo(f"kam: {outcome.tally.rejected} {noun}", err=True)
        if crashed:
            from kamrules.cli.main import ISSUES_URL

            click.echo(
                f"kam: internal errors on rows {', '.join(map(str, crashed[:10]))}; please report them at "
                f"{ISSUES_URL} (rerun with --debug for details)",
                err=True,
            )
            return 3
        return 2
    severities = [warn.severity for warn in outcome.warnings]
    severities += [severity for _code, severity in outcome.tally.warnings]
    return 1 if reached(severities, fail_on) else 0


_SNAPSHOT = "_snapshot"  # kamrules.store.snapshots.SNAPSHOT_CELL, without importing the store


def _spool() -> Any:
    from kamrules.store import Spool

    return Spool()


def _use_store(store: Any, spool: Any, outcome: Any, file: str, record: bool, compare: str | None) -> Any:
    """--compare (against the run as it was before this one is recorded), then --record; the
    movements since the compared run, or None."""
    if store is None:
        return None
    from kamrules.cli.store_options import file_digest, say_recorded

    from kamrules.portfolio.summary import summary_data
    from kamrules.store import RunMeta

    with store, spool:
        movements = store.compare_with_run(compare, spool, kind="portfolio") if compare is not None else None
        if record and spool.count == 0:
            click.echo("kam: nothing recorded: no account could be advised", err=True)
        elif record:
            rb = outcome.engine.rulebase
            meta = RunMeta(
                "portfolio",
                as_of=outcome.request.as_of,
                source="<stdin>" if file == "-" else file,
                input_digest=file_digest(file),
                ruleset=(rb.name, rb.version, rb.digest),
                summary=summary_data(outcome),
            )
            say_recorded(store.record_run(meta, spool), store)
    return movements


def _summary(outcome: Any, fmt: str, movements: Any = None) -> str:
    from kamrules.portfolio.summary import render_summary, summary_data

    if fmt in ("json", "yaml"):
        data = summary_data(outcome)
        if movements is not None:
            data["movements"] = movements.model_dump(mode="json")
        if fmt == "json":
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
    text = str(render_summary(outcome))  # markdown reads well as text on a terminal too
    if movements is not None:
        from kamrules.cli.changes_render import render_markdown

        text += "\n" + render_markdown(movements, level=2)
    return text


def _write_pictures(outcome: Any, report: str | None, plot_dir: str | None, movements: Any = None) -> None:
    from kamrules.io.atomic import write_bytes_atomic, write_text_atomic

    if report:
        from kamrules.portfolio.report import render_report

        extra = []
        if movements is not None:
            from kamrules.cli.changes_render import render_html_section

            extra.append(render_html_section(movements))
        write_text_atomic(report, render_report(outcome, extra))
    if plot_dir:
        from kamrules.errors import OutputError
        from kamrules.portfolio.png import render_png
        from kamrules.portfolio.svg import render_svg

        folder = Path(plot_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError.of(plot_dir, exc) from None
        for plot in outcome.plots:
            write_text_atomic(folder / f"{plot.id}.svg", render_svg(plot))
            write_bytes_atomic(folder / f"{plot.id}.png", render_png(plot))
