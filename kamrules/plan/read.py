"""Read a plan file: safe YAML, checked against the plan model, every problem located.

A plan that cannot be read (not YAML, not a plan, a field of the wrong type, two objectives
with the same id) is the user's input being wrong: `PlanFileError`, exit code 2, each problem
naming the file, the line, the field and what was expected. What a readable plan lacks or gets
wrong is for the checks to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamrules import codes
from kamrules.errors import KamError, Location, Problem, problems_from
from kamrules.io.files import STDIN, display_name, read_text
from kamrules.io.yamlsafe import Document, parse_document
from kamrules.model.validate import validate_model
from kamrules.plan.model import Plan


class PlanFileError(KamError):
    """A plan file that cannot be read as a plan."""


@dataclass(frozen=True)
class LoadedPlan:
    """A plan, the document it was read from (for locating findings) and its folder."""

    plan: Plan
    document: Document
    source: str
    folder: Path


# How `kam plan new --out plan.md` (or --format markdown) writes a plan: for people to read.
MARKDOWN_SUFFIXES = (".md", ".markdown")
_MARKDOWN_HEADING = re.compile(r"^#{2,6} \S", re.MULTILINE)
_KIND_KEY = re.compile(r"^kind\s*:", re.MULTILINE)


def markdown_plan_error(source: str) -> PlanFileError:
    """The error for a Markdown plan given where the plan file is read."""
    return PlanFileError(
        "",
        [
            Problem(
                codes.PLAN_MARKDOWN,
                "this is a Markdown plan, which is for reading: check or report the YAML plan instead",
                Location(source),
            )
        ],
    )


def looks_like_markdown(text: str) -> bool:
    """Whether `text`, which did not read as a plan, is a Markdown page: section headings (## ...)
    and no `kind:` key (the YAML plan kam writes opens with a comment, `# Key Account...`)."""
    return bool(_MARKDOWN_HEADING.search(text)) and not _KIND_KEY.search(text)


def parse_plan(text: str, source: str) -> tuple[Plan, Document]:
    """The plan in `text`, or `PlanFileError` naming every problem."""
    try:
        doc = parse_document(text, source)
    except KamError:
        if looks_like_markdown(text):
            raise markdown_plan_error(source) from None
        raise
    data = doc.data
    if not isinstance(data, dict) and looks_like_markdown(text):
        raise markdown_plan_error(source)
    if not isinstance(data, dict):
        raise PlanFileError(
            "",
            [Problem(codes.PLAN.wrong_shape, "a plan is a YAML mapping that starts with kind: plan", doc.location(()))],
        )
    if "kind" not in data and "id" in data and "name" in data:
        raise PlanFileError(
            "",
            [
                Problem(
                    codes.PLAN.wrong_shape,
                    "this looks like an account, not a plan (no kind: plan): draft a plan for it with kam plan new",
                    doc.location(()),
                )
            ],
        )
    plan, problems = validate_model(Plan, data, doc.location, family=codes.PLAN)
    if plan is None:
        raise PlanFileError(f"{source} is not a valid plan:", problems_from(problems))
    duplicates = list(_duplicates(plan, doc))
    if duplicates:
        raise PlanFileError(f"{source} is not a valid plan:", problems_from(duplicates))
    return plan, doc


def read_plan(path: str | Path) -> LoadedPlan:
    """Read the plan in the file `path` (`-` for standard input)."""
    name = display_name(path)
    if str(path) != STDIN and Path(path).suffix.lower() in MARKDOWN_SUFFIXES:
        raise markdown_plan_error(name)
    plan, doc = parse_plan(read_text(path), name)
    folder = Path.cwd() if str(path) == STDIN else Path(path).resolve().parent
    return LoadedPlan(plan, doc, name, folder)


def _duplicates(plan: Plan, doc: Document) -> Iterable[Problem]:
    """Ids that are used twice: a reference to one of them would be ambiguous."""
    steps = plan.steps
    groups: list[tuple[tuple[str | int, ...], list[Any], str, str]] = []
    if steps.key_factors and steps.key_factors.requirements:
        groups.append((("steps", "key_factors", "requirements"), steps.key_factors.requirements, "id", "requirement"))
    if steps.objectives and steps.objectives.objectives:
        groups.append((("steps", "objectives", "objectives"), steps.objectives.objectives, "id", "objective"))
    if steps.action_plan and steps.action_plan.actions:
        groups.append((("steps", "action_plan", "actions"), steps.action_plan.actions, "id", "action"))
    if steps.decision_process and steps.decision_process.dmu:
        groups.append((("steps", "decision_process", "dmu"), steps.decision_process.dmu, "name", "DMU member"))
    for base, items, key, noun in groups:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            value = str(getattr(item, key))
            folded = value.casefold()
            if folded in seen:
                first = doc.location((*base, seen[folded], key))
                yield Problem(
                    codes.PLAN_DUPLICATE,
                    f"the {noun} {value!r} appears twice (first at line {first.line}); each needs its own {key}",
                    doc.location((*base, i, key)),
                )
            else:
                seen[folded] = i
