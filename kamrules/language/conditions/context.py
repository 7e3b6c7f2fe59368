"""What the condition parser works with: the facts and parameters a condition may read, where
it is written, and where its problems go."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules import codes
from kamrules.errors import Location, Problem
from kamrules.model.catalog import FactInfo
from kamrules.suggest import suggest

Path = tuple[str | int, ...]


@dataclass
class ParamRef:
    """What the parser needs to know of a parameter."""

    name: str
    type: str
    value: Any


@dataclass
class ParseContext:
    """What a condition may refer to, where it is, and where to report problems."""

    facts: Mapping[str, FactInfo]  # the facts visible to this condition
    all_facts: Mapping[str, FactInfo]  # every fact (to explain "decided in a later stage")
    params: Mapping[str, ParamRef]
    stage: str
    stage_order: Mapping[str, int]
    location: Callable[[Path], Location]
    problems: list[Problem]
    used_params: set[str] = field(default_factory=set)

    def error(self, path: Path, code: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(code, message, self.location(path), suggestion))


class InvalidCondition(Exception):
    """A problem has been recorded in the context; abandon this part of the condition."""


def resolve_fact(name: str, path: Path, ctx: ParseContext) -> FactInfo:
    """The fact `name` as a condition in `ctx` may read it; else record why not and raise
    `InvalidCondition`: an unknown fact, or one decided in this or a later stage."""
    info = ctx.facts.get(name)
    if info is not None:
        return info
    other = ctx.all_facts.get(name)
    if other is not None and other.stage is not None:
        when = ctx.stage_order.get(other.stage, -1)
        here = ctx.stage_order.get(ctx.stage, -1)
        relation = "in this same stage" if when == here else "in a later stage"
        ctx.error(
            path,
            codes.LATER_FACT,
            f"{name} is decided {relation} ({other.stage}); a rule in stage {ctx.stage} can only "
            "read account facts and facts decided in earlier stages",
        )
        raise InvalidCondition
    ctx.error(path, codes.UNKNOWN_FACT, f"unknown fact {name!r}", suggest(name, list(ctx.facts)))
    raise InvalidCondition


def short(value: Any) -> str:
    """A value as a problem quotes it, cut to 50 characters."""
    text = repr(value)
    return text if len(text) <= 50 else text[:47] + "..."
