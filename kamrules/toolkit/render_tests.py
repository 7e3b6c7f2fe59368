"""How `kam rules test` shows its results: each failure with expected against actual, coverage,
and the closing line: `N passed, M failed` in English, exactly (docs/contract.md §1: scripts read it),
and in the --lang language for people (`N casi superati, M falliti`, contract §13)."""

from __future__ import annotations

from typing import Any

from kamrules.toolkit.coverage import Measure
from kamrules.toolkit.expect import Mismatch
from kamrules.toolkit.render_problems import location_json, where
from kamrules.toolkit.runner import CaseResult, SuiteRun
from kamrules.toolkit.words import say


def _show(value: Any, lang: str) -> str:
    if value is None:
        return say(lang, "got_undecided")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else say(lang, "none")
    return str(value)


def mismatch_line(m: Mismatch, lang: str) -> str:
    actual = m.actual
    actual_text = say(lang, "not_raised") if m.kind == "severity" and actual is None else _show(actual, lang)
    return say(lang, f"mm_{m.kind}", field=m.field, expected=_show(m.expected, lang), actual=actual_text)


def final_line(run: SuiteRun, lang: str = "en") -> str:
    """`N passed, M failed`, in `lang` (1 caso superato, 2 casi superati)."""
    return say(lang, "final", passed=run.passed, failed=run.failed)


def _case_head(result: CaseResult, lang: str) -> str:
    status = say(lang, "pass" if result.passed else "fail")
    return f"{status}  {result.case.id}  ({where(result.case.where)}, {say(lang, 'as_of', date=result.as_of)})"


def _measure_text(m: Measure, lang: str) -> str:
    return f"{say(lang, 'kind_' + m.kind)} {m.covered}/{len(m.total)} ({m.percent:.0f}%)"


def render_text(run: SuiteRun, lang: str, *, verbose: bool = False, total_cases: int | None = None) -> str:
    lines: list[str] = []
    for result in run.results:
        if result.passed and not verbose:
            continue
        lines.append(_case_head(result, lang))
        description = result.case.description.get(lang)
        if description and not result.passed:
            lines.append(f"      {description}")
        lines.extend(f"      {mismatch_line(m, lang)}" for m in result.mismatches)
    if not run.results:
        lines.append(say(lang, "no_cases"))
    if lines:
        lines.append("")
    if run.selected and total_cases is not None:
        lines.append(say(lang, "selected", n=len(run.results), total=total_cases))
    lines.append(f"{say(lang, 'coverage')}: " + ", ".join(_measure_text(m, lang) for m in run.coverage.measures))
    missed = [m for m in run.coverage.measures if m.missed]
    if missed and not run.selected:
        lines.append(f"{say(lang, 'not_exercised')}:")
        for m in missed:
            for item in m.missed:
                lines.append(f"  {say(lang, 'kind_' + m.kind)}: {item.id}  ({where(item.where)})")
    lines.append(final_line(run, lang))
    return "\n".join(lines) + "\n"


def render_json(run: SuiteRun, lang: str) -> dict[str, Any]:
    return {
        "passed": run.passed,
        "failed": run.failed,
        "cases": [
            {
                "id": r.case.id,
                "description": r.case.description.get(lang),
                **location_json(r.case.where),
                "as_of": r.as_of.isoformat(),
                "passed": r.passed,
                "failures": [
                    {
                        "field": m.field,
                        "kind": m.kind,
                        "expected": m.expected,
                        "actual": m.actual,
                        "message": mismatch_line(m, lang),
                    }
                    for m in r.mismatches
                ],
            }
            for r in run.results
        ],
        "coverage": {
            m.kind: {
                "covered": m.covered,
                "total": len(m.total),
                "percent": round(m.percent, 2),
                "missed": [{"id": i.id, **location_json(i.where)} for i in m.missed],
            }
            for m in run.coverage.measures
        },
    }
