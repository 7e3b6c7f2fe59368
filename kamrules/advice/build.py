"""Turn an evaluation into advice: the treatment, the levers, the warnings, the trace, in a language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kamrules.advice.scores import score_details, score_sources
from kamrules.advice.undecided import undecided_message
from kamrules.advice.why_not import why_not
from kamrules.engine.evaluation import Evaluation, TraceItem, json_value
from kamrules.i18n.catalog import phrases
from kamrules.i18n.languages import DEFAULT
from kamrules.i18n.texts import Texts
from kamrules.language.rulebase import RuleBase
from kamrules.language.templates import render
from kamrules.model.advice import (
    Advice,
    Scores,
)
from kamrules.model.vocabulary import SEVERITY_ORDER

TREATMENT_KEYS = (
    "roi_horizon",
    "customer_understanding",
    "contract_type",
    "contact_level",
    "perception",
    "resource_allocation",
    "technology",
    "pricing",
    "pitfalls",
)
CORE = ("tier", "profile", "profile_source", "strategy")


# value_label, decision_label, undecided_kind and strategy_treatment each word one part of the
# advice, for the per-account path (here) and the batch engine (kamrules/batch/output.py,
# texts.py, portfolio/cells.py) alike: the two must agree word for word.
def value_label(rb: RuleBase, fact: str, value: Any, lang: str) -> str:
    """A value of `fact` as the advice's texts word it in `lang`: a choice's label, else the value."""
    info = rb.facts.get(fact)
    if info is not None and info.labels and isinstance(value, str):
        labels = info.labels.get(value)
        if labels:
            return labels.get(lang) or labels.get(DEFAULT) or value
    return str(value)


def build_advice(rb: RuleBase, ev: Evaluation, account_id: str, account_name: str, *, explain: bool = False) -> Advice:
    """The advice, as the pydantic model of docs/contract.md §3."""
    # One validation of the whole advice runs in pydantic's core: far cheaper than building the
    # thirty-odd nested models one by one in Python, and it checks what the rules produced.
    return Advice.model_validate(advice_data(rb, ev, account_id, account_name, explain=explain))


def advice_data(
    rb: RuleBase, ev: Evaluation, account_id: str, account_name: str, *, explain: bool = False
) -> dict[str, Any]:
    """The advice as plain JSON-ready data (what `build_advice` validates into the model);
    for callers that only serialise or flatten it, such as a portfolio row."""
    lang = ev.lang
    values = ev.values

    def lookup(name: str) -> Any:
        if name == "as_of":
            return ev.as_of
        if name in rb.params:
            return rb.params[name].value
        return values.get(name)

    def label(name: str, value: Any) -> str:
        return value_label(rb, name, value, lang)

    strategy = values.get("strategy")
    trace = [_trace_entry(t) for t in ev.trace]
    data = {
        "account": {"id": account_id, "name": account_name},
        "tier": _str(values.get("tier")),
        "profile": _str(values.get("profile")),
        "profile_source": _str(values.get("profile_source")),
        "strategy": _str(strategy),
        "treatment": strategy_treatment(rb, strategy, lang) if isinstance(strategy, str) else None,
        "levers": _levers(rb, ev, lookup, label),
        "warnings": _warnings(rb, ev, lookup, label),
        "scores": {name: _score(values, name) for name in Scores.model_fields},
        "trace": trace,
        "ruleset": {"name": rb.name, "version": rb.version, "digest": rb.digest},
        "lang": lang,
        "as_of": ev.as_of.isoformat(),
        "labels": _labels(rb, values, lang),
        "facts": {
            k: json_value(v)
            for k, v in values.items()
            if k in rb.derived and k not in CORE and not k.startswith("scores.") and v is not None
        },
        "why_not": [w.model_dump() for w in why_not(rb, ev)] if explain else None,
        "score_sources": score_sources(values),
    }
    if explain:
        data["score_details"] = score_details(rb, values, trace, lang)
    return data


Lookup = Callable[[str], Any]
Label = Callable[[str, Any], str]


def _warnings(rb: RuleBase, ev: Evaluation, lookup: Lookup, label: Label) -> list[dict[str, Any]]:
    """One warning per code, the most severe (then the first fired) winning, and one UNDECIDED
    per decision left undecided; the most severe first."""
    lang = ev.lang
    by_code: dict[str, dict[str, Any]] = {}
    for rule in ev.warnings:
        warn = rule.warn
        if warn is None:  # pragma: no cover - only rules with a warning are listed
            continue
        prev = by_code.get(warn.code)
        if prev is not None and SEVERITY_ORDER[warn.severity] <= SEVERITY_ORDER[prev["severity"]]:
            continue
        code = rb.warning_codes.get(warn.code)
        by_code[warn.code] = {
            "code": warn.code,
            "severity": warn.severity,
            "message": render(warn.message.get(lang), lookup, label, ev.as_of, lang),
            "rule": rule.id,
            "title": code.title.get(lang) if code else "",
        }
    undecided = set(ev.undecided)
    severity, title = undecided_kind(rb, lang)
    for fact in rb.decisions:
        if fact in ev.undecided:
            by_code.setdefault(
                f"UNDECIDED:{fact}",
                {
                    "code": "UNDECIDED",
                    "severity": severity,
                    "message": undecided_message(rb, fact, ev.undecided[fact], undecided, lang),
                    "rule": f"decision:{fact}",
                    "title": title,
                },
            )
    return sorted(by_code.values(), key=lambda w: (-SEVERITY_ORDER[w["severity"]], w["code"], w["rule"]))


def undecided_kind(rb: RuleBase, lang: str) -> tuple[str, str]:
    """The severity and title (in `lang`) of the UNDECIDED warning of a decision left undecided."""
    known = rb.warning_codes.get("UNDECIDED")
    if known is None:
        return "high", phrases(lang, "undecided")["title"]
    return known.severity, known.title.get(lang)


def _levers(rb: RuleBase, ev: Evaluation, lookup: Lookup, label: Label) -> list[dict[str, Any]]:
    """Each lever once, with why (from the first rule that pulled it) and every rule that did."""
    lang = ev.lang
    levers: dict[str, dict[str, Any]] = {}
    for rule, pick in ev.levers:
        if pick.id in levers:
            levers[pick.id]["rules"].append(rule.id)
            continue
        definition = rb.levers.get(pick.id)
        levers[pick.id] = {
            "id": pick.id,
            "why": render(pick.why.get(lang), lookup, label, ev.as_of, lang),
            "label": definition.label.get(lang) if definition else pick.id,
            "rules": [rule.id],
        }
    return list(levers.values())


def _labels(rb: RuleBase, values: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The names of the tier, profile and strategy in `lang`."""
    return {
        k: decision_label(rb, k, values[k], lang)
        for k in ("tier", "profile", "strategy")
        if isinstance(values.get(k), str)
    }


def decision_label(rb: RuleBase, fact: str, value: str, lang: str) -> str:
    """The name in `lang` of a tier, profile or strategy (the advice's `labels`): a strategy's
    or profile's own label, else the value's label."""
    if fact == "strategy" and value in rb.strategies:
        return rb.strategies[value].label.get(lang)
    if fact == "profile" and value in rb.profiles:
        return rb.profiles[value].label.get(lang)
    return value_label(rb, fact, value, lang)


def _trace_entry(t: TraceItem) -> dict[str, Any]:
    return {
        "rule": t.rule,
        "because": t.because,
        "decided": t.decided,
        "file": t.file,
        "line": t.line,
        "facts": t.facts,
        "parameters": t.parameters,
    }


def _score(values: dict[str, Any], name: str) -> float | None:
    # A derived score (scores.x) when the rulesets compute one, else the score the account gave.
    for key in (f"scores.{name}", f"assessment.{name}"):
        value = values.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def strategy_treatment(rb: RuleBase, strategy: str, lang: str) -> dict[str, Any] | None:
    """The treatment of `strategy` in `lang`, one text per row of `TREATMENT_KEYS` (pitfalls: a
    list); None for a strategy no strategies file defines."""
    spec = rb.strategies.get(strategy)
    if spec is None:
        return None
    cells: dict[str, Any] = {}
    for key in TREATMENT_KEYS:
        value = spec.treatment.get(key)
        if key == "pitfalls":
            if value is None:
                cells[key] = []
            elif isinstance(value, Texts):
                cells[key] = [value.get(lang)]
            else:
                cells[key] = [v.get(lang) for v in value]
        elif isinstance(value, tuple):
            cells[key] = " ".join(v.get(lang) for v in value)
        else:
            cells[key] = value.get(lang) if value is not None else ""
    return cells
