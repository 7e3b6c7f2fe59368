"""What kind of value each dotted column of a spreadsheet holds, read off the account facts' model.

`business.revenue` is a number, `business.customer_since` a date, `relationship.choice_criteria`
a list of texts, `relationship.dmu` a list of members; and in the flat form a CRM export can
produce, `relationship.dmu.2.role` is the role of the second member, `business.competitors.1.share`
the first competitor's share (a number). Derived from `kamrules.Account`, so a fact added to the
contract is known here with no second list to keep.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from kamrules.model.account import Account

Kind = Literal["number", "date", "texts", "members", "group", "other"]


@dataclass(frozen=True)
class PathKind:
    """A dotted column's kind; for one field of a list's member (`relationship.dmu.2.role`) also
    the list (`relationship.dmu`), the member's number as written (2) and its field (`role`)."""

    kind: Kind
    list_path: str | None = None
    member: int | None = None
    field: str | None = None
    fields: tuple[str, ...] = ()  # a member's fields: `field` is known when it is one of them

    @property
    def known(self) -> bool:
        return self.list_path is None or self.field in self.fields


def _strip(annotation: Any) -> Any:
    """The type inside Optional[...] and Annotated[...]."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _kind(annotation: Any) -> tuple[Kind, Any]:
    """(kind, what is inside: the member model of a list, the value type of a mapping)."""
    annotation = _strip(annotation)
    origin = typing.get_origin(annotation)
    if annotation is float:
        return "number", None
    if annotation is dt.date:
        return "date", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "group", annotation
    if origin is list:
        (item,) = typing.get_args(annotation)
        item = _strip(item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "members", item
        return "texts", None
    if origin is dict:
        return "group", _Mapping(_strip(typing.get_args(annotation)[1]))
    return "other", None


@dataclass(frozen=True)
class _Mapping:
    """A mapping with keys of the user's choosing (`revenue_by_product.<product>`) and these values."""

    values: Any


@functools.cache
def path_kind(path: str) -> PathKind | None:
    """The kind of the column `path` (None: no account fact has that path)."""
    current: Any = Account
    parts = path.split(".")
    walked: list[str] = []
    k = 0
    while k < len(parts):
        part = parts[k]
        if isinstance(current, _Mapping):  # any key: the product, the criterion
            kind, inner = _kind(current.values)
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            kind, inner = _kind(field.annotation)
        else:
            return None
        walked.append(part)
        k += 1
        if k == len(parts):
            return PathKind(kind)
        if kind == "members":
            number, rest = parts[k], parts[k + 1 :]
            if not number.isdigit() or len(rest) != 1:
                return None
            member_field = inner.model_fields.get(rest[0])
            field_kind = _kind(member_field.annotation)[0] if member_field is not None else "other"
            return PathKind(field_kind, ".".join(walked), int(number), rest[0], tuple(inner.model_fields))
        if kind != "group":
            return None
        current = inner
    return None  # pragma: no cover - the loop returns on its last part


def is_account_column(path: str) -> bool:
    """Whether a column named `path` holds an account fact (a field of a DMU member included)."""
    found = path_kind(path)
    return found is not None and found.known


def member_field(path: str) -> str | None:
    """`relationship.dmu.role` for `relationship.dmu.2.role` (the field of every member, as a
    column map's `values:` names it); None for a column that is no member's field."""
    found = path_kind(path)
    if found is None or found.list_path is None or not found.known:
        return None
    return f"{found.list_path}.{found.field}"


def is_member_field(path: str) -> bool:
    """Whether `path` names a field of every member of a list (`relationship.dmu.role`)."""
    head, _, name = path.rpartition(".")
    return bool(head) and is_account_column(f"{head}.1.{name}")
