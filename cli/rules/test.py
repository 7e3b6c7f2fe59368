"""`kam rules test`: the test cases written next to the rules, with coverage."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NoReturn

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


def _no_case_matches(patterns: tuple[str, ...], ids: list[str]) -> NoReturn:
    """-k selected nothing: say so (exit 2), naming a likely intended id."""
    from kamrules.errors import KamError
    from kamrules.suggest import suggest

    shown = " ".join(f"-k {p!r}" for p in patterns)
    hints = [h for h in (suggest(p, ids) for p in patterns) if h]
    raise KamError(
        f"no test case matches {shown} (of {len(ids)} test cases; a pattern matches an id that contains it, "
        "or shell-style such as tier_*)" + (f"; did you mean {hints[0]}?" if hints else "")
    )


@command.command("test")
@dirs_argument
@builtin_option
@text_format_option
@lang_option
@out_option
@click.option(
    "--as-of",
    "as_of",
    type=DateType(),
    default=None,
    help="The evaluation date of the cases that do not name one (as_of:); default today.",
)
@click.option(
    "--min-coverage",
    "min_coverage",
    type=click.FloatRange(0, 100),
    default=0.0,
    show_default=True,
    help="Exit 1 when the coverage of rules, table rows, parameters or warning codes is below this percentage.",
)
@click.option("-k", "--select", "patterns", multiple=True, help="Run only the cases whose id matches (tier_*).")
@click.option("-v", "--verbose", is_flag=True, help="List the cases that pass too.")
def test_command(
    dirs: tuple[str, ...],
    no_builtin: bool,
    fmt: str | None,
    lang: str,
    out: str | None,
    as_of: dt.date | None,
    min_coverage: float,
    patterns: tuple[str, ...],
    verbose: bool,
) -> int:
    """Run the test cases (files with kind: tests): facts in, expected decisions out.

    Shows expected against actual for each failure, and which rules, table rows, parameters and
    warning codes no test exercises. Ends with the line `N passed, M failed`.

    Without DIR, the folders of KAMRULES_PATH (as `kam advise` reads them), or the built-in
    rules alone when it is not set. The format is text, or JSON with --format json or an --out
    file ending in .json.

    Exit 1 when a case fails or coverage is under --min-coverage; 2 when the rules or the cases
    are invalid, or when -k matches no case (nothing ran, so nothing passed).
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.toolkit.render_tests import render_json, render_text
    from kamrules.toolkit.runner import run_tests, select
    from kamrules.toolkit.words import say

    fmt = output_format(fmt, out, FORMATS)
    loaded = loaded_or_report(dirs_or_env(dirs), no_builtin)
    if loaded is None:
        return 2
    rb = loaded.rulebase
    if patterns and rb.tests and not select(rb.tests, patterns):
        _no_case_matches(patterns, [case.id for case in rb.tests])
    run = run_tests(rb, default_as_of=as_of or dt.date.today(), patterns=patterns)
    below = run.coverage.below(min_coverage)
    if fmt == "json":
        data = render_json(run, lang)
        data["min_coverage"] = min_coverage
        data["below_min_coverage"] = [m.kind for m in below]
        emit(to_json(data), out)
    else:
        text = render_text(run, lang, verbose=verbose, total_cases=len(rb.tests))
        if below:
            notes = [
                say(
                    lang,
                    "below_min",
                    kind=say(lang, "kind_" + m.kind),
                    percent=m.percent,
                    minimum=min_coverage,
                )
                for m in below
            ]
            # The closing line stays the last one.
            head, last = text.rstrip("\n").rsplit("\n", 1)
            text = "\n".join([head, *notes, last]) + "\n"
        emit(text, out)
    # No case at all is not a pass: nothing was tested (as pytest's exit code 5 is a failure in CI).
    return 1 if run.failed or below or not run.results else 0
