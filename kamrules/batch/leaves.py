"""The account facts as columns: every leaf of the `Account` model, what kind of value it holds
and which constraints its validator applies, read from the model itself.

The column-wise validator (`kamrules.batch.validate`) checks a leaf only when everything its
pydantic type does is known here (what each validator function does, as
`kamrules.model.account.validator_role` names it; the `annotated_types` bounds). A leaf with
anything else (a new validator, a type this module does not know) is of kind `other`: its filled
cells go through the per-account validator, so the batch path never accepts what
`Engine.advise` would refuse, nor the reverse.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel

from kamrules.model.account import Account, validator_role

LeafKind = Literal["number", "text", "choice", "date", "boolean", "text_list", "objects", "mapping", "other"]

# The validators of a number whose column-wise equivalents `kamrules.batch.validate` applies
# ("not_bool" needs none: a bool column is never taken as a number anyway).
_NUMBER_ROLES = frozenset({"not_bool", "percent", "share", "fraction_hint"})


@dataclass(frozen=True)
class Leaf:
    """One account fact a column can hold (`business.margin_pct`)."""

    path: str
    kind: LeafKind
    annotation: Any  # the pydantic annotation, for the exact check of nested values
    required: bool = False
    min_length: int = 0
    low: float | None = None
    low_strict: bool = False
    high: float | None = None
    high_strict: bool = False
    percent: bool = False  # "45%" is read as 0.45
    share: bool = False  # a percentage text over 100 % is refused
    fraction_hint: bool = False  # 1 < x <= 100 is refused (it was meant as a percentage)
    choices: tuple[str, ...] = ()

    @property
    def group(self) -> str | None:
        head, dot, _ = self.path.partition(".")
        return head if dot else None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `| None`, and whether None was allowed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _metadata(annotation: Any) -> tuple[Any, list[Any]]:
    """The base type of an `Annotated[...]` and its flattened metadata."""
    items: list[Any] = []
    base = annotation
    while typing.get_origin(base) is typing.Annotated:
        args = typing.get_args(base)
        base = args[0]
        for item in args[1:]:
            items.append(item)
            items.extend(getattr(item, "metadata", ()) or ())
    return base, items


def _leaf(path: str, annotation: Any, extra: list[Any], required: bool) -> Leaf:
    inner, _ = _unwrap(annotation)
    base, meta = _metadata(inner)
    meta = [*extra, *meta]
    validators = [m.func for m in meta if hasattr(m, "func")]
    roles = [validator_role(v) for v in validators]
    known: dict[str, Any] = {"required": required}
    for m in meta:
        if isinstance(m, annotated_types.Ge):
            known.update(low=float(m.ge), low_strict=False)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Gt):
            known.update(low=float(m.gt), low_strict=True)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le):
            known.update(high=float(m.le), high_strict=False)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Lt):
            known.update(high=float(m.lt), high_strict=True)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.MinLen):
            known["min_length"] = m.min_length
    origin = typing.get_origin(base)
    if base is float:
        if all(role in _NUMBER_ROLES for role in roles):
            percent = "percent" in roles or "share" in roles
            share, hint = "share" in roles, "fraction_hint" in roles
            return Leaf(path, "number", annotation, percent=percent, share=share, fraction_hint=hint, **known)
    elif (
        validators
        and not (base is dt.date and roles == ["iso_date"])
        and not (origin is list and roles == ["text_list"])
    ):
        pass  # an unknown validator: checked per account
    elif base is str:
        return Leaf(path, "text", annotation, **known)
    elif origin is Literal and all(isinstance(v, str) for v in typing.get_args(base)):
        return Leaf(path, "choice", annotation, choices=tuple(typing.get_args(base)), **known)
    elif base is dt.date:
        return Leaf(path, "date", annotation, **known)
    elif base is bool:
        return Leaf(path, "boolean", annotation, **known)
    elif origin is list and typing.get_args(base) == (str,) and roles == ["text_list"]:
        return Leaf(path, "text_list", annotation, **known)
    elif origin is list:
        (item,) = typing.get_args(base)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return Leaf(path, "objects", annotation, **known)
    elif origin is dict:
        return Leaf(path, "mapping", annotation, **known)
    return Leaf(path, "other", annotation, **known)


@functools.cache
def account_leaves() -> dict[str, Leaf]:
    """Every leaf of the account facts, by dotted path (`id`, `business.revenue`...)."""
    out: dict[str, Leaf] = {}
    for name, info in Account.model_fields.items():
        inner, _ = _unwrap(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            for child, cinfo in inner.model_fields.items():
                out[f"{name}.{child}"] = _leaf(f"{name}.{child}", cinfo.annotation, list(cinfo.metadata), False)
        else:
            out[name] = _leaf(name, info.annotation, list(info.metadata), info.is_required())
    return out


@functools.cache
def account_groups() -> tuple[str, ...]:
    """The top-level names that hold a group of facts (`company`, `business`...)."""
    groups = []
    for name, info in Account.model_fields.items():
        inner, _ = _unwrap(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            groups.append(name)
    return tuple(groups)
