"""`Engine.advise_many(trace=False)`: the batch engine's advice as `Advice` objects, equal to
`Engine.advise`'s but for the trace; an invalid account raises at its place."""

from __future__ import annotations

import pytest

from benchmarks import generate
from kamrules import Engine, FactsError


def test_equal_to_advise_but_the_trace() -> None:
    engine = Engine.default()
    accounts = []
    for facts in generate.accounts(400, 17):
        try:
            engine.advise(facts, as_of=generate.AS_OF)
        except FactsError:
            continue
        accounts.append(facts)
    for lang in ("en", "it"):
        fast = list(engine.advise_many(accounts, lang=lang, as_of=generate.AS_OF, trace=False))
        assert len(fast) == len(accounts)
        for facts, got in zip(accounts, fast, strict=True):
            want = engine.advise(facts, lang=lang, as_of=generate.AS_OF)
            assert got.trace == []
            assert got.model_dump(mode="json") == want.model_copy(update={"trace": []}).model_dump(mode="json")


def test_an_invalid_account_raises_after_the_ones_before() -> None:
    engine = Engine.default()
    good = {"id": "A", "name": "Acme", "assessment": {"current_contribution": 8}}
    bad = {"id": "B", "name": "Beta", "business": {"revenue": -1}}
    seen = []
    with pytest.raises(FactsError):
        for advice in engine.advise_many([good, bad, good], as_of=generate.AS_OF, trace=False):
            seen.append(advice.account.id)
    assert seen == ["A"]
