"""A change report (kamrules.store.ChangeReport) as text, Markdown, CSV, JSON or an HTML section,
in the order a director reads it: tiers (down first), profiles, strategies, warnings raised (most
severe first) and cleared, accounts new and gone. Decisions and warnings are printed as their
stable identifiers, so that the output can be compared and searched; the words around them come
from the phrase catalogs (`history` section), in the language asked for.

Account ids and names come from CRM exports and API callers: every cell is made harmless for
where it goes (kamrules.io.safetext for a terminal, Markdown and the HTML report; in CSV, which
people open in a spreadsheet or print to a terminal, control characters escaped as for a
terminal and formulas neutralised by kamrules.io.cells); JSON keeps the values exactly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from kamrules.i18n.catalog import Phrases, phrases
from kamrules.io.cells import neutralise
from kamrules.io.safetext import html_text, markdown_text, terminal_text
from kamrules.store.models import AccountRef, AccountState, ChangeReport, Movement, RunInfo, WarningMove

ARROW = "→"
# The report's sections: the attribute of ChangeReport, which is also its phrase's key.
SECTIONS = ("tier", "profile", "strategy", "warnings_raised", "warnings_cleared", "new_accounts", "gone_accounts")
DECISIONS = ("tier", "profile", "strategy")
CSV_COLUMNS = ("section", "account_id", "account_name", "before", "after", "direction", "severity", "code")


def words(lang: str) -> Phrases:
    """The history's phrases in `lang` (English for a language kamrules does not speak)."""
    return phrases(lang, "history")


def basis(report: ChangeReport, lang: str = "en") -> str:
    """What the two sides are, in one line."""
    w = words(lang)
    if report.run_a is not None and report.run_b is not None:
        return w.say("changes_between", a=_run(report.run_a, w), b=_run(report.run_b, w))
    if report.run_a is not None:
        return w.say("changes_since_run", a=_run(report.run_a, w))
    since = report.since.isoformat() if report.since else ""
    until = w.say("up_to", date=report.until.isoformat()) if report.until else ""
    return w.say("changes_since", since=since, until=until)


def _run(run: RunInfo, w: Phrases) -> str:
    parts = [run.kind]
    if run.as_of:
        parts.append(w.say("as_of_date", date=run.as_of.isoformat()))
    if run.source:
        parts.append(run.source)
    return w.say("run", id=run.id, details=", ".join(parts))


def counts(report: ChangeReport, lang: str = "en") -> str:
    key = "compared_one" if report.compared == 1 else "compared"
    return words(lang).say(key, n=report.compared, unchanged=report.unchanged)


def name(ref: AccountRef) -> str:
    return f"{ref.id} {ref.name}" if ref.name else ref.id


def _value(value: str | None, w: Phrases) -> str:
    return value if value is not None else w["undecided"]


def warning_text(w: WarningMove) -> str:
    return f"{w.code} ({w.subject})" if w.subject else w.code


def _state(s: AccountState, w: Phrases) -> str:
    return ", ".join(_value(v, w) for v in (s.tier, s.profile, s.strategy))


def lines(report: ChangeReport, lang: str = "en") -> Iterator[tuple[str, list[tuple[str, ...]]]]:
    """(section title, its rows), the sections that have any, in order; cells as they are (each
    output makes them safe for itself)."""
    w = words(lang)
    for key in SECTIONS:
        items = getattr(report, key)
        if not items:
            continue
        if key in DECISIONS:
            rows = [_movement_row(m, w, with_direction=key == "tier") for m in items]
        elif key.startswith("warnings"):
            rows = [(m.severity, warning_text(m), name(m.account)) for m in items]
        else:
            rows = [(s.as_of.isoformat(), name(s.account), _state(s, w)) for s in items]
        yield w[key], rows


def _movement_row(m: Movement, w: Phrases, *, with_direction: bool) -> tuple[str, ...]:
    move = f"{_value(m.before, w)} {ARROW} {_value(m.after, w)}"
    return (m.direction or "", name(m.account), move) if with_direction else (name(m.account), move)


def render_text(report: ChangeReport, lang: str = "en") -> str:
    """For a terminal: aligned columns, every character a terminal would obey shown escaped."""
    out = [terminal_text(basis(report, lang)), counts(report, lang)]
    found = False
    for title, raw in lines(report, lang):
        found = True
        rows = [tuple(terminal_text(cell) for cell in row) for row in raw]
        out += ["", title]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            out.append(("  " + "  ".join([*cells, row[-1]])).rstrip())
    if not found:
        out += ["", words(lang)["nothing_changed"]]
    return "\n".join(out) + "\n"


def render_markdown(report: ChangeReport, lang: str = "en", *, level: int = 1) -> str:
    """Markdown, its headings at `level` (kam portfolio's summary puts it at 2)."""
    w = words(lang)
    head = "#" * level
    out = [f"{head} {markdown_text(basis(report, lang))}", "", f"{counts(report, lang)}."]
    found = False
    for key in SECTIONS:
        items = getattr(report, key)
        if not items:
            continue
        found = True
        header, rows = _markdown_table(key, items, w)
        out += ["", f"{head}# {w[key]}", "", "| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
        out += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
    if not found:
        out += ["", w["nothing_changed"]]
    return "\n".join(out) + "\n"


def _markdown_table(key: str, items: list[object], w: Phrases) -> tuple[list[str], list[tuple[str, ...]]]:
    if key in DECISIONS:
        header = [w["account"], w["name"], w["from"], w["to"]] + ([w["move"]] if key == "tier" else [])
        moves = [m for m in items if isinstance(m, Movement)]
        rows = [
            (m.account.id, m.account.name or "", _value(m.before, w), _value(m.after, w))
            + ((m.direction or "",) if key == "tier" else ())
            for m in moves
        ]
        return header, rows
    if key.startswith("warnings"):
        warned = [m for m in items if isinstance(m, WarningMove)]
        header = [w["severity"], w["warning"], w["account"], w["name"]]
        return header, [(m.severity, warning_text(m), m.account.id, m.account.name or "") for m in warned]
    states = [s for s in items if isinstance(s, AccountState)]
    header = [w["as_of"], w["account"], w["name"], w["tier"], w["profile"], w["strategy"]]
    rows = [
        (
            s.as_of.isoformat(),
            s.account.id,
            s.account.name or "",
            *(_value(v, w) for v in (s.tier, s.profile, s.strategy)),
        )
        for s in states
    ]
    return header, rows


def render_csv(report: ChangeReport, lang: str = "en") -> str:
    """One row per movement, its columns identifiers (CSV_COLUMNS); no cell a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report, lang):
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_cell(text: str) -> str:
    """A CSV cell of a report: no control character (a terminal would obey it; a spreadsheet
    shows garbage), no formula."""
    return neutralise(terminal_text(text))


def csv_rows(report: ChangeReport, lang: str = "en") -> Iterator[tuple[str, ...]]:
    w = words(lang)
    for m in (*report.tier, *report.profile, *report.strategy):
        yield (m.field, m.account.id, m.account.name or "", m.before or "", m.after or "", m.direction or "", "", "")
    for key, section in (("warnings_raised", "warning_raised"), ("warnings_cleared", "warning_cleared")):
        for wm in getattr(report, key):
            yield (section, wm.account.id, wm.account.name or "", "", "", "", wm.severity, warning_text(wm))
    for key, section in (("new_accounts", "new_account"), ("gone_accounts", "gone_account")):
        for s in getattr(report, key):
            yield (section, s.account.id, s.account.name or "", "", _state(s, w), "", "", "")


def render_json(report: ChangeReport) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def render_html_section(report: ChangeReport, lang: str = "en") -> str:
    """A <section> for kam portfolio's HTML report (every text escaped)."""
    out = [
        f'<section id="movements"><h2>{html_text(basis(report, lang))}</h2>'
        f'<p class="note">{html_text(counts(report, lang))}</p>'
    ]
    for title, rows in lines(report, lang):
        out.append(f"<h3>{html_text(title)}</h3><table><tbody>")
        out.extend("<tr>" + "".join(f"<td>{html_text(cell)}</td>" for cell in row) + "</tr>" for row in rows)
        out.append("</tbody></table>")
    if len(out) == 1:
        out.append(f"<p>{html_text(words(lang)['nothing_changed'])}</p>")
    out.append("</section>")
    return "\n".join(out)
