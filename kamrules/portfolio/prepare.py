"""One input row made ready for advice: columns mapped, facts nested and validated.

Besides the account facts of docs/contract.md §2, a portfolio row may say whether the account has a
Key Account Development Plan (`plan.exists`, `plan.reviewed`): these are the portfolio's own
columns, taken out before the account facts are validated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kamrules import codes
from kamrules.errors import KamError, Location, ParameterNames, Problem
from kamrules.io.rows import RawRow, nest
from kamrules.model.account import Account
from kamrules.model.cellformats import read_cells
from kamrules.model.validate import show_value, validate_account, validate_model
from kamrules.portfolio.columns import ColumnMap, Originals, refused_problem
from kamrules.portfolio.inputs import PlanFacts

_YES = {"yes", "y", "true", "1", "si", "sì", "x"}
_NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with a row: the input column (as the file names it) and the problem."""

    column: str
    message: str
    code: str
    line: int | None = None
    parameter: str | None = None  # the argument the message names as `{parameter}`, if any

    def text(self, name_of: ParameterNames | None = None) -> str:
        """The message, with the parameter named as `name_of` names it (by default as itself)."""
        return Problem(self.code, self.message, parameter=self.parameter).text(name_of)

    def render(self) -> str:
        return f"{self.code} {self.text()}"


@dataclass
class Prepared:
    index: int
    row: int
    line: int | None
    account: Account | None = None
    plan: PlanFacts | None = None
    ident: str | None = None  # the id and name as written, for error rows
    name: str | None = None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.account is not None and not self.problems


def _plan_value(value: Any) -> Any:
    # CRM exports write checkboxes as yes/no, 1/0, x, or sì in Italian.
    if isinstance(value, str) and value.strip().lower() in _YES:
        return True
    if isinstance(value, str) and value.strip().lower() in _NO:
        return False
    return value


def _problem(
    p: Problem,
    source: dict[str, str],
    colmap: ColumnMap,
    line: int | None,
    original: Originals | None = None,
) -> RowProblem:
    path = p.location.path or ""
    column = colmap.column_of(path, source) if path else ""
    message = p.message  # `{parameter}` is named when the problem is shown (RowProblem.text)
    target = colmap.target_of(path, source) if path and original else None
    if original and target is not None and target in original:
        # The column map changed the value (a decimal comma, a picklist value): quote the cell
        # as the file holds it, which is what the user will look for.
        as_written, as_read = original[target]
        message = message.replace(show_value(as_read), show_value(as_written))
    suggestion = f" (did you mean {p.suggestion}?)" if p.suggestion else ""
    return RowProblem(column, message + suggestion, p.code, line, p.parameter)


def prepare(raw: RawRow, colmap: ColumnMap, name: str) -> Prepared:
    """Map, nest and validate one row; every problem is kept, located by its input column."""
    out = Prepared(raw.index, raw.row, raw.line)
    source: dict[str, str] = {}
    out.problems.extend(_problem(p, {}, colmap, raw.line) for p in raw.problems)
    data: Any = raw.data
    original: Originals = {}
    if raw.cells is not None:
        flat, source, refused, original = colmap.apply(raw.cells)
        if refused:
            out.problems.append(_problem(refused_problem(name, raw.line, refused), {}, colmap, raw.line))
        # Numbers and dates in the file's format, lists typed with `;`, DMU members in columns.
        cells = read_cells(flat, source, colmap.formats)
        source = cells.columns
        original = {**original, **cells.originals}
        for path, message, parameter in cells.problems:
            found = Problem(codes.FACT.invalid, message, Location(name, raw.line, None, path), parameter=parameter)
            out.problems.append(_problem(found, source, colmap, raw.line))
        data = nest(cells.flat)
    if isinstance(data, dict):
        # Named even when rejected, so that the error row says whose row it is.
        out.ident = _text(data.get("id"))
        out.name = _text(data.get("name"))
    if out.problems:
        return out
    if not isinstance(data, dict):
        out.problems.append(
            RowProblem(
                "", f"an account is a mapping of facts, found {type(data).__name__}", codes.FACT.wrong_shape, raw.line
            )
        )
        return out
    facts = dict(data)
    plan_data = facts.pop("plan", None)
    if plan_data is not None:
        if isinstance(plan_data, dict):
            plan_data = {k: _plan_value(v) for k, v in plan_data.items()}

        def at_plan(path: tuple[str | int, ...]) -> Location:
            return Location(name, raw.line, None, ".".join(str(x) for x in path))

        # Located from the row's top (plan.exists), as every other fact, so that the problem
        # names the input column the file has: plan.exists, or the CRM's "KAM Plan".
        plan, problems = validate_model(PlanFacts, plan_data, at_plan, path_prefix=("plan",))
        out.plan = plan
        out.problems.extend(_problem(p, source, colmap, raw.line, original) for p in problems)

    def at(path: tuple[str | int, ...]) -> Location:
        return Location(name, raw.line, None, ".".join(str(x) for x in path if isinstance(x, str)) or None)

    try:
        out.account = validate_account(facts, source=name, location=at)
    except KamError as exc:
        out.problems.extend(_problem(p, source, colmap, raw.line, original) for p in exc.problems)
    return out


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None
