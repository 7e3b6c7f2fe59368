"""Compile a stage's rules and table rows to durable-rules rulesets.

Each rule or row becomes one durable rule named `r<index>`, whose condition is anchored on a
positive test (`__k == 1`): a rule made only of negative tests would otherwise match the
engine's own state fact and fire forever. Facts are flattened to short keys (`f3`, `f3d`...),
only those the shard reads, so that no fact comes near durable's limit of about 252 fields.
Rules are packed into shards of at most `MAX_BRANCHES` condition branches, since more than 64
branches matching one fact at once fails at assert time (error 303).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.engine import jsonenc
from kamrules.language.conditions import (
    Arg,
    PAll,
    PAny,
    PCond,
    Prim,
    branch_count,
    comparable,
    iter_prims,
)

MAX_BRANCHES = 48
MAX_KEYS = 200
MAX_DNF = 4096
ANCHOR_KEY = "__k"


@dataclass(frozen=True)
class Item:
    """Something that fires: a rule, or a row of a decision table."""

    key: str  # rule id, or table:row
    pcond: PCond
    label: str  # for error messages: "rule X in file:line"


@dataclass
class KeySpace:
    """The short keys of the facts one shard reads, and how to encode a fact for it."""

    index: dict[str, int] = field(default_factory=dict)
    value: set[str] = field(default_factory=set)
    compared: set[str] = field(default_factory=set)  # facts whose value (not just presence) is tested
    days: set[str] = field(default_factory=set)
    count: set[str] = field(default_factory=set)
    has: dict[str, dict[str, str]] = field(default_factory=dict)  # fact -> value -> key

    def _n(self, fact: str) -> int:
        if fact not in self.index:
            self.index[fact] = len(self.index)
        return self.index[fact]

    def key(self, prim: Prim) -> str:
        n = self._n(prim.fact)
        if prim.key in ("value", "present"):
            self.value.add(prim.fact)
            if prim.key == "value":
                self.compared.add(prim.fact)
            return f"f{n}"
        if prim.key == "days":
            self.days.add(prim.fact)
            return f"f{n}d"
        if prim.key == "count":
            self.count.add(prim.fact)
            return f"f{n}c"
        values = self.has.setdefault(prim.fact, {})
        name = str(prim.arg.name)
        if name not in values:
            values[name] = f"f{n}h{len(values)}"
        return values[name]

    def value_key(self, fact: str) -> str:
        self.value.add(fact)
        self.compared.add(fact)
        return f"f{self._n(fact)}"

    def size(self) -> int:
        return len(self.value) + len(self.days) + len(self.count) + sum(len(v) for v in self.has.values())

    def encoder(self) -> Callable[[Mapping[str, Any], dt.date], str]:
        """A function turning an account's values into this shard's fact, as JSON text."""
        # A fact only tested for presence is sent as 1.0: a shorter fact, and identical stage
        # inputs for accounts that differ only in, say, their address text.
        value_keys = [
            (fact, f"f{self.index[fact]}", fact in self.compared)
            for fact in sorted(self.value, key=self.index.__getitem__)
        ]
        day_keys = [(fact, f"f{self.index[fact]}d") for fact in sorted(self.days, key=self.index.__getitem__)]
        count_keys = [(fact, f"f{self.index[fact]}c") for fact in sorted(self.count, key=self.index.__getitem__)]
        has_keys = [(fact, list(values.items())) for fact, values in self.has.items()]
        number = jsonenc.number
        string = jsonenc.string
        head = f'{{"{ANCHOR_KEY}":1.0'

        def encode(values: Mapping[str, Any], as_of: dt.date) -> str:
            parts = [head]
            append = parts.append
            for fact, key, compared in value_keys:
                v = as_of if fact == "as_of" else values.get(fact)
                if v is None:
                    continue
                if not compared:
                    append(f',"{key}":1.0')
                elif isinstance(v, bool):
                    append(f',"{key}":"{"true" if v else "false"}"')
                elif isinstance(v, (int, float)):
                    append(f',"{key}":{number(v)}')
                elif isinstance(v, str):
                    append(f',"{key}":{string(v)}')
                elif isinstance(v, dt.date):
                    append(f',"{key}":{number(v.toordinal())}')
                else:  # a list or a mapping: only its presence is tested
                    append(f',"{key}":{number(len(v))}')
            for fact, key in day_keys:
                v = values.get(fact)
                if isinstance(v, dt.date):
                    append(f',"{key}":{number((v - as_of).days)}')
            for fact, key in count_keys:
                v = values.get(fact)
                append(f',"{key}":{number(0 if v is None else len(v))}')
            for fact, items in has_keys:
                v = values.get(fact)
                if v is None:
                    continue
                for item, key in items:
                    append(f',"{key}":{"1.0" if item in v else "0.0"}')
            append("}")
            return "".join(parts)

        return encode


def _literal(arg: Arg) -> Any:
    value = comparable(arg.value, dt.date.today())
    return value


def compile_prim(prim: Prim, keys: KeySpace) -> dict[str, Any]:
    key = keys.key(prim)
    if prim.key == "present":
        return {"$ex" if prim.arg.value else "$nex": {key: 1}}
    if prim.key == "has":
        return {key: 1.0 if prim.arg.value else 0.0}
    guard: dict[str, Any] | None = None
    if prim.arg.kind == "fact":
        assert prim.arg.name is not None
        other = keys.value_key(prim.arg.name)
        right: Any = {"$m": other}
        # durable-rules compares a field with a *missing* one as true, whatever the operator:
        # the other fact must be present for the comparison to mean anything.
        guard = {"$ex": {other: 1}}
    else:
        right = _literal(prim.arg)
        if isinstance(right, (int, float)) and not isinstance(right, bool):
            right = float(right)
    if prim.cmp == "eq":
        test: dict[str, Any] = {key: right}
    else:
        op = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}[prim.cmp]
        test = {op: {key: right}}
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


def split_branches(tree: PCond) -> list[PCond]:
    """Split a condition whose DNF is too large into disjuncts small enough for one shard."""
    if branch_count(tree) <= MAX_BRANCHES:
        return [tree]
    if isinstance(tree, PAny):
        out: list[PCond] = []
        for t in tree.items:
            out.extend(split_branches(t))
        return out
    # An "all" whose product of alternatives is too large: distribute one "any" over the rest.
    assert isinstance(tree, PAll)
    if branch_count(tree) > MAX_DNF:
        raise ValueError(f"expands to {branch_count(tree)} alternatives (at most {MAX_DNF})")
    for i, t in enumerate(tree.items):
        if isinstance(t, PAny):
            rest = tree.items[:i] + tree.items[i + 1 :]
            out = []
            for alt in t.items:
                out.extend(split_branches(PAll((alt, *rest))))
            return out
    return [tree]  # pragma: no cover - an "all" of primitives has one branch


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


def plan_shards(items: list[Item]) -> list[ShardSpec]:
    """Pack items into shards under the branch and key limits, in order."""
    shards: list[ShardSpec] = []
    current = ShardSpec()
    for index, item in enumerate(items):
        for part in split_branches(item.pcond):
            cost = branch_count(part)
            probe = KeySpace(
                dict(current.keys.index),
                set(current.keys.value),
                set(current.keys.compared),
                set(current.keys.days),
                set(current.keys.count),
                {k: dict(v) for k, v in current.keys.has.items()},
            )
            compile_pcond(part, probe)
            if current.items and (current.branches + cost > MAX_BRANCHES or probe.size() > MAX_KEYS):
                shards.append(current)
                current = ShardSpec()
                compile_pcond(part, current.keys)
            else:
                current.keys = probe
            current.items.append((index, part))
            current.branches += cost
    if current.items:
        shards.append(current)
    return shards


def prims_of(items: list[Item]) -> list[Prim]:
    out: list[Prim] = []
    for item in items:
        out.extend(iter_prims(item.pcond))
    return out
