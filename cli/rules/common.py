"""What the `kam rules` commands share: the folders they read, how they load and report a rule
base, their output formats."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, NamedTuple

import click

from ..common import F, resolve_format, split_rules

if TYPE_CHECKING:
    from kamrules.language.read import LoadedFile
    from kamrules.language.rulebase import RuleBase

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


def output_format(fmt: str | None, out: str | None, choices: tuple[str, ...]) -> str:
    """--format, else by --out's extension (docs/contract.md §1), else text (also when piped)."""
    return resolve_format(fmt, out, choices, tty_default="text", pipe_default="text")


def dirs_or_env(dirs: tuple[str, ...]) -> tuple[str, ...]:
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


def to_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


class Loaded(NamedTuple):
    """A rule base that validated, and the files it was read from."""

    rulebase: RuleBase
    files: tuple[LoadedFile, ...]


def loaded_or_report(dirs: tuple[str, ...], no_builtin: bool) -> Loaded | None:
    """The validated rule base, or None after printing every problem to standard error."""
    from kamrules.errors import KamError
    from kamrules.toolkit.folders import folders_for, kind_of
    from kamrules.toolkit.render_problems import problem_line
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
    if result.ok and result.rulebase is not None:
        return Loaded(result.rulebase, result.files)
    for problem in result.problems:
        click.echo(problem_line(problem), err=True)
    click.echo(f"kam: the rules have {len(result.problems)} problem(s); `kam rules validate` lists them too", err=True)
    return None
