"""`kam portfolio --format text`: the summary laid out for a terminal: headings, aligned figures,
and tables whose columns never run into each other (a cell too long for its column wraps inside
it, a word too long for any line is cut there), in the width of the terminal. What comes from
the data (the input's name, sectors, account names, the warnings that quote them) is shown with
every control character as its escape (kamrules.io.safetext): nothing reaches the terminal that
it would obey."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from kamrules.i18n.catalog import phrases
from kamrules.i18n.numbers import date, money, number, percent
from kamrules.io.safetext import terminal_text
from kamrules.portfolio.effort import KINDS
from kamrules.portfolio.matrices import MATRICES
from kamrules.portfolio.progress import STATES, compared, totals
from kamrules.portfolio.run import Outcome
from kamrules.portfolio.sections import relative_note
from kamrules.portfolio.sections import words as section_words
from kamrules.portfolio.summary import estimate_rows, quadrant_rows, unplaced

Style = Callable[..., str]
GAP = "  "


def _plain(text: str, **_style: object) -> str:
    return text


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(width, 8), break_long_words=True, break_on_hyphens=False) or [""]


def table(rows: Sequence[Sequence[str]], right: Sequence[bool], width: int, indent: int = 4) -> list[str]:
    """Rows of cells in columns, the first row their titles. The middle columns are as wide as
    their values (a longer title wraps), the first one at most a third of `width`, the last one
    takes what is left (at least 12 characters); every cell wraps inside its column. `right`
    aligns numbers to the right."""
    if not rows:
        return []
    count = len(rows[0])
    values = rows[1:] or rows
    widths = [max(len(r[k]) for r in values) for k in range(count)]
    for k in range(1, count - 1):  # a number's column: as wide as its numbers, or 8
        widths[k] = max(widths[k], min(len(rows[0][k]), 8))
    widths[0] = max(min(max(len(r[0]) for r in rows), (width - indent) // 3), 8)
    used = indent + sum(widths[:-1]) + len(GAP) * (count - 1)
    if count > 1:
        widths[-1] = (
            max(12, width - used) if used + max(len(r[-1]) for r in rows) > width else max(len(r[-1]) for r in rows)
        )
    out = []
    for row in rows:
        cells = [_wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
        for line in range(max(len(c) for c in cells)):
            parts = []
            for k, (cell, w) in enumerate(zip(cells, widths, strict=True)):
                text = cell[line] if line < len(cell) else ""
                parts.append(text.rjust(w) if right[k] else text.ljust(w))
            out.append((" " * indent + GAP.join(parts)).rstrip())
    return out


def render_text(outcome: Outcome, width: int = 100, style: Style = _plain) -> str:
    """The summary as terminal text (see the module's docstring)."""
    lang = outcome.request.lang
    w = phrases(lang, "portfolio")
    t = outcome.tally
    lines = [style(f"{w['title']}  ·  {w['as_of']} {date(outcome.request.as_of, lang)}", bold=True)]
    lines += [*_wrap(f"{w['source']}: {terminal_text(outcome.source)}", width), ""]
    total = outcome.scan.revenue_total
    figures = [
        (w["accounts"], number(t.ok, lang), ""),
        (w["rejected"], number(t.rejected, lang), ""),
        (
            w["key_accounts"],
            number(t.key_accounts, lang),
            f"{percent(t.key_revenue / total, lang)} {w['of_revenue']}" if total else "",
        ),
        (w["revenue"], money(total, lang), ""),
    ]
    lines += table([list(f) for f in figures], [False, True, False], width, indent=2)
    for missing, label in zip(unplaced(outcome), ("not_in_file", "not_scored"), strict=True):
        if missing:
            shown = ", ".join(f"{terminal_text(s)} ({number(n, lang)})" for s, n in missing.most_common(10))
            lines += [f"  {line}" for line in _wrap(f"{w['sector']} {w[label]}: {shown}", width - 2)]
    lines += ["", style(w["warnings"], bold=True, underline=True)]
    if not outcome.warnings:
        lines.append(f"  {w['no_warnings']}")
    tag = max(len(s) for s in phrases(lang, "labels.severity").values()) + 2
    for warn in outcome.warnings:
        severity = phrases(lang, "labels.severity").get(warn.severity, warn.severity).upper()
        colour = {"high": "red", "medium": "yellow"}.get(warn.severity)
        lines.append(f"  {style(severity.ljust(tag), fg=colour, bold=True)}{terminal_text(warn.title)}")
        lines += [" " * (2 + tag) + line for line in _wrap(terminal_text(warn.message), width - 2 - tag)]
    lines += ["", style(w["matrices"], bold=True, underline=True)]
    for m in MATRICES:
        rows = quadrant_rows(outcome, m.id)
        lines += ["", f"  {style(m.title.get(lang), bold=True)}"]
        if not rows:
            lines.append("    —")
            continue
        head = [w["quadrant"], w["count"], w["share"], w["advice"]]
        body = [[name, number(n, lang), percent(share, lang), advice] for _q, name, n, share, advice in rows]
        lines += table([head, *body], [False, True, True, False], width)
    if t.key_accounts:
        lines += ["", style(w["estimate"], bold=True, underline=True)]
        lines += [f"  {line}" for line in _wrap(w["estimate_note"], width - 2)]
        estimate = [[label, f"{money(low, lang)} – {money(high, lang)}"] for label, low, high in estimate_rows(outcome)]
        lines += table(estimate, [False, True], width, indent=2)
    lines += _relative(outcome, width, style) + _effort(outcome, width, style) + _progress(outcome, width, style)
    largest = t.largest()
    if largest:
        lines += ["", style(w["largest"], bold=True, underline=True)]
        share = [[terminal_text(name), money(rev, lang), percent(rev / (total or 1.0), lang)] for rev, name in largest]
        lines += table(share, [False, True, True], width, indent=2)
    return "\n".join(lines) + "\n"


def _tier(outcome: Outcome, tier: str | None) -> str:
    if tier in (None, "None"):
        return section_words(outcome.request.lang)["undecided"]
    return outcome.engine.rulebase.label("tier", tier, outcome.request.lang)


def _relative(outcome: Outcome, width: int, style: Style) -> list[str]:
    """--scores portfolio: what each score was ranked among."""
    if not outcome.ranked:
        return []
    heading = style(section_words(outcome.request.lang)["relative"], bold=True, underline=True)
    return ["", heading, *(f"  {line}" for line in _wrap(relative_note(outcome), width - 2))]


def _effort(outcome: Outcome, width: int, style: Style) -> list[str]:
    """The effort allocation: each tier's shares, then the largest shares of time."""
    effort = outcome.effort
    if effort is None or not effort.allocated:
        return []
    lang = outcome.request.lang
    w = section_words(lang)
    lines = ["", style(w["effort"], bold=True, underline=True)]
    notes = [w.say("effort_note", n=number(effort.allocated, lang))]
    if effort.unallocated:
        notes.append(w.say("unallocated", n=number(effort.unallocated, lang)))
    lines += [f"  {line}" for note in notes for line in _wrap(note, width - 2)]
    rows = [[w["tier"], w["time"], w["visits"], w["budget"]]]
    for tier, kinds in sorted(effort.by_tier.items(), key=lambda kv: -kv[1]["time"]):
        rows.append([_tier(outcome, tier), *(percent(kinds[k], lang) for k in KINDS)])
    lines += table(rows, [False, True, True, True], width)
    top = [
        [f"{terminal_text(name)} ({terminal_text(ident)})", percent(share, lang)] for ident, name, share in effort.top()
    ]
    if top:
        lines += ["", f"  {style(w['largest'], bold=True)}", *table(top, [False, True], width)]
    return lines


def _progress(outcome: Outcome, width: int, style: Style) -> list[str]:
    """The progress of the account plans (--plans), the accounts that need attention first."""
    if outcome.request.plans is None:
        return []
    lang = outcome.request.lang
    w = section_words(lang)
    lines = ["", style(w["progress"], bold=True, underline=True)]
    lines += [f"  {line}" for line in _wrap(w.say("progress_note", date=date(outcome.request.as_of, lang)), width - 2)]
    rows = [[w["account"], w["tier"], w["objectives"], *(w[state] for state in STATES)]]
    for r in compared(outcome.progress):
        counts = [number(n, lang) for n in r.progress.counts().values()]
        name = f"{terminal_text(r.name)} ({terminal_text(r.id)})"
        rows.append([name, _tier(outcome, r.tier), number(r.progress.objectives, lang), *counts])
    all_counts = totals(outcome.progress)
    rows.append(
        [w["all_plans"], "", number(sum(all_counts.values()), lang), *(number(all_counts[s], lang) for s in STATES)]
    )
    lines += table(rows, [False, False, *([True] * (len(rows[0]) - 2))], width)
    return lines
