"""`kam portfolio FILE`: advice and the portfolio matrices for a whole portfolio."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from .cellformat import cell_format_options, check_cell_formats
from .common import (
    as_of_option,
    echo_out,
    fail_on_option,
    lang_option,
    refuse_overwriting_inputs,
    rules_option,
)
from .errors import option
from .portfolio_columnar import (
    columnar_job,
    columnar_serves,
    parquet_out,
    refuse_parquet_without_columns,
    run_columnar,
)
from .portfolio_outputs import (
    ROW_FORMATS,
    SUMMARY_FORMATS,
    Outputs,
    Rows,
    exit_code,
    png_drawable,
    summary,
    write_pictures,
)
from .portfolio_request import Options, echo_skipped_plans
from .store_options import compare_option, record_options

if TYPE_CHECKING:
    from kamrules.batch.portfolio.run import ColumnarRun
    from kamrules.portfolio.run import PortfolioRun, Request


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
    help="Write one row per account (advice or error) to this file, atomically: .csv, .xlsx, .jsonl or "
    ".parquet (or the summary, to .md, .txt, .json or .yaml).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*ROW_FORMATS, *SUMMARY_FORMATS]),
    default=None,
    help="csv, xlsx or jsonl: the rows' format (of --out, or on standard output for csv and jsonl "
    "without --out); text (the default on a terminal), markdown (the default otherwise), json or yaml: "
    "the summary's.",
)
@click.option(
    "--out-delimiter",
    type=click.Choice([",", ";", "tab"]),
    default=",",
    show_default=True,
    help="Delimiter of a CSV --out (';' for Excel in much of Europe).",
)
@click.option(
    "--raw-cells",
    is_flag=True,
    help="Write CSV and XLSX text cells exactly as they are. By default a cell a spreadsheet would run as "
    "a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe.",
)
@click.option(
    "--xlsx-headers",
    type=click.Choice(["labels", "names"]),
    default="labels",
    show_default=True,
    help="An XLSX --out for people (labels: headers and values in the --lang language) or for scripts "
    "(names: every column of the CSV under its machine name).",
)
@click.option(
    "--input-format",
    type=click.Choice(["csv", "xlsx", "jsonl", "parquet", "yaml", "json"]),
    default=None,
    help="Format of FILE (default: from its name and content; Parquet from standard input must be named).",
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
@cell_format_options
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
    help="Write a self-contained HTML report (matrices, warnings, a sortable table of accounts) to this "
    "file, whose name ends in .html or .htm.",
)
@click.option(
    "--plot",
    "plot_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write each matrix as SVG and PNG into this folder (PNG needs matplotlib: pip install 'kamrules[plots]'; "
    "without it, the SVG pictures only).",
)
@click.option(
    "--labels", type=click.IntRange(min=0), default=15, show_default=True, help="Largest accounts named on the plots."
)
@click.option(
    "--scores",
    "score_basis",
    type=click.Choice(["absolute", "portfolio"]),
    default="absolute",
    show_default=True,
    help="Where no score is given by hand: derive it from the company's own lines (absolute), or rank the "
    "account within this portfolio (portfolio: percentile cut-lines in rulesets/portfolio/relative.yaml; "
    "the file is read once more).",
)
@fail_on_option("never")
@record_options
@compare_option
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
    raw_cells: bool,
    xlsx_headers: str,
    input_format: str | None,
    encoding: str | None,
    delimiter: str | None,
    decimal: str | None,
    thousands: str | None,
    dates: str | None,
    columns: str | None,
    sectors: str | None,
    plans: str | None,
    jobs: int,
    report: str | None,
    plot_dir: str | None,
    labels: int,
    score_basis: str,
    fail_on: str,
    record_history: bool,
    db: str | None,
    compare: str | None,
    scheduler: str | None = None,
) -> int:
    """Advise every account of FILE (CSV, XLSX, JSON Lines, YAML or JSON list; - reads standard
    input) and place it on the six portfolio matrices.

    Prints a summary (text on a terminal, Markdown otherwise). A row that cannot be advised
    becomes an error row (in --out and on standard error, with its row number, column and
    problem); the others are still advised, and the exit code is then 2. The file is read twice:
    a first pass ranks revenue for the ABC classes and finds duplicate ids. With --record, the
    run is recorded in the history database; with --compare RUN, the summary and the report say
    what moved since that recorded run.
    """
    o = Options.of(locals())
    if scheduler:
        from .portfolio_cluster import run_on_cluster

        return run_on_cluster(scheduler, o)
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    check_cell_formats(decimal, thousands)
    from kamrules.portfolio.run import PortfolioRun

    from .store_options import PortfolioHistory

    where = Outputs.of(None if parquet_out(out) else out, fmt, report)
    png = png_drawable(plot_dir)
    request = o.request()
    history = PortfolioHistory.open(db, record=record_history, compare=compare)  # a bad --db fails before the work
    job, parquet = _job(request, out)  # rules, maps, sectors: any problem with them stops us here
    echo_skipped_plans(job)
    rows = Rows(lang, "<stdin>" if file == "-" else file, history)
    delim = o.row_delimiter
    machine = o.machine_headers
    if isinstance(job, PortfolioRun):
        outcome = rows.run(job, where, delim, raw_cells=raw_cells, machine_headers=machine)
    else:
        outcome = run_columnar(
            rows, job, where, delim, raw_cells=raw_cells, machine_headers=machine, parquet_file=parquet
        )
    from kamrules.i18n.cellnotes import note_text

    for note in outcome.notes:  # how the file's numbers and dates were read, where it mattered
        click.echo(f"kam: {rows.name}: {note_text(note, option, rows.lang)}", err=True)
    movements = history.finish(outcome, file) if history is not None else None
    write_pictures(outcome, report, plot_dir, png, movements)
    if where.summary_file:
        from kamrules.io.atomic import write_text_atomic

        write_text_atomic(where.summary_file, summary(outcome, where.summary_format, movements, to_file=True))
    elif not where.rows_to_stdout:
        echo_out(summary(outcome, where.summary_format, movements))
    return exit_code(outcome, rows, fail_on)


def _job(request: Request, out: str | None) -> tuple[PortfolioRun | ColumnarRun, str | None]:
    """The columnar run (issue 16) where it serves the options, else the per-row run (one output
    either way); and the Parquet file the rows go to, which only the columnar run writes."""
    from kamrules.portfolio.run import PortfolioRun

    parquet = out if parquet_out(out) else None
    not_columnar = columnar_serves(request, parquet=bool(parquet))
    if parquet:
        refuse_parquet_without_columns(not_columnar)
    return (columnar_job(request) if not_columnar is None else PortfolioRun(request)), parquet
