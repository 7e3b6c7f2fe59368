"""The whole plan as a readable document (Markdown or HTML), for the key account team.

Every step in the deck's order under its number and title, with the deck's questions as
guidance (for a draft) and every field, internal notes included: this is the team's working
document. What can be shared with the customer is `kamrules.plan.page`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from kamrules.i18n.catalog import Phrases, phrases
from kamrules.plan import show
from kamrules.plan.guide import guide
from kamrules.plan.labels import Decisions, decision
from kamrules.plan.layout import Block, Bullets, Document, Field, Para, Quote, Section, Table, cells
from kamrules.plan.model import STEP_IDS, Action, CompetitorEntry, DmuEntry, Objective, Plan, Requirement

# The columns of each kind of record, in order.
_COLUMNS: dict[type[BaseModel], tuple[str, ...]] = {
    Requirement: ("id", "text"),
    DmuEntry: ("name", "position", "role", "influence", "attitude", "owner"),
    CompetitorEntry: ("name", "share", "strengths", "weaknesses"),
    Objective: ("id", "title", "horizon", "metric", "baseline", "target", "deadline", "owner", "serves", "status"),
    Action: ("id", "what", "who", "when", "how", "resources", "objective", "contacts", "status"),
}


def words(lang: str) -> Phrases:
    """The document's own words (its title, "Notes"...) in `lang`."""
    return phrases(lang, "plan.document")


def _cell(record: BaseModel, name: str, lang: str) -> str:
    value = getattr(record, name)
    if isinstance(record, Objective) and name in ("baseline", "target") and isinstance(value, float):
        return show.amount(value, record.unit, lang)
    if isinstance(record, CompetitorEntry) and name == "share" and isinstance(value, float):
        return show.amount(value, "%", lang)
    if name in ("role", "influence", "attitude", "horizon"):
        return show.choice(name, value, lang)
    if name == "status":
        return show.choice(name, value, lang, "objective" if isinstance(record, Objective) else "action")
    return show.text(value, lang)


def records_table(step_id: str, label: str | None, records: list[Any], lang: str) -> Table:
    g = guide()
    columns = _COLUMNS[type(records[0])]
    header = tuple(
        g.field_label(None, "dmu_owner" if c == "owner" and step_id == "decision_process" else c, lang) for c in columns
    )
    rows = tuple(cells([_cell(r, c, lang) for c in columns]) for r in records)
    return Table(header, rows, label)


def step_blocks(step_id: str, content: BaseModel | None, lang: str, *, show_empty: bool) -> list[Block]:
    """Every field of a step, labelled; records as tables, with their notes after them."""
    g = guide()
    blocks: list[Block] = []
    if content is None:
        return blocks
    empty = words(lang)["empty"]
    for name in type(content).model_fields:
        value = getattr(content, name)
        label = g.field_label(step_id, name, lang)
        if value is None or value in ([], ""):
            if show_empty:
                blocks.append(Field(label, empty))
            continue
        if isinstance(value, list) and isinstance(value[0], BaseModel):
            blocks.append(records_table(step_id, label, value, lang))
            notes = [f"{getattr(r, 'id', None) or getattr(r, 'name', '')}: {r.notes}" for r in value if r.notes]
            if notes:
                blocks.append(Bullets(tuple(notes), words(lang)["notes_of"]))
        elif isinstance(value, list):
            blocks.append(Bullets(tuple(show.text(v, lang) for v in value), label))
        elif name in ("contract", "pricing"):
            blocks.append(Field(label, show.choice(name, value, lang)))
        else:
            blocks.append(Field(label, show.text(value, lang)))
    return blocks


def plan_document(plan: Plan, decisions: Decisions, *, questions: bool = True, show_empty: bool = True) -> Document:
    """The plan as a document in its own language."""
    lang = plan.lang
    g = guide()
    w = words(lang)
    acc = plan.account
    doc = Document(w["title"].format(name=acc.name, id=acc.id))
    doc.subtitle = [
        s
        for s in (
            decision(decisions, "tier", acc.tier),
            decision(decisions, "profile", acc.profile),
            decision(decisions, "strategy", acc.strategy),
        )
        if s
    ]
    head: list[Block] = []
    period = plan.period
    period_text = f"{show.text(period.start, lang)} – {show.text(period.end, lang)}" if period else ""
    for name, value in (
        ("owner", plan.owner),
        ("team", show.text(plan.team, lang) if plan.team else None),
        ("period", period_text.strip(" –") or None),
        ("reviews", show.text(plan.reviews, lang) if plan.reviews else None),
        ("notes", plan.notes),
    ):
        if value or show_empty:
            head.append(Field(g.field_label(None, name, lang), value or w["empty"]))
    doc.sections.append(Section(w["plan"], head))
    for step_id in STEP_IDS:
        step = g.step(step_id)
        blocks: list[Block] = []
        if questions:
            blocks.append(Quote(tuple(q.get(lang) for q in step.questions)))
        content = getattr(plan.steps, step_id)
        blocks += step_blocks(step_id, content, lang, show_empty=show_empty)
        if content is None:
            blocks.append(Para(w["empty"], emphasis=True))
        doc.sections.append(Section(f"{step.number}. {step.title.get(lang)}", blocks))
    if acc.advised_on is not None:
        doc.footer = w.say("advised", date=acc.advised_on)
    return doc
