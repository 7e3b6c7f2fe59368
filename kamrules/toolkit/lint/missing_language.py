"""KR106 missing-language: a text written in one language only (or as a plain string, which is
English). Every text kamrules shows exists in English and Italian; a missing one falls back to
the other language in the advice, which an Italian key account manager should not have to read."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from kamrules import codes
from kamrules.i18n.languages import DEFAULT, LANGS
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.toolkit.lint.finding import Finding, LintContext, message

ID = codes.MISSING_LANGUAGE
NAME = "missing-language"
SEVERITY = "medium"
Path = tuple[str | int, ...]
# A plain string is a text in English alone: it misses every other language.
_OTHERS: list[str] = [lang for lang in LANGS if lang != DEFAULT]


def _members(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: `Text | None` -> [I18n, str, NoneType]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _item_annotation(annotation: Any, container: type) -> Any:
    for member in _members(annotation):
        if typing.get_origin(member) is container:
            args = typing.get_args(member)
            return args[-1] if args else Any
    return Any


def _texts_in(value: Any, annotation: Any, path: Path) -> Iterator[tuple[Path, list[str]]]:
    """(path, missing languages) of every text in a validated spec, guided by the schema's types:
    a plain string is a one-language text only where the schema says a text goes."""
    if isinstance(value, S.I18n):
        missing = Texts.of(value).missing_langs()
        if missing:
            yield path, missing
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from _texts_in(getattr(value, name), info.annotation, (*path, info.alias or name))
    elif isinstance(value, str):
        if S.I18n in _members(annotation):
            yield path, _OTHERS
    elif isinstance(value, dict):
        inner = _item_annotation(annotation, dict)
        for key, item in value.items():
            yield from _texts_in(item, inner, (*path, key))
    elif isinstance(value, list):
        inner = _item_annotation(annotation, list)
        for i, item in enumerate(value):
            yield from _texts_in(item, inner, (*path, i))


def _row_texts(spec: S.RulesetFile) -> Iterator[tuple[Path, list[str]]]:
    # Table rows are free-form mappings; their because: / description: are texts too.
    for t, table in enumerate(spec.tables or []):
        for r, row in enumerate(table.rows):
            for key in ("because", "description"):
                value = row.get(key) if isinstance(row, dict) else None
                if isinstance(value, str):
                    yield ("tables", t, "rows", r, key), _OTHERS
                elif isinstance(value, dict):
                    missing: list[str] = [lang for lang in LANGS if not value.get(lang)]
                    if missing:
                        yield ("tables", t, "rows", r, key), missing


def check(ctx: LintContext) -> Iterator[Finding]:
    for f in ctx.files:
        found = list(_texts_in(f.spec, type(f.spec), ()))
        if isinstance(f.spec, S.RulesetFile):
            found += list(_row_texts(f.spec))
        for path, missing in found:
            where = f.doc.location(path)
            langs = ", ".join(missing)
            text = message("missing_language", path=where.path or "", langs=langs)
            yield Finding(ID, NAME, SEVERITY, text, where)
