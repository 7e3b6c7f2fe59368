"""An account's history (kamrules.store.History) and the list of runs as text, Markdown, CSV or
JSON: each change with its date, what changed, and why (the facts, the rule base, the date).

The words come from the phrase catalogs (`history` section); every value that came from outside
(ids, names, facts, who recorded, file names) is made harmless where it goes, as in
kamrules.store.render_changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from kamrules.i18n.catalog import Phrases
from kamrules.io.safetext import markdown_text, terminal_text
from kamrules.store.models import FactChange, History, HistoryEntry, RulesetRef, RunInfo, WarningItem
from kamrules.store.render_changes import ARROW, csv_cell, words

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
RUNS_CSV = ("run", "kind", "recorded", "by", "as_of", "accounts", "source")
LONGEST_VALUE = 40  # a fact's value longer than this is cut in the text
MOST_FACTS = 8  # changed facts listed under a change in the text; the rest are counted


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _value(value: Any, w: Phrases) -> str:
    if value is None:
        return w["none"]
    if isinstance(value, list):
        return w.say("entry" if len(value) == 1 else "entries", n=len(value))
    if isinstance(value, dict):
        return w.say("item" if len(value) == 1 else "items", n=len(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def _warnings(items: Sequence[WarningItem]) -> str:
    return ", ".join(f"{w.code}{f' ({w.subject})' if w.subject else ''} ({w.severity})" for w in items)


def _ruleset(r: RulesetRef | None) -> str:
    return f"{r.name} {r.version}" if r is not None else "?"


def _causes(entry: HistoryEntry, w: Phrases) -> list[str]:
    """What caused the change, each in a few words ("the facts changed")."""
    out: list[str] = []
    for cause in entry.causes:
        if cause == "facts":
            out.append(w["cause.facts"] if entry.facts_changed else w["cause.facts_erased"])
        elif cause == "rules":
            before = entry.ruleset_before
            digests = f" ({before.digest[:15]}… {ARROW} {entry.ruleset.digest[:15]}…)" if before else ""
            out.append(w.say("cause.rules", change=f"{_ruleset(before)} {ARROW} {_ruleset(entry.ruleset)}{digests}"))
        elif cause == "date":
            out.append(w["cause.date"])
    return out


def _because(entry: HistoryEntry, w: Phrases) -> list[str]:
    """The causes as sentences, the facts that changed listed under theirs."""
    out: list[str] = []
    for cause in _causes(entry, w):
        if cause == w["cause.facts"]:
            out.append(w.say("because", cause=cause) + ":")
            out.extend(_fact_lines(entry.facts_changed, w))
        else:
            out.append(w.say("because", cause=cause))
    return out


def _fact_lines(changes: list[FactChange], w: Phrases) -> list[str]:
    lines = [f"  {f.path}: {_value(f.before, w)} {ARROW} {_value(f.after, w)}" for f in changes[:MOST_FACTS]]
    if len(changes) > MOST_FACTS:
        lines.append("  " + w.say("more_facts", n=len(changes) - MOST_FACTS))
    return lines


def _summary_line(entry: HistoryEntry, w: Phrases) -> str:
    profile = (entry.profile or w["undecided"]) + (f" ({entry.profile_source})" if entry.profile_source else "")
    return " · ".join([entry.tier or w["undecided"], profile, entry.strategy or w["undecided"]])


def _entry_lines(entry: HistoryEntry, w: Phrases) -> Iterator[str]:
    """The lines of one entry in the text: what changed, why, and when it was recorded."""
    if "first" in entry.causes:
        yield _summary_line(entry, w)
        if entry.warnings:
            yield w.say("warnings_now", warnings=_warnings(entry.warnings))
    else:
        yield from _changed(entry, w)
        yield from _because(entry, w)
    yield _recorded(entry, w)


def _changed(entry: HistoryEntry, w: Phrases) -> Iterator[str]:
    for d in entry.decisions:
        yield f"{d.field}: {d.before or w['undecided']} {ARROW} {d.after or w['undecided']}"
    if entry.warnings_raised:
        yield w.say("warnings_raised_now", warnings=_warnings(entry.warnings_raised))
    if entry.warnings_cleared:
        yield w.say("warnings_cleared_now", warnings=_warnings(entry.warnings_cleared))
    if not entry.changed:
        yield w["no_change"]


def _recorded(entry: HistoryEntry, w: Phrases) -> str:
    run = w.say("in_run", run=entry.run) if entry.run is not None else ""
    erased = w["facts_erased"] if entry.facts_erased else ""
    return (
        w.say("recorded", when=_when(entry.recorded_at), who=entry.recorded_by, run=run, rules=_ruleset(entry.ruleset))
        + erased
    )


def render_text(history: History, lang: str = "en", *, everything: bool = False) -> str:
    """For a terminal: the changes (every advice with `everything`), then the plan versions."""
    w = words(lang)
    account, entries = history.account, history.entries
    changes = sum(1 for e in entries if e.changed) - (1 if entries else 0)
    head = f"{account.id} {account.name}" if account.name else account.id
    counted = w.say("advices_one" if len(entries) == 1 else "advices", n=len(entries))
    counted += ", " + w.say("changes_one" if changes == 1 else "changes_n", n=changes)
    out = [f"{head}: {counted}"]
    for entry in (e for e in entries if everything or e.changed):
        out.append("")
        for n, line in enumerate(_entry_lines(entry, w)):
            out.append(f"{entry.as_of.isoformat() if n == 0 else '':<12}{line}")
    if history.plans:
        out += ["", w["plan_versions"]]
        for p in history.plans:
            found = w.say("findings_one" if len(p.findings) == 1 else "findings", n=len(p.findings))
            erased = w["text_erased"] if p.erased else ""
            recorded = w.say("recorded_plan", when=_when(p.recorded_at), who=p.recorded_by)
            out.append(f"  v{p.version}  {p.as_of.isoformat()}  {found}  {recorded}{erased}")
    return "\n".join(terminal_text(line) for line in out) + "\n"


def render_markdown(history: History, lang: str = "en", *, everything: bool = False) -> str:
    """A table of the changes (every advice with `everything`)."""
    w = words(lang)
    account = history.account
    title = f"{account.id} {account.name}" if account.name else account.id
    header = [w["as_of"], w["tier"], w["profile"], w["strategy"], w["changed"], w["because_head"], w["recorded_head"]]
    out = [f"# {markdown_text(w.say('history_of', account=title))}", "", "| " + " | ".join(header) + " |"]
    out.append("|---" * len(header) + "|")
    for e in history.entries:
        if not (everything or e.changed):
            continue
        changed = "; ".join(_changed(e, w)) if "first" not in e.causes else w["first"]
        because = "; ".join(_causes(e, w))
        if e.facts_changed:
            because += ": " + ", ".join(f.path for f in e.facts_changed)
        cells = (
            e.as_of.isoformat(),
            e.tier or "",
            e.profile or "",
            e.strategy or "",
            changed,
            because,
            _recorded(e, w),
        )
        out.append("| " + " | ".join(markdown_text(c) for c in cells) + " |")
    return "\n".join(out) + "\n"


def render_csv(history: History) -> str:
    """One row per stored advice, its columns identifiers (HISTORY_CSV); no cell a formula."""
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
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def render_json(model: Any) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def render_runs(runs: list[RunInfo], fmt: str, lang: str = "en") -> str:
    """The runs, newest first, as json, csv, markdown or text."""
    if fmt == "json":
        return json.dumps([r.model_dump(mode="json") for r in runs], ensure_ascii=False, indent=2) + "\n"
    rows = [
        (str(r.id), r.kind, _when(r.recorded_at), r.recorded_by, r.as_of.isoformat() if r.as_of else "",
         str(r.accounts), r.source or "")
        for r in runs
    ]  # fmt: skip
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(RUNS_CSV)
        writer.writerows([csv_cell(c) for c in row] for row in rows)
        return buffer.getvalue()
    w = words(lang)
    header = tuple(w[f"runs.{column}"] for column in RUNS_CSV)
    if fmt == "markdown":
        out = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
        out += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
        return "\n".join(out) + "\n"
    if not rows:
        return w["no_runs"] + "\n"
    shown = [header, *(tuple(terminal_text(c) for c in row) for row in rows)]
    widths = [max(len(r[i]) for r in shown) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(wd) for c, wd in zip(row, widths, strict=True)).rstrip() for row in shown) + "\n"
