"""Which parameters each rule and table row uses: in its condition, in the values it sets, and
in the messages it shows. Shared by test coverage and by lint's unused-parameter check."""

from __future__ import annotations

from collections.abc import Iterable

from kamrules.i18n.texts import Texts
from kamrules.language.conditions.tree import params_read
from kamrules.language.rulebase import OutputValue, Rule, RuleBase
from kamrules.language.templates import placeholders


def _from_outputs(outputs: Iterable[OutputValue]) -> set[str]:
    return {o.param for o in outputs if o.param}


def _from_texts(texts: Iterable[Texts], params: Iterable[str]) -> set[str]:
    known = set(params)
    found: set[str] = set()
    for text in texts:
        for template in text.as_dict().values():
            found |= {name for name, _ in placeholders(template) if name in known}
    return found


def _rule_texts(rule: Rule) -> list[Texts]:
    texts = [pick.why for pick in rule.levers]
    if rule.warn is not None:
        texts.append(rule.warn.message)
    return texts


def params_by_item(rb: RuleBase) -> dict[str, set[str]]:
    """Item (a rule id, or `table:row`) -> the parameters it uses."""
    out: dict[str, set[str]] = {}
    for rule in rb.rules:
        out[rule.id] = (
            params_read(rule.when)
            | _from_outputs([*rule.sets.values(), *rule.appends.values()])
            | _from_texts(_rule_texts(rule), rb.params)
        )
    for table in rb.tables:
        for row in table.rows:
            out[table.row_ref(row)] = params_read(row.when) | _from_outputs(row.outputs.values())
    for comp in rb.computes:
        # A product's factors and a scale's points name parameters too.
        out[comp.id] = set(comp.factor_params) | {name for pair in comp.point_params for name in pair if name}
    return out


def used_params(rb: RuleBase) -> set[str]:
    """Every parameter some rule or row uses."""
    used: set[str] = set()
    for params in params_by_item(rb).values():
        used |= params
    return used
