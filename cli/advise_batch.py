"""`kam advise` on many accounts without `--explain`, in text or Markdown (which show no trace):
the accounts of a file are advised column-wise, a chunk at a time (`Engine.advise_many(trace=
False)`, the batch engine), with the same output as one by one.

A file of fewer than `FROM` valid accounts is advised one by one, as always: `kam advise
one.yaml` never imports pyarrow (its cold start stays that of the per-account path). A chunk the
batch path fails on (a bug of kamrules) is advised again one by one, so that the account that
meets the bug is reported alone and the others are advised.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamrules.api import Engine
    from kamrules.model.account import Account
    from kamrules.model.advice import Advice

FROM = 256  # valid accounts in a file: below, pyarrow's import costs more than it saves
CHUNK = 8192
FORMATS = ("text", "markdown")  # the formats that show no trace without --explain


class Batched:
    """The valid accounts of one file, held until a chunk is full or the file ends."""

    def __init__(
        self,
        engine: Engine,
        lang: str,
        as_of: dt.date,
        one: Callable[[str, Account], None],
        done: Callable[[Advice], None],
    ) -> None:
        self.engine, self.lang, self.as_of = engine, lang, as_of
        self.one, self.done = one, done
        self.pending: list[tuple[str, Account]] = []

    @classmethod
    def of(
        cls,
        engine: Engine,
        fmt: str,
        explain: bool,
        *,
        lang: str,
        as_of: dt.date,
        one: Callable[[str, Account], None],
        done: Callable[[Advice], None],
    ) -> Batched | None:
        """A batcher when the output shows no trace and pyarrow is there; else None."""
        if explain or fmt not in FORMATS or importlib.util.find_spec("pyarrow") is None:
            return None
        return cls(engine, lang, as_of, one, done)

    def add(self, label: str, account: Account) -> bool:
        """Hold a valid account (True: it will be advised by `flush`)."""
        self.pending.append((label, account))
        if len(self.pending) >= CHUNK:
            self.flush()
        return True

    def flush(self) -> None:
        """Advise the accounts held, in order: column-wise when there are many."""
        pending, self.pending = self.pending, []
        if len(pending) >= FROM:
            from kamrules.batch.advices import advised

            def alone(account: Account) -> Advice:
                return self.engine.advise(account, lang=self.lang, as_of=self.as_of)

            try:
                advices = list(advised(self.engine.program, [a for _, a in pending], self.lang, self.as_of, alone))
            except Exception:  # a bug of the batch path: one by one, the bug's account reported alone
                advices = []
            if advices:
                for advice in advices:
                    self.done(advice)
                return
        for label, account in pending:
            self.one(label, account)
