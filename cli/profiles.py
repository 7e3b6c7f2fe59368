"""`kam profiles [ID]`: the four profiles and their treatment, as the rulesets hold them."""

from __future__ import annotations

import json
import shutil
import textwrap
from typing import Any

import click
import yaml

from .common import emit, format_option, lang_option, load_engine, out_option, resolve_format, rules_option

FORMATS = ("text", "json", "yaml", "markdown")


def _cell(value: object) -> str:
    return "; ".join(value) if isinstance(value, list) else str(value)


@click.command("profiles")
@click.argument("profile_id", required=False)
@rules_option
@format_option(FORMATS)
@lang_option
@out_option
def command(profile_id: str | None, rules: tuple[str, ...], fmt: str | None, lang: str, out: str | None) -> int:
    """The customer profiles, the strategy each is paired with, and the full treatment.

    Without ID, the deck's investment table (one column per profile); with ID, that profile.
    """
    from kamrules.advice.profiles import profiles_data
    from kamrules.errors import KamError
    from kamrules.suggest import suggest

    engine = load_engine(rules)
    rb = engine.rulebase
    if profile_id is not None and profile_id not in rb.profiles:
        hint = suggest(profile_id, list(rb.profiles))
        raise KamError(
            f"unknown profile {profile_id!r}; the profiles are {', '.join(rb.profiles)}"
            + (f" (did you mean {hint}?)" if hint else "")
        )
    data = profiles_data(rb, lang, profile_id)
    fmt = resolve_format(fmt, out, FORMATS)
    rows = {k: v.get(lang) for k, v in rb.treatment_rows.items()}
    if fmt == "json":
        text = (
            json.dumps(data[0] if profile_id else {"rows": rows, "profiles": data}, ensure_ascii=False, indent=2) + "\n"
        )
    elif fmt == "yaml":
        text = yaml.safe_dump(
            data[0] if profile_id else {"rows": rows, "profiles": data}, allow_unicode=True, sort_keys=False, width=100
        )
    elif fmt == "markdown":
        text = _markdown(data, rows, lang, single=profile_id is not None)
    else:
        text = _text(data, rows, lang)
    emit(text, out)
    return 0


def _markdown(data: list[dict[str, Any]], rows: dict[str, str], lang: str, *, single: bool) -> str:
    """The investment table, one column per profile (led by the profile's description when one)."""
    from kamrules.i18n.catalog import phrases

    w = phrases(lang, "cli.profiles")
    lines = [f"# {w['table']}", ""]
    lines.append("| | " + " | ".join(f"{d['label']} → {d['strategy_label']}" for d in data) + " |")
    lines.append("|---" * (len(data) + 1) + "|")
    for key, title in rows.items():
        cells = [_cell(d["treatment"].get(key, "")).replace("|", "\\|") for d in data]
        lines.append(f"| **{title}** | " + " | ".join(cells) + " |")
    if single:
        d = data[0]
        lines = [
            f"# {w['profile']}: {d['label']}",
            "",
            d["description"],
            "",
            f"**{w['buying']}**: {d['buying_behaviour']}",
            "",
            f"**{w['strategy']}**: {d['strategy_label']}",
            "",
            *lines[2:],
        ]
    return "\n".join(lines) + "\n"


def _text(data: list[dict[str, Any]], rows: dict[str, str], lang: str) -> str:
    """Each profile: its strategy, description and buying behaviour, then its treatment."""
    from kamrules.advice.render import two_columns
    from kamrules.i18n.catalog import phrases

    w = phrases(lang, "cli.profiles")
    width = min(110, shutil.get_terminal_size((100, 24)).columns)
    lines: list[str] = []
    for d in data:
        lines.append(f"{d['label']}  →  {w['strategy']}: {d['strategy_label']}")
        lines.extend(textwrap.wrap(d["description"], width - 2, initial_indent="  ", subsequent_indent="  "))
        buying = f"{w['buying']}: {d['buying_behaviour']}"
        lines.extend(textwrap.wrap(buying, width - 2, initial_indent="  ", subsequent_indent="  "))
        treatment = [(title, _cell(d["treatment"].get(key, ""))) for key, title in rows.items()]
        lines.extend(two_columns(treatment, width, lambda text, **_: text))
        lines.append("")
    return "\n".join(lines)
