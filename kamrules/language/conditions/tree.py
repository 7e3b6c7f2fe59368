"""The condition tree: what a `when:` or a table row's cells say, once parsed.

A condition is a small tree of `Leaf` (one test on one fact, as the user wrote it), `All`,
`AnyOf` and `Not` nodes. The parser builds it (`parse`), the reference evaluator gives its
three-valued truth (`evaluate`), `explain` words it, and the engine lowers it to the comparisons
durable-rules runs (`kamrules.engine.lower`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Union

from kamrules.errors import Location

Truth = bool | None


@dataclass(frozen=True)
class Arg:
    """An operand: a literal, a parameter (already resolved to its value), or another fact."""

    kind: Literal["lit", "param", "fact"]
    value: Any = None
    name: str | None = None


@dataclass(frozen=True)
class Leaf:
    """One test on one fact, as the user wrote it."""

    fact: str
    op: str
    args: tuple[Arg, ...] = ()
    inclusive: tuple[bool, bool] = (True, True)
    where: Location = field(default_factory=Location, compare=False)
    source: str = field(default="", compare=False)

    def facts(self) -> set[str]:
        out = {self.fact}
        out.update(a.name for a in self.args if a.kind == "fact" and a.name)
        return out

    def params(self) -> set[str]:
        return {a.name for a in self.args if a.kind == "param" and a.name}


@dataclass(frozen=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


Cond = Union[Leaf, All, AnyOf, Not]  # noqa: UP007 - a recursive alias needs Union
TRUE = All(())


def leaves(cond: Cond) -> list[Leaf]:
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, Not):
        return leaves(cond.item)
    out: list[Leaf] = []
    for item in cond.items:
        out.extend(leaves(item))
    return out


def facts_read(cond: Cond) -> set[str]:
    out: set[str] = set()
    for leaf in leaves(cond):
        out |= leaf.facts()
    return out


def params_read(cond: Cond) -> set[str]:
    out: set[str] = set()
    for leaf in leaves(cond):
        out |= leaf.params()
    return out
