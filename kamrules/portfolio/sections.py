"""The summary's and the report's sections on effort allocation, the progress of the account
plans and the scores measured against the portfolio (issue 14), in English and Italian: as
Markdown lines, as plain data for `--format json|yaml`, and as HTML for the report."""

from __future__ import annotations

from html import escape
from typing import Any

from kamrules.portfolio.effort import KINDS
from kamrules.portfolio.progress import STATES, compared, totals
from kamrules.portfolio.run import Outcome
from kamrules.portfolio.texts import money, percent

_WORDS = {
    "en": {
        "effort": "KAM effort allocation",
        "effort_note": "Each account's share of the key account managers' time, of the customer visits and of "
        "the KAM budget, from its tier, its strategy and its revenue class (rulesets/portfolio/effort.yaml). "
        "The shares add up to 100 % over the {n} accounts allocated.",
        "unallocated": "{n} accounts left out: their tier or strategy is undecided.",
        "tier": "Tier",
        "time": "Time",
        "visits": "Visits",
        "budget": "Budget",
        "largest": "Largest shares of time",
        "hours": "hours",
        "visits_unit": "visits",
        "undecided": "undecided",
        "progress": "Progress of the account plans",
        "progress_note": "The objectives of each plan in the plans folder, on {date}: the accounts that need "
        "attention first (rulesets/portfolio/progress.yaml says when an objective is at risk).",
        "account": "Account",
        "objectives": "Objectives",
        "on_track": "On track",
        "at_risk": "At risk",
        "late": "Late",
        "achieved": "Achieved",
        "missed": "Missed",
        "undated": "Undated",
        "all_plans": "All plans",
        "relative": "Scores measured against the portfolio",
        "relative_note": "Where no score is given by hand, the scores are the accounts' percentiles within this "
        "portfolio (rulesets/portfolio/relative.yaml), ranked among: {counts}.",
        "current_contribution": "current contribution",
        "potential_contribution": "potential contribution",
        "attractiveness": "attractiveness",
        "relative_strength": "relative strength",
        "accounts": "accounts",
    },
    "it": {
        "effort": "Allocazione degli sforzi di KAM",
        "effort_note": "La quota di ciascun account del tempo dei key account manager, delle visite ai clienti e "
        "del budget di KAM, in base al livello, alla strategia e alla classe di fatturato "
        "(rulesets/portfolio/effort.yaml). Le quote sommano al 100% sui {n} account ripartiti.",
        "unallocated": "{n} account esclusi: livello o strategia non decisi.",
        "tier": "Livello",
        "time": "Tempo",
        "visits": "Visite",
        "budget": "Budget",
        "largest": "Quote di tempo maggiori",
        "hours": "ore",
        "visits_unit": "visite",
        "undecided": "non deciso",
        "progress": "Avanzamento dei piani degli account",
        "progress_note": "Gli obiettivi di ciascun piano della cartella dei piani, al {date}: prima gli account "
        "che richiedono attenzione (rulesets/portfolio/progress.yaml dice quando un obiettivo è a rischio).",
        "account": "Account",
        "objectives": "Obiettivi",
        "on_track": "In linea",
        "at_risk": "A rischio",
        "late": "In ritardo",
        "achieved": "Raggiunti",
        "missed": "Mancati",
        "undated": "Senza scadenza",
        "all_plans": "Tutti i piani",
        "relative": "Punteggi misurati rispetto al portafoglio",
        "relative_note": "Dove manca un punteggio indicato a mano, i punteggi sono i percentili degli account in "
        "questo portafoglio (rulesets/portfolio/relative.yaml), classificati tra: {counts}.",
        "current_contribution": "contribuzione attuale",
        "potential_contribution": "contribuzione potenziale",
        "attractiveness": "attrattività",
        "relative_strength": "forza relativa",
        "accounts": "account",
    },
}


def words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["en"])


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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
    lines = ["", f"## {w['effort']}", "", w["effort_note"].format(n=effort.allocated)]
    if effort.unallocated:
        lines.append(w["unallocated"].format(n=effort.unallocated))
    lines += ["", f"| {w['tier']} | {w['time']} | {w['visits']} | {w['budget']} |", "|---|---:|---:|---:|"]
    for tier, kinds in sorted(effort.by_tier.items(), key=lambda kv: -kv[1]["time"]):
        shares = " | ".join(percent(kinds[k], lang) for k in KINDS)
        lines.append(f"| {_cell(_tier_label(outcome, tier))} | {shares} |")
    lines += ["", f"### {w['largest']}", ""]
    hours = effort.planned.get("time")
    for ident, name, share in effort.top():
        extra = f" ({money(share * hours, lang)} {w['hours']})" if hours else ""
        lines.append(f"- {_cell(name)} ({_cell(ident)}): {percent(share, lang)}{extra}")
    return lines


def progress_markdown(outcome: Outcome) -> list[str]:
    if outcome.request.plans is None:
        return []
    lang = outcome.request.lang
    w = words(lang)
    lines = ["", f"## {w['progress']}", "", w["progress_note"].format(date=outcome.request.as_of.isoformat()), ""]
    heads = [w["account"], w["tier"], w["objectives"], *(w[s] for s in STATES)]
    lines.append("| " + " | ".join(heads) + " |")
    lines.append("|---|---|" + "---:|" * (len(heads) - 2))
    for r in compared(outcome.progress):
        counts = " | ".join(str(n) for n in r.progress.counts().values())
        tier = _tier_label(outcome, r.tier)
        lines.append(f"| {_cell(r.name)} ({_cell(r.id)}) | {_cell(tier)} | {r.progress.objectives} | {counts} |")
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
    w = words(outcome.request.lang)
    counts = ", ".join(f"{w[name]} {n} {w['accounts']}" for name, n in outcome.ranked.items())
    return ["", f"## {w['relative']}", "", w["relative_note"].format(counts=counts)]


def effort_html(outcome: Outcome) -> list[str]:
    effort = outcome.effort
    if effort is None or not effort.allocated:
        return []
    lang = outcome.request.lang
    w = words(lang)
    out = [f'<section id="effort"><h2>{escape(w["effort"])}</h2>']
    out.append(f'<p class="note">{escape(w["effort_note"].format(n=effort.allocated))}</p>')
    if effort.unallocated:
        out.append(f'<p class="note">{escape(w["unallocated"].format(n=effort.unallocated))}</p>')
    out.append("<table><thead><tr>" + "".join(f"<th>{escape(w[h])}</th>" for h in ("tier", *KINDS)) + "</tr></thead>")
    out.append("<tbody>")
    for tier, kinds in sorted(effort.by_tier.items(), key=lambda kv: -kv[1]["time"]):
        cells = "".join(f'<td class="num">{percent(kinds[k], lang)}</td>' for k in KINDS)
        out.append(f"<tr><td>{escape(_tier_label(outcome, tier))}</td>{cells}</tr>")
    out.append(f"</tbody></table><h3>{escape(w['largest'])}</h3><ol>")
    for ident, name, share in effort.top():
        out.append(f"<li>{escape(name)} ({escape(ident)}): <b>{percent(share, lang)}</b></li>")
    out.append("</ol></section>")
    return out


def progress_html(outcome: Outcome) -> list[str]:
    if outcome.request.plans is None:
        return []
    w = words(outcome.request.lang)
    heads = [w["account"], w["tier"], w["objectives"], *(w[s] for s in STATES)]
    out = [
        f'<section id="plans-progress"><h2>{escape(w["progress"])}</h2>',
        f'<p class="note">{escape(w["progress_note"].format(date=outcome.request.as_of.isoformat()))}</p>',
        '<table class="sortable"><thead><tr>'
        + "".join(f"<th>{escape(h)}</th>" for h in heads)
        + "</tr></thead><tbody>",
    ]
    for r in compared(outcome.progress):
        counts = "".join(f'<td class="num">{n}</td>' for n in (r.progress.objectives, *r.progress.counts().values()))
        tier = escape(_tier_label(outcome, r.tier))
        out.append(f"<tr><td>{escape(r.name)} ({escape(r.id)})</td><td>{tier}</td>{counts}</tr>")
    out.append("</tbody></table></section>")
    return out
