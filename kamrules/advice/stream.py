"""Advice written as it is made: `kam advise` keeps no advice once it is written.

`kam advise` used to keep every account and every advice until the end (about 41 KB an account:
a 100,000-row CSV took 4.1 GB), to print a JSON array, a YAML list or the pages of text in one
go. An `AdviceStream` writes each advice as soon as it has it, in exactly the bytes the whole
rendering gave: one advice alone is printed as an object, several as an array, so only the first
is held until the second arrives (or the end).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml

from kamrules.advice.render import Style, _one_markdown, _one_text
from kamrules.language.rulebase import RuleBase
from kamrules.model.advice import Advice


class AdviceStream:
    """Advices in `fmt` (json, yaml, markdown or text), each handed to `write` as it comes;
    `close` writes what ends the output. Nothing is written for no advice at all."""

    def __init__(
        self,
        write: Callable[[str], None],
        fmt: str,
        rulebase: RuleBase,
        *,
        explain: bool = False,
        style: Style | None = None,
        width: int = 100,
    ) -> None:
        self.write = write
        self.fmt = fmt
        self.rulebase = rulebase
        self.explain = explain
        self.style = style
        self.width = width
        self.count = 0
        self._first: dict[str, Any] | None = None  # json, yaml: one advice is not a list (yet)

    def add(self, advice: Advice) -> None:
        self.count += 1
        if self.fmt in ("json", "yaml"):
            self._add_data(advice.model_dump(mode="json"))
            return
        page = (
            _one_markdown(advice, self.rulebase, self.explain)
            if self.fmt == "markdown"
            else _one_text(advice, self.rulebase, self.style or _plain, self.width, self.explain)
        )
        # render_markdown and render_text join the pages with a blank line and end with "\n".
        self.write(page if self.count == 1 else "\n\n" + page)

    def close(self) -> None:
        if self.count == 0:
            return
        if self.fmt == "json":
            self.write(_json(self._first) + "\n" if self.count == 1 else "\n]\n")
        elif self.fmt == "yaml":
            if self.count == 1:
                self.write(_yaml(self._first))
        else:
            self.write("\n")

    def _add_data(self, data: dict[str, Any]) -> None:
        if self.count == 1:
            self._first = data
            return
        if self.count == 2:
            first, self._first = self._first, None
            self._write_item(first, opening=True)
        self._write_item(data, opening=False)

    def _write_item(self, data: Any, *, opening: bool) -> None:
        if self.fmt == "yaml":
            # A block list is its items one after the other: the list's dump, item by item.
            self.write(_yaml([data]))
            return
        # json.dumps(list, indent=2): "[\n", the items indented by two more spaces and joined
        # by ",\n", then "\n]".
        item = "\n".join("  " + line for line in _json(data).split("\n"))
        self.write(("[\n" if opening else ",\n") + item)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _yaml(data: Any) -> str:
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))


def _plain(text: str, **_: object) -> str:
    return text
