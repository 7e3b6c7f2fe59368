"""The facts a rule may read: every account fact of the contract, plus the derived facts that the
rulesets declare, each with its type. Rules are checked against this at load time.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel

from kamrules.model.account import Account

Kind = Literal["number", "date", "text", "choice", "list", "mapping", "boolean"]
Labels = dict[str, dict[str, str]]


@dataclass(frozen=True)
class FactType:
    """What kind of value a fact holds, and what a rule may compare it with."""

    kind: Kind
    values: tuple[str, ...] = ()  # the allowed values of a choice (or of a list's items)
    item_kind: Literal["text", "choice", "object", "number", ""] = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    def describe(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.values)
        if self.kind == "list":
            return f"a list of {self.item_kind or 'values'}"
        if self.kind == "number" and self.minimum is not None and self.maximum is not None:
            return f"a number from {self.minimum:g} to {self.maximum:g}"
        if self.kind == "number" and self.minimum is not None:
            return f"a number of at least {self.minimum:g}"
        return {"number": "a number", "date": "a date", "text": "a text", "mapping": "a mapping"}.get(
            self.kind, self.kind
        )


@dataclass(frozen=True)
class FactInfo:
    path: str
    type: FactType
    origin: Literal["input", "derived", "builtin"]
    stage: str | None = None  # the stage that decides a derived fact
    declared_in: str | None = None  # file:line where a derived fact is declared
    description: dict[str, str] = field(default_factory=dict)
    labels: Labels = field(default_factory=dict)  # value -> {lang: label}
    list_of_choice: bool = False


def _unwrap_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap_optional(args[0])
    if origin is typing.Annotated:
        return _unwrap_optional(typing.get_args(annotation)[0])
    return annotation


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    low: float | None = None
    high: float | None = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Gt):
            low = float(item.gt)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Le):
            high = float(item.le)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Lt):
            high = float(item.lt)  # type: ignore[arg-type]
    return low, high


def _type_of(annotation: Any, metadata: list[Any]) -> FactType | None:
    ann = _unwrap_optional(annotation)
    origin = typing.get_origin(ann)
    if origin is Literal:
        return FactType("choice", tuple(str(v) for v in typing.get_args(ann)))
    if origin is list:
        (item,) = typing.get_args(ann)
        item = _unwrap_optional(item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return FactType("list", item_kind="object")
        if typing.get_origin(item) is Literal:
            return FactType("list", tuple(str(v) for v in typing.get_args(item)), item_kind="choice")
        return FactType("list", item_kind="text")
    if origin is dict:
        return FactType("mapping")
    if ann is dt.date:
        return FactType("date")
    if ann is str:
        return FactType("text")
    if ann is bool:
        return FactType("boolean")
    if ann in (int, float):
        low, high = _bounds(metadata)
        return FactType("number", minimum=low, maximum=high, integer=ann is int)
    return None


def _walk(model: type[BaseModel], prefix: str, out: dict[str, FactInfo]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = _unwrap_optional(info.annotation)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out[path] = FactInfo(path, FactType("mapping"), "input", description=_desc(info.description))
            _walk(ann, path + ".", out)
            continue
        # Annotated metadata lives either on the FieldInfo or inside the annotation.
        metadata = list(info.metadata)
        inner = info.annotation
        for arg in typing.get_args(inner):
            if typing.get_origin(arg) is typing.Annotated:
                metadata.extend(getattr(arg, "__metadata__", ()))
                for sub in getattr(arg, "__metadata__", ()):
                    metadata.extend(getattr(sub, "metadata", ()) or ())
        for item in list(metadata):
            metadata.extend(getattr(item, "metadata", ()) or ())
        ftype = _type_of(inner, metadata)
        if ftype is not None:
            out[path] = FactInfo(path, ftype, "input", description=_desc(info.description))


def _desc(text: str | None) -> dict[str, str]:
    return {"en": text} if text else {}


def input_catalog(model: type[BaseModel] = Account) -> dict[str, FactInfo]:
    """Every input fact of `model` (by default the account facts of docs/contract.md §2), by dotted
    path, with its type; plus `as_of`, the evaluation date."""
    out: dict[str, FactInfo] = {}
    _walk(model, "", out)
    out["as_of"] = FactInfo(
        "as_of",
        FactType("date"),
        "builtin",
        description={"en": "The evaluation date.", "it": "La data di valutazione."},
    )
    return out


def input_groups(model: type[BaseModel] = Account) -> tuple[str, ...]:
    """The top-level names of `model`: derived facts may not use them."""
    return tuple(model.model_fields)
