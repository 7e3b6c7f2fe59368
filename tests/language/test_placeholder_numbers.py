"""Placeholders with numbers at the ends of what a float holds: worded, never an internal error
(found by the service's OpenAPI fuzzing: a competitor's price index of 1.8e306 made the percent
format overflow and the account fail)."""

from __future__ import annotations

import pytest

from kamrules import Engine
from kamrules.language.templates import format_value
from tests.support import AS_OF, account


def _plain(name: str, value: object) -> str:
    return str(value)


@pytest.mark.parametrize("fmt", ["%", "int", "money", None])
@pytest.mark.parametrize("value", [1.797e306, -1.797e306, 1.7976931348623157e308])
def test_huge_numbers_are_worded_in_every_format(fmt: str | None, value: float) -> None:
    for lang in ("en", "it"):
        text = format_value("x", value, fmt, _plain, AS_OF, lang)
        assert "e+30" in text and len(text) < 12, text  # worded short, never in full or as "inf"


def test_an_account_with_a_huge_price_index_is_advised(engine: Engine) -> None:
    facts = account(business={"competitors": [{"name": "Rival", "price_index": 1.797693134862316e306}]})
    advice = engine.advise(facts, as_of=AS_OF)
    assert any("e+306" in w.message for w in advice.warnings)
