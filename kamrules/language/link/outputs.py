"""What a rule or a table row sets: the derived fact must be one its stage decides, and the
value (a literal, a parameter, or `{fact: other}`) must fit the fact's type."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kamrules import codes
from kamrules.language.conditions.context import InvalidCondition, resolve_fact
from kamrules.language.link.context import Linker, Path
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import Derived, OutputValue
from kamrules.suggest import suggest


def check_target(lk: Linker, file: LoadedFile, path: Path, fact: str, stage: str) -> Derived | None:
    """The derived fact `fact`, if a rule in `stage` may set it; else report why not."""
    d = lk.derived.get(fact)
    if d is None:
        if fact in lk.catalog:
            lk.error(file, path, codes.NOT_SETTABLE, f"{fact} is an account fact; rules set derived facts only")
        else:
            lk.error(
                file,
                path,
                codes.NOT_SETTABLE,
                f"{fact!r} is not a declared derived fact (declare it under derives:)",
                suggest(fact, list(lk.derived)),
            )
        return None
    if d.stage != stage:
        lk.error(
            file,
            path,
            codes.NOT_SETTABLE,
            f"{fact} belongs to stage {d.stage} (declared at {d.where}); it cannot be set in stage {stage}",
        )
        return None
    return d


def check_output(
    lk: Linker, file: LoadedFile, path: Path, fact: str, value: Any, stage: str, *, append: bool = False
) -> OutputValue | None:
    """The value `value` set into `fact` (or added to it, with `append`), checked; None after
    reporting what is wrong with it."""
    d = check_target(lk, file, path, fact, stage)
    if d is None:
        return None
    if isinstance(value, dict) and set(value) == {"fact"}:
        return _copied(lk, file, path, d, str(value["fact"]), stage)
    if append:
        return _appended(lk, file, path, d, value)
    kind = d.type.kind
    if kind == "number":
        return _number(lk, file, path, d, value)
    if kind == "date":
        return _date(lk, file, path, d, value)
    problem = _plain_problem(d, value)
    if problem is not None:
        message, hint = problem
        lk.error(file, path, codes.OUTPUT_VALUE, message, hint)
        return None
    return OutputValue(literal=value)


def _copied(lk: Linker, file: LoadedFile, path: Path, derived: Derived, src: str, stage: str) -> OutputValue | None:
    """`{fact: src}`: the value of another fact, of a type that fits."""
    try:
        info = resolve_fact(src, path, lk.parse_context(file, stage))
    except InvalidCondition:
        return None
    if info.type.kind != derived.type.kind and not (
        derived.type.kind == "choice" and info.type.kind in ("choice", "text")
    ):
        lk.error(
            file,
            path,
            codes.OUTPUT_VALUE,
            f"{derived.name} is {derived.type.describe()}; {src} is {info.type.describe()}",
        )
        return None
    if derived.type.kind == "choice" and info.type.kind == "choice":
        extra = [v for v in info.type.values if v not in derived.type.values]
        if extra:
            lk.error(
                file, path, codes.OUTPUT_VALUE, f"{src} can hold {extra[0]!r}, which is not a value of {derived.name}"
            )
            return None
    return OutputValue(fact=src)


def _appended(lk: Linker, file: LoadedFile, path: Path, derived: Derived, value: Any) -> OutputValue | None:
    if derived.type.kind != "list":
        lk.error(
            file, path, codes.OUTPUT_VALUE, f"append: needs a list fact; {derived.name} is {derived.type.describe()}"
        )
        return None
    if derived.type.values and value not in derived.type.values:
        lk.error(
            file,
            path,
            codes.OUTPUT_VALUE,
            f"{value!r} is not a value of {derived.name}",
            suggest(str(value), list(derived.type.values)),
        )
        return None
    return OutputValue(literal=value)


def _number(lk: Linker, file: LoadedFile, path: Path, derived: Derived, value: Any) -> OutputValue | None:
    param = None
    if isinstance(value, str) and value in lk.params:
        param = value
        value = lk.params[value].value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        lk.error(file, path, codes.OUTPUT_VALUE, f"{derived.name} is a number; found {value!r}")
        return None
    t = derived.type
    if (t.minimum is not None and value < t.minimum) or (t.maximum is not None and value > t.maximum):
        lk.error(file, path, codes.OUTPUT_VALUE, f"{derived.name} is {t.describe()}; found {value!r}")
        return None
    return OutputValue(literal=float(value), param=param)


def _date(lk: Linker, file: LoadedFile, path: Path, derived: Derived, value: Any) -> OutputValue | None:
    param = None
    if isinstance(value, str) and value in lk.params:
        if lk.params[value].type != "date":
            lk.error(
                file,
                path,
                codes.OUTPUT_VALUE,
                f"{derived.name} is a date; parameter {value} is a {lk.params[value].type}",
            )
            return None
        param = value
        value = lk.params[value].value
    elif isinstance(value, str):
        value = _iso_date(value)
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        lk.error(
            file,
            path,
            codes.OUTPUT_VALUE,
            f"{derived.name} is a date; found {value!r} (write YYYY-MM-DD or a date parameter)",
        )
        return None
    return OutputValue(literal=value, param=param)


def _plain_problem(derived: Derived, value: Any) -> tuple[str, str | None] | None:
    """What is wrong with `value` for a choice, true/false, list or text fact (message, hint)."""
    fact, kind = derived.name, derived.type.kind
    if kind == "choice" and value not in derived.type.values:
        return (
            f"{value!r} is not a value of {fact}; its values are {', '.join(derived.type.values)}",
            suggest(str(value), list(derived.type.values)),
        )
    if kind == "boolean" and not isinstance(value, bool):
        return f"{fact} is true or false; found {value!r}", None
    if kind == "list":
        return f"{fact} is a list: add values to it with append:", None
    if kind == "text" and not isinstance(value, str):
        return f"{fact} is a text; found {value!r} (quote it to mean the text)", None
    return None


def _iso_date(text: str) -> dt.date | str:
    """A date written as quoted text, or the text itself when it is not one."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return text
