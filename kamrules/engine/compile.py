"""Compile a stage's rules and table rows to durable-rules rulesets.

Each rule or row becomes one durable rule named `r<index>`, whose condition is anchored on a
positive test (`__k == 1`): a rule made only of negative tests would otherwise match the
engine's own state fact and fire forever. Facts are flattened to short keys (`f3`, `f3d`...: see
`kamrules.engine.keys`), only those the shard reads.
Rules are packed into shards of at most `MAX_BRANCHES` condition branches, since more than 64
branches matching one fact at once fails at assert time (error 303).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.engine.keys import ANCHOR_KEY, KeySpace
from kamrules.engine.lower import PAll, PAny, PCond, Prim
from kamrules.language.conditions.evaluate import comparable
from kamrules.language.conditions.tree import Arg

MAX_BRANCHES = 48
MAX_KEYS = 200
MAX_DNF = 4096


@dataclass(frozen=True)
class Item:
    """Something that fires: a rule, or a row of a decision table."""

    key: str  # rule id, or table:row
    pcond: PCond
    label: str  # for error messages: "rule X in file:line"


def fanout(tree: PCond) -> int:
    """How many of this condition's branches can match one fact at the same time.

    durable-rules fails when more than 64 condition nodes match one fact at once (error 303).
    Alternatives that test one key for equality with different values exclude each other (a
    stage is one value), so they count once; other alternatives count each.
    """
    if isinstance(tree, Prim):
        return 1
    if isinstance(tree, PAny):
        prims = [t for t in tree.items if isinstance(t, Prim)]
        if (
            len(prims) == len(tree.items)
            and all(p.cmp == "eq" and p.key == "value" and p.arg.kind != "fact" for p in prims)
            and len({(p.fact, p.key) for p in prims}) == 1
            and len({repr(p.arg.value) for p in prims}) == len(prims)
        ):
            return 1
        return sum(fanout(t) for t in tree.items) or 1
    total = 1
    for t in tree.items:
        total *= fanout(t)
    return total


def _literal(arg: Arg) -> Any:
    value = comparable(arg.value)
    return value


_OPS = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


def compile_prim(prim: Prim, keys: KeySpace) -> dict[str, Any]:
    if prim.key == "value" and prim.arg.kind == "fact" and keys.kinds.get(prim.fact) in ("number", "date"):
        # Two numbers (or dates) are compared through their difference against 0: a plain
        # comparison on one field. durable-rules' own fact-to-fact operand ($m) builds beta
        # expressions, of which a rule may have at most 32 (error 113), and it holds against a
        # missing field; the difference is simply absent when either fact is missing.
        assert prim.arg.name is not None
        diff = keys.diff_key(prim.fact, prim.arg.name)
        keys.note(diff, prim.cmp, 0.0)
        return {diff: 0.0} if prim.cmp == "eq" else {_OPS[prim.cmp]: {diff: 0.0}}
    key = keys.key(prim)
    if prim.key == "present":
        return {"$ex" if prim.arg.value else "$nex": {key: 1}}
    if prim.key == "has":
        return {key: 1.0 if prim.arg.value else 0.0}
    guard: dict[str, Any] | None = None
    if prim.arg.kind == "fact":
        assert prim.arg.name is not None
        other = keys.value_key(prim.arg.name)
        keys.raw.update((key, other))
        right: Any = {"$m": other}
        # durable-rules compares a field with a *missing* one as true, whatever the operator:
        # the other fact must be present for the comparison to mean anything.
        guard = {"$ex": {other: 1}}
    else:
        right = _literal(prim.arg)
        if isinstance(right, (int, float)) and not isinstance(right, bool):
            right = float(right)
        keys.note(key, prim.cmp, right)
    if prim.cmp == "eq":
        test: dict[str, Any] = {key: right}
    else:
        test = {_OPS[prim.cmp]: {key: right}}
    return {"$and": [guard, test]} if guard is not None else test


def compile_pcond(tree: PCond, keys: KeySpace) -> dict[str, Any]:
    if isinstance(tree, Prim):
        return compile_prim(tree, keys)
    parts = [compile_pcond(t, keys) for t in tree.items]
    if isinstance(tree, PAll):
        if not parts:
            return {ANCHOR_KEY: 1.0}
        return parts[0] if len(parts) == 1 else {"$and": parts}
    if not parts:
        # An empty "any" is false; a test no fact passes keeps the anchor rule honest.
        return {"$nex": {ANCHOR_KEY: 1}}
    return parts[0] if len(parts) == 1 else {"$or": parts}


MAX_OR_GROUPS = 8


def clauses(tree: PCond) -> list[PCond]:
    """The condition as durable rules that durable-rules accepts: conjunctions of comparisons
    and of flat alternatives (an "any" of comparisons).

    durable-rules refuses (error 113, "expression limit exceeded") an "any" holding more than
    about a dozen "all" groups, and an "all" holding more than about a dozen "any" groups; both
    limits are pinned in tests/engine/test_durable_pins.py. So nested alternatives are distributed
    into separate durable rules of the same kamrules rule, exactly as durable-rules would expand
    them itself, and a conjunction keeps at most MAX_OR_GROUPS flat alternatives.
    """
    out: list[PCond] = [PAll(tuple(atoms)) for atoms in _clauses(tree)]
    if len(out) > MAX_DNF:
        raise ValueError(f"expands to {len(out)} alternatives (at most {MAX_DNF})")
    return out


def _clauses(tree: PCond) -> list[list[PCond]]:
    if isinstance(tree, Prim):
        return [[tree]]
    if isinstance(tree, PAny):
        if tree.items and all(isinstance(t, Prim) for t in tree.items):
            return [[tree]] if len(tree.items) > 1 else [[tree.items[0]]]
        out: list[list[PCond]] = []
        for t in tree.items:
            out.extend(_clauses(t))
            if len(out) > MAX_DNF:
                raise ValueError(f"expands to more than {MAX_DNF} alternatives")
        return out
    result: list[list[PCond]] = [[]]
    for t in tree.items:
        parts = _clauses(t)
        # The size is known before the product is built: a product over the cap is never made.
        if len(result) * len(parts) > MAX_DNF:
            raise ValueError(f"expands to more than {MAX_DNF} alternatives")
        result = [a + b for a in result for b in parts]
    limited: list[list[PCond]] = []
    for c in result:
        _limit_groups(c, limited)
    return limited


def _limit_groups(atoms: list[PCond], out: list[list[PCond]]) -> None:
    """Distribute the narrowest flat alternatives of a conjunction holding too many of them,
    appending the conjunctions to `out`.

    The cap is checked as each conjunction is added, not once the expansion is complete: an
    `all` of k two-way `any` groups expands to 2^(k-8) conjunctions, and k=60 (a 5 KB rule file)
    ran out of memory before the count was ever looked at."""
    groups = [a for a in atoms if isinstance(a, PAny)]
    if len(groups) <= MAX_OR_GROUPS:
        if len(out) >= MAX_DNF:
            raise ValueError(f"expands to more than {MAX_DNF} alternatives")
        out.append(atoms)
        return
    narrowest = min(groups, key=lambda g: len(g.items) if isinstance(g, PAny) else 0)
    assert isinstance(narrowest, PAny)
    rest = [a for a in atoms if a is not narrowest]
    for alternative in narrowest.items:
        _limit_groups([*rest, alternative], out)


@dataclass
class ShardSpec:
    """One durable ruleset: its rules (by position) and the keys its fact carries."""

    items: list[tuple[int, PCond]] = field(default_factory=list)  # (item index, condition part)
    keys: KeySpace = field(default_factory=KeySpace)
    branches: int = 0

    def definition(self) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        for n, (_, cond) in enumerate(self.items):
            body = compile_pcond(cond, self.keys)
            rules[f"r{n}"] = {"all": [{"m": {"$and": [{ANCHOR_KEY: 1.0}, body]}}]}
        return rules


def plan_shards(items: list[Item], kinds: Mapping[str, str] | None = None) -> list[ShardSpec]:
    """Pack items into shards under the branch and key limits, in order. `kinds` gives each
    fact's kind (number, date, text...), which decides how two facts are compared."""
    kinds = kinds or {}
    shards: list[ShardSpec] = []
    current = ShardSpec(keys=KeySpace(kinds=kinds))
    for index, item in enumerate(items):
        try:
            parts = clauses(item.pcond)
        except ValueError as exc:
            raise ValueError(f"{item.label} {exc}") from None
        for part in parts:
            cost = fanout(part)
            probe = current.keys.copy()
            compile_pcond(part, probe)
            if current.items and (current.branches + cost > MAX_BRANCHES or probe.size() > MAX_KEYS):
                shards.append(current)
                current = ShardSpec(keys=KeySpace(kinds=kinds))
                compile_pcond(part, current.keys)
            else:
                current.keys = probe
            current.items.append((index, part))
            current.branches += cost
    if current.items:
        shards.append(current)
    return shards
