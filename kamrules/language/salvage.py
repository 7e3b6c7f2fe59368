"""Keep reading a knowledge file past its schema errors, so that one run reports every problem.

A file with one misspelled key in one rule would otherwise be dropped whole, and every rule,
parameter and test case in it would go unchecked until that key is fixed. Instead the items
that fail the schema (a rule, a table, a parameter, a test case, an unknown top-level key) are
set aside, the problems are reported, and the rest of the file is linked and checked as usual.
A file whose required fields (`kind`, `id`, `stage`...) are wrong cannot be salvaged.

Dropping an item from a list shifts the items after it; the salvaged document translates
paths back, so that later problems still point at the line and the key path the user wrote.
"""

from __future__ import annotations

import copy
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from kamrules.codes import SchemaCodes
from kamrules.errors import Location, Problem
from kamrules.io.yamlsafe import Document
from kamrules.model.validate import problems_of

Path = tuple[str | int, ...]

# Each round drops every failing item at once; a second round only meets what a drop revealed.
MAX_ROUNDS = 5


def validate_salvaging(
    model: type[BaseModel], doc: Document, family: SchemaCodes
) -> tuple[Any, list[Problem], Document]:
    """The validated spec (None when the file cannot be salvaged), every problem, and the
    document the spec was read from (the original, or a copy without the failing items)."""
    problems: list[Problem] = []
    seen: set[tuple[str, str, int | None, int | None]] = set()
    current = doc
    for _ in range(MAX_ROUNDS):
        try:
            return model.model_validate(current.data), problems, current
        except ValidationError as exc:
            for problem in problems_of(exc, model, current.location, family=family):
                key = (problem.code, problem.message, problem.location.line, problem.location.column)
                if key not in seen:
                    seen.add(key)
                    problems.append(problem)
            drops = _drops(model, exc, current.data)
            if drops is None:
                return None, problems, doc
            current = _without(current, drops)
    return None, problems, doc


def _clean_loc(loc: tuple[Any, ...]) -> Path:
    # pydantic adds the names of union members and validators to error locations; they are not keys.
    return tuple(
        p
        for p in loc
        if isinstance(p, int)
        or not (p.startswith("function-") or "[" in p or p.startswith("constrained") or p in ("I18n", "str"))
    )


def _field(model: type[BaseModel], key: str | int) -> tuple[bool, bool] | None:
    """(is_container, is_required) of the field written `key` in the file, None if unknown."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            annotation = info.annotation
            origins = {typing.get_origin(a) for a in (annotation, *typing.get_args(annotation))}
            return bool(origins & {list, dict}), info.is_required()
    return None


def _drops(model: type[BaseModel], exc: ValidationError, data: Any) -> list[Path] | None:
    """The paths to set aside so that the rest of the file can be read, or None if it cannot."""
    if not isinstance(data, dict):
        return None
    out: set[Path] = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
        if not loc:
            return None
        top = loc[0]
        spec = _field(model, top)
        if spec is None:
            out.add((top,))  # an unknown top-level key
            continue
        container, required = spec
        if container and len(loc) >= 2:
            out.add(loc[:2])
        elif not required:
            out.add((top,))
        else:
            return None
    return sorted(out, key=_drop_order)


def _drop_order(path: Path) -> tuple[str, int, str]:
    # Later list items first, so that dropping one does not move the next one to drop.
    second = path[1] if len(path) > 1 else None
    return (str(path[0]), -second if isinstance(second, int) else 0, str(second))


class SalvagedDocument(Document):
    """A document with some items set aside: its paths are translated back to the original's,
    so that a problem found later names the line and the key path the user wrote."""

    def __init__(self, data: Any, base: Document, dropped: dict[Path, list[int]]) -> None:
        super().__init__(data, base.source, {})
        self.base = base
        self.dropped = dropped  # list path -> indices (in the base) of the items set aside

    def original(self, path: Path) -> Path:
        for depth in range(len(path)):
            gone = self.dropped.get(tuple(path[:depth]))
            index = path[depth]
            if gone and isinstance(index, int):
                for g in sorted(gone):
                    if g <= index:
                        index += 1
                path = (*path[:depth], index, *path[depth + 1 :])
        return path

    def location(self, path: Path) -> Location:
        return self.base.location(self.original(tuple(path)))


def _without(doc: Document, drops: list[Path]) -> Document:
    data = copy.deepcopy(doc.data)
    dropped: dict[Path, list[int]] = {}
    for path in drops:
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        in_list = isinstance(parent, list) and isinstance(last, int) and last < len(parent)
        if not (in_list or (isinstance(parent, dict) and last in parent)):
            continue
        del parent[last]
        if in_list and isinstance(last, int):
            dropped.setdefault(path[:-1], []).append(last)
    return SalvagedDocument(data, doc, dropped)
