"""The public Python API: `Engine.default()`, `Engine.from_paths(...)`, `advise`, `advise_many`."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kamrules.advice.build import build_advice
from kamrules.engine.program import Evaluation, Program
from kamrules.errors import FactsError, KamError, Location, Problem
from kamrules.language.cache import load_rulebase_cached
from kamrules.language.rulebase import RuleBase
from kamrules.model.advice import Advice
from kamrules.model.facts import Account
from kamrules.model.validate import validate_model
from kamrules.model.vocabulary import LANGS

_GROUPS = ("company", "business", "relationship", "assessment", "plan")


def account_values(account: Account) -> dict[str, Any]:
    """The account's facts by dotted path (groups kept too, for exists/missing tests)."""
    values: dict[str, Any] = {}
    for name, value in account.model_dump(exclude_none=True).items():
        values[name] = value
        if name in _GROUPS and isinstance(value, dict):
            for key, inner in value.items():
                values[f"{name}.{key}"] = inner
    return values


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
        raise KamError(f"--as-of: expected a date written YYYY-MM-DD, found {as_of!r}") from None


def check_lang(lang: str) -> Literal["en", "it"]:
    if lang not in LANGS:
        raise KamError(f"unknown language {lang!r}: kamrules speaks {', '.join(LANGS)}")
    return lang


def validate_account(
    facts: Mapping[str, Any] | Account,
    *,
    source: str | None = None,
    location: Any = None,
) -> Account:
    """Check account facts against the contract; raise `FactsError` naming every problem."""
    if isinstance(facts, Account):
        return facts
    if not isinstance(facts, Mapping):
        raise FactsError(
            "",
            [Problem("FACT004", f"an account is a mapping of facts, found {type(facts).__name__}", Location(source))],
        )

    def where(path: tuple[str | int, ...]) -> Location:
        if location is not None:
            loc: Location = location(path)
            return loc
        return Location(source, None, None, None)

    account, problems = validate_model(Account, facts, where)
    if account is None:
        ident = facts.get("id") if isinstance(facts, Mapping) else None
        head = f"account {ident!r} has invalid facts:" if ident is not None else "invalid account facts:"
        raise FactsError(head, problems)
    return account


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
    ) -> Iterator[Advice]:
        """Advice for each account, lazily; the first invalid account raises `FactsError`."""
        day = parse_as_of(as_of)
        language = check_lang(lang)
        for facts in accounts:
            yield self.advise(facts, lang=language, as_of=day, explain=explain)

    def advise_table(self, table: Any, *, lang: str = "en", as_of: dt.date | str | None = None) -> Any:
        """The advice of every row of an Arrow table or record batch whose columns are the facts'
        dotted paths, as an Arrow table (docs/contract.md, "Batch advice"); no trace."""
        from kamrules.batch.api import advise_table

        return advise_table(self, table, lang=check_lang(lang), as_of=parse_as_of(as_of))

    def advise_batches(
        self, batches: Iterable[Any], *, lang: str = "en", as_of: dt.date | str | None = None
    ) -> Iterator[Any]:
        """`advise_table` over a stream of record batches, one advice batch per input batch."""
        from kamrules.batch.api import advise_batches

        return advise_batches(self, batches, lang=check_lang(lang), as_of=parse_as_of(as_of))

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
