"""Errors as the command line words them: a library parameter is named as the option that sets it.

The library names the parameter a problem is about (`as_of`, `account_id`, `plans`...); this is
the one place that knows which option of `kam` each one is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamrules import codes
from kamrules.errors import ArgumentError

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


# What to do about a problem, in terms of kam's commands and options (after the library's words).
HINTS = {
    codes.PLAN_MARKDOWN: "write one with kam plan new ACCOUNT_FILE --out plan.yaml",
    codes.STORE_NO_HISTORY: "record some with --record; docs/history.md",
    codes.STORE_BAD_RUN: "kam history runs lists them",
    codes.STORE_UNKNOWN_RUN: "kam history runs lists them",
}


def render(exc: KamError) -> str:
    """The error's message and problems, each parameter named as its option, each hint added."""
    if isinstance(exc, ArgumentError) and not str(exc.problem.location):
        return exc.render(option)
    if not exc.problems:
        return exc.message
    lines = [exc.message] if exc.message else []
    lines.extend(render_problem(p) for p in exc.problems)
    return "\n".join(lines)


def render_problem(problem: Problem) -> str:
    text = problem.render(option)
    hint = HINTS.get(problem.code)
    return f"{text} ({hint})" if hint else text


def message(exc: KamError) -> str:
    """What `kam` prints for an error that stops the command: a problem located in a file leads
    with its place, anything else with `kam:`."""
    if exc.problems and not exc.message and not isinstance(exc, ArgumentError):
        # Located problems lead with their place; a problem with no place (the history
        # database's) with `kam:`, as any other message.
        located = any(str(p.location) for p in exc.problems)
        return render(exc) if located else f"kam: {render(exc)}"
    if isinstance(exc, ArgumentError) and str(exc.problem.location):
        return render(exc)
    return f"kam: {render(exc)}"
