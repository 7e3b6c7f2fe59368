"""Turn pydantic's validation errors into problems a sales-operations person can act on.

Each problem names the file, the line, the dotted field, the value found and what was
expected; an unknown key gets a did-you-mean from the fields allowed at that place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kamrules import codes
from kamrules.errors import FactsError, Location, Problem
from kamrules.i18n.validation import worded
from kamrules.io.yamlsafe import dotted
from kamrules.model.account import Account
from kamrules.suggest import suggest

M = TypeVar("M", bound=BaseModel)
LocationOf = Callable[[tuple[str | int, ...]], Location]


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The field names allowed at `loc` inside `model` (for did-you-mean on unknown keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    stack = [annotation]
    while stack:
        ann = stack.pop()
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return ann
        stack.extend(getattr(ann, "__args__", ()) or ())
    return None


def show_value(value: Any) -> str:
    """A value as a problem quotes it: as written (`'12,5%'`, `1200`), a date or time in ISO
    form (`'2020-01-01T13:30:00'`), never a Python repr such as `datetime.datetime(...)`."""
    if isinstance(value, (dt.date, dt.time)):  # dt.datetime is a dt.date
        value = value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_show = show_value
# pydantic's list of a Literal's values: "'.' or ','", "'a', 'b' or 'c'", "1 or 2".
_EXPECTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"|([^\s,']+)")


def _listed(options: Sequence[str]) -> str:
    # Words read well bare (low, medium, high); punctuation needs its quotes ('.', ',').
    shown = [o for o in options if o]
    if all(any(ch.isalnum() for ch in o) for o in shown):
        return ", ".join(shown)
    return ", ".join(repr(o) for o in shown)


def expected_values(expected: str) -> list[str]:
    """The allowed values in pydantic's `expected` text, each as written (`,` included)."""
    values: list[str] = []
    for single, double, bare in _EXPECTED.findall(expected):
        if bare == "or":
            continue
        values.append(single or double or bare)
    return values


def _clean_message(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg


def problems_of(
    exc: ValidationError,
    model: type[BaseModel],
    location_of: LocationOf,
    *,
    family: codes.SchemaCodes = codes.FACT,
    path_prefix: Sequence[str | int] = (),
) -> list[Problem]:
    """One `Problem` per pydantic error, located, in words."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # pydantic puts union/annotated member names in loc (e.g. 'literal['a']'); drop them.
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("constrained"))))
        full = (*path_prefix, *loc)
        where = location_of(full)
        where = Location(where.file, where.line, where.column, dotted(full) or None)
        kind = err["type"]
        value = err.get("input")
        if kind == "extra_forbidden":
            known = _fields_at(model, loc[:-1])
            name = str(loc[-1]) if loc else "?"
            problems.append(
                Problem(
                    family.unknown_field,
                    f"unknown field {name!r}" + (f"; allowed here: {', '.join(known)}" if known else ""),
                    where,
                    suggest(name, known),
                )
            )
        elif kind == "missing":
            problems.append(Problem(family.missing, "is required but missing", where))
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            options = expected_values(str(expected))
            problems.append(
                Problem(
                    family.not_allowed,
                    f"{_show(value)} is not one of the allowed values: {_listed(options)}",
                    where,
                    suggest(str(value), options) if isinstance(value, str) else None,
                )
            )
        elif kind in {"model_type", "dict_type", "model_attributes_type"}:
            problems.append(Problem(family.wrong_shape, f"expected a mapping of fields, found {_show(value)}", where))
        elif kind == "list_type":
            problems.append(Problem(family.wrong_shape, f"expected a list, found {_show(value)}", where))
        else:
            # kamrules' own words where it has them (kamrules.i18n.validation), pydantic's otherwise
            message = worded(kind, err.get("ctx")) or _clean_message(err["msg"])
            problems.append(Problem(family.invalid, f"{_show(value)} is not valid: {message}", where))
    return problems


def validate_model(
    model: type[M],
    data: Any,
    location_of: LocationOf,
    *,
    family: codes.SchemaCodes = codes.FACT,
    path_prefix: Sequence[str | int] = (),
) -> tuple[M | None, list[Problem]]:
    """Validate `data` as `model`; on failure return every problem, located."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, problems_of(exc, model, location_of, family=family, path_prefix=path_prefix)


def validate_account(
    facts: Mapping[str, Any] | Account,
    *,
    source: str | None = None,
    location: LocationOf | None = None,
) -> Account:
    """Check account facts against the contract; raise `FactsError` naming every problem."""
    if isinstance(facts, Account):
        return facts
    if not isinstance(facts, Mapping):
        raise FactsError(
            "",
            [
                Problem(
                    codes.FACT.wrong_shape,
                    f"an account is a mapping of facts, found {type(facts).__name__}",
                    Location(source),
                )
            ],
        )

    def where(path: tuple[str | int, ...]) -> Location:
        if location is not None:
            return location(path)
        return Location(source, None, None, None)

    account, problems = validate_model(Account, facts, where)
    if account is None:
        ident = facts.get("id") if isinstance(facts, Mapping) else None
        head = f"account {ident!r} has invalid facts:" if ident is not None else "invalid account facts:"
        raise FactsError(head, problems)
    return account
