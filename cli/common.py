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


LANG_KEY = "lang"  # where remember_lang keeps --lang in the root context's object (cli.main.run)


def remember_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--lang's callback: the language is kept where `kam`'s error handler (cli.main.run) finds
    it, so that an error that stops the command is worded in it too."""
    if value is not None and isinstance(ctx.obj, dict):
        ctx.obj[LANG_KEY] = value
    return value


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(list(LANGS)),
        default="en",
        envvar="KAMRULES_LANG",
        show_default=True,
        callback=remember_lang,
        help="Language of the texts (also KAMRULES_LANG); problems on standard error are worded in it too.",
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
        echo_out(text)


def echo_out(text: str, *, whole: bool = True) -> None:
    """`text` on standard output (a `whole` text ends with a line break, added if missing; a
    part of one is written as it is); a full disk, /dev/full or ulimit -f is exit 2, naming it."""
    from kamrules.errors import OutputError

    try:
        click.echo(text, nl=whole and not text.endswith("\n"))
    except BrokenPipeError:
        raise  # `kam ... | head`: the reader has what it wanted
    except OSError as exc:
        raise OutputError.of("standard output", exc) from None


OUTPUT_OPTIONS = ("out", "report")


def refuse_overwriting_inputs() -> None:
    """Refuse (exit 2), before any work, an output option naming a file the command reads: an
    argument or an option such as --columns, directly or through a link. `kam portfolio p.csv
    --out p.csv` used to replace its own input and exit 0."""
    from kamrules.io.target import same_file

    ctx = click.get_current_context()
    outputs = [(name, str(ctx.params[name])) for name in OUTPUT_OPTIONS if ctx.params.get(name)]
    inputs = [
        str(value)
        for param in ctx.command.params
        if isinstance(param.type, click.Path) and param.name not in OUTPUT_OPTIONS and param.name != "plot_dir"
        for value in _values(ctx.params.get(param.name or ""))
        if str(value) != "-"
    ]
    if len(outputs) == 2 and os.path.realpath(outputs[0][1]) == os.path.realpath(outputs[1][1]):
        raise click.BadParameter(f"{outputs[1][1]} is also --{outputs[0][0]}: give two files", param_hint="--report")
    for name, out in outputs:
        for given in inputs:
            if same_file(out, given):
                raise click.BadParameter(
                    f"{out} is also an input of this command ({given}); kam never writes over a file it reads: "
                    "give another file",
                    param_hint=f"--{name}",
                )


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (tuple, list)) else [value]


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
