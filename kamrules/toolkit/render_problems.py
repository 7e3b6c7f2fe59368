"""Problems as people and editors read them: `file:line:col: CODE message (did you mean …?)`."""

from __future__ import annotations

from typing import Any

from kamrules.errors import Location, Problem


def where(loc: Location) -> str:
    """`file:line:col`, as far as it is known."""
    parts = [str(p) for p in (loc.file, loc.line, loc.column) if p is not None]
    return ":".join(parts)


# How the schema checks' messages begin, without naming the field they are about.
_SUBJECTLESS = ("is ", "expected ", "must ", "should ")


def problem_line(problem: Problem) -> str:
    text = f"{problem.code} {problem.message}"
    field = problem.location.path
    if field and problem.message.startswith(_SUBJECTLESS):
        # A message such as "is required but missing" needs the field it is about.
        text = f"{problem.code} {field}: {problem.message}"
    if problem.suggestion:
        text += f" (did you mean {problem.suggestion}?)"
    head = where(problem.location)
    return f"{head}: {text}" if head else text


def location_json(loc: Location) -> dict[str, Any]:
    return {"file": loc.file, "line": loc.line, "column": loc.column, "path": loc.path}


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        **location_json(problem.location),
        "code": problem.code,
        "message": problem.message,
        "suggestion": problem.suggestion,
    }
