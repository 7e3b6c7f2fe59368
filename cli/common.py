"""Options every command shares, and how output reaches the user."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kamrules.i18n.languages import LANGS

if TYPE_CHECKING:
    from kamrules.api import Engine

F = TypeVar("F", bound=Callable[..., Any])

EXTENSION_FORMATS = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".html": "html",
}


# click.ParamType is generic from click 8.2 on (its value and input types); 8.1 is supported too.
class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"expected a date written YYYY-MM-DD, found {value!r}", param, ctx)


def rules_option(func: F) -> F:
    return click.option(
        "--rules",
        "rules",
        multiple=True,
        type=click.Path(exists=True, file_okay=True, dir_okay=True),
        envvar="KAMRULES_PATH",
        help="A folder of YAML rulesets, on top of the built-in ones (or instead, if its manifest "
        "does not extend them). Repeatable; also KAMRULES_PATH.",
    )(func)


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(list(LANGS)),
        default="en",
        envvar="KAMRULES_LANG",
        show_default=True,
        help="Language of the texts (also KAMRULES_LANG).",
    )(func)


def as_of_option(func: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        type=DateType(),
        default=None,
        help="The evaluation date (YYYY-MM-DD) for everything date-relative; default today.",
    )(func)


def out_option(func: F) -> F:
    return click.option(
        "--out",
        "out",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write to this file (atomically) instead of standard output; the format follows "
        "the extension unless --format says otherwise.",
    )(func)


def format_option(choices: Sequence[str], default: str | None = None) -> Callable[[F], F]:
    """--format; `default` is the format without it (None: text on a terminal, json otherwise)."""
    usual = f"{default}" if default else "text on a terminal, json otherwise"

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=None,
            help=f"Output format (by --out's extension, else {usual}).",
        )(func)

    return decorate


def resolve_format(
    fmt: str | None, out: str | None, choices: Sequence[str], *, tty_default: str = "text", pipe_default: str = "json"
) -> str:
    if fmt:
        return fmt
    if out:
        # The file's extension says its format; one the command cannot write is refused, as
        # out_format does, rather than text being written into `advice.pdf`.
        return out_format(None, out, choices, default=choices[0])
    return tty_default if sys.stdout.isatty() else pipe_default


def out_format(fmt: str | None, out: str | None, choices: Sequence[str], *, default: str) -> str:
    """The output format: --format, else --out's extension, else `default`. A file name whose
    extension is none of `choices`' is refused (exit 2) rather than written in another format."""
    if fmt:
        return fmt
    if not out:
        return default
    guess = EXTENSION_FORMATS.get(Path(out).suffix.lower())
    if guess is not None and guess in choices:
        return guess
    accepted = [ext for choice in choices for ext, f in EXTENSION_FORMATS.items() if f == choice]
    listed = ", ".join(accepted[:-1]) + f" or {accepted[-1]}" if len(accepted) > 1 else accepted[0]
    raise click.BadParameter(
        f"{out}: the file name must end in {listed} (or give --format {'|'.join(choices)})",
        param_hint="--out",
    )


def split_rules(rules: Sequence[str]) -> list[str]:
    """--rules values, with KAMRULES_PATH's os.pathsep-separated list split out."""
    out: list[str] = []
    for item in rules:
        out.extend(p for p in str(item).split(os.pathsep) if p)
    return out


def load_engine(rules: Sequence[str]) -> Engine:
    """The engine on the built-in knowledge, with the --rules folders layered on top."""
    from kamrules.api import Engine

    paths = split_rules(rules)
    return Engine.from_paths(*paths) if paths else Engine.default()


def emit(text: str, out: str | None) -> None:
    """Print, or write the file atomically."""
    if out:
        from kamrules.io.atomic import write_text_atomic

        write_text_atomic(out, text)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def use_colour(out: str | None) -> bool:
    return out is None and sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


Style = Callable[..., str]  # text, **click.style options -> text


def styler(enabled: bool) -> Style:
    if not enabled:
        return lambda text, **_: text
    return lambda text, **kw: click.style(text, **{k: v for k, v in kw.items() if v is not None})


SEVERITIES = ("info", "low", "medium", "high")


def fail_on_option(default: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--fail-on",
            "fail_on",
            type=click.Choice([*SEVERITIES, "never"]),
            default=default,
            show_default=True,
            help="Exit 1 when a finding at or above this severity is found.",
        )(func)

    return decorate


def reached(severities: Sequence[str], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    floor = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(s) >= floor for s in severities if s in SEVERITIES)
