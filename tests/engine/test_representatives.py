"""The representatives sent to durable-rules compare with every literal as the values do."""

from __future__ import annotations

import json
import math
import operator

from hypothesis import assume, given
from hypothesis import strategies as st

from kamrules.engine.representatives import key_encoder, numeric_representatives

OPS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
finite = st.floats(allow_nan=False, allow_infinity=False)
numbers = st.one_of(finite, st.integers(min_value=-(10**17), max_value=10**17))
tests_on_numbers = st.lists(st.tuples(st.sampled_from(sorted(OPS)), finite), min_size=1, max_size=8)


@given(tests_on_numbers, numbers)
def test_a_number_and_its_representative_pass_the_same_tests(tests: list[tuple[str, float]], value: float) -> None:
    encode = key_encoder(tests)
    if encode is None:  # no room between two adjacent floats: the value is sent as it is
        thresholds = sorted({t for _, t in tests})
        assert numeric_representatives(thresholds) is None
        return
    text = encode(value)
    assert text is not None
    representative = json.loads(text)
    as_durable_compares_it = float(value)
    for cmp, literal in tests:
        expected = OPS[cmp](as_durable_compares_it, literal)
        assert OPS[cmp](representative, literal) == expected, (cmp, literal, value, text)


@given(st.lists(finite, min_size=1, max_size=8))
def test_representatives_sit_strictly_inside_their_interval(values: list[float]) -> None:
    thresholds = sorted(set(values))
    reps = numeric_representatives(thresholds)
    assume(reps is not None)
    assert reps is not None
    bounds = [-math.inf, *thresholds, math.inf]
    assert len(reps) == len(thresholds) + 1
    for i, rep in enumerate(reps):
        assert bounds[i] < rep < bounds[i + 1]


def test_the_values_of_one_interval_become_one_fact() -> None:
    encode = key_encoder([("gte", 1_000_000.0), ("lt", 100_000.0)])
    assert encode is not None
    assert encode(250_000) == encode(999_999.99) == encode(100_000.5)
    assert encode(1_000_000) != encode(999_999.99)
    assert encode(1_000_000) == encode(1_000_000.0)


@given(st.lists(st.sampled_from(["basic", "cooperative", "~other~", "integrated"]), min_size=1), st.text())
def test_a_text_compared_for_equality_is_itself_or_one_stand_in(literals: list[str], value: str) -> None:
    encode = key_encoder([("eq", v) for v in literals] + [("ne", literals[0])])
    assert encode is not None
    text = encode(value)
    assert text is not None
    sent = json.loads(text)
    for literal in literals:
        assert (sent == literal) == (value == literal)


def test_what_is_not_abstracted_is_sent_as_it_is() -> None:
    assert key_encoder([("lt", "m")]) is None  # texts put in order
    assert key_encoder([("eq", 1.0), ("eq", "one")]) is None  # mixed literals
    assert key_encoder([]) is None
    numeric = key_encoder([("gt", 0.0)])
    assert numeric is not None
    assert numeric(math.inf) is None  # durable-rules' own error names it
    assert numeric("text") is None
    assert numeric(True) is None
