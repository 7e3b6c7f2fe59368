"""Advice for people: one readable screen of text, or Markdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from kamrules.advice.build import TREATMENT_KEYS
from kamrules.advice.scores import score_lines, score_title
from kamrules.i18n.catalog import Phrases, phrases
from kamrules.i18n.numbers import date
from kamrules.i18n.wrap import widest_word, wrap
from kamrules.io.safetext import markdown_text, terminal_text
from kamrules.language.rulebase import RuleBase
from kamrules.model.advice import Advice
from kamrules.model.vocabulary import LABELS

Style = Callable[..., str]

_SEVERITY_COLOUR = {"high": "red", "medium": "yellow", "low": "cyan", "info": "blue"}


def words(lang: str) -> Phrases:
    """The words of the advice's frame (headings, "undecided"...) in `lang`."""
    return phrases(lang, "advice")


def _plain(text: str, **_: object) -> str:
    return text


def _row_title(rb: RuleBase, key: str, lang: str) -> str:
    texts = rb.treatment_rows.get(key)
    return terminal_text(texts.get(lang) if texts else key)


def _terminal_safe(a: Advice) -> Advice:
    """The advice with every text shown safely on a terminal (kamrules.io.safetext): names and
    ids come from CRM exports, and messages quote them."""
    return Advice.model_validate(_texts_mapped(a.model_dump(), terminal_text))


def _texts_mapped(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: _texts_mapped(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_texts_mapped(v, change) for v in value]
    return value


def _date(iso: str, lang: str) -> str:
    """The advice's date (YYYY-MM-DD in the advice) as `lang` writes dates: 27/11/2026 in Italian."""
    try:
        return date(dt.date.fromisoformat(iso), lang)
    except ValueError:
        return iso


def _severity(sev: str, lang: str) -> str:
    return LABELS["severity"].get(sev, {}).get(lang, sev)


def render_text(
    advices: Sequence[Advice],
    rb: RuleBase,
    *,
    style: Style | None = None,
    width: int = 100,
    explain: bool = False,
) -> str:
    return "\n\n".join(_one_text(a, rb, style or _plain, width, explain) for a in advices) + "\n"


def _one_text(a: Advice, rb: RuleBase, style: Style, width: int, explain: bool) -> str:
    a = _terminal_safe(a)
    w = words(a.lang)
    lines: list[str] = []
    head = f"{a.account.name} ({a.account.id})"
    lines.append(style(head, bold=True) + f"  {w['as_of']} {_date(a.as_of, a.lang)}")
    lines.append("")

    def decision(label: str, value: str | None, pretty: str | None, extra: str = "") -> str:
        shown = style(pretty or value, bold=True) if value else style(w["undecided"], fg="red")
        return f"  {label:<10} {shown}{extra}"

    lines.append(decision(w["tier"], a.tier, a.labels.get("tier")))
    source = ""
    if a.profile and a.profile_source:
        source_label = rb.facts.get("profile_source")
        text = (source_label.labels.get(a.profile_source, {}).get(a.lang) if source_label else None) or a.profile_source
        text = terminal_text(text)
        source = f"  ({w['from']} {text})"
    lines.append(decision(w["profile"], a.profile, a.labels.get("profile"), source))
    lines.append(decision(w["strategy"], a.strategy, a.labels.get("strategy")))
    scored = score_lines(rb, a.scores.model_dump(), a.score_sources.model_dump(), a.lang)
    if scored:
        # One score a line: the title on the first, as the decisions above are laid out.
        lines.extend(f"  {score_title(a.lang) if n == 0 else '':<10} {line}" for n, line in enumerate(scored))
    if a.treatment is not None:
        lines.append("")
        lines.append(style(w["treatment"], bold=True, underline=True))
        rows = [(_row_title(rb, k, a.lang), getattr(a.treatment, k)) for k in TREATMENT_KEYS]
        lines.extend(two_columns([(t, "; ".join(v) if isinstance(v, list) else v) for t, v in rows], width, style))
    lines.extend(_levers_and_warnings(a, style, width, explain))
    if explain:
        lines.extend(_explained(a, style, width))
    lines.append("")
    lines.append(style(f"{w['ruleset']}: {a.ruleset.name} {a.ruleset.version} {a.ruleset.digest[:19]}", dim=True))
    return "\n".join(lines)


def _levers_and_warnings(a: Advice, style: Style, width: int, explain: bool = False) -> list[str]:
    w = words(a.lang)
    lines = ["", style(w["levers"], bold=True, underline=True)]
    if not a.levers:
        lines.append(f"  {w['no_levers']}")
    for lever in a.levers:
        lines.extend(wrap(f"• {lever.label}", width - 2, initial_indent="  ", subsequent_indent="    "))
        lines.extend(wrap(lever.why, width - 6, initial_indent="      ", subsequent_indent="      "))
    lines.append("")
    lines.append(style(w["warnings"], bold=True, underline=True))
    if not a.warnings:
        lines.append(f"  {w['no_warnings']}")
    # The severity column is as wide as the language's longest severity word, and a space more:
    # a word never runs into the warning's title (INFORMAZIONE is 12 letters).
    column = max(len(label.get(a.lang, sev)) for sev, label in LABELS["severity"].items()) + 2
    for warning in a.warnings:
        sev = _severity(warning.severity, a.lang).upper()
        tag = style(f"{sev:<{column}}", fg=_SEVERITY_COLOUR.get(warning.severity), bold=warning.severity == "high")
        # People read the title; the code is for scripts (JSON) and for --explain.
        heading = warning.title or warning.code
        code = f"  ({warning.code})" if explain and warning.title else ""
        lines.append(f"  {tag}{style(heading, bold=True)}{code}")
        indent = " " * (column + 4)
        lines.extend(wrap(warning.message, width - len(indent), initial_indent=indent, subsequent_indent=indent))
    return lines


def _explained(a: Advice, style: Style, width: int) -> list[str]:
    """With explain: the trace (why), then the near misses (why not)."""
    w = words(a.lang)
    lines = ["", style(w["trace"], bold=True, underline=True)]
    for entry in a.trace:
        where = f" [{entry.file}:{entry.line}]" if entry.file else ""
        text = f"- {entry.rule}: {entry.because}{where}"
        lines.extend(wrap(text, width - 2, initial_indent="  ", subsequent_indent="    "))
    if a.why_not:
        lines.append("")
        lines.append(style(w["why_not"], bold=True, underline=True))
        for miss in a.why_not:
            where = f" [{miss.file}:{miss.line}]" if miss.file else ""
            text = f"- {miss.because} ({miss.rule}){where}"
            lines.extend(wrap(text, width - 2, initial_indent="  ", subsequent_indent="    "))
    return lines


def two_columns(rows: Sequence[tuple[str, str]], width: int, style: Style) -> list[str]:
    """Titles on the left, texts on the right, both wrapped at spaces (never cut: the deck's words,
    Key-Account, 1.200.000,00 are kept whole). The titles' column is as wide as their longest
    word at least, so that a title never runs into its text."""
    title_width = max(min(30, max(len(t) for t, _ in rows)), widest_word(t for t, _ in rows))
    body_width = max(30, width - title_width - 6)
    out: list[str] = []
    for title, text in rows:
        left = wrap(title, title_width) or [""]
        right = wrap(text, body_width) or [""]
        for i in range(max(len(left), len(right))):
            lt = left[i] if i < len(left) else ""
            rt = right[i] if i < len(right) else ""
            out.append(f"  {style(lt.ljust(title_width), fg='cyan')}  {rt}".rstrip())
    return out


def _md(text: str) -> str:
    return markdown_text(text)  # kamrules.io.safetext: no control character, HTML or link


def render_markdown(advices: Sequence[Advice], rb: RuleBase, *, explain: bool = False) -> str:
    return "\n\n".join(_one_markdown(a, rb, explain) for a in advices) + "\n"


def _one_markdown(a: Advice, rb: RuleBase, explain: bool) -> str:
    w = words(a.lang)
    out = [f"# {_md(a.account.name)} ({_md(a.account.id)})", "", f"*{w['as_of']} {_date(a.as_of, a.lang)}*", ""]
    out.append(f"| {w['tier']} | {w['profile']} | {w['strategy']} |")
    out.append("|---|---|---|")
    out.append(
        "| "
        + " | ".join(_md(a.labels.get(k) or (getattr(a, k) or w["undecided"])) for k in ("tier", "profile", "strategy"))
        + " |"
    )
    scored = score_lines(rb, a.scores.model_dump(), a.score_sources.model_dump(), a.lang)
    if scored:
        out += ["", f"*{score_title(a.lang)}*: " + "; ".join(_md(x) for x in scored)]
    if a.treatment is not None:
        out += ["", f"## {w['treatment']}", "", f"| | {_md(a.labels.get('strategy', a.strategy or ''))} |", "|---|---|"]
        for key in TREATMENT_KEYS:
            value = getattr(a.treatment, key)
            text = "; ".join(value) if isinstance(value, list) else value
            out.append(f"| **{_md(_row_title(rb, key, a.lang))}** | {_md(text)} |")
    out += ["", f"## {w['levers']}", ""]
    if not a.levers:
        out.append(w["no_levers"])
    out += [f"- **{_md(lv.label)}**: {_md(lv.why)}" for lv in a.levers]
    out += ["", f"## {w['warnings']}", ""]
    if not a.warnings:
        out.append(w["no_warnings"])
    out += [
        f"- **{_severity(x.severity, a.lang)}** {_md(x.title or x.code)}"
        + (f" `{x.code}`" if explain else "")
        + f": {_md(x.message)}"
        for x in a.warnings
    ]
    if explain:
        out += ["", f"## {w['trace']}", ""]
        out += [f"- `{t.rule}`: {_md(t.because)}" for t in a.trace]
        if a.why_not:
            out += ["", f"## {w['why_not']}", ""]
            out += [f"- `{m.rule}`: {_md(m.because)}" for m in a.why_not]
    return "\n".join(out)
