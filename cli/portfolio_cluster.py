"""`kam portfolio INPUT --scheduler ADDRESS`: the same command, run on a Dask cluster (issue 17).

INPUT may be a file, a glob or a folder (a Parquet dataset), local or an fsspec URL; the workers
read it (`kamrules.dask.sources`). `--out` is a file as on one machine (the rows come back to
this process, in order, and are written here) or, new, a Parquet dataset folder (a name ending
in `/`, or without an extension), which the workers write, one part per piece, and which
appears complete or not at all. The summary, the report, the plots, the error rows on standard
error and the exit code are the single-machine command's. Dask is imported only here.
"""

from __future__ import annotations

import contextlib
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .cellformat import check_cell_formats
from .common import echo_out
from .errors import option
from .portfolio_outputs import (
    PROGRESS_FROM,
    ROW_FORMATS,
    Outputs,
    Rows,
    exit_code,
    png_drawable,
    summary,
    write_pictures,
)
from .portfolio_request import Options, echo_skipped_plans

if TYPE_CHECKING:
    from kamrules.dask.tasks import Output, PieceResult
    from kamrules.portfolio.run import Outcome

PARQUET = (".parquet", ".parq", ".pq")
CONNECT_SECONDS = 30  # a scheduler that does not answer within this is not there


def run_on_cluster(scheduler: str, o: Options) -> int:
    """The command on the cluster at `scheduler`; its exit code."""
    from kamrules.batch.portfolio.run import ColumnarRun

    _check(o)
    target = _Target.of(o.out, o.fmt, o.report)
    png = png_drawable(o.plot_dir)
    job = ColumnarRun(o.request())  # rules, maps, sectors, plans: any problem with them stops us here
    echo_skipped_plans(job)
    from kamrules.dask.pieces import file_count
    from kamrules.dask.sources import pieces

    found = pieces(o.file, o.input_format, o.encoding, o.delimiter)
    for piece in found:  # a large file one task reads whole: the run is slower, and why is said
        if piece.uncut:
            click.echo(f"kam: {piece.name}: read whole by one worker, not cut in pieces: {piece.uncut}", err=True)
    described = f"{o.file} ({len(found)} pieces on {scheduler})" if file_count(found) != 1 else None
    errors = _Errors(o.lang, o.file)
    opened = target.open(job, o.row_delimiter, raw_cells=o.raw_cells, machine_headers=o.machine_headers)
    with _connect(scheduler) as client, opened as sink:
        from kamrules.dask.run import ClusterRun

        def on_result(result: PieceResult) -> None:
            sink.write(result)
            errors.report_piece(result)

        with _progress(o.lang) as progress:
            cluster = ClusterRun(job, client)
            outcome = cluster.run(found, sink.output, on_result, described, progress=progress)
    from kamrules.i18n.cellnotes import note_text

    for formats, piece in zip(cluster.formats, found, strict=True):  # how each file's numbers and dates were read
        for note in formats.notes if piece.first_of_file else ():
            click.echo(f"kam: {piece.name}: {note_text(note, option, o.lang)}", err=True)
    return _finish(outcome, o, target, errors, png)


# What the cluster path cannot serve yet, and why: each refused (exit 2), never ignored.
UNSERVED = {
    "record_history": (
        "--record",
        "the history store records each advised row from this process; record the run on one machine",
    ),
    "compare": ("--compare", "the movements since a recorded run are computed from the history store on one machine"),
}


def _check(o: Options) -> None:
    """Refuse (exit 2) what a cluster cannot do, before connecting to it."""
    from .common import refuse_overwriting_inputs

    refuse_overwriting_inputs()
    check_cell_formats(o.decimal, o.thousands)
    for name, (flag, why) in UNSERVED.items():
        if getattr(o, name):
            raise click.BadParameter(f"{flag} cannot be used with --scheduler: {why}", param_hint=flag)
    if o.score_basis == "portfolio":
        raise click.BadParameter(
            "--scores portfolio cannot be used with --scheduler: ranking every account against the portfolio "
            "needs a pass over every account's scores that the cluster run does not make",
            param_hint="--scores",
        )
    if o.file == "-":
        raise click.BadParameter(
            "a cluster's workers cannot read this process's standard input: give a file, a glob, a folder or a URL",
            param_hint="FILE",
        )
    if o.jobs != 1:
        raise click.BadParameter(
            "--jobs is for one machine: with --scheduler the cluster's workers do the work", param_hint="--jobs"
        )
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise click.UsageError(
            "--scheduler runs on Dask, which is not installed: pip install 'kamrules[dask]'"
        ) from None


@contextlib.contextmanager
def _connect(scheduler: str) -> Iterator[Any]:
    from distributed import Client

    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        raise click.BadParameter(
            f"no Dask scheduler answers at {scheduler!r} ({exc})", param_hint="--scheduler / KAMRULES_SCHEDULER"
        ) from None
    with client:  # on the way out, even on an error or Ctrl-C, the run's tasks are cancelled
        yield client


@dataclass(frozen=True)
class _Target:
    """Where the rows go: nowhere (the summary only), standard output, a file, or a Parquet
    dataset folder; and where the summary goes."""

    rows: str | None  # file or folder; None: standard output or nowhere
    rows_format: str | None  # csv, jsonl, xlsx, parquet, dataset
    summary_file: str | None
    summary_format: str

    @classmethod
    def of(cls, out: str | None, fmt: str | None, report: str | None) -> _Target:
        where = Outputs.of(None, None, report)  # the report's name checked as on one machine

        dataset = bool(out) and (str(out).endswith(("/", "\\")) or not Path(str(out)).suffix)
        if out and (dataset or Path(out).suffix.lower() in PARQUET):
            if fmt in ROW_FORMATS:  # the rows' format is Parquet's; --format can only be the summary's
                raise click.BadParameter(
                    f"--out {out} holds the rows as Parquet: --format {fmt} cannot apply to it", param_hint="--format"
                )
            return cls(out, "dataset" if dataset else "parquet", None, fmt or where.summary_format)
        where = Outputs.of(out, fmt, report)
        rows = where.rows_file
        return cls(rows, where.rows_format, where.summary_file, where.summary_format)

    @property
    def rows_to_stdout(self) -> bool:
        return self.rows_format is not None and not self.rows

    @contextlib.contextmanager
    def open(self, job: Any, delimiter: str, *, raw_cells: bool, machine_headers: bool) -> Iterator[_Sink]:
        """The rows' sink, written as one machine writes them: CSV and XLSX text cells
        neutralised against formulas unless `raw_cells`, the XLSX's headers in the request's
        language unless `machine_headers`."""
        from kamrules.dask.tasks import Output

        if self.rows_format == "dataset":
            assert self.rows is not None
            with _dataset(self.rows) as folder:
                yield _Sink(Output("dataset", folder=folder), None)
            return
        if self.rows_format is None:
            yield _Sink(Output("none"), None)
            return
        from kamrules.batch.writers import batch_writer, encoder, stream_writer

        encode = encoder(self.rows_format, delimiter, raw=raw_cells)
        output = Output("encoded", encode=encode) if encode is not None else Output("table")
        if self.rows is None:
            stream = stream_writer(sys.stdout, self.rows_format, job.schema, delimiter=delimiter, raw_cells=raw_cells)
            yield _Sink(output, stream)
            return
        sheet = job.sheet_spec(machine=machine_headers) if self.rows_format == "xlsx" else "accounts"
        with batch_writer(
            self.rows, self.rows_format, job.schema, delimiter=delimiter, sheet=sheet, raw_cells=raw_cells
        ) as writer:
            yield _Sink(output, writer)


@dataclass
class _Sink:
    output: Output
    writer: Any

    def write(self, result: PieceResult) -> None:
        if self.writer is None:
            return
        for encoded in result.encoded:
            self.writer.write(None, encoded)
        for table in result.tables:
            self.writer.write(table)


@contextlib.contextmanager
def _dataset(out: str) -> Iterator[str]:
    """A hidden folder beside `out` for the workers' parts, moved to `out` once all are there."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(out)
    path = path.rstrip("/\\")
    if fs.exists(path):
        raise click.BadParameter(f"{out} exists: remove it, or name a new folder", param_hint="--out")
    parent, _, name = path.rpartition("/")
    temporary = f"{parent}/.{name}.kam-{uuid.uuid4().hex[:12]}" if parent else f".{name}.kam-{uuid.uuid4().hex[:12]}"
    fs.makedirs(temporary, exist_ok=True)
    try:
        yield fs.unstrip_protocol(temporary) if "file" not in _protocols(fs) else temporary
        fs.mv(temporary, path, recursive=True)
    finally:
        with contextlib.suppress(FileNotFoundError):
            if fs.exists(temporary):
                fs.rm(temporary, recursive=True)


def _protocols(fs: Any) -> tuple[str, ...]:
    return (fs.protocol,) if isinstance(fs.protocol, str) else tuple(fs.protocol)


class _Errors(Rows):
    """Error rows on standard error, as one machine reports them, named by their file."""

    def report_piece(self, result: PieceResult) -> None:
        """A piece's error rows, each named by the file it came from (one machine's wording)."""
        from kamrules.batch.portfolio.legacy import INTERNAL

        for error in result.errors:
            self.name = result.name
            self.report(error.row, error.problems)
            if any(p.code == INTERNAL for p in error.problems):
                self.crashed.append(error.row)


@contextlib.contextmanager
def _progress(lang: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on a terminal, following the pieces the cluster finishes."""
    from kamrules.i18n.catalog import phrases

    with contextlib.ExitStack() as closing:
        shown = [0]
        bars: list[Any] = []

        def progress(done: int, total: int) -> None:
            if total < PROGRESS_FROM or not sys.stderr.isatty():
                return
            if not bars:
                label = phrases(lang, "portfolio")["progress"]
                bars.append(closing.enter_context(click.progressbar(length=total, label=label, file=sys.stderr)))
            bars[0].update(done - shown[0])
            shown[0] = done

        yield progress


def _finish(outcome: Outcome, o: Options, target: _Target, errors: _Errors, png: bool) -> int:
    write_pictures(outcome, o.report, o.plot_dir, png)
    if target.summary_file:
        from kamrules.io.atomic import write_text_atomic

        write_text_atomic(target.summary_file, summary(outcome, target.summary_format, to_file=True))
    elif not target.rows_to_stdout:
        echo_out(summary(outcome, target.summary_format))
    return exit_code(outcome, errors, o.fail_on)
