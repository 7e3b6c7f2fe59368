"""What `kam portfolio` writes, and where: the rows (a file or standard output), the summary
(standard output or a file, in its format), the report and the pictures, the problems of the
rows on standard error with a progress bar, and the exit code."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
import yaml

from .common import EXTENSION_FORMATS, reached
from .errors import option

if TYPE_CHECKING:
    from kamrules.io.outputs import RowSink
    from kamrules.portfolio.evaluate import RowResult
    from kamrules.portfolio.prepare import RowProblem
    from kamrules.portfolio.run import Outcome, PortfolioRun
    from kamrules.store import ChangeReport

    from .store_options import PortfolioHistory

PROGRESS_FROM = 1000  # rows: shorter runs finish before a bar would be worth reading
ROW_FORMATS = ("csv", "xlsx", "jsonl")
SUMMARY_FORMATS = ("markdown", "text", "json", "yaml")


@dataclass(frozen=True)
class Outputs:
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
    def of(cls, out: str | None, fmt: str | None, report: str | None) -> Outputs:
        from kamrules.io.outputs import format_of

        if report and Path(report).suffix.lower() not in (".html", ".htm"):
            # The report is HTML: report.pdf (or no extension) would be HTML under another name.
            raise click.BadParameter(
                "the report is an HTML page: its file name must end in .html or .htm", param_hint="--report"
            )
        row_fmt = fmt if fmt in ROW_FORMATS else None
        by_extension = EXTENSION_FORMATS.get(Path(out).suffix.lower()) if out else None
        summary_out = out if out and row_fmt is None and by_extension in SUMMARY_FORMATS else None
        # The summary: text on a terminal, Markdown in a pipe or a file (as before there was text).
        summary_fmt = fmt if fmt in SUMMARY_FORMATS else (by_extension if summary_out else None)
        if summary_fmt is None:
            summary_fmt = "text" if sys.stdout.isatty() and not summary_out else "markdown"
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


class Rows:
    """The rows as they are advised: written to their sink, their problems reported on standard
    error, those that met a bug of kamrules counted, and a progress bar for long portfolios."""

    def __init__(self, lang: str, name: str, history: PortfolioHistory | None = None) -> None:
        from kamrules.i18n.catalog import phrases

        self.words = phrases(lang, "portfolio")
        self.lang = lang  # the words of the rows' problems on standard error
        self.name = name
        self.history = history  # --record, --compare: keeps each advised row's snapshot
        self.crashed: list[int] = []  # rows where kamrules met a bug (reported; the other rows go on)
        self._closing = contextlib.ExitStack()
        self._advance: list[Callable[[int], None]] = []  # the progress bar's update, once there is one

    def run(
        self, job: PortfolioRun, where: Outputs, delimiter: str, *, raw_cells: bool, machine_headers: bool
    ) -> Outcome:
        """Advise every row into the rows' file or standard output (text cells neutralised
        against formulas unless `raw_cells`; an XLSX for people, or for scripts with
        `machine_headers`), or nowhere when only the summary is wanted."""
        from kamrules.io.outputs import row_writer, stream_writer

        fmt = where.rows_format
        if where.rows_file and fmt:
            sheet = job.sheet_spec(machine=machine_headers) if fmt == "xlsx" else "accounts"
            with row_writer(
                where.rows_file, fmt, job.columns, delimiter=delimiter, sheet=sheet, raw_cells=raw_cells
            ) as sink:
                return self._run(job, sink)
        if where.rows_to_stdout and fmt:
            sink = stream_writer(sys.stdout, fmt, job.columns, delimiter=delimiter, raw_cells=raw_cells)
            return self._run(job, sink)
        return self._run(job, None)

    def _run(self, job: PortfolioRun, sink: RowSink | None) -> Outcome:
        from kamrules.portfolio.evaluate import INTERNAL

        def on_row(result: RowResult) -> None:
            if sink is not None:
                sink.write(result.cells)
            if self.history is not None and result.ok:
                self.history.add(result.cells, f"{self.name} {self.words['row']} {result.row}")
            if not result.ok:
                self.report(result.row, result.problems)
                if any(p.code == INTERNAL for p in result.problems):
                    self.crashed.append(result.row)

        with self._closing:
            return job.run(on_row, self._progress)

    def _progress(self, done: int, total: int) -> None:
        self.advance(1, total)

    def advance(self, rows: int, total: int) -> None:
        """The progress bar `rows` further (made at the first call, once the rows are counted)."""
        if total < PROGRESS_FROM or not sys.stderr.isatty():
            return
        if not self._advance:
            bar = click.progressbar(length=total, label=self.words["progress"], file=sys.stderr)
            self._advance.append(self._closing.enter_context(bar).update)
        self._advance[0](rows)

    def closing(self) -> contextlib.ExitStack:
        """The block the progress bar lives in."""
        return self._closing

    def report(self, row: int, problems: Sequence[RowProblem]) -> None:
        """A row's problems on standard error, with its row number, line and column, in the
        --lang language (the rows' file keeps the English words, for scripts)."""
        from kamrules.i18n.problem_words import said

        w = self.words
        for p in problems:
            where = f"{self.name}:{p.line}" if p.line else self.name
            column = f", {w['column']} {p.column}" if p.column else ""
            click.echo(f"{where}: {w['row']} {row}{column}: {p.code} {said(p, self.lang, option)}", err=True)


def exit_code(outcome: Outcome, rows: Rows, fail_on: str) -> int:
    """2 when rows were rejected (3 when kamrules met a bug on some), else 1 when a warning
    reaches --fail-on, else 0."""
    w = rows.words
    if outcome.tally.rejected:
        noun = w["error"] if outcome.tally.rejected == 1 else w["errors"]
        click.echo(f"kam: {outcome.tally.rejected} {noun}", err=True)
        if rows.crashed:
            from kamrules.i18n.problem_words import words

            from .main import ISSUES_URL

            crashed = ", ".join(map(str, rows.crashed[:10]))
            said = words("portfolio.internal", rows.lang, rows=crashed, url=ISSUES_URL, option="--debug")
            click.echo(f"kam: {said}", err=True)
            return 3
        return 2
    severities = [warn.severity for warn in outcome.warnings]
    severities += [severity for _code, severity in outcome.tally.warnings]
    return 1 if reached(severities, fail_on) else 0


def summary(outcome: Outcome, fmt: str, movements: ChangeReport | None = None, *, to_file: bool = False) -> str:
    """The summary in `fmt`, with the movements since a recorded run (--compare) when given."""
    from kamrules.portfolio.summary import render_summary, summary_data

    lang = outcome.request.lang
    if fmt in ("json", "yaml"):
        data = summary_data(outcome)
        if movements is not None:
            data["movements"] = movements.model_dump(mode="json")
        if fmt == "json":
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
    if fmt == "text":
        import shutil

        from kamrules.portfolio.summary_text import render_text

        from .common import styler, use_colour

        width = 100 if to_file else max(60, min(110, shutil.get_terminal_size((100, 24)).columns))
        text = str(render_text(outcome, width, styler(not to_file and use_colour(None))))
        if movements is not None:
            from kamrules.store.render_changes import render_text as changes_text

            text += "\n" + changes_text(movements, lang)
        return text
    text = str(render_summary(outcome))
    if movements is not None:
        from kamrules.store.render_changes import render_markdown

        text += "\n" + render_markdown(movements, lang, level=2)
    return text


def png_drawable(plot_dir: str | None) -> bool:
    """Whether --plot can draw PNGs too: without matplotlib it says so now (not after the whole
    portfolio) and writes the SVG pictures only."""
    if not plot_dir:
        return False
    from kamrules.portfolio.png import matplotlib_missing

    missing = matplotlib_missing()
    if missing is not None:
        click.echo(f"kam: --plot: {missing}; the SVG pictures are written all the same", err=True)
        return False
    return True


def write_pictures(
    outcome: Outcome, report: str | None, plot_dir: str | None, png: bool, movements: ChangeReport | None = None
) -> None:
    """The HTML report (with the movements since a recorded run, --compare) and the plots."""
    from kamrules.io.atomic import write_bytes_atomic, write_text_atomic

    if report:
        from kamrules.portfolio.html_report import render_report

        extra = []
        if movements is not None:
            from kamrules.store.render_changes import render_html_section

            extra.append(render_html_section(movements, outcome.request.lang))
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
        from kamrules.portfolio.chartlayout import layout

        for plot in outcome.plots:
            chart = layout(plot)  # placed once, drawn twice: the SVG and the PNG are one picture
            write_text_atomic(folder / f"{plot.id}.svg", render_svg(plot, chart=chart))
            if png:
                write_bytes_atomic(folder / f"{plot.id}.png", render_png(plot, chart))
