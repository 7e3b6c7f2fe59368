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
        """The missing facts that would decide `fact`, traced back through derived facts.

        A missing decision (tier, profile...) is named as such; a missing score or ratio is named
        with the account facts it comes from, "scores.attractiveness (from
        assessment.attractiveness or assessment.attractiveness_criteria)"; other missing derived
        facts are traced through. `detail` (from the evaluation) names what is missing inside a
        fact that is given: the criteria without a score,
        "assessment.attractiveness_criteria.margin.score".
        """
        rb = self.rb
        out: list[str] = []
        for name in self.writers_read(fact):
            if name == "as_of" or values.get(name) is not None:
                continue
            if name in rb.decisions or depth > 8:
                out.append(name)
            elif name in rb.derived:
                sources = [s for s in self.writers_read(name) if s not in rb.derived]
                finer = [d for d in (detail or {}).get(name, ()) if d not in sources]
                if finer:
                    sources = [s for s in sources if values.get(s) is None] + finer
                if any(c.sets == name for c in rb.scorecards) or any(c.sets == name for c in rb.computes):
                    out.append(f"{name} (from {' or '.join(sources)})" if sources else name)
                else:
                    out.extend(self.missing(name, values, detail, depth + 1))
            else:
                out.append(name)
        return list(dict.fromkeys(out))
