"""The keys of a shard's fact: the short names of the facts its rules read, and the encoder that
writes an account's values as that fact, in JSON durable-rules parses.

Facts are flattened to short keys (`f3` the value, `f3d` days from the evaluation date, `f3c` a
count, `f3h0` whether a list holds an item, `f3m5` the difference of two facts), only those the
shard reads, so that no fact comes near durable's limit of about 252 fields.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kamrules.engine import jsonenc
from kamrules.engine.lower import Prim
from kamrules.engine.representatives import KeyEncoder, key_encoder

ANCHOR_KEY = "__k"


class _Plans(NamedTuple):
    plain: list[tuple[str, str, bool, KeyEncoder | None]]  # fact, prefix, compared, encoder
    days: list[tuple[str, str, KeyEncoder | None]]
    counts: list[tuple[str, str, KeyEncoder | None]]
    has: list[tuple[str, list[tuple[str, str, str]]]]  # fact, [(item, if held, if not)]
    diffs: list[tuple[str, str, str, KeyEncoder | None]]  # a, b, prefix of a - b, encoder


@dataclass(kw_only=True)
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
            index=dict(self.index),
            value=set(self.value),
            compared=set(self.compared),
            days=set(self.days),
            count=set(self.count),
            has={k: dict(v) for k, v in self.has.items()},
            diffs=dict(self.diffs),
            kinds=self.kinds,
            tests={k: list(v) for k, v in self.tests.items()},
            raw=set(self.raw),
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

    def _plans(self, abstract: bool) -> _Plans:
        """What to write for each key: its JSON prefix, built once, and its representative's encoder."""

        def abstraction(key: str) -> KeyEncoder | None:
            if not abstract or key in self.raw:
                return None
            return key_encoder(self.tests.get(key, ()))

        by_index = self.index.__getitem__
        return _Plans(
            plain=[
                (fact, f',"f{self.index[fact]}":', fact in self.compared, abstraction(f"f{self.index[fact]}"))
                for fact in sorted(self.value, key=by_index)
            ],
            days=[
                (fact, f',"f{self.index[fact]}d":', abstraction(f"f{self.index[fact]}d"))
                for fact in sorted(self.days, key=by_index)
            ],
            counts=[
                (fact, f',"f{self.index[fact]}c":', abstraction(f"f{self.index[fact]}c"))
                for fact in sorted(self.count, key=by_index)
            ],
            has=[
                (fact, [(item, f',"{key}":1.0', f',"{key}":0.0') for item, key in values.items()])
                for fact, values in self.has.items()
            ],
            diffs=[(a, b, f',"{key}":', abstraction(key)) for (a, b), key in self.diffs.items()],
        )

    def encoder(self, abstract: bool = True) -> Callable[[Mapping[str, Any], dt.date], str]:
        """A function turning an account's values into this shard's fact, as JSON text.

        With `abstract`, each compared value is sent as the representative of where it falls
        among the literals the rules compare it with (see `kamrules.engine.representatives`): the
        same rules fire, and accounts alike in that respect become the same fact. A fact only
        tested for presence is sent as 1.0: a shorter fact, and identical stage inputs for
        accounts that differ only in, say, their address text. Each value is written the way its
        fact's kind is encoded (known from the catalog), with a check of the type on the rare
        other paths. (One closure, the hot loop of every account's run: kept whole for speed.)
        """
        plans = self._plans(abstract)
        plain, days_plan, count_plan, has_plan, diff_plan = (
            plans.plain,
            plans.days,
            plans.counts,
            plans.has,
            plans.diffs,
        )
        number = jsonenc.number
        string = jsonenc.string
        head = f'{{"{ANCHOR_KEY}":1.0'

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


def _finite_difference(a: float, b: float) -> float:
    # For finite doubles, a - b is 0 exactly when a == b (gradual underflow) and has the sign of
    # the exact difference, so comparing a - b with 0 compares a with b. Only an overflow to
    # infinity needs care: durable-rules refuses infinities, and any huge value keeps the sign.
    d = a - b
    if math.isinf(d):
        return math.copysign(1.0e300, d)
    return d
