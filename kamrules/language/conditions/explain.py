"""Explanations in words: why a rule fired, and why one did not.

"Why not" is the question business users ask most: for an outcome that did not happen, the
rule or row that failed on a single condition, with the actual value and what it needed
("STAGE_GAP not raised: relationship.stage is integrated; it needs exploratory or basic").
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kamrules.i18n.catalog import phrases
from kamrules.i18n.numbers import date
from kamrules.language.conditions.evaluate import evaluate
from kamrules.language.conditions.tree import All, AnyOf, Arg, Cond, Leaf, Not


def phrase(lang: str, key: str) -> str:
    """A phrase of the catalogs' `explain` section (the words of conditions, scorecards and
    computed facts) in `lang`."""
    return phrases(lang, "explain")[key]


def phrase_n(lang: str, key: str, n: float) -> str:
    """The phrase for a count: `key_one` when `n` is one (or minus one), else `key`."""
    return phrase(lang, f"{key}_one") if abs(n) == 1 else phrase(lang, key)


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(str(k) for k in value) + "}"
    return str(value)


def _arg(arg: Arg, values: Mapping[str, Any] | None, param: bool = True) -> str:
    if arg.kind == "fact":
        value = values.get(str(arg.name)) if values is not None else None
        return f"{arg.name} ({show(value)})" if value is not None else str(arg.name)
    text = show(arg.value)
    return f"{text} ({arg.name})" if arg.kind == "param" and param else text


def expected(leaf: Leaf, lang: str, values: Mapping[str, Any] | None = None) -> str:
    """What the leaf needs, in words: "at least 5.5 (contribution_cutline)"."""
    if any(a.kind == "fact" for a in leaf.args):
        return _expected(leaf, lang, values)
    return _expected_static(leaf, lang)


@functools.lru_cache(maxsize=4096)
def _expected_static(leaf: Leaf, lang: str) -> str:
    # The same words for every account when no operand is another fact's value.
    return _expected(leaf, lang, None)


def _expected(leaf: Leaf, lang: str, values: Mapping[str, Any] | None) -> str:
    names = {a.name for a in leaf.args if a.kind == "param"}
    # Several values from one parameter name it once, at the end: "a or b (key_tiers)".
    grouped = len(leaf.args) > 1 and len(names) == 1 and all(a.kind == "param" for a in leaf.args)
    args = [_arg(a, values, param=not grouped) for a in leaf.args]
    template = phrase(lang, leaf.op)
    joined_any = phrase(lang, "or").join(args)
    text = template.replace("{any}", joined_any).replace("{all}", ", ".join(args))
    for i, a in enumerate(args):
        text = text.replace("{" + str(i) + "}", a)
    if leaf.op == "between" and leaf.inclusive != (True, True):
        text += f" ({'[' if leaf.inclusive[0] else '('}{args[0]}..{args[1]}{']' if leaf.inclusive[1] else ')'})"
    if grouped:
        text += f" ({next(iter(names))})"
    return text


def actual(leaf: Leaf, values: Mapping[str, Any], as_of: dt.date, lang: str) -> str:
    value = as_of if leaf.fact == "as_of" else values.get(leaf.fact)
    if value is None:
        return phrase(lang, "missing_value")
    if isinstance(value, dt.date) and leaf.fact != "as_of":
        days = (value - as_of).days
        words = phrases(lang, "explain")
        return f"{date(value, lang)} (" + words.say("days_from", days=days, as_of=as_of) + ")"
    return show(value)


def leaf_sentence(leaf: Leaf, values: Mapping[str, Any], as_of: dt.date, lang: str, failed: bool) -> str:
    key = "needs" if failed else "is"
    want = expected(leaf, lang, values)
    text = phrase(lang, key).format(fact=leaf.fact, actual=actual(leaf, values, as_of, lang), expected=want)
    if not failed:
        text += f" ({want})"
    return text


def because(cond: Cond, values: Mapping[str, Any], as_of: dt.date, lang: str) -> str:
    """Why a true condition is true: each leaf that holds, with its value and what it needed."""
    parts: list[str] = []
    _true_parts(cond, values, as_of, lang, parts)
    return "; ".join(parts)


def _true_parts(cond: Cond, values: Mapping[str, Any], as_of: dt.date, lang: str, out: list[str]) -> None:
    if isinstance(cond, Leaf):
        out.append(leaf_sentence(cond, values, as_of, lang, failed=False))
    elif isinstance(cond, All):
        for c in cond.items:
            _true_parts(c, values, as_of, lang, out)
    elif isinstance(cond, AnyOf):
        for c in cond.items:
            if evaluate(c, values, as_of) is True:
                _true_parts(c, values, as_of, lang, out)
                return
    elif isinstance(cond, Not):
        out.append("not (" + ", ".join(leaf_sentence(x, values, as_of, lang, False) for x in _leaves(cond.item)) + ")")


def _leaves(cond: Cond) -> list[Leaf]:
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, Not):
        return _leaves(cond.item)
    out: list[Leaf] = []
    for c in cond.items:
        out.extend(_leaves(c))
    return out


@dataclass(frozen=True)
class NearMiss:
    """The single part of a condition that is not true."""

    sentence: str
    fact: str | None
    actual: Any
    expected: str | None


def near_miss(cond: Cond, values: Mapping[str, Any], as_of: dt.date, lang: str) -> NearMiss | None:
    """If exactly one conjunct of `cond` is not true, describe it; otherwise None."""
    conjuncts = list(cond.items) if isinstance(cond, All) else [cond]
    failing = [c for c in conjuncts if evaluate(c, values, as_of) is not True]
    if len(failing) != 1:
        return None
    part = failing[0]
    if isinstance(part, Leaf):
        value = values.get(part.fact) if part.fact != "as_of" else as_of
        return NearMiss(
            leaf_sentence(part, values, as_of, lang, failed=True),
            part.fact,
            show(value) if value is not None else None,
            expected(part, lang, values),
        )
    if isinstance(part, AnyOf):
        sentences = [leaf_sentence(x, values, as_of, lang, True) for x in _leaves(part)]
        return NearMiss(phrase(lang, "any_failed") + ": " + "; ".join(sentences), None, None, None)
    if isinstance(part, Not):
        return NearMiss(phrase(lang, "not_failed") + ": " + because(part.item, values, as_of, lang), None, None, None)
    inner = near_miss(part, values, as_of, lang)
    return inner
