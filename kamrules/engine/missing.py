"""Why a decision stayed undecided: the missing facts that would decide it, traced back through
the derived facts it is decided from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kamrules.language.conditions.tree import facts_read
from kamrules.language.rulebase import RuleBase


class MissingFacts:
    """Works out, for one rule base, which missing facts keep a fact undecided."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rb = rulebase
        self._reads: dict[str, list[str]] = {}  # fact -> what its writers read (the same for every account)

    def writers_read(self, fact: str) -> list[str]:
        """Every fact read by the rules, rows, scorecards and computations that decide `fact`."""
        known = self._reads.get(fact)
        if known is None:
            known = self._reads[fact] = self._writers_read(fact)
        return known

    def _writers_read(self, fact: str) -> list[str]:
        rb = self.rb
        read: list[str] = []
        for table in rb.tables:
            if fact in table.outputs:
                read += list(table.inputs.values())
        for rule in rb.rules:
            if fact in rule.sets or fact in rule.appends:
                read += sorted(facts_read(rule.when))
        for card in rb.scorecards:
            if card.sets == fact:
                read += [x for x in (card.given, card.criteria_from) if x] + [c.fact for c in card.criteria]
        for comp in rb.computes:
            if comp.sets == fact:
                read += list(comp.args)
        return list(dict.fromkeys(read))

    def missing(
        self,
        fact: str,
        values: Mapping[str, Any],
        detail: Mapping[str, tuple[str, ...]] | None = None,
        depth: int = 0,
    ) -> list[str]:
        """The missing account facts that would decide `fact`, traced back through derived facts.

        A missing decision (tier, profile...) is named as such. A score given by hand or by its
        weighted criteria is named by its alternatives, "assessment.attractiveness or
        assessment.attractiveness_criteria"; `detail` (from the evaluation) names what is missing
        inside criteria that are given, "assessment.attractiveness_criteria.margin.score". Any
        other derived fact (a ratio, a score derived from the CRM facts, a table's output) is
        traced back to the account facts it is computed from.
        """
        rb = self.rb
        out: list[str] = []
        for name in self.writers_read(fact):
            if name == "as_of" or values.get(name) is not None:
                continue
            if name in rb.decisions or depth > 16:  # the derived scores' chains run a dozen facts deep
                out.append(name)
            elif name in rb.derived:
                card = next((c for c in rb.scorecards if c.sets == name), None)
                if card is not None and not card.criteria:
                    given = [x for x in (card.given, card.criteria_from) if x]
                    finer = list((detail or {}).get(name, ()))
                    if finer:
                        given = [x for x in given if values.get(x) is None] + finer
                    out.append(" or ".join(dict.fromkeys(given)))
                else:
                    out.extend(self.missing(name, values, detail, depth + 1))
            else:
                out.append(name)
        return list(dict.fromkeys(out))
