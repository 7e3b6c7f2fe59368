"""The public Python API: `Engine.default()`, `Engine.from_paths(...)`, `advise`, `advise_many`.

It sits above the engine (`kamrules.engine`, which runs a compiled rule base) and the advice
(`kamrules.advice`, which words what the run decided); `from kamrules import Engine` reads it.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamrules import codes
from kamrules.advice.build import build_advice
from kamrules.engine.evaluation import Evaluation
from kamrules.engine.program import Program
from kamrules.errors import ArgumentError, KamError
from kamrules.i18n.languages import LANGS, Lang
from kamrules.language.cache import load_rulebase_cached
from kamrules.language.rulebase import RuleBase
from kamrules.model.account import Account, account_values
from kamrules.model.advice import Advice
from kamrules.model.validate import validate_account


def parse_as_of(as_of: dt.date | str | None) -> dt.date:
    if as_of is None:
        return dt.date.today()
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise ArgumentError(
            codes.BAD_DATE, "as_of", f"{{parameter}}: expected a date written YYYY-MM-DD, found {as_of!r}"
        ) from None


def check_lang(lang: str) -> Lang:
    """`lang`, if kamrules speaks it; else an `ArgumentError` about the parameter `lang`."""
    if lang not in LANGS:
        raise ArgumentError(
            codes.UNKNOWN_LANGUAGE, "lang", f"unknown language {lang!r}: kamrules speaks {', '.join(LANGS)}"
        )
    return lang


@dataclass(frozen=True)
class BatchResult:
    """One input of `advise_batch`: its position, and its advice or what was wrong with it."""

    index: int
    advice: Advice | None = None
    error: KamError | None = None


class Engine:
    """Advice for accounts from a rule base compiled onto durable-rules.

    One engine serves any number of calls, from any number of threads, in constant memory.
    """

    def __init__(self, rulebase: RuleBase, *, memo_size: int = 4096) -> None:
        """`memo_size`: how many distinct stage inputs each durable ruleset remembers the answer
        for (0 to ask durable-rules every time)."""
        self.rulebase = rulebase
        self.program = Program(rulebase, memo_size=memo_size)

    @classmethod
    def default(cls) -> Engine:
        """The built-in rulesets and profiles (one shared, compiled instance)."""
        return _default_engine()

    @classmethod
    def from_paths(cls, *paths: str | Path, builtin: bool = True, memo_size: int = 4096) -> Engine:
        """Folders (or files) of YAML on top of the built-in knowledge, or instead of it when a
        folder's manifest does not say `extends: builtin` (or `builtin=False`)."""
        return cls(load_rulebase_cached(list(paths), builtin=builtin), memo_size=memo_size)

    def evaluate(
        self,
        facts: Mapping[str, Any] | Account,
        *,
        lang: str = "en",
        as_of: dt.date | str | None = None,
        trace: bool = True,
    ) -> tuple[Account, Evaluation]:
        account = validate_account(facts)
        ev = self.program.run(account_values(account), parse_as_of(as_of), check_lang(lang), trace=trace)
        return account, ev

    def advise(
        self,
        facts: Mapping[str, Any] | Account,
        *,
        lang: str = "en",
        as_of: dt.date | str | None = None,
        explain: bool = False,
    ) -> Advice:
        """The advice for one account (a dict of facts or an `Account`)."""
        account, ev = self.evaluate(facts, lang=lang, as_of=as_of)
        return build_advice(self.rulebase, ev, account.id, account.name, explain=explain)

    def advise_many(
        self,
        accounts: Iterable[Mapping[str, Any] | Account],
        *,
        lang: str = "en",
        as_of: dt.date | str | None = None,
        explain: bool = False,
        trace: bool = True,
    ) -> Iterator[Advice]:
        """Advice for each account, lazily; the first invalid account raises `FactsError`.
        `trace=False` (without `explain`): each advice with an empty trace, from the batch engine
        (pyarrow; several times faster on many accounts; docs/contract.md §9)."""
        day = parse_as_of(as_of)
        language = check_lang(lang)
        if not trace and not explain:
            from kamrules.batch.advices import advise_accounts

            def one(account: Account) -> Advice:
                return self.advise(account, lang=language, as_of=day)

            yield from advise_accounts(self.program, accounts, lang=language, as_of=day, fallback=one)
            return
        for facts in accounts:
            yield self.advise(facts, lang=language, as_of=day, explain=explain)

    def advise_table(self, table: Any, *, lang: str = "en", as_of: dt.date | str | None = None) -> Any:
        """The advice of every row of an Arrow table or record batch whose columns are the facts'
        dotted paths, as an Arrow table (docs/contract.md, "Batch advice"); no trace."""
        from kamrules.batch.api import advise_table

        return advise_table(self.program, table, lang=check_lang(lang), as_of=parse_as_of(as_of))

    def advise_batches(
        self, batches: Iterable[Any], *, lang: str = "en", as_of: dt.date | str | None = None
    ) -> Iterator[Any]:
        """`advise_table` over a stream of record batches, one advice batch per input batch."""
        from kamrules.batch.api import advise_batches

        return advise_batches(self.program, batches, lang=check_lang(lang), as_of=parse_as_of(as_of))

    def advise_batch(
        self,
        accounts: Iterable[Mapping[str, Any] | Account],
        *,
        lang: str = "en",
        as_of: dt.date | str | None = None,
        explain: bool = False,
    ) -> Iterator[BatchResult]:
        """Like `advise_many`, but an invalid account is reported in place and the rest go on."""
        day = parse_as_of(as_of)
        language = check_lang(lang)
        for index, facts in enumerate(accounts):
            try:
                yield BatchResult(index, advice=self.advise(facts, lang=language, as_of=day, explain=explain))
            except KamError as exc:
                yield BatchResult(index, error=exc)


_DEFAULT_LOCK = threading.Lock()


@functools.cache
def _default_engine_cached() -> Engine:
    return Engine(load_rulebase_cached())


def _default_engine() -> Engine:
    with _DEFAULT_LOCK:
        return _default_engine_cached()
