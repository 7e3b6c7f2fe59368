"""KR106 missing-language: a text written in one language only (or as a plain string, which is
English). Every text kamrules shows exists in English and Italian; a missing one falls back to
the other language in the advice, which an Italian key account manager should not have to read."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from kamrules.language import schema as S
from kamrules.language.texts import Texts
from kamrules.toolkit.lint.finding import Finding, LintContext

ID = "KR106"
NAME = "missing-language"
SEVERITY = "medium"
LANGS = ("en", "it")
Path = tuple[str | int, ...]


def _takes_text(annotation: Any) -> bool:
    stack = [annotation]
    while stack:
        ann = stack.pop()
        if ann is S.I18n:
            return True
        stack.extend(typing.get_args(ann))
    return False


def _texts_in(value: Any, path: Path, text_field: bool) -> Iterator[tuple[Path, list[str]]]:
    """(path, missing languages) of every text in a validated spec."""
    if isinstance(value, S.I18n):
        missing = [lang for lang in LANGS if not getattr(value, lang)]
        if missing:
            yield path, missing
    elif isinstance(value, str):
        if text_field:
            yield path, ["it"]
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            key = info.alias or name
            yield from _texts_in(getattr(value, name), (*path, key), _takes_text(info.annotation))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts_in(item, (*path, key), text_field)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts_in(item, (*path, i), text_field)


def _row_texts(spec: S.RulesetFile) -> Iterator[tuple[Path, list[str]]]:
    # Table rows are free-form mappings; their because: / description: are texts too.
    for t, table in enumerate(spec.tables or []):
        for r, row in enumerate(table.rows):
            for key in ("because", "description"):
                value = row.get(key) if isinstance(row, dict) else None
                if isinstance(value, str):
                    yield ("tables", t, "rows", r, key), ["it"]
                elif isinstance(value, dict):
                    missing = [lang for lang in LANGS if not value.get(lang)]
                    if missing:
                        yield ("tables", t, "rows", r, key), missing


def check(ctx: LintContext) -> Iterator[Finding]:
    for f in ctx.files:
        found = list(_texts_in(f.spec, (), False))
        if isinstance(f.spec, S.RulesetFile):
            found += list(_row_texts(f.spec))
        for path, missing in found:
            where = f.doc.location(path)
            langs = ", ".join(missing)
            message = Texts(
                f"the text {where.path or ''} has no {langs} version",
                f"il testo {where.path or ''} non ha la versione {langs}",
            )
            yield Finding(ID, NAME, SEVERITY, message, where)
