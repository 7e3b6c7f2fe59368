"""`kam portfolio`'s options, read once from the command and shared by its two runs: on one
machine (cli/portfolio.py) and on a Dask cluster (cli/portfolio_cluster.py). One place builds the
run's `Request` and reports the plan files skipped, so that the two runs cannot drift apart."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from kamrules.portfolio.run import Request


@dataclass(frozen=True)
class Options:
    """`kam portfolio`'s options, as its command received them."""

    file: str
    rules: tuple[str, ...]
    lang: str
    as_of: dt.date | None
    out: str | None
    fmt: str | None
    out_delimiter: str
    raw_cells: bool
    xlsx_headers: str
    input_format: str | None
    encoding: str | None
    delimiter: str | None
    decimal: str | None
    thousands: str | None
    dates: str | None
    columns: str | None
    sectors: str | None
    plans: str | None
    jobs: int
    report: str | None
    plot_dir: str | None
    labels: int
    score_basis: str
    fail_on: str
    record_history: bool
    db: str | None
    compare: str | None

    @classmethod
    def of(cls, given: Mapping[str, Any]) -> Options:
        """The options among the command's parameters `given` (its `locals()`): the others,
        such as `--scheduler`, choose the run and are not options of it."""
        return cls(**{f.name: given[f.name] for f in dataclasses.fields(cls)})

    @property
    def row_delimiter(self) -> str:
        """The delimiter of a CSV --out: `tab` is a tab."""
        return "\t" if self.out_delimiter == "tab" else self.out_delimiter

    @property
    def machine_headers(self) -> bool:
        """An XLSX --out with the columns' machine names as headers (`--xlsx-headers names`)."""
        return self.xlsx_headers == "names"

    def request(self) -> Request:
        """The run's request; its rules split as `--rules` allows (several folders in one)."""
        from kamrules.portfolio.run import Request

        from .common import split_rules

        return Request(
            path=self.file,
            as_of=self.as_of or dt.date.today(),
            lang=self.lang,
            fmt=self.input_format,
            encoding=self.encoding,
            delimiter=self.delimiter,
            columns=self.columns,
            sectors=self.sectors,
            plans=self.plans,
            rules=tuple(split_rules(self.rules)),
            jobs=self.jobs,
            keep_points=bool(self.report or self.plot_dir),
            labels=self.labels,
            decimal=self.decimal,
            thousands=self.thousands,
            dates=self.dates,
            scores=self.score_basis,
            snapshots=self.record_history or self.compare is not None,
        )


def echo_skipped_plans(job: Any) -> None:
    """A plan file that cannot be read is not a plan: each is said on standard error."""
    for skipped in job.skipped_plans:
        click.echo(f"kam: --plans: {skipped}", err=True)
