"""The batch engine's plan: each pass's rules and rows regrouped by the facts they read, each
group compiled onto durable-rules rulesets of its own.

The per-account program packs a pass's rules into rulesets in rule-base order, so the fact of
its information pass combines the presence of some twenty facts (nearly one distinct fact per
account). Here the rules are grouped so that each group reads few facts, compared with few
literals: a group's distinct inputs over a batch stay few, and durable-rules decides each of
them once. Grouping changes which ruleset holds a rule, never what it decides: every rule is
still compiled by `kamrules.engine.compile` and decided by durable-rules.

`plans_of(program)` is the batch plan of a compiled program, built on first use and kept as
long as the program.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from kamrules.engine.compile import Item, plan_shards
from kamrules.engine.durable import DurableShard
from kamrules.engine.keys import KeySpace
from kamrules.engine.lower import iter_prims
from kamrules.engine.passes import PassProgram, owner_item
from kamrules.engine.program import Program
from kamrules.errors import RulesetError

# A group's inputs: at most this many combinations of the classes of the values it reads
# (estimated from the literals its rules compare them with).
MAX_COMBINATIONS = 512
BATCH_MEMO = 1 << 16  # distinct inputs each batch ruleset remembers the answer for


@dataclass
class Shard:
    """One durable-rules ruleset of a group, its key space and its items' places in the pass."""

    durable: DurableShard
    keys: KeySpace
    encode: Any
    item_of: list[int]


@dataclass
class PassPlan:
    program: PassProgram
    items: list[Item]
    shards: list[Shard]


def _key_classes(items: list[Item]) -> dict[tuple[Any, ...], int]:
    """The keys these items read, each with an estimate of how many classes its values fall in."""
    out: dict[tuple[Any, ...], int] = {}
    for item in items:
        for prim in iter_prims(item.pcond):
            if prim.arg.kind == "fact":
                out[("fact", prim.fact, prim.arg.name)] = 64
                continue
            key = (prim.key, prim.fact, prim.arg.name if prim.key == "has" else None)
            if prim.key in ("present", "has"):
                out[key] = 3
            else:
                out[key] = out.get(key, 2) + 2
    return out


def _estimate(classes: dict[tuple[Any, ...], int]) -> float:
    return math.prod(classes.values()) if classes else 1.0


def group_items(items: list[Item]) -> list[list[int]]:
    """Items gathered into groups of few input combinations, each item in the first group it
    fits (rule-base order is kept within a group)."""
    groups: list[tuple[list[int], dict[tuple[Any, ...], int]]] = []
    for index, item in enumerate(items):
        mine = _key_classes([item])
        for members, classes in groups:
            merged = {**classes, **{k: max(v, classes.get(k, 0)) for k, v in mine.items()}}
            if _estimate(merged) <= MAX_COMBINATIONS:
                members.append(index)
                classes.update(merged)
                break
        else:
            groups.append(([index], dict(mine)))
    return [members for members, _ in groups]


def pass_items(p: PassProgram) -> list[Item]:
    """The pass's items in the order of its stages' owners (what `held` indices refer to)."""
    return [owner_item(owner) for sp in p.stages for owner in sp.owners]


def build(program: Program) -> list[PassPlan]:
    """The batch plan of a compiled program (its rulesets are compiled here, once per engine)."""
    rb = program.rb
    kinds = {name: info.type.kind for name, info in rb.facts.items()}
    digest = rb.digest.removeprefix("sha256:")
    plans: list[PassPlan] = []
    for p in program.passes:
        items = pass_items(p)
        name = "batch:" + "+".join(sp.stage.id for sp in p.stages)
        shards: list[Shard] = []
        for members in group_items(items):
            chosen = [items[i] for i in members]
            try:
                specs = plan_shards(chosen, kinds)
            except ValueError as exc:
                raise RulesetError(f"a rule of {name} is too complex for durable-rules: {exc}") from None
            for spec in specs:
                labels = [chosen[i].label for i, _ in spec.items]
                durable = DurableShard(name, spec.definition(), labels, digest, memo_size=BATCH_MEMO)
                shards.append(Shard(durable, spec.keys, spec.keys.encoder(), [members[i] for i, _ in spec.items]))
        plans.append(PassPlan(p, items, shards))
    return plans


_PLANS: weakref.WeakKeyDictionary[Program, list[PassPlan]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def plans_of(program: Program) -> list[PassPlan]:
    """The batch plan of a program, built on first use and kept as long as the program."""
    with _LOCK:
        known = _PLANS.get(program)
        if known is None:
            known = _PLANS[program] = build(program)
        return known
