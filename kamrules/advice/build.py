"""Turn an evaluation into advice: the treatment, the levers, the warnings, the trace, in a language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kamrules.advice.scores import score_details, score_sources
from kamrules.engine.explain import near_miss, phrase
from kamrules.engine.program import Evaluation, _json_value
from kamrules.language.rulebase import RuleBase
from kamrules.language.texts import Texts, render
from kamrules.model.advice import (
    Advice,
    Scores,
    WhyNot,
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

_UNDECIDED = {
    "en": {
        "title": "Undecided",
        "missing": "{fact} could not be decided; missing facts that would decide it: {facts}",
        "because": "{fact} could not be decided because {other} is undecided",
        "conflict": "{fact} could not be decided: {why}",
        "from_word": "from",
        "or": " or ",
    },
    "it": {
        "title": "Non deciso",
        "missing": "{fact} non può essere deciso; mancano i fatti che lo deciderebbero: {facts}",
        "because": "{fact} non può essere deciso perché {other} non è deciso",
        "conflict": "{fact} non può essere deciso: {why}",
        "from_word": "da",
        "or": " o ",
    },
}


def _u(lang: str, key: str) -> str:
    return _UNDECIDED.get(lang, _UNDECIDED["en"])[key]


def undecided_message(rb: RuleBase, fact: str, reasons: list[str], undecided: set[str], lang: str) -> str:
    """Why a decision is undecided, in words: a conflict, a blocking decision, or missing facts."""
    if reasons and not any(r.split(" ", 1)[0] in rb.facts for r in reasons):
        return _u(lang, "conflict").format(fact=fact, why="; ".join(reasons))
    # "because tier is undecided" only when nothing else is missing: a missing fact the user can
    # supply says more than a decision that waits on facts of its own.
    blockers = [r for r in reasons if r in undecided]
    others = [r for r in reasons if r not in undecided]
    if blockers and not others:
        return _u(lang, "because").format(fact=fact, other=", ".join(blockers))
    shown = [_worded(r, lang) for r in others]
    return _u(lang, "missing").format(fact=fact, facts=", ".join(shown) or "?")


def _worded(reason: str, lang: str) -> str:
    """A missing fact as the UNDECIDED warning words it, in `lang`."""
    return reason.replace(" (from ", f" ({_u(lang, 'from_word')} ").replace(" or ", _u(lang, "or"))


def missing_facts(rb: RuleBase, undecided: Mapping[str, list[str]], fact: str, lang: str) -> list[str]:
    """The missing facts that would decide `fact`, through the undecided decisions it waits on
    (strategy waits on profile, profile on the scores), worded as the UNDECIDED warnings word
    them; empty when `fact` is decided, or undecided for a conflict rather than a missing fact."""
    out: list[str] = []
    seen: set[str] = set()

    def walk(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for reason in undecided.get(name, []):
            if reason in undecided:
                walk(reason)
            elif reason.split(" ", 1)[0] in rb.facts:
                out.append(_worded(reason, lang))

    walk(fact)
    return list(dict.fromkeys(out))


def _label(rb: RuleBase, fact: str, value: Any, lang: str) -> str:
    info = rb.facts.get(fact)
    if info is not None and info.labels and isinstance(value, str):
        labels = info.labels.get(value)
        if labels:
            return labels.get(lang) or labels.get("en") or value
    return str(value)


def build_advice(rb: RuleBase, ev: Evaluation, account_id: str, account_name: str, *, explain: bool = False) -> Advice:
    """The advice, as the pydantic model of CONTRACT.md §3."""
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
        return _label(rb, name, value, lang)

    # Warnings: one per code, the most severe (then the first fired) wins.
    by_code: dict[str, dict[str, Any]] = {}
    for rule in ev.warnings:
        warn = rule.warn
        assert warn is not None
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
    undecided_code = rb.warning_codes.get("UNDECIDED")
    for fact in rb.decisions:
        if fact in ev.undecided:
            by_code.setdefault(
                f"UNDECIDED:{fact}",
                {
                    "code": "UNDECIDED",
                    "severity": undecided_code.severity if undecided_code else "high",
                    "message": undecided_message(rb, fact, ev.undecided[fact], undecided, lang),
                    "rule": f"decision:{fact}",
                    "title": undecided_code.title.get(lang) if undecided_code else _u(lang, "title"),
                },
            )
    warnings = sorted(by_code.values(), key=lambda w: (-SEVERITY_ORDER[w["severity"]], w["code"], w["rule"]))

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

    strategy = values.get("strategy")
    labels = {
        k: _label(rb, k, values[k], lang) for k in ("tier", "profile", "strategy") if isinstance(values.get(k), str)
    }
    if isinstance(strategy, str) and strategy in rb.strategies:
        labels["strategy"] = rb.strategies[strategy].label.get(lang)
    if isinstance(values.get("profile"), str) and values["profile"] in rb.profiles:
        labels["profile"] = rb.profiles[values["profile"]].label.get(lang)
    trace: list[dict[str, Any]] = [
        {
            "rule": t.rule,
            "because": t.because,
            "decided": t.decided,
            "file": t.file,
            "line": t.line,
            "facts": t.facts,
            "parameters": t.parameters,
        }
        for t in ev.trace
    ]
    data = {
        "account": {"id": account_id, "name": account_name},
        "tier": _str(values.get("tier")),
        "profile": _str(values.get("profile")),
        "profile_source": _str(values.get("profile_source")),
        "strategy": _str(strategy),
        "treatment": _treatment(rb, strategy, lang) if isinstance(strategy, str) else None,
        "levers": list(levers.values()),
        "warnings": warnings,
        "scores": {name: _score(values, name) for name in Scores.model_fields},
        "trace": trace,
        "ruleset": {"name": rb.name, "version": rb.version, "digest": rb.digest},
        "lang": lang,
        "as_of": ev.as_of.isoformat(),
        "labels": labels,
        "facts": {
            k: _json_value(v)
            for k, v in values.items()
            if k in rb.derived and k not in CORE and not k.startswith("scores.") and v is not None
        },
        "why_not": [w.model_dump() for w in why_not(rb, ev)] if explain else None,
        "score_sources": score_sources(values),
    }
    if explain:
        data["score_details"] = score_details(rb, values, trace, lang)
    return data


def _score(values: dict[str, Any], name: str) -> float | None:
    # A derived score (scores.x) when the rulesets compute one, else the score the account gave.
    for key in (f"scores.{name}", f"assessment.{name}"):
        value = values.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _treatment(rb: RuleBase, strategy: str, lang: str) -> dict[str, Any] | None:
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


def why_not(rb: RuleBase, ev: Evaluation) -> list[WhyNot]:
    """Outcomes that did not happen because exactly one condition failed."""
    lang = ev.lang
    out: list[WhyNot] = []
    seen: set[str] = set()
    raised = {r.warn.code for r in ev.warnings if r.warn}
    recommended = {pick.id for _, pick in ev.levers}
    for rule in rb.rules:
        if rule.id in ev.fired:
            continue
        outcomes: list[str] = []
        if rule.warn is not None and rule.warn.code not in raised:
            outcomes.append(phrase(lang, "not_raised").format(outcome=rule.warn.code))
        outcomes += [
            phrase(lang, "not_recommended").format(outcome=f"lever {p.id}")
            for p in rule.levers
            if p.id not in recommended
        ]
        outcomes += [
            phrase(lang, "not_set").format(outcome=f"{k}={v.literal}")
            for k, v in rule.sets.items()
            if v.fact is None and ev.values.get(k) != v.literal
        ]
        if not outcomes:
            continue
        miss = near_miss(rule.when, ev.values, ev.as_of, lang)
        if miss is None:
            continue
        for outcome in outcomes:
            if f"{outcome}: {miss.sentence}" in seen:
                continue
            seen.add(f"{outcome}: {miss.sentence}")
            out.append(
                WhyNot.model_construct(
                    outcome=outcome,
                    rule=rule.id,
                    because=f"{outcome}: {miss.sentence}",
                    fact=miss.fact,
                    actual=miss.actual,
                    expected=miss.expected,
                    file=rule.where.file,
                    line=rule.where.line,
                )
            )
    for table in rb.tables:
        for row in table.rows:
            ref = table.row_ref(row)
            if ref in ev.fired:
                continue
            changes = [
                f"{k}={v.literal}"
                for k, v in row.outputs.items()
                if v.fact is None and ev.values.get(k) != v.literal and k in rb.decisions
            ]
            if not changes:
                continue
            miss = near_miss(row.when, ev.values, ev.as_of, lang)
            if miss is None:
                continue
            outcome = phrase(lang, "not_set").format(outcome=", ".join(changes))
            out.append(
                WhyNot.model_construct(
                    outcome=outcome,
                    rule=ref,
                    because=f"{outcome}: {miss.sentence}",
                    fact=miss.fact,
                    actual=miss.actual,
                    expected=miss.expected,
                    file=row.where.file,
                    line=row.where.line,
                )
            )
    return out


def today() -> dt.date:
    return dt.date.today()
