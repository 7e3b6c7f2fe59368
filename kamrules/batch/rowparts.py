"""Two columns of the advice table: where each score comes from, and an invalid row's error."""

from __future__ import annotations

import pyarrow as pa

from kamrules.batch import frame as fr
from kamrules.batch.accounts import Accounts
from kamrules.model.advice import ScoreSources

PROBLEM = pa.struct(
    [("code", pa.string()), ("field", pa.string()), ("message", pa.string()), ("suggestion", pa.string())]
)
ERROR = pa.struct([("message", pa.string()), ("problems", pa.list_(PROBLEM))])
SCORE_SOURCES = pa.struct([(k, pa.string()) for k in ScoreSources.model_fields])


def score_sources(frame: fr.Frame) -> pa.Array:
    """Where each score comes from (`kamrules.advice.scores.score_sources`): the rulesets'
    `scores.source.<score>` where it is a text, else null."""
    sources = []
    for name in ScoreSources.model_fields:
        column = frame.get(f"scores.source.{name}")
        sources.append(column.to_arrow() if isinstance(column, fr.Text) else pa.nulls(frame.n, pa.string()))
    return pa.StructArray.from_arrays(sources, fields=list(SCORE_SOURCES))


def error_structs(acc: Accounts) -> pa.Array:
    rows = sorted(acc.errors)
    data = []
    for row in rows:
        exc = acc.errors[row][0]
        data.append(
            {
                "message": exc.message,
                "problems": [
                    {"code": p.code, "field": p.location.path, "message": p.message, "suggestion": p.suggestion}
                    for p in exc.problems
                ],
            }
        )
    return pa.array(data, ERROR)
