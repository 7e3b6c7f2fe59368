"""JSON as durable-rules' C parser accepts it.

durable-rules rejects a number written with an exponent but no decimal point (`1e-05`, `1e+16`,
error 204) and infinities (error 202), and never matches NaN. Python's `json` writes exactly
those forms, so every number sent to the engine goes through `number()`, and NaN and
infinities never get here (the facts model refuses them).
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any


def number(value: float | int) -> str:
    """A float literal durable-rules parses: always a decimal point, exponent allowed after it."""
    if type(value) is int and -(10**15) < value < 10**15:
        return f"{value}.0"  # whole numbers (scores, counts, days): the common case, exact as a float
    f = float(value)
    text = repr(f)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{exponent}"
    if not math.isfinite(f):
        raise ValueError(f"durable-rules cannot hold the number {value!r}")
    return text


@functools.lru_cache(maxsize=4096)
def string(value: str) -> str:
    # Cached: the texts sent to durable-rules are mostly the same few choice values.
    return json.dumps(value, ensure_ascii=False)


def dumps(value: Any) -> str:
    """Serialise plain data (dict, list, str, numbers, bool, None) with safe numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        return string(value)
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{" + ",".join(f"{string(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} for durable-rules")
