"""Errors as RFC 9457 problem details (`application/problem+json`), never a traceback.

Every problem has a `type` (a stable URI, documented in docs/service.md), a `title`, the HTTP
`status`, a `detail` for people, the `instance` (the path asked for) and the `request_id`; input
problems add `errors`, each with the code, message, file, line, column and field path that the
command line prints for the same input.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from kamrules.errors import KamError, Problem

PROBLEM_JSON = "application/problem+json"
# Library parameter -> the query or path parameter of the service that sets it (as cli/errors.py
# names kam's options): a problem about an argument names what the client sent.
PARAMETERS = {
    "as_of": "as_of",
    "lang": "lang",
    "fmt": "input_format",
    "account_id": "id",
    "since": "since",
    "until": "until",
    "run_a": "run_a",
    "run_b": "run_b",
}
TYPE_BASE = "https://github.com/kamrules/kamrules/blob/main/docs/service.md#problem-"
log = logging.getLogger("kamrules.service")


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: str

    @property
    def uri(self) -> str:
        return TYPE_BASE + self.slug


def _types(*items: ProblemType) -> dict[str, ProblemType]:
    return {t.slug: t for t in items}


TYPES = _types(
    ProblemType("bad-request", 400, "The request is not valid"),
    ProblemType("unreadable-input", 400, "The input cannot be read"),
    ProblemType("unauthorized", 401, "A valid API key is needed"),
    ProblemType("forbidden", 403, "The API key lacks the scope this needs"),
    ProblemType("not-found", 404, "No such resource"),
    ProblemType("method-not-allowed", 405, "Method not allowed"),
    ProblemType("not-acceptable", 406, "No acceptable representation"),
    ProblemType("body-too-large", 413, "The request body is over the limit"),
    ProblemType("batch-too-large", 413, "Too many accounts in one request"),
    ProblemType("unsupported-media-type", 415, "Unsupported media type"),
    ProblemType("invalid-facts", 422, "Invalid account facts"),
    ProblemType("invalid-plan", 422, "Invalid plan"),
    ProblemType("rules-refused", 422, "The rule base was not swapped in"),
    ProblemType("internal-error", 500, "Internal error"),
    ProblemType("not-ready", 503, "No rule base is loaded yet"),
    ProblemType("request-timeout", 503, "The request took longer than its time limit"),
    ProblemType("history-unavailable", 503, "The history database cannot be used"),
)
STATUS_TYPES = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed"}
STATUS_TYPES |= {406: "not-acceptable", 413: "body-too-large", 415: "unsupported-media-type", 422: "bad-request"}


class ProblemError(Exception):
    """Raised anywhere in a request to answer with a problem."""

    def __init__(
        self,
        slug: str,
        detail: str,
        errors: Sequence[Problem] = (),
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.type = TYPES[slug]
        self.detail = detail
        self.errors = tuple(errors)
        self.headers = headers or {}
        self.extra = extra or {}


def parameter_name(parameter: str) -> str:
    """The service's name of the library's `parameter` (the name itself when the service has none)."""
    return PARAMETERS.get(parameter, parameter)


def worded(problem: Problem) -> Problem:
    """The problem with its parameter named as the service names it, in its message and in its
    location's field path (where a client looks for what to fix)."""
    if problem.parameter is None:
        return problem
    name = parameter_name(problem.parameter)
    location = problem.location if problem.location.path else replace(problem.location, path=name)
    return replace(problem, message=problem.text(parameter_name), location=location, parameter=name)


def from_kam_error(exc: KamError) -> ProblemError:
    """A library error as the problem a client gets: facts → 422, unreadable input → 400."""
    from kamrules.errors import FactsError, InputFileError

    name = type(exc).__name__
    if isinstance(exc, FactsError):
        slug = "invalid-facts"
    elif isinstance(exc, InputFileError):
        slug = "unreadable-input"
    elif name == "PlanFileError":
        slug = "invalid-plan"
    else:
        slug = "bad-request"
    problems = tuple(worded(p) for p in exc.problems)
    head = exc.message or (f"{len(problems)} problems:" if len(problems) > 1 else "")
    return ProblemError(slug, _detail(head, problems), problems)


def _detail(head: str, problems: Sequence[Problem]) -> str:
    """The message a person reads: the library's own, then the first problems as the command
    line prints them."""
    from kamrules.service.library import problem_line

    lines = [problem_line(p) for p in problems[:5]]
    if len(problems) > 5:
        lines.append(f"and {len(problems) - 5} more")
    text = "; ".join(lines)
    if head and text:
        return f"{head} {text}"
    return head or text or "the input is not valid"


def problem_body(error: ProblemError, instance: str, request_id: str) -> dict[str, Any]:
    from kamrules.service.library import problem_json

    body: dict[str, Any] = {
        "type": error.type.uri,
        "title": error.type.title,
        "status": error.type.status,
        "detail": error.detail,
        "instance": instance,
        "request_id": request_id,
    }
    if error.errors:
        body["errors"] = [{**problem_json(p), "parameter": p.parameter} for p in error.errors]
    body.update(error.extra)
    return body


def problem_schema() -> dict[str, Any]:
    """The JSON Schema of a problem, for the OpenAPI document."""
    nullable_text = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    nullable_int = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    return {
        "type": "object",
        "required": ["type", "title", "status", "detail", "instance", "request_id"],
        "properties": {
            "type": {"type": "string", "description": "A URI naming the kind of problem (docs/service.md)."},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string", "description": "The path asked for."},
            "request_id": {"type": "string"},
            "errors": {
                "type": "array",
                "description": "Each problem with the input, located as the command line locates it.",
                "items": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "file": nullable_text,
                        "line": nullable_int,
                        "column": nullable_int,
                        "path": nullable_text,
                        "suggestion": nullable_text,
                        "parameter": {
                            **nullable_text,
                            "description": "The query or path parameter the problem is about, if any.",
                        },
                    },
                },
            },
        },
    }
