"""`scale`, `minimum` and `maximum` column-wise against the per-account arithmetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from kamrules.batch import frame as fr
from kamrules.batch.compute import round4
from kamrules.batch.scales import extreme, scaled
from kamrules.engine.compute import run_compute, scale_value
from kamrules.i18n.texts import Texts
from kamrules.language.rulebase import Compute


def _compute(op: str, points: tuple[tuple[float, float], ...] = (), item_field: str = "") -> Compute:
    return Compute(
        id="c",
        ruleset="r",
        stage=0,
        description=Texts.of(None),
        sets="x",
        op=op,
        args=("business.competitors",) if item_field else ("business.revenue",),
        filters=(),
        where=None,
        order=0,
        points=points,
        point_params=tuple(("", "") for _ in points),
        item_field=item_field,
    )


XS = st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=5, unique=True)


@settings(max_examples=60, deadline=None)
@given(XS, st.lists(st.floats(0, 10, allow_nan=False), min_size=5, max_size=5), st.lists(st.floats(-120, 120)))
def test_scale_is_the_per_account_float(xs: list[float], ys: list[float], values: list[float]) -> None:
    points = tuple(zip(sorted(xs), ys, strict=False))
    probes = np.array([*values, *sorted(xs), np.nan], dtype=np.float64)  # the points themselves too
    got = round4(scaled(_compute("scale", points), probes))
    for x, y in zip(probes.tolist(), got.tolist(), strict=True):
        if np.isnan(x):
            assert np.isnan(y)
        else:
            assert y == round(scale_value(points, x)[0], 4), (points, x)


def test_minimum_and_maximum_over_records() -> None:
    rows = [
        [{"name": "a", "price_index": 0.9}, {"name": "b", "price_index": 1.2}],
        [{"name": "c"}],
        [],
        None,
        [{"name": "d", "price_index": 3}],
    ]
    kind = pa.list_(pa.struct([("name", pa.string()), ("price_index", pa.float64())]))
    column = fr.Lst(pa.array(rows, kind))
    for op in ("minimum", "maximum"):
        comp = _compute(op, item_field="price_index")
        value, empty = extreme(comp, column, len(rows))
        for i, facts in enumerate(rows):
            want = run_compute(comp, {"business.competitors": facts}, dt.date(2026, 1, 1))
            if facts is None:
                assert np.isnan(value[i]) and not empty[i]
                continue
            assert (None if np.isnan(value[i]) else float(value[i])) == want.value
            assert bool(empty[i]) == (want.value is None)
