"""The summary's and the report's sections on effort allocation, the progress of the account
plans and the scores measured against the portfolio (issue 14), in the language asked for: as
Markdown lines, as plain data for `--format json|yaml`, and as HTML for the report (the terminal
summary lays them out in kamrules.portfolio.summary_text). Names from the data are shown safely
(kamrules.io.safetext)."""

from __future__ import annotations

from html import escape
from typing import Any

from kamrules.i18n.catalog import Phrases, phrases
from kamrules.i18n.numbers import date, money, number, percent
from kamrules.io.safetext import html_text, markdown_text
from kamrules.portfolio.effort import KINDS
from kamrules.portfolio.progress import STATES, compared, totals
from kamrules.portfolio.run import Outcome


def words(lang: str) -> Phrases:
    """The sections' words in `lang` (the catalogs' portfolio.sections)."""
    return phrases(lang, "portfolio.sections")


def _tier_label(outcome: Outcome, tier: str | None) -> str:
    if tier in (None, "None"):
        return words(outcome.request.lang)["undecided"]
    return outcome.engine.rulebase.label("tier", tier, outcome.request.lang)


def effort_data(outcome: Outcome) -> dict[str, Any] | None:
    effort = outcome.effort
    if effort is None:
        return None
    return {
        "allocated": effort.allocated,
        "unallocated": effort.unallocated,
        "planned": {kind: effort.planned.get(kind) for kind in KINDS},
        "by_tier": {tier: {k: round(v, 6) for k, v in kinds.items()} for tier, kinds in sorted(effort.by_tier.items())},
        "largest": [{"id": i, "name": n, "time_share": round(s, 6)} for i, n, s in effort.top()],
    }


def progress_data(outcome: Outcome) -> dict[str, Any] | None:
    if outcome.request.plans is None:
        return None
    rows = compared(outcome.progress)
    return {
        "totals": totals(outcome.progress),
        "accounts": [{"id": r.id, "name": r.name, "tier": r.tier, **r.progress.counts()} for r in rows],
    }


def effort_markdown(outcome: Outcome) -> list[str]:
    effort = outcome.effort
    if effort is None or not effort.allocated:
        return []
    lang = outcome.request.lang
    w = words(lang)
    lines = ["", f"## {w['effort']}", "", w.say("effort_note", n=number(effort.allocated, lang))]
    if effort.unallocated:
        lines.append(w.say("unallocated", n=number(effort.unallocated, lang)))
    lines += ["", f"| {w['tier']} | {w['time']} | {w['visits']} | {w['budget']} |", "|---|---:|---:|---:|"]
    for tier, kinds in sorted(effort.by_tier.items(), key=lambda kv: -kv[1]["time"]):
        shares = " | ".join(percent(kinds[k], lang) for k in KINDS)
        lines.append(f"| {markdown_text(_tier_label(outcome, tier))} | {shares} |")
    lines += ["", f"### {w['largest']}", ""]
    hours = effort.planned.get("time")
    for ident, name, share in effort.top():
        extra = f" ({money(share * hours, lang)} {w['hours']})" if hours else ""
        lines.append(f"- {markdown_text(name)} ({markdown_text(ident)}): {percent(share, lang)}{extra}")
    return lines


def progress_markdown(outcome: Outcome) -> list[str]:
    if outcome.request.plans is None:
        return []
    lang = outcome.request.lang
    w = words(lang)
    lines = ["", f"## {w['progress']}", "", w.say("progress_note", date=date(outcome.request.as_of, lang)), ""]
    heads = [w["account"], w["tier"], w["objectives"], *(w[s] for s in STATES)]
    lines.append("| " + " | ".join(heads) + " |")
    lines.append("|---|---|" + "---:|" * (len(heads) - 2))
    for r in compared(outcome.progress):
        counts = " | ".join(str(n) for n in r.progress.counts().values())
        tier = _tier_label(outcome, r.tier)
        name, ident = markdown_text(r.name), markdown_text(r.id)
        lines.append(f"| {name} ({ident}) | {markdown_text(tier)} | {r.progress.objectives} | {counts} |")
    all_counts = totals(outcome.progress)
    lines.append(
        f"| **{w['all_plans']}** | | {sum(all_counts.values())} | "
        + " | ".join(str(all_counts[s]) for s in STATES)
        + " |"
    )
    return lines


def relative_markdown(outcome: Outcome) -> list[str]:
    if not outcome.ranked:
        return []
    return ["", f"## {words(outcome.request.lang)['relative']}", "", relative_note(outcome)]


def relative_note(outcome: Outcome) -> str:
    """How many accounts each score was ranked among (--scores portfolio)."""
    lang = outcome.request.lang
    w = words(lang)
    counts = ", ".join(f"{w[name]} {number(n, lang)} {w['accounts']}" for name, n in outcome.ranked.items())
    return w.say("relative_note", counts=counts)


def effort_html(outcome: Outcome) -> list[str]:
    effort = outcome.effort
    if effort is None or not effort.allocated:
        return []
    lang = outcome.request.lang
    w = words(lang)
    out = [f'<section id="effort"><h2>{escape(w["effort"])}</h2>']
    out.append(f'<p class="note">{escape(w.say("effort_note", n=number(effort.allocated, lang)))}</p>')
    if effort.unallocated:
        out.append(f'<p class="note">{escape(w.say("unallocated", n=number(effort.unallocated, lang)))}</p>')
    out.append("<table><thead><tr>" + "".join(f"<th>{escape(w[h])}</th>" for h in ("tier", *KINDS)) + "</tr></thead>")
    out.append("<tbody>")
    for tier, kinds in sorted(effort.by_tier.items(), key=lambda kv: -kv[1]["time"]):
        cells = "".join(f'<td class="num">{percent(kinds[k], lang)}</td>' for k in KINDS)
        out.append(f"<tr><td>{html_text(_tier_label(outcome, tier))}</td>{cells}</tr>")
    out.append(f"</tbody></table><h3>{escape(w['largest'])}</h3><ol>")
    for ident, name, share in effort.top():
        out.append(f"<li><bdi>{html_text(name)}</bdi> ({html_text(ident)}): <b>{percent(share, lang)}</b></li>")
    out.append("</ol></section>")
    return out


def progress_html(outcome: Outcome) -> list[str]:
    if outcome.request.plans is None:
        return []
    lang = outcome.request.lang
    w = words(lang)
    heads = [w["account"], w["tier"], w["objectives"], *(w[s] for s in STATES)]
    out = [
        f'<section id="plans-progress"><h2>{escape(w["progress"])}</h2>',
        f'<p class="note">{escape(w.say("progress_note", date=date(outcome.request.as_of, lang)))}</p>',
        '<table class="sortable"><thead><tr>'
        + "".join(f"<th>{escape(h)}</th>" for h in heads)
        + "</tr></thead><tbody>",
    ]
    for r in compared(outcome.progress):
        counts = "".join(f'<td class="num">{n}</td>' for n in (r.progress.objectives, *r.progress.counts().values()))
        tier = html_text(_tier_label(outcome, r.tier))
        out.append(f"<tr><td><bdi>{html_text(r.name)}</bdi> ({html_text(r.id)})</td><td>{tier}</td>{counts}</tr>")
    out.append("</tbody></table></section>")
    return out
