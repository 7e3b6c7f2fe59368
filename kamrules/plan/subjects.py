"""The facts the plan checks read, flattened from a plan one *subject* at a time.

The checks are YAML rules (rulesets/plan/) run by the same engine as the advice. A rule reads
flat facts, so a plan is evaluated as a series of subjects: the plan as a whole, each of the
ten steps, each objective, each action and each DMU member. Every subject carries the
plan-level facts too (the strategy, the counts), so a rule on an objective can also read the
plan. `subject` says which one is being evaluated, and every plan check names it.

Only facts are computed here (counts, word counts, whether a reference resolves); every
judgement about them (how many words is substantive, which contract a strategy calls for, what
is overdue) is in the rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from kamrules.plan.check_facts import (
    ActionFacts,
    MemberFacts,
    ObjectiveFacts,
    PlanFacts,
    PlanLevel,
    StepFacts,
    SubjectKind,
)
from kamrules.plan.model import (
    STEP_IDS,
    Action,
    DmuEntry,
    Objective,
    Plan,
    Requirement,
)

_WORD = re.compile(r"[^\W\d_]{2,}")

PathT = tuple[str | int, ...]


@dataclass(frozen=True)
class Subject:
    """One evaluation of the checks: its facts, and where its parts are in the plan file."""

    kind: SubjectKind
    ref: str  # how a person finds it: "objective O2", "step 7", "plan"
    path: PathT  # where it is in the plan file
    values: dict[str, Any]
    fields: dict[str, PathT] = field(default_factory=dict)  # fact -> its place in the file

    def location_of(self, fact: str) -> PathT | None:
        return self.fields.get(fact)


# Where each plan-level fact comes from in the file, for locating findings.
_PLAN_FIELDS: dict[str, PathT] = {
    "plan.strategy": ("account", "strategy"),
    "plan.recorded_strategy": ("account", "strategy"),
    "plan.advised_strategy": ("account",),
    "plan.advised": ("account", "file"),
    "plan.strategy_missing": ("account", "file"),
    "plan.tier": ("account", "tier"),
    "plan.profile": ("account", "profile"),
    "plan.owner": ("owner",),
    "plan.present_steps": ("steps",),
    "plan.contract": ("steps", "strategy", "contract"),
    "plan.pricing": ("steps", "strategy", "pricing"),
    "plan.requirement_count": ("steps", "key_factors", "requirements"),
    "plan.objective_count": ("steps", "objectives", "objectives"),
    "plan.long_term_count": ("steps", "objectives", "objectives"),
    "plan.action_count": ("steps", "action_plan", "actions"),
    "plan.dmu_count": ("steps", "decision_process", "dmu"),
    "plan.review_count": ("reviews",),
    "plan.next_review": ("reviews",),
    "plan.period_end": ("period", "end"),
}
# Facts computed from a field that is named differently in the file.
_RENAMED = {
    "target_text": "target",
    "serves_known": "serves",
    "objective_known": "objective",
    "unknown_contacts": "contacts",
}


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)


def words_in(value: Any) -> int:
    """How many words a step says: every text in it, its lists and records, but not its notes."""
    if isinstance(value, str):
        return len(_WORD.findall(value))
    if isinstance(value, BaseModel):
        return sum(words_in(getattr(value, name)) for name in type(value).model_fields if name != "notes")
    if isinstance(value, (list, tuple)):
        return sum(words_in(v) for v in value)
    return 0


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Blank texts and empty lists are missing facts, as if they were not written."""
    return {k: v for k, v in data.items() if not blank(v)}


def _values(kind: SubjectKind, plan_level: PlanLevel, group: str | None, model: BaseModel | None) -> dict[str, Any]:
    """Flat values by dotted path, groups kept too, exactly as the engine reads account facts."""
    facts = PlanFacts.model_validate(
        {"subject": kind, "plan": plan_level, **({group: model} if group and model is not None else {})}
    )
    values: dict[str, Any] = {}
    for name, raw in facts.model_dump(exclude_none=True).items():
        value = _clean(raw) if isinstance(raw, dict) else raw
        if isinstance(value, dict):
            for key, inner in value.items():
                values[f"{name}.{key}"] = inner
        values[name] = value
    return values


def _item_fields(group: str, base: PathT, facts: BaseModel, source: type[BaseModel]) -> dict[str, PathT]:
    """Where each fact of an item is written; a fact computed from several (how many actions
    cover a DMU member) has no one place, and a finding about it points at the item."""
    out: dict[str, PathT] = {}
    for name in type(facts).model_fields:
        field_name = _RENAMED.get(name, name)
        if field_name in source.model_fields:
            out[f"{group}.{name}"] = (*base, field_name)
    return out


def next_review(reviews: Iterable[dt.date], as_of: dt.date) -> dt.date | None:
    """The first review date on or after the evaluation date (a review today is still to do)."""
    ahead = sorted(d for d in reviews if d >= as_of)
    return ahead[0] if ahead else None


def subjects(
    plan: Plan,
    *,
    as_of: dt.date,
    step_titles: dict[str, str],
    advised: bool = False,
    advised_strategy: str | None = None,
    strategy_missing: Sequence[str] = (),
) -> list[Subject]:
    """Every subject of `plan` the checks run on, in the order of the file: the plan, its steps,
    its objectives, its actions and its DMU members."""
    parts = _Parts.of(plan)
    level = _plan_level(plan, parts, as_of, advised, advised_strategy, strategy_missing)
    out = [Subject("plan", "plan", (), _values("plan", level, None, None), dict(_PLAN_FIELDS))]
    out += _step_subjects(plan, level, step_titles)
    out += _objective_subjects(parts, level)
    out += _action_subjects(parts, level)
    out += _member_subjects(parts, level)
    return out


@dataclass(frozen=True)
class _Parts:
    """The lists of a plan the checks go through, and the names items refer to each other by
    (matched whatever their case, as duplicates are: kamrules.plan.read)."""

    requirements: list[Requirement]
    objectives: list[Objective]
    actions: list[Action]
    dmu: list[DmuEntry]

    @classmethod
    def of(cls, plan: Plan) -> _Parts:
        steps = plan.steps
        return cls(
            requirements=(steps.key_factors.requirements if steps.key_factors else None) or [],
            objectives=(steps.objectives.objectives if steps.objectives else None) or [],
            actions=(steps.action_plan.actions if steps.action_plan else None) or [],
            dmu=(steps.decision_process.dmu if steps.decision_process else None) or [],
        )

    def requirement_ids(self) -> set[str]:
        return {r.id.casefold() for r in self.requirements}

    def objective_ids(self) -> set[str]:
        return {o.id.casefold() for o in self.objectives}

    def member_names(self) -> set[str]:
        return {m.name.casefold() for m in self.dmu}


def _plan_level(
    plan: Plan,
    parts: _Parts,
    as_of: dt.date,
    advised: bool,
    advised_strategy: str | None,
    strategy_missing: Sequence[str],
) -> PlanLevel:
    steps = plan.steps
    strategy = steps.strategy
    return PlanLevel(
        strategy=advised_strategy or plan.account.strategy,
        recorded_strategy=plan.account.strategy,
        advised_strategy=advised_strategy,
        advised=True if advised else None,
        strategy_missing=list(strategy_missing) if advised else None,
        tier=plan.account.tier,
        profile=plan.account.profile,
        owner=plan.owner if not blank(plan.owner) else None,
        present_steps=[s for s in STEP_IDS if getattr(steps, s) is not None],
        contract=strategy.contract if strategy else None,
        pricing=strategy.pricing if strategy else None,
        requirement_count=len(parts.requirements),
        objective_count=len(parts.objectives),
        long_term_count=sum(1 for o in parts.objectives if o.horizon == "long_term" and o.status != "dropped"),
        action_count=len(parts.actions),
        dmu_count=len(parts.dmu),
        review_count=len(plan.reviews or []),
        next_review=next_review(plan.reviews or [], as_of),
        period_end=plan.period.end if plan.period else None,
    )


def _step_subjects(plan: Plan, level: PlanLevel, step_titles: dict[str, str]) -> list[Subject]:
    out = []
    for number, step_id in enumerate(STEP_IDS, start=1):
        content = getattr(plan.steps, step_id)
        facts = StepFacts(
            id=step_id,
            number=number,
            title=step_titles.get(step_id, step_id),
            present=content is not None,
            words=words_in(content) if content is not None else 0,
        )
        path: PathT = ("steps", step_id) if content is not None else ("steps",)
        fields = {f"step.{n}": path for n in StepFacts.model_fields}
        out.append(Subject("step", f"step {number}", path, _values("step", level, "step", facts), fields))
    return out


def _objective_subjects(parts: _Parts, level: PlanLevel) -> list[Subject]:
    requirement_ids = parts.requirement_ids()
    out = []
    for i, obj in enumerate(parts.objectives):
        numeric = isinstance(obj.target, float)
        ofacts = ObjectiveFacts(
            id=obj.id,
            title=obj.title,
            horizon=obj.horizon,
            metric=obj.metric,
            baseline=obj.baseline,
            target=obj.target if numeric else None,
            target_text=None if numeric or blank(obj.target) else str(obj.target),
            deadline=obj.deadline,
            owner=obj.owner,
            serves=obj.serves,
            serves_known=obj.serves is not None and obj.serves.casefold() in requirement_ids,
            status=obj.status,
        )
        path = ("steps", "objectives", "objectives", i)
        values = _values("objective", level, "objective", ofacts)
        fields = _item_fields("objective", path, ofacts, Objective)
        out.append(Subject("objective", f"objective {obj.id}", path, values, fields))
    return out


def _action_subjects(parts: _Parts, level: PlanLevel) -> list[Subject]:
    objective_ids, member_names = parts.objective_ids(), parts.member_names()
    out = []
    for i, act in enumerate(parts.actions):
        contacts = [c for c in (act.contacts or []) if not blank(c)]
        afacts = ActionFacts(
            id=act.id,
            what=act.what,
            who=act.who,
            when=act.when,
            how=act.how,
            resources=[r for r in (act.resources or []) if not blank(r)],
            objective=act.objective,
            objective_known=act.objective is not None and act.objective.casefold() in objective_ids,
            contacts=contacts,
            unknown_contacts=[c for c in contacts if c.casefold() not in member_names],
            status=act.status,
        )
        path = ("steps", "action_plan", "actions", i)
        values = _values("action", level, "action", afacts)
        out.append(Subject("action", f"action {act.id}", path, values, _item_fields("action", path, afacts, Action)))
    return out


def _member_subjects(parts: _Parts, level: PlanLevel) -> list[Subject]:
    out = []
    for i, member in enumerate(parts.dmu):
        key = member.name.casefold()
        mfacts = MemberFacts(
            name=member.name,
            role=member.role,
            influence=member.influence,
            attitude=member.attitude,
            owner=member.owner,
            action_statuses=[a.status for a in parts.actions if key in {c.casefold() for c in (a.contacts or [])}],
        )
        path = ("steps", "decision_process", "dmu", i)
        values = _values("member", level, "member", mfacts)
        fields = _item_fields("member", path, mfacts, DmuEntry)
        out.append(Subject("member", f"DMU member {member.name}", path, values, fields))
    return out
