"""How `kam rules diff` shows a change: the semantic changes, then the impact on a portfolio,
as text, Markdown (to paste into a change request) or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kamrules.i18n.catalog import phrases
from kamrules.toolkit.diff import Change, Shown, show
from kamrules.toolkit.expect import plain
from kamrules.toolkit.impact import DIMENSIONS, AccountChange, Impact
from kamrules.toolkit.render_problems import location_json, where
from kamrules.toolkit.words import say


def _head(c: Change, lang: str) -> str:
    """ "rule X added: condition, outcome" in `lang` (the catalogs' diff section: the word for the
    kind of item, and the action's word in the kind's grammatical gender)."""
    words = phrases(lang, "diff")
    action = words[f"action.{c.action}.{words[f'gender.{c.kind}']}"]
    head = words["head"].format(kind=words[f"kind.{c.kind}"], id=c.id, action=action)
    aspects = [words.get(f"aspect.{a}", a) for a in c.aspects]
    return f"{head}: {', '.join(aspects)}" if aspects else head


def _value(value: Any, lang: str = "en") -> str | None:
    """A value worth showing in one line (None for structures better left to the file)."""
    if isinstance(value, Shown):
        return show(value, lang)
    value = plain(value)
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return "[" + ", ".join(map(str, value)) + "]"
    return None


def change_line(c: Change, lang: str) -> list[str]:
    head = _head(c, lang)
    old, new = _value(c.old, lang), _value(c.new, lang)
    if c.kind == "parameter" and c.action == "changed":
        head += f" {old} → {new}"
    elif c.kind == "parameter" and (old or new):
        head += f" ({old or new})"
    if c.where is not None and where(c.where):
        head += f"  ({where(c.where)})"
    lines = [head]
    was, now = phrases(lang, "diff")["was"], phrases(lang, "diff")["now"]
    if c.kind != "parameter":
        if c.action == "changed" and old is not None and new is not None:
            lines += [f"    {was}: {old}", f"    {now}: {new}"]
        elif c.action == "added" and new is not None:
            lines.append(f"    {new}")
        elif c.action in ("removed", "disabled") and old is not None:
            lines.append(f"    {old}")
    return lines


def _json_value(value: Any) -> Any:
    if isinstance(value, Shown):
        return show(value)
    value = plain(value)
    return value if _value(value) is not None else None


def _cell(change: AccountChange, dimension: str) -> str:
    if dimension not in change.dimensions:
        return ""
    if dimension == "warnings":
        return " ".join(change.warning_changes())
    return f"{getattr(change.old, dimension) or '-'} → {getattr(change.new, dimension) or '-'}"


def impact_table(result: Impact, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [
        say(lang, "col_account"),
        *(say(lang, f"col_{d}") for d in DIMENSIONS),
    ]
    rows = [[f"{c.id} {c.name}", *(_cell(c, d) for d in DIMENSIONS)] for c in result.changed]
    return header, rows


def _summary(result: Impact, lang: str) -> list[str]:
    lines = [say(lang, "impact", n=result.total, date=result.as_of)]
    if not result.changed:
        lines.append("  " + say(lang, "unchanged"))
        return lines
    counts = result.counts()
    detail = ", ".join(f"{say(lang, 'col_' + d)} {counts[d]}" for d in DIMENSIONS)
    lines.append(f"  {say(lang, 'changed_accounts', n=len(result.changed))} ({detail})")
    for (dim, before, after), n in sorted(result.transitions().items(), key=lambda kv: (kv[0][0], -kv[1])):
        lines.append(f"  {say(lang, 'col_' + dim)}: {before or '-'} → {after or '-'}: {n}")
    for label, n in sorted(result.warning_counts().items()):
        lines.append(f"  {say(lang, 'col_warnings')}: {label}: {n}")
    return lines


def render_text(changes: Sequence[Change], result: Impact | None, lang: str) -> str:
    lines = [f"{say(lang, 'changes')}:"] if changes else [say(lang, "no_changes")]
    for c in changes:
        lines += [f"  {line}" for line in change_line(c, lang)]
    if result is not None:
        lines += ["", *_summary(result, lang)]
        header, rows = impact_table(result, lang)
        if rows:
            widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
            lines.append("")
            for row in [header, *rows]:
                lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if result.invalid:
            lines.append(say(lang, "invalid_accounts", n=len(result.invalid)))
    return "\n".join(lines) + "\n"


def render_markdown(changes: Sequence[Change], result: Impact | None, lang: str) -> str:
    lines = [f"## {say(lang, 'changes')}", ""]
    if not changes:
        lines.append(say(lang, "no_changes"))
    for c in changes:
        first, *rest = change_line(c, lang)
        lines.append(f"- {first}")
        lines += [f"  {line.strip()}" for line in rest]
    if result is not None:
        summary = _summary(result, lang)
        lines += ["", f"## {summary[0]}", ""]
        lines += [f"- {line.strip()}" for line in summary[1:]]
        header, rows = impact_table(result, lang)
        if rows:
            lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_json(changes: Sequence[Change], result: Impact | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "changes": [
            {
                "kind": c.kind,
                "action": c.action,
                "id": c.id,
                "aspects": list(c.aspects),
                "old": _json_value(c.old),
                "new": _json_value(c.new),
                **(location_json(c.where) if c.where is not None else {}),
            }
            for c in changes
        ]
    }
    if result is not None:
        data["impact"] = {
            "as_of": result.as_of.isoformat(),
            "accounts": result.total,
            "changed": len(result.changed),
            "counts": result.counts(),
            "transitions": [
                {"dimension": d, "old": a, "new": b, "accounts": n} for (d, a, b), n in result.transitions().items()
            ],
            "warnings": dict(result.warning_counts()),
            "invalid": result.invalid,
            "accounts_changed": [
                {
                    "id": c.id,
                    "name": c.name,
                    "changed": list(c.dimensions),
                    "old": {
                        "tier": c.old.tier,
                        "profile": c.old.profile,
                        "strategy": c.old.strategy,
                        "warnings": c.old.codes(),
                    },
                    "new": {
                        "tier": c.new.tier,
                        "profile": c.new.profile,
                        "strategy": c.new.strategy,
                        "warnings": c.new.codes(),
                    },
                }
                for c in result.changed
            ],
        }
    return data
