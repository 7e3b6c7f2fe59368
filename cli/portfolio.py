"""`kam portfolio FILE`: advice and the portfolio matrices for a whole portfolio."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
import yaml

from .common import EXTENSION_FORMATS, as_of_option, fail_on_option, lang_option, reached, rules_option

if TYPE_CHECKING:
    from kamrules.io.outputs import RowSink
    from kamrules.portfolio.evaluate import RowResult
    from kamrules.portfolio.run import Outcome, PortfolioRun


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
@click.option(
    "--scheduler",
    envvar="KAMRULES_SCHEDULER",
    default=None,
    help="Run on the Dask cluster whose scheduler is at this address (tcp://host:8786; also "
    "KAMRULES_SCHEDULER): FILE may then be a glob, a folder or a URL, and --out a Parquet dataset folder "
    "(docs/scale.md; needs: pip install 'kamrules[dask]').",
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
    scheduler: str | None = None,
) -> int:
    """Advise every account of FILE (CSV, XLSX, JSON Lines, YAML or JSON list; - reads standard
    input) and place it on the six portfolio matrices.

    Prints a Markdown summary. A row that cannot be advised becomes an error row (in --out and on
    standard error, with its row number, column and problem); the others are still advised, and
    the exit code is then 2. The file is read twice: a first pass ranks revenue for the ABC
    classes and finds duplicate ids.
    """
    if scheduler:
        from .portfolio_cluster import Options, run_on_cluster

        given = dict(locals())
        return run_on_cluster(scheduler, Options(**{k: given[k] for k in Options.__dataclass_fields__}))
    from kamrules.portfolio.run import PortfolioRun, Request

    from .common import split_rules

    where = _Outputs.of(out, fmt)
    if plot_dir:
        from kamrules.portfolio.png import require_matplotlib

        require_matplotlib()  # say now, not after the whole portfolio, that PNGs cannot be drawn
    request = Request(
        path=file,
        as_of=as_of or dt.date.today(),
        lang=lang,
        fmt=input_format,
        encoding=encoding,
        delimiter=delimiter,
        columns=columns,
        sectors=sectors,
        plans=plans,
        rules=tuple(split_rules(rules)),
        jobs=jobs,
        keep_points=bool(report or plot_dir),
        labels=labels,
    )
    job = PortfolioRun(request)  # rules, maps, sectors: any problem with them stops us here
    for skipped in job.skipped_plans:  # a plan file that cannot be read is not a plan
        click.echo(f"kam: --plans: {skipped}", err=True)
    rows = _Rows(lang, "<stdin>" if file == "-" else file)
    outcome = rows.run(job, where, "\t" if out_delimiter == "tab" else out_delimiter)
    _write_pictures(outcome, report, plot_dir)
    if where.summary_file:
        from kamrules.io.atomic import write_text_atomic

        write_text_atomic(where.summary_file, _summary(outcome, where.summary_format))
    elif not where.rows_to_stdout:
        click.echo(_summary(outcome, where.summary_format), nl=False)
    return _exit_code(outcome, rows, fail_on)


@dataclass(frozen=True)
class _Outputs:
    """Where the rows and the summary go: --out names the rows' file (.csv, .xlsx, .jsonl) or the
    summary's (.md, .txt, .json, .yaml); --format csv|jsonl without --out sends the rows to
    standard output, which then leaves no room for the summary."""

    rows_file: str | None
    rows_format: str | None
    summary_file: str | None
    summary_format: str

    @property
    def rows_to_stdout(self) -> bool:
        return self.rows_format is not None and not self.rows_file

    @classmethod
    def of(cls, out: str | None, fmt: str | None) -> _Outputs:
        from kamrules.io.outputs import format_of

        row_fmt = fmt if fmt in ROW_FORMATS else None
        by_extension = EXTENSION_FORMATS.get(Path(out).suffix.lower()) if out else None
        summary_out = out if out and row_fmt is None and by_extension in SUMMARY_FORMATS else None
        summary_fmt = fmt if fmt in SUMMARY_FORMATS else (by_extension if summary_out else None) or "markdown"
        rows_out = None if summary_out else out
        rows_fmt = format_of(rows_out, row_fmt) if rows_out else row_fmt
        if rows_out and rows_fmt is None:
            raise click.BadParameter(
                "the file name must end in .csv, .xlsx, .jsonl or .ndjson for the rows, or .md, .markdown, .txt, "
                ".json, .yaml or .yml for the summary (or give --format)",
                param_hint="--out",
            )
        if rows_fmt == "xlsx" and not rows_out:
            raise click.BadParameter("an XLSX workbook needs a file: give --out FILE.xlsx", param_hint="--format")
        return cls(rows_file=rows_out, rows_format=rows_fmt, summary_file=summary_out, summary_format=summary_fmt)


class _Rows:
    """The rows as they are advised: written to their sink, their problems reported on standard
    error, those that met a bug of kamrules counted, and a progress bar for long portfolios."""

    def __init__(self, lang: str, name: str) -> None:
        from kamrules.i18n.catalog import phrases

        self.words = phrases(lang, "portfolio")
        self.name = name
        self.crashed: list[int] = []  # rows where kamrules met a bug (reported; the other rows go on)
        self._closing = contextlib.ExitStack()
        self._advance: list[Callable[[int], None]] = []  # the progress bar's update, once there is one

    def run(self, job: PortfolioRun, where: _Outputs, delimiter: str) -> Outcome:
        from kamrules.io.outputs import row_writer, stream_writer

        if where.rows_file and where.rows_format:
            with row_writer(where.rows_file, where.rows_format, job.columns, delimiter=delimiter) as sink:
                return self._run(job, sink)
        if where.rows_to_stdout and where.rows_format:
            return self._run(job, stream_writer(sys.stdout, where.rows_format, job.columns, delimiter=delimiter))
        return self._run(job, None)

    def _run(self, job: PortfolioRun, sink: RowSink | None) -> Outcome:
        from kamrules.portfolio.evaluate import INTERNAL

        def on_row(result: RowResult) -> None:
            if sink is not None:
                sink.write(result.cells)
            if not result.ok:
                self._report(result)
                if any(p.code == INTERNAL for p in result.problems):
                    self.crashed.append(result.row)

        with self._closing:
            return job.run(on_row, self._progress)

    def _progress(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM or not sys.stderr.isatty():
            return
        if not self._advance:  # made at the first row, when the first pass has counted them
            bar = click.progressbar(length=total, label=self.words["progress"], file=sys.stderr)
            self._advance.append(self._closing.enter_context(bar).update)
        self._advance[0](1)

    def _report(self, result: RowResult) -> None:
        w = self.words
        for p in result.problems:
            where = f"{self.name}:{p.line}" if p.line else self.name
            column = f", {w['column']} {p.column}" if p.column else ""
            click.echo(f"{where}: {w['row']} {result.row}{column}: {p.code} {p.message}", err=True)


def _exit_code(outcome: Outcome, rows: _Rows, fail_on: str) -> int:
    """2 when rows were rejected (3 when kamrules met a bug on some), else 1 when a warning
    reaches --fail-on, else 0."""
    w = rows.words
    if outcome.tally.rejected:
        noun = w["error"] if outcome.tally.rejected == 1 else w["errors"]
        click.echo(f"kam: {outcome.tally.rejected} {noun}", err=True)
        if rows.crashed:
            from .main import ISSUES_URL

            click.echo(
                f"kam: internal errors on rows {', '.join(map(str, rows.crashed[:10]))}; please report them at "
                f"{ISSUES_URL} (rerun with --debug for details)",
                err=True,
            )
            return 3
        return 2
    severities = [warn.severity for warn in outcome.warnings]
    severities += [severity for _code, severity in outcome.tally.warnings]
    return 1 if reached(severities, fail_on) else 0


def _summary(outcome: Outcome, fmt: str) -> str:
    from kamrules.portfolio.summary import render_summary, summary_data

    if fmt == "json":
        return json.dumps(summary_data(outcome), ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return str(yaml.safe_dump(summary_data(outcome), allow_unicode=True, sort_keys=False, width=100))
    return str(render_summary(outcome))  # markdown reads well as text on a terminal too


def _write_pictures(outcome: Outcome, report: str | None, plot_dir: str | None) -> None:
    from kamrules.io.atomic import write_bytes_atomic, write_text_atomic

    if report:
        from kamrules.portfolio.html_report import render_report

        write_text_atomic(report, render_report(outcome))
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
