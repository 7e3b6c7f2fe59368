"""A change report (kamrules.store.ChangeReport) as text, Markdown, CSV, JSON or an HTML section,
in the order a director reads it: tiers (down first), profiles, strategies, warnings raised (most
severe first) and cleared, accounts new and gone. Decisions and warnings are printed as their
stable identifiers, so that the output can be compared and searched."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html import escape
from typing import Any

ARROW = "→"
SECTIONS = (
    ("tier", "Tier"),
    ("profile", "Profile"),
    ("strategy", "Strategy"),
    ("warnings_raised", "Warnings raised"),
    ("warnings_cleared", "Warnings cleared"),
    ("new_accounts", "New accounts"),
    ("gone_accounts", "No longer there"),
)
CSV_COLUMNS = ("section", "account_id", "account_name", "before", "after", "direction", "severity", "code")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def basis(report: Any) -> str:
    """What the two sides are, in one line."""
    if report.run_a is not None and report.run_b is not None:
        return f"Changes from {_run(report.run_a)} to {_run(report.run_b)}"
    if report.run_a is not None:
        return f"Changes since {_run(report.run_a)}"
    until = f" up to {report.until.isoformat()}" if report.until else ""
    return (
        f"Changes since {report.since.isoformat()}{until}: each account's latest advice before that date "
        f"against its latest since"
    )


def _run(run: Any) -> str:
    parts = [run.kind]
    if run.as_of:
        parts.append(f"as of {run.as_of.isoformat()}")
    if run.source:
        parts.append(run.source)
    return f"run {run.id} ({', '.join(parts)})"


def counts(report: Any) -> str:
    noun = "account" if report.compared == 1 else "accounts"
    return f"{report.compared} {noun} compared, {report.unchanged} unchanged"


def _name(ref: Any) -> str:
    return f"{ref.id} {ref.name}" if ref.name else ref.id


def _value(value: str | None) -> str:
    return value if value is not None else "(undecided)"


def _warning(w: Any) -> str:
    return f"{w.code} ({w.subject})" if w.subject else w.code


def _state(s: Any) -> str:
    return ", ".join(_value(v) for v in (s.tier, s.profile, s.strategy))


def lines(report: Any) -> Iterator[tuple[str, list[tuple[str, ...]]]]:
    """(section title, its rows), the sections that have any, in order."""
    for key, title in SECTIONS:
        items = getattr(report, key)
        if not items:
            continue
        if key in ("tier", "profile", "strategy"):
            move = [f"{_value(m.before)} {ARROW} {_value(m.after)}" for m in items]
            if key == "tier":
                rows = [(m.direction or "", _name(m.account), text) for m, text in zip(items, move, strict=True)]
            else:
                rows = [(_name(m.account), text) for m, text in zip(items, move, strict=True)]
        elif key.startswith("warnings"):
            rows = [(w.severity, _warning(w), _name(w.account)) for w in items]
        else:
            rows = [(s.as_of.isoformat(), _name(s.account), _state(s)) for s in items]
        yield title, rows


def render_text(report: Any) -> str:
    out = [basis(report), counts(report)]
    found = False
    for title, rows in lines(report):
        found = True
        out += ["", title]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            out.append(("  " + "  ".join([*cells, row[-1]])).rstrip())
    if not found:
        out += ["", "Nothing changed."]
    return "\n".join(out) + "\n"


def render_markdown(report: Any, level: int = 1) -> str:
    head = "#" * level
    out = [f"{head} {_md(basis(report))}", "", f"{counts(report)}."]
    found = False
    for key, title in SECTIONS:
        items = getattr(report, key)
        if not items:
            continue
        found = True
        out += ["", f"{head}# {title}", ""]
        if key in ("tier", "profile", "strategy"):
            header = "| Account | Name | From | To |" + (" Move |" if key == "tier" else "")
            out += [header, "|---" * header.count(" |") + "|"]
            for m in items:
                move = f" {m.direction} |" if key == "tier" else ""
                cells = (m.account.id, m.account.name or "", _value(m.before), _value(m.after))
                out.append("| " + " | ".join(_md(c) for c in cells) + " |" + move)
        elif key.startswith("warnings"):
            out += ["| Severity | Warning | Account | Name |", "|---|---|---|---|"]
            for w in items:
                cells = (w.severity, _warning(w), w.account.id, w.account.name or "")
                out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        else:
            out += ["| As of | Account | Name | Tier | Profile | Strategy |", "|---|---|---|---|---|---|"]
            for s in items:
                cells = (
                    s.as_of.isoformat(),
                    s.account.id,
                    s.account.name or "",
                    *map(_value, (s.tier, s.profile, s.strategy)),
                )
                out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    if not found:
        out += ["", "Nothing changed."]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_csv(report: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_rows(report: Any) -> Iterator[tuple[str, ...]]:
    for m in (*report.tier, *report.profile, *report.strategy):
        yield (m.field, m.account.id, m.account.name or "", m.before or "", m.after or "", m.direction or "", "", "")
    for key, section in (("warnings_raised", "warning_raised"), ("warnings_cleared", "warning_cleared")):
        for w in getattr(report, key):
            yield (section, w.account.id, w.account.name or "", "", "", "", w.severity, _warning(w))
    for key, section in (("new_accounts", "new_account"), ("gone_accounts", "gone_account")):
        for s in getattr(report, key):
            yield (section, s.account.id, s.account.name or "", "", _state(s), "", "", "")


def safe_cell(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (an account name from a CRM may start with =)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def render_json(report: Any) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def render_html_section(report: Any) -> str:
    """A <section> for kam portfolio's HTML report (every text escaped)."""
    out = [f'<section id="movements"><h2>{escape(basis(report))}</h2><p class="note">{escape(counts(report))}</p>']
    for title, rows in lines(report):
        out.append(f"<h3>{escape(title)}</h3><table><tbody>")
        out.extend("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
        out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out)
