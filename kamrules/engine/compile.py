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
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.engine import jsonenc
from kamrules.engine.abstract import KeyEncoder, key_encoder
from kamrules.language.conditions import (
    Arg,
    PAll,
    PAny,
    PCond,
    Prim,
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
    diffs: dict[tuple[str, str], str] = field(default_factory=dict)  # (a, b) -> key of a - b
    kinds: Mapping[str, str] = field(default_factory=dict)  # fact -> kind (number, date, text...)
    # key -> the (comparison, literal) tests the shard's rules make on it, and the keys compared
    # with another fact's key (sent as they are): see `abstraction`.
    tests: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    raw: set[str] = field(default_factory=set)

    def copy(self) -> KeySpace:
        return KeySpace(
            dict(self.index),
            set(self.value),
            set(self.compared),
            set(self.days),
            set(self.count),
            {k: dict(v) for k, v in self.has.items()},
            dict(self.diffs),
            self.kinds,
            {k: list(v) for k, v in self.tests.items()},
            set(self.raw),
        )

    def note(self, key: str, cmp: str, literal: Any) -> None:
        """Record that a rule compares `key` with `literal`."""
        self.tests.setdefault(key, []).append((cmp, literal))

    def diff_key(self, a: str, b: str) -> str:
        """The key of `a - b` (days between two dates), compared with 0 in durable-rules."""
        if (a, b) not in self.diffs:
            self.diffs[(a, b)] = f"f{self._n(a)}m{self._n(b)}"
        return self.diffs[(a, b)]

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
        return (
            len(self.value)
            + len(self.days)
            + len(self.count)
            + sum(len(v) for v in self.has.values())
            + len(self.diffs)
        )

    def encoder(self, abstract: bool = True) -> Callable[[Mapping[str, Any], dt.date], str]:
        """A function turning an account's values into this shard's fact, as JSON text.

        With `abstract`, each compared value is sent as the representative of where it falls
        among the literals the rules compare it with (see `kamrules.engine.abstract`): the
        same rules fire, and accounts alike in that respect become the same fact."""
        # A fact only tested for presence is sent as 1.0: a shorter fact, and identical stage
        # inputs for accounts that differ only in, say, their address text.

        def abstraction(key: str) -> KeyEncoder | None:
            if not abstract or key in self.raw:
                return None
            return key_encoder(self.tests.get(key, ()))

        number = jsonenc.number
        string = jsonenc.string
        head = f'{{"{ANCHOR_KEY}":1.0'
        by_index = self.index.__getitem__
        # Each key's JSON prefix is built once; each value is written by the way its fact's kind
        # is encoded (known from the catalog), with a check of the type on the rare other paths.
        plain = [
            (fact, f',"f{self.index[fact]}":', fact in self.compared, abstraction(f"f{self.index[fact]}"))
            for fact in sorted(self.value, key=by_index)
        ]
        days_plan = [
            (fact, f',"f{self.index[fact]}d":', abstraction(f"f{self.index[fact]}d"))
            for fact in sorted(self.days, key=by_index)
        ]
        count_plan = [
            (fact, f',"f{self.index[fact]}c":', abstraction(f"f{self.index[fact]}c"))
            for fact in sorted(self.count, key=by_index)
        ]
        has_plan = [
            (fact, [(item, f',"{key}":1.0', f',"{key}":0.0') for item, key in values.items()])
            for fact, values in self.has.items()
        ]
        diff_plan = [(a, b, f',"{key}":', abstraction(key)) for (a, b), key in self.diffs.items()]

        def measured(prefix: str, v: float | int, enc: KeyEncoder | None) -> str:
            if enc is not None:
                text = enc(v)
                if text is not None:
                    return prefix + text
            return prefix + number(v)

        def encode(values: Mapping[str, Any], as_of: dt.date) -> str:
            parts = [head]
            append = parts.append
            get = values.get
            for fact, prefix, compared, enc in plain:
                v: Any = as_of if fact == "as_of" else get(fact)
                if v is None:
                    continue
                if not compared:
                    append(prefix + "1.0")
                    continue
                kind = type(v)
                if kind is dt.date:
                    v = v.toordinal()
                    kind = int
                if enc is not None:
                    text = enc(v)
                    if text is not None:
                        append(prefix + text)
                        continue
                if kind is float or kind is int:
                    append(prefix + number(v))
                elif kind is str:
                    append(prefix + string(v))
                elif kind is bool:
                    append(prefix + ('"true"' if v else '"false"'))
                elif isinstance(v, dt.date):
                    append(prefix + number(v.toordinal()))
                else:  # a list or a mapping: only its presence is tested
                    append(prefix + number(len(v)))
            for fact, prefix, enc in days_plan:
                v = get(fact)
                if isinstance(v, dt.date):
                    append(measured(prefix, (v - as_of).days, enc))
            for fact, prefix, enc in count_plan:
                v = get(fact)
                append(measured(prefix, 0 if v is None else len(v), enc))
            for fact, items in has_plan:
                v = get(fact)
                if v is None:
                    continue
                for item, yes, no in items:
                    append(yes if item in v else no)
            for a, b, prefix, enc in diff_plan:
                va = as_of if a == "as_of" else get(a)
                vb = as_of if b == "as_of" else get(b)
                if va is None or vb is None:
                    continue
                if isinstance(va, dt.date) and isinstance(vb, dt.date):
                    append(measured(prefix, (va - vb).days, enc))
                elif isinstance(va, (int, float)) and isinstance(vb, (int, float)):
                    append(measured(prefix, _finite_difference(float(va), float(vb)), enc))
            append("}")
            return "".join(parts)

        return encode


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


def _finite_difference(a: float, b: float) -> float:
    # For finite doubles, a - b is 0 exactly when a == b (gradual underflow) and has the sign of
    # the exact difference, so comparing a - b with 0 compares a with b. Only an overflow to
    # infinity needs care: durable-rules refuses infinities, and any huge value keeps the sign.
    d = a - b
    if math.isinf(d):
        return math.copysign(1.0e300, d)
    return d


def _literal(arg: Arg) -> Any:
    value = comparable(arg.value, dt.date.today())
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
    limits are pinned in tests/test_durable_pins.py. So nested alternatives are distributed
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


def prims_of(items: list[Item]) -> list[Prim]:
    out: list[Prim] = []
    for item in items:
        out.extend(iter_prims(item.pcond))
    return out
