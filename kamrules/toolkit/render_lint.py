"""How `kam rules lint` shows its findings: `file:line:col: KR1xx [severity] message`, and under
a table finding the counter-example, as a test case ready to paste."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from kamrules.model.vocabulary import LABELS
from kamrules.toolkit.expect import plain
from kamrules.toolkit.lint.domains import ABSENT
from kamrules.toolkit.lint.finding import Finding, describe
from kamrules.toolkit.lint.synth import flow_yaml
from kamrules.toolkit.render_problems import location_json, where
from kamrules.toolkit.words import say


def finding_line(f: Finding, lang: str) -> str:
    head = where(f.where)
    # The severity in the language of the message: [bassa] in Italian, as the summary counts it.
    severity = LABELS["severity"].get(f.severity, {}).get(lang, f.severity)
    text = f"{f.id} [{severity}] {f.message.get(lang)}"
    return f"{head}: {text}" if head else text


def example_case(f: Finding, as_of: dt.date) -> list[str]:
    """The counter-example as a tests-file entry."""
    assert f.example is not None
    return [
        f"- id: {f.example_id or f.id.lower()}",
        f"  as_of: {as_of.isoformat()}",
        f"  facts: {flow_yaml(f.example)}",
        "  expect: {}",
    ]


def render_text(findings: Sequence[Finding], lang: str, as_of: dt.date) -> str:
    lines: list[str] = []
    for f in findings:
        lines.append(finding_line(f, lang))
        if f.example is not None:
            lines.append(f"    {say(lang, 'counterexample')}")
            lines.extend(f"      {line}" for line in example_case(f, as_of))
        elif f.inputs is not None:
            lines.append(f"    {say(lang, 'derived_only', values=describe(f.inputs, lang))}")
    if not findings:
        lines.append(say(lang, "lint_clean"))
    else:
        counts = Counter(f.severity for f in findings)
        names = LABELS["severity"]
        detail = ", ".join(f"{counts[s]} {names[s][lang]}" for s in ("high", "medium", "low", "info") if counts[s])
        lines.append(say(lang, "lint_summary", n=len(findings), detail=detail))
    return "\n".join(lines) + "\n"


def _inputs_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if v is ABSENT else plain(v)) for k, v in values.items()}


def render_json(findings: Sequence[Finding], lang: str, as_of: dt.date) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "findings": [
            {
                "id": f.id,
                "name": f.name,
                "severity": f.severity,
                "message": f.message.get(lang),
                **location_json(f.where),
                "inputs": _inputs_json(f.inputs) if f.inputs is not None else None,
                "counterexample": plain(f.example) if f.example is not None else None,
            }
            for f in findings
        ],
        "summary": dict(Counter(f.severity for f in findings)),
    }
