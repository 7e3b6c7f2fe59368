"""The main job, end to end through the Python API, on the example account."""

from __future__ import annotations

import yaml

from kamrules import Engine
from tests.support import AS_OF, EXAMPLES


def test_strategic_example_is_advised(engine: Engine) -> None:
    facts = yaml.safe_load((EXAMPLES / "accounts" / "strategic.yaml").read_text(encoding="utf-8"))
    advice = engine.advise(facts, as_of=AS_OF)
    assert advice.tier == "key_account"
    assert advice.profile == "strategic"
    assert advice.profile_source == "matrix"
    assert advice.strategy == "strategic_investment"
    assert advice.treatment is not None
    assert advice.treatment.pricing == "Value based"
    assert {w.code for w in advice.warnings} == {"CONTRACT_EXPIRING", "LOW_SHARE_STRATEGIC"}
