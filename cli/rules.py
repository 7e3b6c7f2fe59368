"""`kam rules validate | test | lint | diff`: the toolkit for whoever edits the YAML rulesets.

Each command reads the built-in knowledge with the given folders layered on top (or the folders
alone with --no-builtin), does its work through `kamrules.toolkit`, and decides here only the
format and the exit code (CONTRACT.md §1): validate exits 2 on any problem; test and lint exit 1
on failures, findings or missed coverage, 2 when the rules themselves cannot be loaded.
validate, test and lint given no folder read those of KAMRULES_PATH, as `kam advise` does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from kamrules.cli.common import (
    DateType,
    emit,
    lang_option,
    out_option,
    refuse_overwriting_inputs,
    resolve_format,
    split_rules,
)

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json")
DIFF_FORMATS = ("text", "json", "markdown")
ENV_PATH = "KAMRULES_PATH"


def dirs_argument(func: F) -> F:
    return click.argument("dirs", nargs=-1, type=click.Path(exists=True, file_okay=True, dir_okay=True))(func)


def builtin_option(func: F) -> F:
    return click.option(
        "--no-builtin",
        "no_builtin",
        is_flag=True,
        help="Read the folders alone, not layered on the built-in knowledge.",
    )(func)


def text_format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=None,
        help="Output format: text, or json when --out's name ends in .json.",
    )(func)


def _output_format(fmt: str | None, out: str | None, choices: tuple[str, ...]) -> str:
    """--format, else by --out's extension (CONTRACT.md §1), else text (also when piped)."""
    return resolve_format(fmt, out, choices, tty_default="text", pipe_default="text")


def _dirs_or_env(dirs: tuple[str, ...]) -> tuple[str, ...]:
    """DIR…, or without any the folders of KAMRULES_PATH (os.pathsep-separated), as --rules reads
    them for `kam advise`: both then judge the same rule base."""
    from kamrules.errors import KamError

    if dirs:
        return dirs
    folders = split_rules([os.environ.get(ENV_PATH, "")])
    for folder in folders:
        if not os.path.exists(folder):
            raise KamError(f"{ENV_PATH} names {folder!r}, which does not exist")
    return tuple(folders)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def _loaded_or_report(dirs: tuple[str, ...], no_builtin: bool) -> Any:
    """The validated rule base, or None after printing every problem to standard error."""
    from kamrules.errors import KamError
    from kamrules.toolkit.render_problems import problem_line
    from kamrules.toolkit.sources import folders_for, kind_of
    from kamrules.toolkit.validation import validate

    kind = kind_of(dirs)
    if not kind.is_account:
        # Test cases, lint's counter-examples and diff's impact are made of accounts.
        raise KamError(
            f"{', '.join(dirs)}: this rule base reads {kind.input_name} facts (input: {kind.input_name} in its "
            "manifest); kam rules test, lint and diff work on account rules. Check it with "
            "kam rules validate, and use it with "
            + ("kam plan check --rules" if kind.input_name == "plan" else "kam portfolio --rules")
        )
    result = validate(folders_for(dirs, builtin=not no_builtin, kind=kind), kind)
    if result.ok:
        return result
    for problem in result.problems:
        click.echo(problem_line(problem), err=True)
    click.echo(f"kam: the rules have {len(result.problems)} problem(s); `kam rules validate` lists them too", err=True)
    return None


@click.group("rules")
def command() -> None:
    """Validate, test, lint and diff rulesets (the built-in ones, or your folders on top of them).

    DIR… are folders (or files) of YAML knowledge, layered on the built-in rulesets in the order
    given, exactly as --rules does for `kam advise`. Without DIR, validate, test and lint read the
    folders of KAMRULES_PATH (separated by the system's path separator) on the built-in rulesets,
    as `kam advise` does, or the built-in knowledge alone when it is not set. diff reads only the
    folders it is given.
    """


def _no_case_matches(patterns: tuple[str, ...], ids: list[str]) -> NoReturn:
    """-k selected nothing: say so (exit 2), naming a likely intended id."""
    from kamrules.errors import KamError
    from kamrules.language.suggest import suggest

    shown = " ".join(f"-k {p!r}" for p in patterns)
    hints = [h for h in (suggest(p, ids) for p in patterns) if h]
    raise KamError(
        f"no test case matches {shown} (of {len(ids)} test cases; a pattern matches an id that contains it, "
        "or shell-style such as tier_*)" + (f"; did you mean {hints[0]}?" if hints else "")
    )


@command.command("validate")
@dirs_argument
@builtin_option
@text_format_option
@out_option
def validate_command(dirs: tuple[str, ...], no_builtin: bool, fmt: str | None, out: str | None) -> int:
    """Every load-time check, every problem at once, each as file:line:col: CODE message.

    Without DIR, the folders of KAMRULES_PATH (as `kam advise` reads them), or the built-in
    rules alone when it is not set. The format is text, or JSON with --format json or an --out
    file ending in .json.

    Exit 0 when the rules load cleanly, 2 when anything is wrong.
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.language.loader import nested_rule_bases
    from kamrules.toolkit.render_problems import problem_json, problem_line
    from kamrules.toolkit.sources import folders_for, kind_of
    from kamrules.toolkit.validation import validate

    fmt = _output_format(fmt, out, FORMATS)
    folders = _dirs_or_env(dirs)
    kind = kind_of(folders)
    result = validate(folders_for(folders, builtin=not no_builtin, kind=kind), kind)
    # A folder given may also hold nested rule bases (my-rules/plan/ for `kam plan check --rules`,
    # my-rules/portfolio/...): each is validated too, with its own facts, so that validating the
    # folder one passes to --rules finds what any command reading it would refuse.
    nested = []
    for folder in (n for f in folders for n in nested_rule_bases(Path(f))):
        nested_kind = kind_of([folder])
        nested.append(
            (str(folder), validate(folders_for([folder], builtin=not no_builtin, kind=nested_kind), nested_kind))
        )
    problems = [*result.problems, *(p for _n, r in nested for p in r.problems)]
    ok = not problems
    rb = result.rulebase
    summary: dict[str, Any] = {"ok": ok, "files": len(result.files), "problems": len(problems)}
    if rb is not None:
        summary |= _rulebase_summary(rb, len(result.files))
    if nested:
        summary["nested"] = [
            {"folder": n, "ok": r.ok, "problems": len(r.problems)}
            | (_rulebase_summary(r.rulebase, len(r.files)) if r.rulebase else {})
            for n, r in nested
        ]
    if fmt == "json":
        text = _json({**summary, "problems": [problem_json(p) for p in problems]})
    else:
        lines = [problem_line(p) for p in problems]
        for label, res in [("", result), *((f" ({n})", r) for n, r in nested)]:
            if res.rulebase is not None:
                lines.append(_ok_line(_rulebase_summary(res.rulebase, len(res.files))) + label)
        if problems:
            files = len({p.location.file for p in problems})
            lines.append(f"{len(problems)} problem(s) in {files} file(s)")
        text = "\n".join(lines) + "\n"
    emit(text, out)
    return 0 if ok else 2


def _rulebase_summary(rb: Any, files: int) -> dict[str, Any]:
    return {
        "name": rb.name,
        "version": rb.version,
        "digest": rb.digest,
        "rules": len(rb.rules),
        "tables": len(rb.tables),
        "rows": sum(len(t.rows) for t in rb.tables),
        "parameters": len(rb.params),
        "warning_codes": len(rb.warning_codes),
        "test_cases": len(rb.tests),
        "files": files,
    }


def _ok_line(s: dict[str, Any]) -> str:
    return (
        f"ok: {s['name']} {s['version']}: {s['rules']} rules, {s['tables']} tables with {s['rows']} rows, "
        f"{s['parameters']} parameters, {s['warning_codes']} warning codes, {s['test_cases']} test cases, "
        f"from {s['files']} files"
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

    fmt = _output_format(fmt, out, FORMATS)
    loaded = _loaded_or_report(_dirs_or_env(dirs), no_builtin)
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
        emit(_json(data), out)
    else:
        text = render_text(run, lang, verbose=verbose, total_cases=len(rb.tests))
        if below:
            notes = [
                say(lang, "below_min", kind=say(lang, "kind_" + m.kind), percent=m.percent, minimum=min_coverage)
                for m in below
            ]
            # The closing line stays the last one.
            head, last = text.rstrip("\n").rsplit("\n", 1)
            text = "\n".join([head, *notes, last]) + "\n"
        emit(text, out)
    # No case at all is not a pass: nothing was tested (as pytest's exit code 5 is a failure in CI).
    return 1 if run.failed or below or not run.results else 0


@command.command("lint")
@dirs_argument
@builtin_option
@text_format_option
@lang_option
@out_option
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["info", "low", "medium", "high", "never"]),
    default="medium",
    show_default=True,
    help="Exit 1 when a finding at or above this severity is found.",
)
@click.option("--select", "select", multiple=True, help="Run only these checks (id or name, e.g. KR101). Repeatable.")
@click.option("--ignore", "ignore", multiple=True, help="Skip these checks (id or name). Repeatable.")
@click.option(
    "--as-of",
    "as_of",
    type=DateType(),
    default=None,
    help="The evaluation date counter-examples are built for (date-relative rules); default today.",
)
def lint_command(
    dirs: tuple[str, ...],
    no_builtin: bool,
    fmt: str | None,
    lang: str,
    out: str | None,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    as_of: dt.date | None,
) -> int:
    """Static analysis: table gaps, overlaps and masked rows (each with a counter-example ready
    to paste as a test), conditions that can never be true, unused parameters, texts missing a
    language, warning codes with no test, scorecard weights. docs/lint-rules.md explains each id.

    Without DIR, the folders of KAMRULES_PATH (as `kam advise` reads them), or the built-in
    rules alone when it is not set. The format is text, or JSON with --format json or an --out
    file ending in .json.

    Exit 1 when a finding reaches --fail-on (medium by default), 2 when the rules do not load.
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.cli.common import reached

    from kamrules.toolkit.lint import check_ids, lint
    from kamrules.toolkit.render_lint import render_json, render_text

    known = check_ids()
    for name in (*select, *ignore):
        if name not in known and name not in known.values():
            raise click.BadParameter(f"unknown check {name!r}; the checks are {', '.join(known)}")
    fmt = _output_format(fmt, out, FORMATS)
    loaded = _loaded_or_report(_dirs_or_env(dirs), no_builtin)
    if loaded is None:
        return 2
    day = as_of or dt.date.today()
    findings = lint(loaded.rulebase, loaded.files, as_of=day, select=select, ignore=ignore)
    if fmt == "json":
        emit(_json(render_json(findings, lang, day)), out)
    else:
        emit(render_text(findings, lang, day), out)
    return 1 if reached([f.severity for f in findings], fail_on) else 0


@command.command("diff")
@click.argument("old", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.argument("new", required=False, type=click.Path(exists=True, file_okay=True, dir_okay=True))
@builtin_option
@click.option(
    "--accounts",
    "accounts",
    multiple=True,
    type=click.Path(allow_dash=True),
    help="A portfolio (YAML, JSON, JSON Lines or CSV): show which accounts the change moves. Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default=None,
    help="Output format: text, or by --out's extension (.json, .md).",
)
@lang_option
@out_option
@click.option(
    "--as-of", "as_of", type=DateType(), default=None, help="The evaluation date for the impact; default today."
)
def diff_command(
    old: str,
    new: str | None,
    no_builtin: bool,
    accounts: tuple[str, ...],
    fmt: str | None,
    lang: str,
    out: str | None,
    as_of: dt.date | None,
) -> int:
    """What changes from OLD to NEW: parameters, rules, tables and rows, not lines of text.

    OLD and NEW are rules folders, each layered on the built-in knowledge. With one folder,
    OLD is the built-in knowledge alone and NEW the folder on top of it: what your folder
    changes. With --accounts, the impact: which accounts change tier, profile, strategy or
    warnings, with counts and a table. KAMRULES_PATH does not apply here: only the folders
    given are compared. Exit 0, or 2 when the rules or the accounts are invalid.
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.engine.engine import Engine
    from kamrules.toolkit.diff import diff_rulebases
    from kamrules.toolkit.impact import impact
    from kamrules.toolkit.render_diff import render_json, render_markdown, render_text

    fmt = _output_format(fmt, out, DIFF_FORMATS)
    sides = [(), (old,)] if new is None else [(old,), (new,)]
    if new is None and no_builtin:
        raise click.UsageError("with --no-builtin give both OLD and NEW")
    loaded = [_loaded_or_report(side, no_builtin) for side in sides]
    if loaded[0] is None or loaded[1] is None:
        return 2
    before, after = loaded[0].rulebase, loaded[1].rulebase
    changes = diff_rulebases(before, after)
    result = None
    if accounts:
        result = impact(Engine(before), Engine(after), accounts, as_of=as_of or dt.date.today())
        for problem in result.invalid:
            click.echo(problem, err=True)
    if fmt == "json":
        text = _json(render_json(changes, result))
    elif fmt == "markdown":
        text = render_markdown(changes, result, lang)
    else:
        text = render_text(changes, result, lang)
    emit(text, out)
    return 2 if result is not None and result.invalid else 0
