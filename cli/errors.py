"""Errors as the command line words them: a library parameter is named as the option that sets it,
and the words are in the --lang language (`kamrules.i18n.problem_words`; the codes stay as they are).

The library names the parameter a problem is about (`as_of`, `account_id`, `plans`...); this is
the one place that knows which option of `kam` each one is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamrules import codes
from kamrules.errors import ArgumentError
from kamrules.i18n.languages import DEFAULT
from kamrules.i18n.problem_words import heading, said

if TYPE_CHECKING:
    from kamrules.errors import KamError, Problem

# Library parameter -> the option of `kam` that sets it.
OPTIONS = {
    "as_of": "--as-of",
    "account_id": "--id",
    "dates": "--dates",
    "decimal": "--decimal",
    "delimiter": "--delimiter",
    "encoding": "--encoding",
    "fmt": "--input-format",
    "lang": "--lang",
    "plans": "--plans",
    "plot_dir": "--plot",
    "rules": "--rules",
    "thousands": "--thousands",
    # The history store (kamrules.store): kam history, kam changes, --record.
    "url": "--db",
    "since": "--since",
    "until": "--until",
    "days": "--retain",
    "run": "--compare",
    "run_a": "RUN_A",
    "run_b": "RUN_B",
    # kam serve (kamrules.service.settings.Settings).
    "workers": "--workers",
    "api_keys": "--api-keys",
    "insecure_no_auth": "--insecure-no-auth",
    "max_body_bytes": "--max-body-mb",
    "max_batch": "--max-batch",
    "request_timeout": "--request-timeout",
}


def option(parameter: str) -> str:
    """The option of `kam` that sets the library's `parameter` (the name itself if none does)."""
    return OPTIONS.get(parameter, parameter)


# What to do about a problem, in terms of kam's commands and options (after the library's words),
# in each language kam speaks: the commands and options stay as they are typed.
HINTS: dict[str, dict[str, str]] = {
    codes.PLAN_MARKDOWN: {
        "en": "write one with kam plan new ACCOUNT_FILE --out plan.yaml",
        "it": "scrivine uno con kam plan new ACCOUNT_FILE --out plan.yaml",
    },
    codes.STORE_NO_HISTORY: {
        "en": "record some with --record; docs/history.md",
        "it": "registrane con --record; docs/history.md",
    },
    codes.STORE_BAD_RUN: {"en": "kam history runs lists them", "it": "kam history runs li elenca"},
    codes.STORE_UNKNOWN_RUN: {"en": "kam history runs lists them", "it": "kam history runs li elenca"},
}


def render(exc: KamError, lang: str = DEFAULT) -> str:
    """The error's message and problems in `lang` (on standard error, for people: the JSON and
    the library's messages stay English), each parameter named as its option, each hint added."""
    if isinstance(exc, ArgumentError) and not str(exc.problem.location):
        return said(exc.problem, lang, option)
    if not exc.problems:
        return exc.message
    lines = [heading(exc.message, lang)] if exc.message else []
    lines.extend(render_problem(p, lang) for p in exc.problems)
    return "\n".join(lines)


def render_problem(problem: Problem, lang: str = DEFAULT) -> str:
    """One problem as a line: its place, its code, its words in `lang`, and a hint if there is one."""
    where = str(problem.location)
    text = f"{problem.code} {said(problem, lang, option)}"
    hint = HINTS.get(problem.code)
    if hint:
        text += f" ({hint.get(lang) or hint[DEFAULT]})"
    return f"{where}: {text}" if where else text


def message(exc: KamError, lang: str = DEFAULT) -> str:
    """What `kam` prints for an error that stops the command, in `lang`: a problem located in a
    file leads with its place, anything else with `kam:`."""
    if exc.problems and not exc.message and not isinstance(exc, ArgumentError):
        # Located problems lead with their place; a problem with no place (the history
        # database's) with `kam:`, as any other message.
        located = any(str(p.location) for p in exc.problems)
        return render(exc, lang) if located else f"kam: {render(exc, lang)}"
    if isinstance(exc, ArgumentError) and str(exc.problem.location):
        return render(exc, lang)
    return f"kam: {render(exc, lang)}"
