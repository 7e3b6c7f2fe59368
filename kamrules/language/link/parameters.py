"""Parameters: the named thresholds rulesets declare, and the values overrides give them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language.link.context import Linker
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import Param
from kamrules.model.numbers import NUMBER
from kamrules.suggest import suggest

NUMERIC = ("number", "integer", "fraction", "score", "money", "days")


def check_param_value(ptype: str, value: Any, values: list[str] | None) -> tuple[Any, str | None]:
    """The parameter's value in canonical form, or an explanation of what is wrong with it."""
    if ptype in NUMERIC:
        return _number(ptype, value)
    if ptype == "date":
        if isinstance(value, dt.datetime):
            return None, "expected a date, not a date and time"
        if isinstance(value, dt.date):
            return value, None
        try:
            return dt.date.fromisoformat(str(value)), None
        except ValueError:
            return None, f"expected a date written YYYY-MM-DD, found {value!r}"
    if ptype == "choice":
        items = value if isinstance(value, list) else [value]
        if not values:
            return None, "a choice parameter needs values: [...]"
        bad = [v for v in items if v not in values]
        if bad:
            return None, f"{bad[0]!r} is not one of {', '.join(values)}"
        return value, None
    if not isinstance(value, str):
        return None, f"expected a text, found {value!r}"
    return value, None


def _number(ptype: str, value: Any) -> tuple[Any, str | None]:
    v = value
    if isinstance(v, str) and v.strip().endswith("%"):
        try:
            v = float(v.strip()[:-1]) / 100.0
        except ValueError:
            return None, f"expected a {ptype}, found {value!r}"
    elif isinstance(v, str) and NUMBER.match(v.strip()):
        v = float(v.strip())  # `1e5`, which YAML reads as text
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None, f"expected a {ptype}, found {value!r}"
    if not math.isfinite(v):
        return None, "expected a finite number"
    if ptype == "fraction" and not 0 <= v <= 1:
        # The hint is for 45 meant as 45 %, never for a percentage text such as '160%'.
        hint = f" (write {v / 100:g} or '{v:g}%')" if 1 < v <= 100 and not isinstance(value, str) else ""
        return None, f"a fraction is between 0 and 1, found {value!r}{hint}"
    if ptype == "score" and not 1 <= v <= 10:
        return None, f"a score is between 1 and 10, found {value!r}"
    if ptype in ("days", "integer") and (float(v) != int(v)):
        return None, f"expected a whole number, found {value!r}"
    if ptype in ("days", "money") and v < 0:
        return None, f"expected zero or more, found {value!r}"
    return (int(v) if ptype in ("days", "integer") else float(v)), None


def declared(lk: Linker, rulesets: list[LoadedFile]) -> dict[str, Param]:
    """The parameters the rulesets declare, each with its value checked against its type."""
    params: dict[str, Param] = {}
    for f in rulesets:
        for name, p in (f.spec.parameters or {}).items():
            where = f.doc.location(("parameters", name))
            if name in params:
                lk.error(
                    f,
                    ("parameters", name),
                    codes.PARAMETER_TWICE,
                    f"parameter {name!r} is already declared at "
                    f"{params[name].where}; to change its value use a kind: overrides file",
                )
                continue
            value, problem = check_param_value(p.type, p.value, p.values)
            if problem:
                lk.error(f, ("parameters", name, "value"), codes.PARAMETER_VALUE, f"parameter {name}: {problem}")
                continue
            if p.type == "choice" and p.values:
                lk.param_choices[name] = [str(v) for v in p.values]
            params[name] = Param(
                name=name,
                type=p.type,
                value=value,
                unit=p.unit,
                description=Texts.of(p.description),
                where=where,
                ruleset=f.spec.id,
            )
    return params


def overridden(lk: Linker, params: dict[str, Param], overrides: list[LoadedFile]) -> dict[str, Param]:
    """`params` with the values the overrides files give them."""
    for f in overrides:
        for name, raw in (f.spec.parameters or {}).items():
            if name not in params:
                lk.error(
                    f,
                    ("parameters", name),
                    codes.OVERRIDE_UNKNOWN,
                    f"unknown parameter {name!r}",
                    suggest(name, list(params)),
                )
                continue
            old = params[name]
            if old.type == "choice":
                value = raw
                if not _choice_override_ok(lk, f, name, raw):
                    continue
            else:
                value, problem = check_param_value(old.type, raw, None)
                if problem:
                    lk.error(f, ("parameters", name), codes.PARAMETER_VALUE, f"parameter {name}: {problem}")
                    continue
            params[name] = dataclasses.replace(old, value=value, overridden_at=f.doc.location(("parameters", name)))
    return params


def _choice_override_ok(lk: Linker, file: LoadedFile, name: str, raw: Any) -> bool:
    """Whether an override's value for choice parameter `name` holds only values the
    parameter declares; each value that does not is reported where the override writes it
    (not where the rules use the parameter)."""
    allowed = lk.param_choices.get(name, [])
    items = raw if isinstance(raw, list) else [raw]
    ok = True
    for k, item in enumerate(items):
        if isinstance(item, str) and item in allowed:
            continue
        path: tuple[str | int, ...] = ("parameters", name, k) if isinstance(raw, list) else ("parameters", name)
        lk.error(
            file,
            path,
            codes.PARAMETER_VALUE,
            f"parameter {name}: {item!r} is not one of its values ({', '.join(allowed)})",
            suggest(str(item), allowed) if isinstance(item, str) else None,
        )
        ok = False
    return ok
