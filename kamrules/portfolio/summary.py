"""The Markdown summary `kam portfolio` prints: counts, portfolio warnings, each matrix's
quadrants with their share of accounts and revenue and their advice, the BCG estimate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from kamrules.i18n.catalog import phrases
from kamrules.i18n.numbers import date, money, percent
from kamrules.io.safetext import markdown_text
from kamrules.language.rulebase import RuleBase
from kamrules.portfolio.matrices import MATRICES
from kamrules.portfolio.run import Outcome
from kamrules.portfolio.sections import (
    effort_data,
    effort_markdown,
    progress_data,
    progress_markdown,
    relative_markdown,
)
from kamrules.portfolio.tally import ESTIMATES


def _cell(text: str) -> str:
    return markdown_text(text)  # kamrules.io.safetext: no control character, HTML or link


def _advice_of(rb: RuleBase, quadrant_fact: str, quadrant: str, lang: str) -> str:
    """The advice paired with a quadrant: the table row that sets the quadrant also sets its advice."""
    advice_fact = quadrant_fact.rsplit(".", 1)[0] + ".advice"
    for table in rb.tables:
        if quadrant_fact in table.outputs and advice_fact in table.outputs:
            for row in table.rows:
                if row.outputs[quadrant_fact].literal == quadrant:
                    return rb.label(advice_fact, row.outputs[advice_fact].literal, lang)
    # A table of its own for the advice (contribution.yaml): the row named after the quadrant.
    for table in rb.tables:
        if advice_fact in table.outputs:
            for row in table.rows:
                if row.id == quadrant and advice_fact in row.outputs:
                    return rb.label(advice_fact, row.outputs[advice_fact].literal, lang)
    return ""


def quadrant_rows(outcome: Outcome, matrix_id: str) -> list[tuple[str, str, int, float, str]]:
    """(quadrant, its name, accounts, share of revenue, advice) for one matrix, largest first."""
    lang = outcome.request.lang
    m = next(x for x in MATRICES if x.id == matrix_id)
    rb = (
        outcome.knowledge.sectors.rulebase
        if m.id == "attractiveness_adaptability"
        else outcome.knowledge.accounts.rulebase
    )
    counts: Mapping[str, int] = outcome.tally.quadrants.get(m.id, {})
    revenue: Mapping[str, float] = outcome.tally.quadrant_revenue.get(m.id, {})
    total = outcome.scan.revenue_total or 0.0
    rows = []
    for q, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        share = revenue.get(q, 0.0) / total if total else 0.0
        rows.append((q, rb.label(m.quadrant_fact, q, lang), n, share, _advice_of(rb, m.quadrant_fact, q, lang)))
    return rows


def estimate_rows(outcome: Outcome) -> list[tuple[str, float, float]]:
    """(label, low, high) of the BCG estimate summed over the key accounts."""
    w = phrases(outcome.request.lang, "portfolio")
    e = outcome.tally.estimate
    pairs = (("revenue_gain", 0), ("margin_gain", 2), ("cost_saving", 4))
    return [(w[label], e[ESTIMATES[k]], e[ESTIMATES[k + 1]]) for label, k in pairs]


def render_summary(outcome: Outcome) -> str:
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    t = outcome.tally
    lines = [f"# {w['title']} ({w['as_of']} {date(outcome.request.as_of, lang)})", ""]
    lines.append(f"- {w['source']}: {_cell(outcome.source)}")
    lines.append(f"- {w['accounts']}: {t.ok}")
    lines.append(f"- {w['rejected']}: {t.rejected}")
    if outcome.scan.revenue_total:
        key_share = t.key_revenue / outcome.scan.revenue_total
        lines.append(f"- {w['key_accounts']}: {t.key_accounts} ({percent(key_share, lang)} {w['of_revenue']})")
    else:  # a share of no revenue means nothing
        lines.append(f"- {w['key_accounts']}: {t.key_accounts}")
    lines.append(f"- {w['revenue']}: {money(outcome.scan.revenue_total, lang)}")
    # Accounts whose sector is not on the target sectors matrix: not in the sectors file, or in
    # it with too few criteria scored to place it.
    for missing, label in zip(unplaced(outcome), ("not_in_file", "not_scored"), strict=True):
        if missing:
            shown = ", ".join(f"{_cell(s)} ({n})" for s, n in missing.most_common(10))
            lines.append(f"- {w['sector']} {w[label]}: {shown}")
    lines += ["", f"## {w['warnings']}", ""]
    if outcome.warnings:
        for warn in outcome.warnings:
            severity = phrases(lang, "labels.severity")[warn.severity].upper()
            lines.append(f"- **{severity}** `{warn.code}` {_cell(warn.title)}: {_cell(warn.message)}")
    else:
        lines.append(w["no_warnings"])
    lines += ["", f"## {w['matrices']}"]
    for m in MATRICES:
        rows = quadrant_rows(outcome, m.id)
        lines += ["", f"### {m.title.get(lang)}", ""]
        if not rows:
            lines.append("—")
            continue
        lines.append(f"| {w['quadrant']} | {w['count']} | {w['share']} | {w['advice']} |")
        lines.append("|---|---:|---:|---|")
        for _q, name, n, share, advice in rows:
            lines.append(f"| {_cell(name)} | {n} | {percent(share, lang)} | {_cell(advice)} |")
    lines += relative_markdown(outcome) + effort_markdown(outcome) + progress_markdown(outcome)
    if t.key_accounts:
        lines += ["", f"## {w['estimate']}", "", w["estimate_note"], ""]
        for label, low, high in estimate_rows(outcome):
            lines.append(f"- {label}: {money(low, lang)} – {money(high, lang)}")
    largest = t.largest()
    if largest:
        lines += ["", f"## {w['largest']}", ""]
        total = outcome.scan.revenue_total or 1.0
        for revenue, name in largest:
            lines.append(f"- {_cell(name)}: {money(revenue, lang)} ({percent(revenue / total, lang)})")
    return "\n".join(lines) + "\n"


def summary_data(outcome: Outcome) -> dict[str, Any]:
    """The summary as plain data (`--format json|yaml`): identifiers as keys, texts in the
    language asked for, shares as fractions."""
    t = outcome.tally
    total = outcome.scan.revenue_total
    matrices: dict[str, Any] = {}
    for m in MATRICES:
        matrices[m.id] = [
            {"quadrant": q, "label": name, "accounts": n, "revenue_share": round(share, 6), "advice": advice}
            for q, name, n, share, advice in quadrant_rows(outcome, m.id)
        ]
    e = t.estimate
    return {
        "source": outcome.source,
        "as_of": outcome.request.as_of.isoformat(),
        "lang": outcome.request.lang,
        "accounts": t.ok,
        "rejected": t.rejected,
        "key_accounts": t.key_accounts,
        "revenue": total,
        "warnings": [
            {"code": w.code, "severity": w.severity, "title": w.title, "message": w.message, "rule": w.rule}
            for w in outcome.warnings
        ],
        "matrices": matrices,
        # Labelled as what it is: BCG's observed ranges applied to the key accounts.
        "bcg_estimate": {key.removeprefix("estimate."): e[key] for key in ESTIMATES} if t.key_accounts else None,
        "largest": [{"name": name, "revenue": rev} for rev, name in t.largest()],
        "sectors_not_in_file": dict(unplaced(outcome)[0]),
        "sectors_not_scored": dict(unplaced(outcome)[1]),
        "effort": effort_data(outcome),
        "plans_progress": progress_data(outcome),
        "ranked_against_portfolio": outcome.ranked or None,
    }


def unplaced(outcome: Outcome) -> tuple[Counter[str], Counter[str]]:
    """(sectors not in the sectors file, sectors in it that could not be scored), with how many
    accounts each; both empty when no sectors file was given."""
    missing: Counter[str] = Counter()
    unscored: Counter[str] = Counter()
    if outcome.sectors:
        for sector, n in outcome.tally.unplaced_sectors.items():
            (unscored if sector.casefold() in outcome.sectors else missing)[sector] += n
    return missing, unscored
