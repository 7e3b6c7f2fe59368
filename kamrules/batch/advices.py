"""Many accounts' advice as `Advice` objects from the batch engine: what `Engine.advise_many`
gives without the trace (`trace=False`), several times faster on many accounts.

The accounts are validated one by one first (as `Engine.advise` validates them, so an invalid
one raises the same `FactsError` at its place); each chunk of valid accounts is advised by
`advise_table` and each row rebuilt into the advice model, with an empty trace. Nothing else
differs from `Engine.advise` (tests/batch/test_advices.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from kamrules import codes
from kamrules.batch.api import advise_table
from kamrules.batch.tables import accounts_table
from kamrules.engine.evaluation import json_value
from kamrules.engine.program import Program
from kamrules.errors import RulesetError
from kamrules.model.account import Account
from kamrules.model.advice import Advice
from kamrules.model.validate import validate_account

CHUNK = 8192  # accounts a table: the batch engine's fixed cost per table against the memory held


Fallback = Callable[[Account], Advice]


def advise_accounts(
    program: Program,
    accounts: Iterable[Mapping[str, Any] | Account],
    *,
    lang: str,
    as_of: dt.date,
    fallback: Fallback,
) -> Iterator[Advice]:
    """The advice of each account, in order, without the trace; an invalid account raises its
    `FactsError` once the accounts before it are given. A rule base the batch path cannot do
    column-wise (KR044) is served by `fallback` (`Engine.advise`), trace emptied."""
    chunk: list[Account] = []
    for facts in accounts:
        try:
            account = validate_account(facts)
        except Exception:
            yield from advised(program, chunk, lang, as_of, fallback)
            raise
        chunk.append(account)
        if len(chunk) >= CHUNK:
            yield from advised(program, chunk, lang, as_of, fallback)
            chunk = []
    yield from advised(program, chunk, lang, as_of, fallback)


def advised(
    program: Program, accounts: list[Account], lang: str, as_of: dt.date, fallback: Fallback
) -> Iterator[Advice]:
    """The advice of valid `accounts`, column-wise, trace empty."""
    if not accounts:
        return
    try:
        done = list(_advised(program, accounts, lang, as_of))
    except RulesetError as exc:
        if not any(p.code == codes.BATCH_UNSUPPORTED for p in exc.problems):
            raise
        done = [fallback(a).model_copy(update={"trace": []}) for a in accounts]
    yield from done


def _advised(program: Program, accounts: list[Account], lang: str, as_of: dt.date) -> Iterator[Advice]:
    facts = [a.model_dump(exclude_none=True) for a in accounts]
    table = advise_table(program, accounts_table(facts), lang=lang, as_of=as_of)
    rb = program.rb
    ruleset = {"name": rb.name, "version": rb.version, "digest": rb.digest}
    for row in table.to_pylist():
        yield Advice.model_validate(_data(row, ruleset, lang, as_of))


def _data(row: dict[str, Any], ruleset: dict[str, Any], lang: str, as_of: dt.date) -> dict[str, Any]:
    if row["error"] is not None:  # validated above: a row the batch path reads otherwise is a bug
        raise AssertionError(f"the batch path refused a valid account: {row['error']['message']}")
    return {
        "account": {"id": row["id"], "name": row["name"]},
        "tier": row["tier"],
        "profile": row["profile"],
        "profile_source": row["profile_source"],
        "strategy": row["strategy"],
        "treatment": row["treatment"],
        "levers": row["levers"],
        "warnings": row["warnings"],
        "scores": row["scores"],
        "score_sources": row["score_sources"],
        "trace": [],
        "ruleset": ruleset,
        "lang": lang,
        "as_of": as_of.isoformat(),
        "labels": {k: v for k, v in row["labels"].items() if v is not None},
        "facts": {k: json_value(v) for k, v in row["facts"].items() if v is not None},
        "why_not": None,
    }
