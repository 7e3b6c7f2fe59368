"""`kam plan report`: the plan on one page, to share with the customer.

The deck: "Un buon piano può essere condiviso con il cliente, in maniera da mostrare le nostre
ambizioni e trasmettere fiducia". What is shared is what the customer may read: its business
and objectives as we understand them (step 1), the history of the relationship (step 2), its
key requirements and future needs (step 3), the opportunities we see (step 5), our long-term
ambition and the objectives (step 7), our value proposition (step 8), the actions, who does
them and how they are measured (step 9), the initiatives for the relationship (step 10), and
the review dates.

Never shared: every `notes` field; the DMU map and its attitudes (step 4); the competitors and
our positioning (step 6); our contract, pricing, critical factors and differentiation tactics
(step 8); our perception and gaps (step 2); what earns us points (step 10); the resources an
action takes and the people it targets; the summaries of steps 2, 3, 5, 8, 9 and 10, which are
written for the team; dropped objectives and cancelled actions.
"""

from __future__ import annotations

from kamrules.i18n.catalog import phrases
from kamrules.plan import show
from kamrules.plan.guide import guide
from kamrules.plan.layout import Block, Bullets, Document, Field, Para, Section, Table, cells, to_html, to_markdown
from kamrules.plan.model import Plan


def _fields(step_id: str, content: object | None, names: tuple[str, ...], lang: str) -> list[Block]:
    g = guide()
    out: list[Block] = []
    for name in names:
        value = getattr(content, name, None) if content is not None else None
        if not value:
            continue
        label = g.field_label(step_id, name, lang)
        if isinstance(value, list):
            out.append(Bullets(tuple(show.text(v, lang) for v in value), label))
        elif name == "summary":
            out.append(Para(show.text(value, lang)))
        else:
            out.append(Field(label, show.text(value, lang)))
    return out


def report_document(plan: Plan, lang: str | None = None) -> Document:
    """The shareable one-page plan, in `lang` (by default the plan's own language)."""
    lang = lang or plan.lang
    w = phrases(lang, "plan.report")
    steps = plan.steps
    name = plan.account.name
    doc = Document(w["title"].format(name=name))
    if plan.period and plan.period.start and plan.period.end:
        doc.subtitle.append(w["period"].format(start=plan.period.start, end=plan.period.end))
    if plan.owner:
        doc.subtitle.append(w["owner"].format(owner=plan.owner))

    def section(title: str, blocks: list[Block]) -> None:
        if blocks:
            doc.sections.append(Section(title, blocks))

    section(
        w["business"].format(name=name),
        _fields("customer_profile", steps.customer_profile, ("summary", "vision", "goals"), lang),
    )
    section(
        w["relationship"],
        _fields("current_relationship", steps.current_relationship, ("history", "contract_performance"), lang),
    )
    kf = steps.key_factors
    requirements: list[Block] = []
    if kf is not None and kf.requirements:
        requirements.append(Bullets(tuple(f"{r.id}: {r.text}" if r.text else r.id for r in kf.requirements)))
    if kf is not None and kf.future_needs:
        requirements.append(Bullets(tuple(kf.future_needs), w["future"]))
    section(w["requirements"], requirements)
    opp = steps.new_opportunities
    section(w["opportunities"], [Bullets(tuple(opp.opportunities))] if opp and opp.opportunities else [])

    section(w["objectives"], _objectives(plan, lang))
    section(
        w["value"],
        _fields("strategy", steps.strategy, ("value_proposition", "value_for_money", "cost_reduction"), lang),
    )
    section(w["actions"], _actions(plan, lang))
    rd = steps.relationship_development
    section(w["development"], [Bullets(tuple(rd.initiatives))] if rd and rd.initiatives else [])
    if plan.reviews:
        doc.footer = w["reviews"].format(dates=", ".join(d.isoformat() for d in sorted(plan.reviews)))
    return doc


def render_report(plan: Plan, fmt: str = "markdown", lang: str | None = None) -> str:
    """The shareable plan as Markdown or as a self-contained HTML page."""
    doc = report_document(plan, lang)
    return to_html(doc, lang or plan.lang) if fmt == "html" else to_markdown(doc)


def _objectives(plan: Plan, lang: str) -> list[Block]:
    """Step 7: the long-term ambition, and a table of the objectives not dropped."""
    w = phrases(lang, "plan.report")
    blocks: list[Block] = []
    step7 = plan.steps.objectives
    if step7 is not None and step7.summary:
        blocks.append(Field(w["long_term"], step7.summary))
    shown = [o for o in ((step7.objectives if step7 else None) or []) if o.status != "dropped"]
    if shown:
        rows = []
        for o in shown:
            base = show.amount(o.baseline, o.unit, lang) if o.baseline is not None else ""
            target = show.amount(o.target, o.unit, lang) if isinstance(o.target, float) else show.text(o.target, lang)
            rows.append(
                cells(
                    [
                        f"{o.id}. {o.title}" if o.title else o.id,
                        o.metric,
                        f"{base} → {target}" if base else target,
                        show.text(o.deadline, lang),
                        o.owner,
                        o.serves,
                        show.choice("status", o.status, lang, "objective"),
                    ]
                )
            )
        header = tuple(w[c] for c in ("objective", "metric", "from_to", "by", "owner_col", "serves", "status"))
        blocks.append(Table(header, tuple(rows)))
    return blocks


def _actions(plan: Plan, lang: str) -> list[Block]:
    """Step 9: a table of the actions not cancelled."""
    w = phrases(lang, "plan.report")
    steps = plan.steps
    actions = [a for a in ((steps.action_plan.actions if steps.action_plan else None) or []) if a.status != "cancelled"]
    if not actions:
        return []
    rows = [
        cells(
            [
                f"{a.id}. {a.what}" if a.what else a.id,
                a.who,
                show.text(a.when, lang),
                a.how,
                show.choice("status", a.status, lang, "action"),
            ]
        )
        for a in actions
    ]
    return [Table(tuple(w[c] for c in ("what", "who", "when", "how", "status")), tuple(rows))]
