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

from kamrules.language.conditions import All, AnyOf, Arg, Cond, Leaf, Not, evaluate

_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "eq": "{0}",
        "ne": "anything but {0}",
        "gt": "more than {0}",
        "gte": "at least {0}",
        "lt": "less than {0}",
        "lte": "at most {0}",
        "between": "between {0} and {1}",
        "one_of": "{any}",
        "none_of": "none of {all}",
        "exists": "a value",
        "missing": "no value",
        "empty": "no items",
        "not_empty": "at least one item",
        "contains": "to include {0}",
        "not_contains": "not to include {0}",
        "contains_any": "to include {any}",
        "within_days": "a date within {0} days after the evaluation date",
        "within_last_days": "a date within the last {0} days",
        "older_than_days": "a date more than {0} days ago",
        "beyond_days": "a date more than {0} days ahead",
        "past": "a date before the evaluation date",
        "not_past": "a date on or after the evaluation date",
        "or": " or ",
        "is": "{fact} is {actual}",
        "needs": "{fact} is {actual}; it needs {expected}",
        "missing_value": "missing",
        "days_from": "{days} days from {as_of}",
        "not_raised": "{outcome} not raised",
        "not_recommended": "{outcome} not recommended",
        "not_set": "{outcome} not decided",
        "any_failed": "none of its alternatives holds",
        "not_failed": "the condition it excludes holds",
        # Scorecards and computed facts (kamrules.engine.compute); a key ending in _one is
        # the singular of the key without it (see phrase_n).
        "sc_given": "{fact} is given: {value}",
        "sc_nothing": "no score and no criteria",
        "sc_weighted": "weighted average of {n} criteria gives {score}",
        "sc_weighted_one": "weighted average of {n} criterion gives {score}",
        "sc_versus": "{src}: our weighted score {ours} against the best competitor's {best} "
        "(5.5 at parity) gives {score}",
        "sc_renormalised": "; {n} criteria without a score, weights renormalised",
        "sc_renormalised_one": "; {n} criterion without a score, weights renormalised",
        "sc_undecided": "criteria without a score: {missing} (the scorecard needs {needs})",
        "sc_needs_all": "every criterion",
        "sc_needs_weight": "at least {weight} % of the weight",
        "cp_count": "{fact} has {n} items",
        "cp_count_one": "{fact} has {n} item",
        "cp_count_where": "{n} items of {fact} have {filters}",
        "cp_count_where_one": "{n} item of {fact} has {filters}",
        "cp_in": "{field} in {values}",
        "and": " and ",
        "cp_missing": "missing {facts}",
        "cp_missing_one": "missing {facts}",
        "cp_zero": "{fact} is zero",
        "cp_years_since": "{years} and {days} since {date}",
        "cp_years": "{n} years",
        "cp_years_one": "{n} year",
        "cp_days": "{n} days",
        "cp_days_one": "{n} day",
        "cp_scale": "{fact} is {value}: between {low} and {high}, scored from {from_} to {to}: {score}",
        "cp_scale_below": "{fact} is {value}, at or below {point}: {score}",
        "cp_scale_above": "{fact} is {value}, at or above {point}: {score}",
        "cp_minimum": "the least {field} of {n} items of {fact} is {value}",
        "cp_minimum_one": "the {field} of the one item of {fact} that has one is {value}",
        "cp_maximum": "the greatest {field} of {n} items of {fact} is {value}",
        "cp_maximum_one": "the {field} of the one item of {fact} that has one is {value}",
        "cp_no_field": "no item of {fact} has a {field}",
    },
    "it": {
        "eq": "{0}",
        "ne": "un valore diverso da {0}",
        "gt": "più di {0}",
        "gte": "almeno {0}",
        "lt": "meno di {0}",
        "lte": "al massimo {0}",
        "between": "tra {0} e {1}",
        "one_of": "{any}",
        "none_of": "nessuno tra {all}",
        "exists": "un valore",
        "missing": "nessun valore",
        "empty": "nessun elemento",
        "not_empty": "almeno un elemento",
        "contains": "che includa {0}",
        "not_contains": "che non includa {0}",
        "contains_any": "che includa {any}",
        "within_days": "una data entro {0} giorni dalla data di valutazione",
        "within_last_days": "una data negli ultimi {0} giorni",
        "older_than_days": "una data di più di {0} giorni fa",
        "beyond_days": "una data oltre {0} giorni da oggi",
        "past": "una data precedente alla data di valutazione",
        "not_past": "una data non precedente alla data di valutazione",
        "or": " o ",
        "is": "{fact} è {actual}",
        "needs": "{fact} è {actual}; serve {expected}",
        "missing_value": "assente",
        "days_from": "{days} giorni dal {as_of}",
        "not_raised": "{outcome} non segnalato",
        "not_recommended": "{outcome} non consigliata",
        "not_set": "{outcome} non deciso",
        "any_failed": "nessuna delle alternative è vera",
        "not_failed": "è vera la condizione che esclude",
        "sc_given": "{fact} è indicato: {value}",
        "sc_nothing": "nessun punteggio e nessun criterio",
        "sc_weighted": "la media pesata di {n} criteri dà {score}",
        "sc_weighted_one": "la media pesata di {n} criterio dà {score}",
        "sc_versus": "{src}: il nostro punteggio pesato {ours} contro {best} del miglior concorrente "
        "(5.5 alla pari) dà {score}",
        "sc_renormalised": "; {n} criteri senza punteggio, pesi rinormalizzati",
        "sc_renormalised_one": "; {n} criterio senza punteggio, pesi rinormalizzati",
        "sc_undecided": "criteri senza punteggio: {missing} (la scheda di valutazione richiede {needs})",
        "sc_needs_all": "tutti i criteri",
        "sc_needs_weight": "almeno il {weight} % del peso",
        "cp_count": "{fact} ha {n} elementi",
        "cp_count_one": "{fact} ha {n} elemento",
        "cp_count_where": "{n} elementi di {fact} hanno {filters}",
        "cp_count_where_one": "{n} elemento di {fact} ha {filters}",
        "cp_in": "{field} tra {values}",
        "and": " e ",
        "cp_missing": "mancano {facts}",
        "cp_missing_one": "manca {facts}",
        "cp_zero": "{fact} è zero",
        "cp_years_since": "{years} e {days} dal {date}",
        "cp_years": "{n} anni",
        "cp_years_one": "{n} anno",
        "cp_days": "{n} giorni",
        "cp_days_one": "{n} giorno",
        "cp_scale": "{fact} è {value}: tra {low} e {high}, punteggio da {from_} a {to}: {score}",
        "cp_scale_below": "{fact} è {value}, non oltre {point}: {score}",
        "cp_scale_above": "{fact} è {value}, non sotto {point}: {score}",
        "cp_minimum": "il valore minimo di {field} tra {n} elementi di {fact} è {value}",
        "cp_minimum_one": "{field} dell'unico elemento di {fact} che lo indica è {value}",
        "cp_maximum": "il valore massimo di {field} tra {n} elementi di {fact} è {value}",
        "cp_maximum_one": "{field} dell'unico elemento di {fact} che lo indica è {value}",
        "cp_no_field": "nessun elemento di {fact} indica {field}",
    },
}


def phrase(lang: str, key: str) -> str:
    return _PHRASES.get(lang, _PHRASES["en"]).get(key) or _PHRASES["en"][key]


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
        return f"{value.isoformat()} (" + phrase(lang, "days_from").format(days=days, as_of=as_of.isoformat()) + ")"
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
