"""Where each of the four scores comes from, and (with explain) how it was computed.

A score is given by hand, measured against the portfolio, or derived from the CRM facts
(docs/domain.md §3a); the rulesets record which in `scores.source.<score>`. The computation is read
back from the trace: the step that decided the score, then, for every derived fact that step
read, the step that decided it, down to the account's own facts, which are the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kamrules.i18n.catalog import phrases
from kamrules.i18n.numbers import number
from kamrules.language.rulebase import RuleBase

SCORES = ("current_contribution", "potential_contribution", "attractiveness", "relative_strength")
# The fact that says what a derived score was measured on, where the rulesets keep one.
BASIS = {
    "current_contribution": "derived.current_contribution_basis",
    "potential_contribution": "measures.headroom_basis",
}


def score_sources(values: Mapping[str, Any]) -> dict[str, str | None]:
    """Score -> hand, portfolio or derived (None: the score is not known)."""
    out: dict[str, str | None] = {}
    for name in SCORES:
        source = values.get(f"scores.source.{name}")
        out[name] = source if isinstance(source, str) else None
    return out


def score_details(
    rb: RuleBase, values: Mapping[str, Any], trace: Sequence[Mapping[str, Any]], lang: str
) -> dict[str, dict[str, Any]]:
    """Score -> its value, source (and its label in `lang`), basis, the steps that computed it
    (deepest first) and the account facts they read. `trace` is the advice's trace, as plain
    data; the steps' sentences are in its language."""
    decided_by: dict[str, Mapping[str, Any]] = {}
    for entry in trace:
        for fact in entry.get("decided", {}):
            decided_by.setdefault(fact, entry)
    out: dict[str, dict[str, Any]] = {}
    for name in SCORES:
        steps: list[Mapping[str, Any]] = []
        inputs: dict[str, Any] = {}
        _walk(rb, f"scores.{name}", decided_by, steps, inputs, set())
        source = values.get(f"scores.source.{name}")
        basis = values.get(BASIS[name]) if source == "derived" and name in BASIS else None
        out[name] = {
            "value": values.get(f"scores.{name}"),
            "source": source,
            "basis": basis,
            "source_text": rb.label(f"scores.source.{name}", source, lang) if isinstance(source, str) else None,
            "basis_text": rb.label(BASIS[name], basis, lang) if isinstance(basis, str) else None,
            "steps": [
                {
                    "rule": step["rule"],
                    "because": step["because"],
                    "decided": step.get("decided", {}),
                    "file": step.get("file"),
                    "line": step.get("line"),
                }
                for step in steps
            ],
            "inputs": inputs,
        }
    return out


def _walk(
    rb: RuleBase,
    fact: str,
    decided_by: Mapping[str, Mapping[str, Any]],
    steps: list[Mapping[str, Any]],
    inputs: dict[str, Any],
    seen: set[str],
) -> None:
    entry = decided_by.get(fact)
    if entry is None or entry["rule"] in seen:
        return
    seen.add(entry["rule"])
    for read, value in entry.get("facts", {}).items():
        if value is None:
            continue
        if read in rb.derived:
            _walk(rb, read, decided_by, steps, inputs, seen)
        elif read != "as_of":
            inputs.setdefault(read, value)
    steps.append(entry)


def score_lines(rb: RuleBase, scores: Mapping[str, Any], sources: Mapping[str, Any], lang: str) -> list[str]:
    """One line per known score, with its source, for the readable advice; none when every score
    was given by hand (the reader typed them)."""
    if all(sources.get(name) in (None, "hand") for name in SCORES):
        return []
    words = phrases(lang, "advice.scores")
    out = []
    for name in SCORES:
        value, source = scores.get(name), sources.get(name)
        if value is None or not isinstance(source, str):
            continue
        shown = number(value, lang, 1)
        out.append(f"{words[name]} {shown} ({rb.label(f'scores.source.{name}', source, lang)})")
    return out


def score_title(lang: str) -> str:
    return phrases(lang, "advice.scores")["title"]
