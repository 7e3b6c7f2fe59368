"""`--decimal`, `--thousands` and `--dates`: the format of numbers and dates written as text in a
CSV or XLSX file, when its own detection is not wanted (kam advise, kam portfolio)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
# --thousands: the separator's name as typed on a command line -> the character.
THOUSANDS = {".": ".", ",": ",", "space": " ", "'": "'", "none": ""}


def _thousands(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return None if value is None else THOUSANDS[value]


def cell_format_options(func: F) -> F:
    """The three options, with their help; the command receives `decimal`, `thousands`, `dates`."""
    func = click.option(
        "--dates",
        type=click.Choice(["dmy", "mdy"]),
        default=None,
        help="Dates such as 01/03/2026 in a CSV or XLSX file are day first (dmy) or month first (mdy) "
        "(default: detected from the dates that can only be read one way; YYYY-MM-DD is always read).",
    )(func)
    func = click.option(
        "--thousands",
        type=click.Choice(list(THOUSANDS)),
        default=None,
        callback=_thousands,
        help="The thousands separator of numbers written as text in a CSV or XLSX file "
        "(default: detected; spaces and apostrophes are always read as one).",
    )(func)
    return click.option(
        "--decimal",
        type=click.Choice([".", ","]),
        default=None,
        help="The decimal mark of numbers written as text in a CSV or XLSX file: ',' for 1.200.000,50 "
        "(default: detected from the numbers that can only be read one way).",
    )(func)


def check_cell_formats(decimal: str | None, thousands: str | None) -> None:
    """A decimal mark that is also the thousands separator is a usage error (exit 2)."""
    if decimal is not None and decimal == thousands:
        raise click.BadParameter(
            f"{decimal!r} cannot be both the decimal mark and the thousands separator", param_hint="--thousands"
        )
