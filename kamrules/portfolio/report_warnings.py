"""The report's warnings: the portfolio warnings, each with its severity, title, message and links
to the accounts it concerns; then the account warnings, one line per warning (whatever the
severities it was raised with), with how many accounts have it and links to them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from kamrules.i18n.catalog import phrases
from kamrules.i18n.numbers import number
from kamrules.io.safetext import html_text
from kamrules.model.vocabulary import SEVERITY_ORDER
from kamrules.portfolio import flatten
from kamrules.portfolio.concerns import concerned

if TYPE_CHECKING:
    from kamrules.portfolio.run import Outcome

MAX_LINKS = 20  # accounts linked from one warning; the others are counted (all are in the workbook)


def anchor(point: dict[str, Any]) -> str:
    """The id of an account's row in the report's table."""
    return f"acc-{point.get('row')}"


def badge(severity: str, lang: str) -> str:
    label = phrases(lang, "labels.severity").get(severity, severity)
    return f'<span class="sev sev-{escape(severity)}">{escape(label)}</span>'


def links(points: Sequence[dict[str, Any]], lang: str, linked: set[str]) -> str:
    """Links to the first accounts of `points` (their ids recorded in `linked`, so that the table
    holds their rows), and how many more there are."""
    w = phrases(lang, "portfolio")
    shown = []
    for p in points[:MAX_LINKS]:
        linked.add(anchor(p))
        name = str(p.get("name") or p.get("id") or "")
        # <bdi>: a name in Arabic, or with a stray direction control, leaves the next ones alone.
        shown.append(f'<a href="#{escape(anchor(p))}"><bdi>{html_text(name)}</bdi></a>')
    more = len(points) - MAX_LINKS
    tail = f" {escape(w.say('and_more', n=number(more, lang)))}" if more > 0 else ""
    return ", ".join(shown) + tail


def portfolio_warnings(outcome: Outcome, linked: set[str]) -> list[str]:
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    out = [f'<section id="warnings"><h2>{escape(w["warnings"])}</h2>']
    if not outcome.warnings:
        out.append(f"<p>{escape(w['no_warnings'])}</p>")
    for warn in sorted(outcome.warnings, key=lambda x: -SEVERITY_ORDER[x.severity]):
        out.append(
            f'<div class="warning sev-border-{escape(warn.severity)}"><h3>{badge(warn.severity, lang)}'
            f"<span>{html_text(warn.title)}</span></h3><div>{html_text(warn.message)}</div>"
        )
        accounts = concerned(warn.code, warn.rule, outcome.tally.points)
        if accounts:
            out.append(f'<p class="accounts">{escape(w["concerned"])}: {links(accounts, lang, linked)}</p>')
        out.append("</div>")
    out.append("</section>")
    return out


def account_warnings(outcome: Outcome, linked: set[str]) -> list[str]:
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    codes = outcome.engine.rulebase.warning_codes
    by_code: dict[str, Counter[str]] = {}
    for (code, severity), n in outcome.tally.warnings.items():
        by_code.setdefault(code, Counter())[severity] += n
    out = [f'<section id="account-warnings"><h2>{escape(w["account_warnings"])}</h2>']
    if not by_code:
        out.append(f"<p>{escape(w['no_account_warnings'])}</p></section>")
        return out
    holders: dict[str, list[dict[str, Any]]] = {}
    for p in outcome.tally.points:
        for code in dict.fromkeys(c for c, _ in p.get(flatten.WARNINGS_SEEN) or ()):
            holders.setdefault(code, []).append(p)
    out.append(
        f"<table><thead><tr><th>{escape(w['severity'])}</th><th>{escape(w['warning'])}</th>"
        f"<th>{escape(w['count'])}</th><th>{escape(w['accounts_with'])}</th></tr></thead><tbody>"
    )

    def order(item: tuple[str, Counter[str]]) -> tuple[int, int, str]:
        code, severities = item
        return (-max(SEVERITY_ORDER[s] for s in severities), -sum(severities.values()), code)

    for code, severities in sorted(by_code.items(), key=order):
        top = max(severities, key=SEVERITY_ORDER.__getitem__)
        title = codes[code].title.get(lang) if code in codes else code
        total = sum(severities.values())
        split = ""
        if len(severities) > 1:  # raised at several severities: say how many at each
            labels = phrases(lang, "labels.severity")
            parts = [
                w.say("by_severity", n=number(severities[s], lang), severity=labels.get(s, s))
                for s in sorted(severities, key=lambda s: -SEVERITY_ORDER[s])
            ]
            split = f'<div class="note">{escape(", ".join(parts))}</div>'
        accounts = links(holders.get(code, []), lang, linked)
        out.append(
            f'<tr id="w-{escape(code)}"><td>{badge(top, lang)}</td><td>{html_text(title)}</td>'
            f'<td class="num">{number(total, lang)}{split}</td><td class="accounts">{accounts}</td></tr>'
        )
    out.append("</tbody></table></section>")
    return out
