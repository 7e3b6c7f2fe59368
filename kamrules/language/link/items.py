"""The items of ruleset files, linked kind by kind: each list a ruleset file holds (`scorecards:`,
`computed:`, `tables:`, `lookups:`, `rules:`) is linked by its own module, which checks an item
and builds it, as jsonschema dispatches each keyword to its validator."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kamrules.language import spec as S
from kamrules.language.link import computed, lookups, rules, scorecards, tables
from kamrules.language.link.context import ItemSource, Linker
from kamrules.language.link.ids import Ids
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import Compute, Rule, Scorecard, Table

Item = Rule | Table | Scorecard | Compute


@dataclass(frozen=True)
class ItemKind:
    """One list of a ruleset file: its key, how to read its items, and how to link one."""

    key: str
    specs: Callable[[S.RulesetFile], Sequence[Any]]
    link: Callable[[Linker, ItemSource[Any]], Item | None]


# In the order they are linked; rules last, once every other id is known, so that a rule's
# `replaces:` can name any rule. (Their order also numbers the items, the tie-breaker after
# priority.)
DECLARED: tuple[ItemKind, ...] = (
    ItemKind(scorecards.KEY, scorecards.specs, scorecards.link),
    ItemKind(computed.KEY, computed.specs, computed.link),
    ItemKind(tables.KEY, tables.specs, tables.link),
    ItemKind(lookups.KEY, lookups.specs, lookups.link),
)
RULES = ItemKind(rules.KEY, rules.specs, rules.link)


@dataclass
class Linked:
    """The items linked without a problem, by kind."""

    rules: list[Rule] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    scorecards: list[Scorecard] = field(default_factory=list)
    computes: list[Compute] = field(default_factory=list)

    def add(self, item: Item | None) -> None:
        if isinstance(item, Rule):
            self.rules.append(item)
        elif isinstance(item, Table):
            self.tables.append(item)
        elif isinstance(item, Scorecard):
            self.scorecards.append(item)
        elif isinstance(item, Compute):
            self.computes.append(item)


def link_items(lk: Linker, rulesets: list[LoadedFile]) -> Linked:
    """Every item of every ruleset file, each id claimed once; replaced rules left out."""
    ids = Ids(lk, rulesets)
    linked = Linked()
    for f in rulesets:
        for kind in DECLARED:
            _link_kind(lk, ids, linked, f, kind)
    for f in rulesets:
        _link_kind(lk, ids, linked, f, RULES)
    linked.rules = ids.without_replaced(linked.rules)
    return linked


def _link_kind(lk: Linker, ids: Ids, linked: Linked, file: LoadedFile, kind: ItemKind) -> None:
    for i, spec in enumerate(kind.specs(file.spec)):
        path = (kind.key, i)
        replaces = spec.replaces if isinstance(spec, S.RuleSpec) else None
        if ids.claim(file, (*path, "id"), spec.id, replaces):
            linked.add(kind.link(lk, ItemSource(file, path, spec, file.spec.stage)))
