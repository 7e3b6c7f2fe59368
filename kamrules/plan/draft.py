"""`kam plan new`: a plan drafted from an account's facts and its advice.

What the facts say goes where the deck asks for it (the customer's figures in step 1, the
relationship in step 2, the choice criteria as key requirements in step 3, the DMU in step 4,
the competitors in step 6); the advice gives the strategy's treatment (steps 7, 8 and 10), the
contract and pricing the plan checks expect, and candidate objectives and actions: one for
each warning (guide.yaml says which), one for each decider and influencer, a growth objective
for key accounts. What only the key account manager knows (owners, resources, how each action
is measured, which requirement each objective serves) is left empty, for `kam plan check` to
ask for.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

from kamrules.i18n.catalog import phrases
from kamrules.language.templates import format_value, render
from kamrules.model.account import Account, account_values
from kamrules.model.advice import Advice
from kamrules.model.vocabulary import LABELS
from kamrules.plan.guide import Candidate, CandidateAction, CandidateObjective, Guide, Source, guide
from kamrules.plan.model import (
    AccountRef,
    Action,
    ActionPlan,
    CompetitorEntry,
    Competitors,
    CurrentRelationship,
    CustomerProfile,
    DecisionProcess,
    DmuEntry,
    KeyFactors,
    NewOpportunities,
    Objective,
    Objectives,
    Period,
    Plan,
    RelationshipDevelopment,
    Requirement,
    Steps,
    StrategyStep,
)

# The treatment rows that say what a strategy means for the plan's steps 7, 8 and 10.
_STEP7_ROWS = ("roi_horizon",)
_STEP8_ROWS = ("contract_type", "contact_level", "resource_allocation", "technology", "pricing", "pitfalls")
_STEP10_ROWS = ("perception",)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _Drafter:
    def __init__(
        self,
        account: Account,
        advice: Advice,
        *,
        as_of: dt.date,
        lang: str,
        params: Mapping[str, Any],
        expected: Mapping[str, Any],
        row_titles: Mapping[str, str],
    ) -> None:
        self.account = account
        self.advice = advice
        self.as_of = as_of
        self.lang = lang
        self.params = params
        self.expected = expected
        self.row_titles = row_titles
        self.guide: Guide = guide()
        self.end = add_months(as_of, self.guide.draft.period_months) - dt.timedelta(days=1)
        self.values: dict[str, Any] = {**account_values(account), **advice.facts, "name": account.name}
        self.words = phrases(lang, "plan.draft")

    # -- texts ----------------------------------------------------------------------------------

    def text(self, template: str, extra: Mapping[str, Any] | None = None) -> str:
        values = {**self.values, **(extra or {})}
        return render(template, values.get, self._label, self.as_of, self.lang)

    def _label(self, name: str, value: Any) -> str:
        vocab = {
            "relationship.stage": "stage",
            "relationship.loyalty": "level",
            "relationship.satisfaction": "level",
            "role": "role",
        }.get(name)
        if vocab is not None:
            return LABELS[vocab].get(value, {}).get(self.lang, str(value))
        return str(value)

    def sentence(self, key: str, *needs: str, extra: Mapping[str, Any] | None = None) -> str | None:
        """A sentence about facts, or nothing when one of the facts it needs is missing."""
        values = {**self.values, **(extra or {})}
        if any(values.get(n) in (None, [], {}) for n in needs):
            return None
        return self.text(self.words[key], extra)

    def join(self, *parts: str | None) -> str | None:
        text = " ".join(p for p in parts if p)
        return text or None

    def treatment(self, rows: tuple[str, ...]) -> str | None:
        treatment = self.advice.treatment
        if treatment is None:
            return None
        lines = []
        for row in rows:
            value = getattr(treatment, row)
            text = "; ".join(value) if isinstance(value, list) else value
            if text:
                # The deck's English cells carry no final full stop; the lines are run together.
                text = text if text.endswith((".", "!", "?")) else text + "."
                lines.append(self.words["treatment"].format_map({"row": self.row_titles.get(row, row), "text": text}))
        return " ".join(lines) or None

    # -- values ---------------------------------------------------------------------------------

    def number(self, source: float | Source | None) -> float | None:
        if source is None or isinstance(source, float):
            return source
        raw = self.values.get(source.fact) if source.fact else self.params.get(source.param or "")
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            return None
        return round(float(raw) * source.times, 4)

    def date(self, days: int, before: str | None) -> dt.date:
        """`days` from today, but never after the plan's end, nor after the `before` date fact."""
        day = min(self.as_of + dt.timedelta(days=days), self.end)
        limit = self.values.get(before) if before else None
        if isinstance(limit, dt.date) and limit > self.as_of + dt.timedelta(days=1):
            day = min(day, limit - dt.timedelta(days=1))
        return day

    def objective(self, oid: str, spec: CandidateObjective, note: str | None) -> Objective:
        return Objective(
            id=oid,
            title=self.text(spec.title.get(self.lang)),
            horizon=spec.horizon,
            metric=self.text(spec.metric.get(self.lang)),
            unit=spec.unit,
            baseline=self.number(spec.baseline),
            target=self.number(spec.target),
            deadline=self.date(spec.days, spec.before),
            notes=note,
        )

    def action(
        self, aid: str, spec: CandidateAction, objective: str | None, contacts: list[str], extra: Mapping[str, Any]
    ) -> Action:
        return Action(
            id=aid,
            what=self.text(spec.what.get(self.lang), extra),
            when=self.date(spec.days, spec.before),
            objective=objective,
            contacts=contacts or None,
        )

    # -- the plan -------------------------------------------------------------------------------

    def plan(self, account_file: str | None) -> Plan:
        a, adv, d = self.account, self.advice, self.guide.draft
        rel = a.relationship
        end = self.end
        reviews = [
            min(add_months(self.as_of, k), end)
            for k in range(d.review_every_months, d.period_months + 1, d.review_every_months)
        ]
        objectives, actions = self.candidates()
        dmu = [
            DmuEntry(name=m.name, role=m.role, influence=m.influence, attitude=m.attitude)
            for m in ((rel.dmu if rel else None) or [])
        ]
        criteria = list((rel.choice_criteria if rel else None) or [])
        levers = [f"{lv.label}: {lv.why}" for lv in adv.levers]
        return Plan(
            kind="plan",
            lang=self.lang,
            account=AccountRef(
                id=a.id,
                name=a.name,
                file=account_file,
                tier=adv.tier,
                profile=adv.profile,
                strategy=adv.strategy,
                advised_on=self.as_of,
            ),
            period=Period(start=self.as_of, end=end),
            reviews=reviews,
            steps=Steps(
                customer_profile=self.customer_profile(),
                current_relationship=self.current_relationship(dmu),
                key_factors=self.key_factors(criteria),
                decision_process=DecisionProcess(
                    summary=self.sentence("buying", "relationship.buying_process"),
                    criteria=criteria or None,
                    dmu=dmu or None,
                ),
                new_opportunities=NewOpportunities(
                    summary=self.sentence("potential", "business.potential_revenue", "business.revenue"),
                ),
                competitors=self.competitors(),
                objectives=Objectives(summary=self.treatment(_STEP7_ROWS), objectives=objectives or None),
                strategy=StrategyStep(
                    summary=self.treatment(_STEP8_ROWS),
                    contract=self.expected.get("expected.contract"),
                    pricing=self.expected.get("expected.pricing"),
                ),
                action_plan=ActionPlan(actions=actions or None),
                relationship_development=RelationshipDevelopment(
                    summary=self.treatment(_STEP10_ROWS),
                    initiatives=levers or None,
                ),
            ),
        )

    def customer_profile(self) -> CustomerProfile:
        """Step 1: the customer's sector, turnover, ratios and environment; what it sells."""
        return CustomerProfile(
            summary=self.join(
                self.sentence("sector", "sector"),
                self.sentence("revenue", "company.revenue"),
                self.sentence("ratios", "company.roi", "company.ros"),
                self.sentence("environment", "environment"),
            ),
            business=self.sentence("products_markets", "company.products", "company.markets")
            or self.sentence("products", "company.products"),
        )

    def current_relationship(self, dmu: list[DmuEntry]) -> CurrentRelationship:
        """Step 2: the relationship as the facts and today's advice describe it."""
        adv, rel = self.advice, self.account.relationship
        return CurrentRelationship(
            summary=self.join(
                self.sentence("stage", "relationship.stage"),
                self.sentence("loyalty", "relationship.loyalty", "relationship.satisfaction"),
                self.sentence("share", "business.share_of_wallet"),
                self.sentence("contract_end", "business.contract_end"),
                self.sentence(
                    "advice",
                    extra={
                        "date": self.as_of,
                        "tier": adv.labels.get("tier", adv.tier or "?"),
                        "profile": adv.labels.get("profile", adv.profile or "?"),
                        "strategy": adv.labels.get("strategy", adv.strategy or "?"),
                    },
                ),
            ),
            history=self.sentence("since", "business.customer_since"),
            contract_performance=rel.evaluations if rel else None,
            perception=rel.perceptions if rel else None,
            key_contacts=[m.name for m in dmu] or None,
        )

    def key_factors(self, criteria: list[str]) -> KeyFactors:
        """Step 3: what the customer buys from us, and the criteria it chooses on."""
        return KeyFactors(
            summary=self.sentence("criteria", "relationship.choice_criteria"),
            purchases=self.join(
                self.sentence("our_revenue", "business.revenue"),
                self.sentence("by_product", "business.revenue_by_product", extra={"by_product": self._by_product()}),
            ),
            requirements=[Requirement(id=f"R{i}", text=c) for i, c in enumerate(criteria, start=1)] or None,
        )

    def competitors(self) -> Competitors:
        """Step 6: the competitors recorded, with their share."""
        biz = self.account.business
        recorded = (biz.competitors if biz else None) or []
        return Competitors(
            summary=self.join(*(self._competitor(c) for c in recorded)),
            competitors=[CompetitorEntry(name=c.name, share=c.share) for c in recorded] or None,
        )

    def _by_product(self) -> str:
        items = self.values.get("business.revenue_by_product") or {}
        return "; ".join(
            f"{k} {format_value(k, v, 'money', lambda _n, x: str(x), self.as_of, self.lang)}" for k, v in items.items()
        )

    def _competitor(self, c: Any) -> str | None:
        if c.share is None:
            return None
        share = format_value("share", c.share, "%", lambda _n, x: str(x), self.as_of, self.lang)
        price = self.words["price"].format_map({"index": f"{c.price_index:g}"}) if c.price_index is not None else ""
        return self.words.say("competitor", name=c.name, share=share, price=price)

    def candidates(self) -> tuple[list[Objective], list[Action]]:
        """Objectives and actions for the warnings, the DMU and the account's growth."""
        d = self.guide.draft
        objectives: list[Objective] = []
        actions: list[Action] = []

        def next_objective() -> str:
            return f"O{len(objectives) + 1}"

        def next_action() -> str:
            return f"A{len(actions) + 1}"

        for warning in self.advice.warnings:
            why = f"{warning.code}: {warning.message}"
            spec: Candidate | None = d.warnings.get(warning.code)
            objective_id: str | None = None
            if spec is not None and spec.objective is not None:
                objective_id = next_objective()
                objectives.append(self.objective(objective_id, spec.objective, why))
            action_spec = spec.action if spec is not None and spec.action is not None else d.warning_action
            actions.append(
                self.action(
                    next_action(),
                    action_spec,
                    objective_id,
                    [],
                    {"title": warning.title or warning.code, "message": warning.message},
                ).model_copy(update={"notes": why})
            )
        if self.advice.tier in d.growth.tiers:
            objectives.append(self.objective(next_objective(), d.growth.objective, None))
        rel = self.account.relationship
        for member in (rel.dmu if rel else None) or []:
            if member.role in d.dmu_action.roles:
                action = self.action(
                    next_action(),
                    CandidateAction(what=d.dmu_action.what, days=d.dmu_action.days),
                    None,
                    [member.name],
                    {"member": member.name, "role": member.role},
                )
                actions.append(action)
        return objectives, actions


def draft_plan(
    account: Account,
    advice: Advice,
    *,
    as_of: dt.date,
    lang: str = "en",
    params: Mapping[str, Any] | None = None,
    expected: Mapping[str, Any] | None = None,
    row_titles: Mapping[str, str] | None = None,
    account_file: str | None = None,
) -> Plan:
    """A new plan for `account`, drafted from its facts and `advice`.

    `params` are the advisor's parameter values (for candidates that read one), `expected` what
    the plan checks expect of the strategy (expected.contract, expected.pricing), `row_titles`
    the titles of the treatment rows in `lang`.
    """
    drafter = _Drafter(
        account,
        advice,
        as_of=as_of,
        lang=lang,
        params=params or {},
        expected=expected or {},
        row_titles=row_titles or {},
    )
    return drafter.plan(account_file)
