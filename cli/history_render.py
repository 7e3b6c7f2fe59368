"""An account's history (kamrules.store.History) and the list of runs as text, Markdown, CSV or
JSON: each change with its date, what changed, and why (the facts, the rule base, the date)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from kamrules.cli.changes_render import ARROW, safe_cell

HISTORY_CSV = (
    "as_of",
    "recorded_at",
    "recorded_by",
    "run",
    "tier",
    "profile",
    "profile_source",
    "strategy",
    "warnings",
    "warnings_raised",
    "warnings_cleared",
    "causes",
    "facts_changed",
    "ruleset",
    "changed",
)
LONGEST_VALUE = 40  # a fact's value longer than this is cut in the text
MOST_FACTS = 8  # changed facts listed under a change in the text; the rest are counted


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return f"{len(value)} {'entry' if len(value) == 1 else 'entries'}"
    if isinstance(value, dict):
        return f"{len(value)} {'item' if len(value) == 1 else 'items'}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def _warnings(items: Any) -> str:
    return ", ".join(f"{w.code}{f' ({w.subject})' if w.subject else ''} ({w.severity})" for w in items)


def _ruleset(r: Any) -> str:
    return f"{r.name} {r.version}"


def _because(entry: Any, *, details: bool = True) -> list[str]:
    out: list[str] = []
    for cause in entry.causes:
        if cause == "facts":
            if entry.facts_changed:
                out.append("because the facts changed:" if details else "because the facts changed")
                if details:
                    out.extend(_fact_lines(entry.facts_changed))
            else:
                out.append("because the facts changed (their values were erased)")
        elif cause == "rules":
            before = entry.ruleset_before
            digests = f" ({before.digest[:15]}… {ARROW} {entry.ruleset.digest[:15]}…)" if before else ""
            out.append(f"because the rule base changed: {_ruleset(before)} {ARROW} {_ruleset(entry.ruleset)}{digests}")
        elif cause == "date":
            out.append("because the date moved on (same facts, same rule base)")
    return out


def _fact_lines(changes: list[Any]) -> list[str]:
    lines = [f"  {f.path}: {_value(f.before)} {ARROW} {_value(f.after)}" for f in changes[:MOST_FACTS]]
    if len(changes) > MOST_FACTS:
        lines.append(f"  and {len(changes) - MOST_FACTS} more (--format json lists them all)")
    return lines


def _summary_line(entry: Any) -> str:
    profile = f"{entry.profile or '(undecided)'}" + (f" ({entry.profile_source})" if entry.profile_source else "")
    return " · ".join([entry.tier or "(undecided)", profile, entry.strategy or "(undecided)"])


def _entry_lines(entry: Any, *, details: bool = True) -> Iterator[str]:
    if "first" in entry.causes:
        yield _summary_line(entry)
        if entry.warnings:
            yield f"warnings: {_warnings(entry.warnings)}"
    else:
        for d in entry.decisions:
            yield f"{d.field}: {d.before or '(undecided)'} {ARROW} {d.after or '(undecided)'}"
        if entry.warnings_raised:
            yield f"warnings raised: {_warnings(entry.warnings_raised)}"
        if entry.warnings_cleared:
            yield f"warnings cleared: {_warnings(entry.warnings_cleared)}"
        if not entry.changed:
            yield "no change"
        yield from _because(entry, details=details)
    facts = ", facts erased" if entry.facts_erased else ""
    run = f", run {entry.run}" if entry.run is not None else ""
    yield f"recorded {_when(entry.recorded_at)} by {entry.recorded_by}{run}, rules {_ruleset(entry.ruleset)}{facts}"


def render_text(history: Any, *, everything: bool = False) -> str:
    account = history.account
    entries = history.entries
    shown = [e for e in entries if everything or e.changed]
    changes = sum(1 for e in entries if e.changed) - (1 if entries else 0)
    head = f"{account.id} {account.name}" if account.name else account.id
    noun = "advice" if len(entries) == 1 else "advices"
    out = [f"{head}: {len(entries)} {noun} recorded, {changes} {'change' if changes == 1 else 'changes'}"]
    for entry in shown:
        out.append("")
        for n, line in enumerate(_entry_lines(entry)):
            out.append(f"{entry.as_of.isoformat() if n == 0 else '':<12}{line}")
    if history.plans:
        out += ["", "Plan versions"]
        for p in history.plans:
            found = f"{len(p.findings)} finding{'' if len(p.findings) == 1 else 's'}"
            erased = ", text erased" if p.erased else ""
            out.append(
                f"  v{p.version}  {p.as_of.isoformat()}  {found}  recorded {_when(p.recorded_at)} by {p.recorded_by}"
                f"{erased}"
            )
    return "\n".join(out) + "\n"


def render_markdown(history: Any, *, everything: bool = False) -> str:
    account = history.account
    title = f"{account.id} {account.name}" if account.name else account.id
    out = [f"# History of {_md(title)}", "", "| As of | Tier | Profile | Strategy | Changed | Because | Recorded |"]
    out.append("|---|---|---|---|---|---|---|")
    for e in history.entries:
        if not (everything or e.changed):
            continue
        lines = list(_entry_lines(e, details=False))
        changed = (
            "; ".join(x for x in lines[:-1] if not x.startswith("because"))
            if "first" not in e.causes
            else "first advice"
        )
        because = "; ".join(line.removeprefix("because ") for line in _because(e, details=False))
        if e.facts_changed:
            because += ": " + ", ".join(f.path for f in e.facts_changed)
        cells = (e.as_of.isoformat(), e.tier or "", e.profile or "", e.strategy or "", changed, because, lines[-1])
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_csv(history: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HISTORY_CSV)
    for e in history.entries:
        row = (
            e.as_of.isoformat(),
            e.recorded_at.isoformat(),
            e.recorded_by,
            "" if e.run is None else str(e.run),
            e.tier or "",
            e.profile or "",
            e.profile_source or "",
            e.strategy or "",
            "; ".join(w.code for w in e.warnings),
            "; ".join(w.code for w in e.warnings_raised),
            "; ".join(w.code for w in e.warnings_cleared),
            "; ".join(e.causes),
            "; ".join(f.path for f in e.facts_changed),
            _ruleset(e.ruleset),
            "true" if e.changed else "false",
        )
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def render_json(model: Any) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def render_runs(runs: list[Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([r.model_dump(mode="json") for r in runs], ensure_ascii=False, indent=2) + "\n"
    rows = [
        (str(r.id), r.kind, _when(r.recorded_at), r.recorded_by, r.as_of.isoformat() if r.as_of else "",
         str(r.accounts), r.source or "")
        for r in runs
    ]  # fmt: skip
    header = ("run", "kind", "recorded", "by", "as of", "accounts", "source")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([safe_cell(c) for c in row] for row in rows)
        return buffer.getvalue()
    if fmt == "markdown":
        out = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
        out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
        return "\n".join(out) + "\n"
    if not rows:
        return "No run is recorded yet.\n"
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return (
        "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [header, *rows])
        + "\n"
    )
