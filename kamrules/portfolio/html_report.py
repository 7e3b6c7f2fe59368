"""The HTML report (`--report report.html`): one self-contained file a sales director opens in a
browser or prints on A4, with no network access at all: the style sheet and a few lines of script
inline, every matrix an inline SVG picture, the portfolio warnings with links to the accounts
they concern, the account warnings, the sectors, the BCG estimate and a sortable table of
accounts (kamrules.portfolio.report_table). Every text from the input is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kamrules.i18n.catalog import phrases
from kamrules.i18n.numbers import date, money, number, percent
from kamrules.io.safetext import html_text
from kamrules.portfolio.report_style import CSS, SCRIPT
from kamrules.portfolio.report_table import accounts_table
from kamrules.portfolio.report_warnings import account_warnings, portfolio_warnings
from kamrules.portfolio.run import Outcome
from kamrules.portfolio.sections import effort_html, progress_html
from kamrules.portfolio.summary import estimate_rows, quadrant_rows
from kamrules.portfolio.svg import render_svg

# No request may leave the page: everything is inline, and the policy forbids the rest.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _matrices(outcome: Outcome) -> list[str]:
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    out = [f'<section id="matrices"><h2>{escape(w["matrices"])}</h2>']
    for plot in outcome.plots:
        out.append(f'<h3 id="h-{plot.id}">{escape(plot.title)}</h3><div class="figure">')
        out.append(render_svg(plot, element_id=f"plot-{plot.id}"))
        out.append(
            f"<table><thead><tr><th>{w['quadrant']}</th><th>{w['count']}</th><th>{w['share']}</th>"
            f"<th>{w['advice']}</th></tr></thead><tbody>"
        )
        for _q, name, n, share, advice in quadrant_rows(outcome, plot.id):
            out.append(
                f'<tr><td><b>{escape(name)}</b></td><td class="num">{number(n, lang)}</td>'
                f'<td class="num">{percent(share, lang)}</td><td>{escape(advice)}</td></tr>'
            )
        out.append("</tbody></table></div>")
    out.append("</section>")
    return out


def _sectors(outcome: Outcome) -> list[str]:
    if not outcome.sectors:
        return []
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    rb = outcome.knowledge.sectors.rulebase
    out = [
        f'<section id="sectors"><h2>{escape(w["sectors"])}</h2><table class="sortable"><thead><tr>'
        f"<th>{w['sector']}</th><th>{w['attractiveness']}</th><th>{w['adaptability']}</th><th>{w['quadrant']}</th>"
        f"<th>{w['advice']}</th></tr></thead><tbody>"
    ]
    for s in outcome.sectors.values():
        quadrant = rb.label("target.quadrant", s.quadrant, lang) if s.quadrant else ""
        advice = rb.label("target.advice", s.advice, lang) if s.advice else ""
        out.append(
            f"<tr><td>{html_text(s.name)}</td>{_score(s.attractiveness, lang)}{_score(s.adaptability, lang)}"
            f"<td>{escape(quadrant)}</td><td>{escape(advice)}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _score(value: float | None, lang: str) -> str:
    shown = "" if value is None else number(value, lang, 1)
    return f'<td class="num" data-v="{"" if value is None else f"{value:.6g}"}">{shown}</td>'


def _estimate(outcome: Outcome) -> list[str]:
    if not outcome.tally.key_accounts:
        return []
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    out = [
        f'<section id="estimate"><h2>{escape(w["estimate"])}</h2>',
        f'<p class="note">{escape(w["estimate_note"])}</p><ul>',
    ]
    for label, low, high in estimate_rows(outcome):
        out.append(f"<li>{escape(label)}: <b>{money(low, lang)} – {money(high, lang)}</b></li>")
    out.append("</ul></section>")
    return out


def render_report(outcome: Outcome, extra: Sequence[str] = ()) -> str:
    """The whole page (see the module's docstring); `extra`: sections (HTML, escaped by their
    maker) put before the table of accounts, such as kam portfolio --compare's movements."""
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    t = outcome.tally
    cards = [
        (w["accounts"], number(t.ok, lang)),
        (w["rejected"], number(t.rejected, lang)),
        (w["key_accounts"], number(t.key_accounts, lang)),
        (w["revenue"], money(outcome.scan.revenue_total, lang)),
    ]
    linked: set[str] = set()  # the accounts the warnings link to: the table must hold their rows
    warnings = [*portfolio_warnings(outcome, linked), *account_warnings(outcome, linked)]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        f"<title>{escape(w['title'])}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{escape(w['title'])}</h1><div>{html_text(outcome.source)} · {escape(w['as_of'])} "
        f"{escape(date(outcome.request.as_of, lang, long=True))}</div></header><main>",
        '<section><div class="cards">',
        *(f'<div class="card">{escape(label)}<b>{escape(value)}</b></div>' for label, value in cards),
        "</div></section>",
        *warnings,
        *_matrices(outcome),
        *_sectors(outcome),
        *effort_html(outcome),
        *progress_html(outcome),
        *_estimate(outcome),
        *extra,
        *accounts_table(outcome, linked),
        f"</main><script>{SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"
