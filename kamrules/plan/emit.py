"""A plan as a YAML file a person edits: every field shown, each step under the deck's questions.

The YAML is written with PyYAML's safe dumper (plain data only) and read back, like every
other file, through kamrules.io.yamlsafe; tests check that what is written reads back as the
same plan. Empty fields are written as `key:` with nothing after it, an invitation to fill
them in, and each step is headed by its number, its title and its questions as comments.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from kamrules.i18n.catalog import phrases
from kamrules.i18n.wrap import wrap
from kamrules.io.safetext import comment_text
from kamrules.plan.guide import guide
from kamrules.plan.model import STEP_IDS, Plan

_NULL_VALUE = re.compile(r"^(\s*(?:- )?[A-Za-z_][A-Za-z0-9_]*):(?: null)$", re.MULTILINE)
WIDTH = 100


def _plain(value: Any) -> Any:
    """Whole floats as integers (1200000, not 1200000.0); the reader takes both."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Dumper(yaml.SafeDumper):
    """The safe dumper, without anchors: two equal dates are written twice, not as &id001/*id001."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_LINE_BREAKS = ("\x85", "\u2028", "\u2029")


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML writes these Unicode line breaks raw and reads them back as spaces; double quotes
    # make it escape them (\N, \L, \P), so every text reads back the same.
    style = '"' if any(c in value for c in _LINE_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _dump(data: dict[str, Any], indent: int = 0) -> str:
    text = yaml.dump(
        _plain(data),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=WIDTH - indent,
        default_flow_style=False,
    )
    text = _NULL_VALUE.sub(r"\1:", text)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def _comment(text: str, indent: int, first: str = "", rest: str = "") -> list[str]:
    pad = " " * indent + "# "
    # A name's U+2028 or U+0085 would end the comment line and start YAML (kamrules.io.safetext).
    text = comment_text(text)
    # At spaces only: a comment never cuts Key-Account or 1.200.000,00 (kamrules.i18n.wrap).
    return wrap(text, WIDTH - len(pad), initial_indent=pad + first, subsequent_indent=pad + rest) or [pad.rstrip()]


def plan_to_yaml(plan: Plan, *, drafted_on: str | None = None, questions: bool = True) -> str:
    """The plan as YAML text, in the plan's own language."""
    lang = plan.lang
    g = guide()
    data = plan.model_dump(mode="python")
    lines: list[str] = []
    if drafted_on is not None:
        words = phrases(lang, "plan.emit")
        head, body = words["title"], words["intro"]
        lines += _comment(head.format(name=plan.account.name, id=plan.account.id), 0)
        lines.append("#")
        lines += _comment(body.format(date=drafted_on), 0)
    steps = data.pop("steps")
    lines.append(_dump(data).rstrip("\n"))
    lines.append("")
    lines.append("steps:")
    for step_id in STEP_IDS:
        step = g.step(step_id)
        if questions:
            lines += _comment(f"{step.number}. {step.title.get(lang)}", 2)
            for q in step.questions:
                lines += _comment(q.get(lang), 2, "- ", "  ")
        lines.append(_dump({step_id: steps.get(step_id)}, 2).rstrip("\n"))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
