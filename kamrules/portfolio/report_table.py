"""The report's table of accounts: every account of a portfolio of up to 500, in the input's
order; for a larger one the 500 largest by revenue and the accounts the warnings link to, with a
note that the workbook holds them all (so that 10,000 accounts make a page a browser opens at
once). Each row can be linked to (`#acc-<input row>`); each column sorts with a click."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from kamrules.i18n.catalog import phrases
from kamrules.i18n.numbers import money, number, percent
from kamrules.io.safetext import html_text
from kamrules.portfolio import flatten
from kamrules.portfolio.matrices import MATRICES
from kamrules.portfolio.report_warnings import anchor
from kamrules.portfolio.sections import words as effort_words

if TYPE_CHECKING:
    from kamrules.portfolio.run import Outcome

TABLE_LIMIT = 500
# The contribution matrix's quadrant is the tier, already a column.
SHOWN_MATRICES = tuple(m for m in MATRICES if m.id != "contribution")


def _num(value: Any, text: str) -> str:
    v = "" if value is None else f"{float(value):.10g}"
    return f'<td class="num" data-v="{v}">{escape(text)}</td>'


def _revenue(p: dict[str, Any]) -> float:
    value = p.get("business.revenue")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else -1.0


def chosen(points: list[dict[str, Any]], linked: set[str]) -> list[dict[str, Any]]:
    """The accounts the table shows (see the module's docstring)."""
    if len(points) <= TABLE_LIMIT:
        return points
    largest = sorted(points, key=lambda p: -_revenue(p))
    keep = {id(p) for p in largest[:TABLE_LIMIT]}
    keep |= {id(p) for p in points if anchor(p) in linked}
    return [p for p in largest if id(p) in keep]


def accounts_table(outcome: Outcome, linked: set[str]) -> list[str]:
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    points = outcome.tally.points
    rows = chosen(points, linked)
    note = (
        w["table_all"]
        if len(rows) == len(points)
        else w["table_some"].format(shown=number(TABLE_LIMIT, lang), total=number(len(points), lang))
    )
    heads = [w["id"], w["name"], w["sector"], w["tier"], w["profile"], w["strategy"], w["revenue"], w["margin"]]
    heads += [
        w["revenue_class"],
        w["margin_class"],
        *(m.title.get(lang) for m in SHOWN_MATRICES),
        w["account_warnings"],
        f"{effort_words(lang)['effort']} ({effort_words(lang)['time']})",
    ]
    out = [
        f'<section id="accounts"><h2>{escape(w["table"])}</h2><p class="note">{escape(note)}</p>',
        '<div class="scroll"><table class="sortable" id="account-table"><thead><tr>',
        "".join(f"<th>{escape(h)}</th>" for h in heads),
        "</tr></thead><tbody>",
    ]
    codes = outcome.engine.rulebase.warning_codes
    for p in rows:
        out.append(_row(p, lang, codes))
    out.append("</tbody></table></div></section>")
    return out


def _row(p: dict[str, Any], lang: str, codes: Any) -> str:
    revenue = p.get("business.revenue")
    margin = p.get("business.margin_pct")
    share = p.get("effort.time_share")

    def text(key: str) -> str:
        return f"<td><bdi>{html_text(str(p.get(key) or ''))}</bdi></td>"

    marks = []
    for code, severity in p.get(flatten.WARNINGS_SEEN) or ():
        title = codes[code].title.get(lang) if code in codes else code
        label = phrases(lang, "labels.severity").get(severity, severity)
        marks.append(
            f'<li><span class="mark mark-{escape(severity)}" title="{escape(label)}"></span>'
            f'<a href="#w-{escape(code)}">{html_text(title)}</a></li>'
        )
    cells = [
        text("id"),
        f'<td class="name"><bdi>{html_text(str(p.get("name") or ""))}</bdi></td>',
        text("sector"),
        text("tier.text"),
        text("profile.text"),
        text("strategy.text"),
        _num(revenue, money(float(revenue), lang) if revenue is not None else ""),
        _num(margin, percent(float(margin), lang) if margin is not None else ""),
        text("revenue_class"),
        text("margin_class"),
        *(text(f"{m.quadrant_column}.text") for m in SHOWN_MATRICES),
        f'<td><ul class="marks">{"".join(dict.fromkeys(marks))}</ul></td>',
        _num(share, percent(float(share), lang) if share is not None else ""),
    ]
    return f'<tr id="{escape(anchor(p))}">' + "".join(cells) + "</tr>"
