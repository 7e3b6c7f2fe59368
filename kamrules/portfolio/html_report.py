"""The HTML report (`--report report.html`): one self-contained file a sales director opens in a
browser, with no network access at all: CSS and a few lines of script inline, every matrix an
inline SVG scatter plot, the portfolio warnings by severity, and a sortable table of accounts."""

from __future__ import annotations

from html import escape
from typing import Any

from kamrules.i18n.catalog import phrases
from kamrules.i18n.numbers import money, percent
from kamrules.model.vocabulary import SEVERITY_ORDER
from kamrules.portfolio.matrices import MATRICES
from kamrules.portfolio.run import Outcome
from kamrules.portfolio.summary import estimate_rows, quadrant_rows
from kamrules.portfolio.svg import render_svg

CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:0;color:#1a202c;background:#f7fafc}
header{background:#1a365d;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:24px}
main{padding:12px 28px 40px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:6px;margin:16px 0;padding:12px 18px}
h2{font-size:19px;margin:6px 0 12px}
h3{font-size:16px;margin:14px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#ebf4ff;border-radius:6px;padding:8px 14px;min-width:140px}
.card b{display:block;font-size:20px}
.figure{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.figure svg{max-width:100%;height:auto;border:1px solid #e2e8f0}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#edf2f7;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;border-radius:4px;padding:1px 7px;color:#fff;font-size:12px;font-weight:bold}
.sev-high{background:#c53030}.sev-medium{background:#dd6b20}.sev-low{background:#3182ce}.sev-info{background:#718096}
.note{color:#4a5568;font-size:13px}
.scroll{max-height:640px;overflow:auto}
"""

# Sorting: numbers by their value (data-v), texts in the report's language order.
SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function(table){
  table.querySelectorAll('th').forEach(function(th, col){
    th.addEventListener('click', function(){
      var body = table.tBodies[0];
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function(h){ h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      function key(row){
        var cell = row.cells[col];
        var v = cell.getAttribute('data-v');
        return v !== null && v !== '' ? parseFloat(v) : cell.textContent;
      }
      rows.sort(function(a, b){
        var x = key(a), y = key(b), r;
        if (typeof x === 'number' && typeof y === 'number') { r = x - y; }
        else { r = String(x).localeCompare(String(y), document.documentElement.lang); }
        return asc ? r : -r;
      });
      rows.forEach(function(row){ body.appendChild(row); });
    });
  });
});
"""


def _num_cell(value: Any, text: str) -> str:
    v = "" if value is None else f"{float(value):.10g}"
    return f'<td class="num" data-v="{v}">{escape(text)}</td>'


def _sev(severity: str, lang: str) -> str:
    label = phrases(lang, "labels.severity").get(severity, severity)
    return f'<span class="sev sev-{escape(severity)}">{escape(label)}</span>'


def _warnings(outcome: Outcome) -> list[str]:
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    out = [f'<section id="warnings"><h2>{escape(w["warnings"])}</h2>']
    if outcome.warnings:
        out.append(
            f"<table><thead><tr><th>{w['severity']}</th><th>{w['code']}</th><th>{w['message']}</th></tr></thead><tbody>"
        )
        for warn in sorted(outcome.warnings, key=lambda x: -SEVERITY_ORDER[x.severity]):
            out.append(
                f"<tr><td>{_sev(warn.severity, lang)}</td><td><code>{escape(warn.code)}</code><br>{escape(warn.title)}"
                f"</td><td>{escape(warn.message)}</td></tr>"
            )
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{escape(w['no_warnings'])}</p>")
    codes = outcome.engine.rulebase.warning_codes
    counts = outcome.tally.warnings
    if counts:
        out.append(f"<h3>{escape(w['account_warnings'])}</h3>")
        out.append(
            f"<table><thead><tr><th>{w['severity']}</th><th>{w['code']}</th><th>{w['count']}</th></tr></thead><tbody>"
        )

        # A code may be raised at two severities (CONTRACT_EXPIRING is high for key accounts):
        # each severity has its own line.
        for (code, severity), n in sorted(counts.items(), key=lambda kv: (-SEVERITY_ORDER[kv[0][1]], -kv[1], kv[0])):
            title = codes[code].title.get(lang) if code in codes else ""
            out.append(
                f"<tr><td>{_sev(severity, lang)}</td><td><code>{escape(code)}</code> {escape(title)}</td>"
                f'<td class="num">{n}</td></tr>'
            )
        out.append("</tbody></table>")
    out.append("</section>")
    return out


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
                f'<tr><td><b>{escape(name)}</b></td><td class="num">{n}</td><td class="num">{percent(share, lang)}</td>'
                f"<td>{escape(advice)}</td></tr>"
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
            f"<tr><td>{escape(s.name)}</td>{_num_cell(s.attractiveness, _score(s.attractiveness))}"
            f"{_num_cell(s.adaptability, _score(s.adaptability))}"
            f"<td>{escape(quadrant)}</td><td>{escape(advice)}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _estimate(outcome: Outcome) -> list[str]:
    t = outcome.tally
    if not t.key_accounts:
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


def _table(outcome: Outcome) -> list[str]:
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    heads = [w["row"], w["id"], w["name"], w["sector"], w["tier"], w["profile"], w["revenue"], w["margin"]]
    heads += [w["revenue_class"], w["margin_class"], *(m.title.get(lang) for m in MATRICES), w["account_warnings"]]
    out = [
        f'<section id="accounts"><h2>{escape(w["table"])}</h2><p class="note">{escape(w["sort_hint"])}</p>',
        '<div class="scroll"><table class="sortable" id="account-table"><thead><tr>',
        "".join(f"<th>{escape(h)}</th>" for h in heads),
        "</tr></thead><tbody>",
    ]
    for p in outcome.tally.points:
        revenue = p.get("business.revenue")
        margin = p.get("business.margin_pct")
        cells = [
            _num_cell(p.get("row"), str(p.get("row"))),
            f"<td>{escape(str(p.get('id') or ''))}</td>",
            f"<td>{escape(str(p.get('name') or ''))}</td>",
            f"<td>{escape(str(p.get('sector') or ''))}</td>",
            f"<td>{escape(str(p.get('tier.text') or ''))}</td>",
            f"<td>{escape(str(p.get('profile.text') or ''))}</td>",
            _num_cell(revenue, money(float(revenue), lang) if revenue is not None else ""),
            _num_cell(margin, percent(float(margin), lang) if margin is not None else ""),
            f"<td>{escape(str(p.get('revenue_class') or ''))}</td>",
            f"<td>{escape(str(p.get('margin_class') or ''))}</td>",
            *(f"<td>{escape(str(p.get(m.quadrant_column + '.text') or ''))}</td>" for m in MATRICES),
            f"<td>{escape(str(p.get('warnings') or ''))}</td>",
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div></section>")
    return out


def render_report(outcome: Outcome) -> str:
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    t = outcome.tally
    cards = [
        (w["accounts"], str(t.ok)),
        (w["rejected"], str(t.rejected)),
        (w["key_accounts"], str(t.key_accounts)),
        (w["revenue"], money(outcome.scan.revenue_total, lang)),
    ]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No request may leave the page: everything is inline, and the policy forbids the rest.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>{escape(w['title'])}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{escape(w['title'])}</h1><div>{escape(outcome.source)} · {escape(w['as_of'])} "
        f"{outcome.request.as_of.isoformat()}</div></header><main>",
        '<section><div class="cards">',
        *(f'<div class="card">{escape(label)}<b>{escape(value)}</b></div>' for label, value in cards),
        "</div></section>",
        *_warnings(outcome),
        *_matrices(outcome),
        *_sectors(outcome),
        *_estimate(outcome),
        *_table(outcome),
        f"</main><script>{SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"
