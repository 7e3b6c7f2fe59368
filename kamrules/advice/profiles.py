"""The profiles and the treatment their strategies prescribe, as plain data in one language:
what `kam profiles --format json` prints and the service's `GET /v1/profiles` answers."""

from __future__ import annotations

from typing import Any

from kamrules.advice.build import TREATMENT_KEYS
from kamrules.i18n.texts import Texts
from kamrules.language.rulebase import RuleBase


def profiles_data(rb: RuleBase, lang: str, only: str | None = None) -> list[dict[str, Any]]:
    """Each profile (or only `only`) as plain data: its texts in `lang` and its full treatment."""
    out = []
    for pid, p in rb.profiles.items():
        if only and pid != only:
            continue
        strategy = rb.strategies.get(p.strategy)
        treatment: dict[str, Any] = {}
        if strategy is not None:
            for key in TREATMENT_KEYS:
                value = strategy.treatment.get(key)
                if isinstance(value, Texts):
                    treatment[key] = [value.get(lang)] if key == "pitfalls" else value.get(lang)
                elif value is not None:
                    treatment[key] = [v.get(lang) for v in value]
        out.append(
            {
                "id": pid,
                "label": p.label.get(lang),
                "description": p.description.get(lang),
                "buying_behaviour": p.buying_behaviour.get(lang),
                "strategy": p.strategy,
                "strategy_label": strategy.label.get(lang) if strategy else p.strategy,
                "treatment": treatment,
                "file": p.where.file,
            }
        )
    return out
