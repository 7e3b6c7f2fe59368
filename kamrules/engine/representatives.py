"""Send durable-rules a representative of each value, not the value itself.

A shard's rules only ever compare a key with a few literals (revenue >= 1,000,000, margin <
0.1, stage == "partnership"). Whether each of those comparisons holds depends only on where the
value falls among the literals: below them all, equal to one, between two, above them all.
So every value of one interval can be sent as one representative of it, and durable-rules
decides exactly what it would have decided on the value itself. Two accounts that differ only
inside the intervals become the same fact, and the shard's memo answers the second one: on a
real portfolio, whose revenues and margins are all distinct, nearly every account.

Texts compared only for equality are sent as themselves when a rule names them, and as one
stand-in text otherwise (the difference of two numbers or dates, compared only with 0, comes
out as its sign). A key compared with another fact's key, or in a way not listed here, is sent as it is.
The trace and the advice always read the account's own values: only the engine's input is
abstracted.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

from kamrules.engine import jsonenc

# An encoder of one key: the JSON text of the representative of a value, or None when this
# value must be sent as it is (a type the rules do not compare it as, a non-finite number).
KeyEncoder = Callable[[Any], str | None]

_ORDERING = frozenset({"gt", "gte", "lt", "lte"})
_NUMBER = (int, float)


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


def numeric_representatives(thresholds: Sequence[float]) -> list[float] | None:
    """One value strictly inside each interval the sorted, distinct `thresholds` (at least one)
    cut the line into (len(thresholds) + 1 of them), or None when floating point has no room
    for one."""
    first, last = thresholds[0], thresholds[-1]
    reps = [first - (1.0 + abs(first))]
    for low, high in itertools.pairwise(thresholds):
        reps.append(low + (high - low) / 2.0)
    reps.append(last + (1.0 + abs(last)))
    bounds = [-math.inf, *thresholds, math.inf]
    for i, rep in enumerate(reps):
        if not (math.isfinite(rep) and bounds[i] < rep < bounds[i + 1]):
            return None
    return reps


def numeric_encoder(literals: Sequence[float]) -> KeyEncoder | None:
    """For a key compared only with the numbers `literals` (at least one)."""
    thresholds = sorted({float(v) for v in literals})
    reps = numeric_representatives(thresholds)
    if reps is None:
        return None
    exact = [jsonenc.number(t) for t in thresholds]
    inside = [jsonenc.number(r) for r in reps]
    count = len(thresholds)
    left = bisect.bisect_left
    isfinite = math.isfinite

    def encode(value: Any) -> str | None:
        kind = type(value)
        if kind is not int and kind is not float:
            return None
        if kind is int:
            value = float(value)  # compared as durable-rules compares it: as a double
        elif not isfinite(value):
            return None  # sent as it is: durable-rules' own error says what is wrong with it
        i = left(thresholds, value)
        if i < count and thresholds[i] == value:
            return exact[i]
        return inside[i]

    return encode


def text_encoder(literals: Sequence[Any]) -> KeyEncoder | None:
    if not all(isinstance(v, str) for v in literals):
        return None
    named = {v: jsonenc.string(v) for v in literals}
    stand_in = "~other~"
    while stand_in in named:
        stand_in += "~"
    other = jsonenc.string(stand_in)

    def encode(value: Any) -> str | None:
        if type(value) is not str:
            return None
        return named.get(value, other)

    return encode


def key_encoder(tests: Sequence[tuple[str, Any]]) -> KeyEncoder | None:
    """How to abstract a key the rules test with `tests` ((comparison, literal) pairs), or None
    to send its values as they are."""
    literals = [literal for _, literal in tests]
    if literals and all(_is_number(v) for v in literals):
        return numeric_encoder(literals)
    if literals and all(cmp not in _ORDERING for cmp, _ in tests):
        return text_encoder(literals)
    return None
