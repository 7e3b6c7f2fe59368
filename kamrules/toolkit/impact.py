"""The impact of a change on a portfolio: which accounts change tier, profile, strategy or
warnings when the old rule base is replaced by the new one, with counts.

Accounts are read with the same reader as `kam advise` (YAML, JSON, JSON Lines, CSV); an
account that cannot be read or is invalid is reported and left out, never guessed at.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kamrules.api import Engine
from kamrules.errors import KamError
from kamrules.io.accounts import read_records
from kamrules.model.advice import Advice
from kamrules.model.cellformats import FileCells
from kamrules.model.validate import validate_account

DIMENSIONS = ("tier", "profile", "strategy", "warnings")


@dataclass(frozen=True)
class Outcome:
    tier: str | None
    profile: str | None
    strategy: str | None
    warnings: tuple[tuple[str, str], ...]  # (code, severity), sorted

    @classmethod
    def of(cls, advice: Advice) -> Outcome:
        warnings = tuple(sorted({(w.code, w.severity) for w in advice.warnings}))
        return cls(advice.tier, advice.profile, advice.strategy, warnings)

    def codes(self) -> dict[str, str]:
        return dict(self.warnings)


@dataclass(frozen=True)
class AccountChange:
    id: str
    name: str
    old: Outcome
    new: Outcome

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(d for d in DIMENSIONS if getattr(self.old, d) != getattr(self.new, d))

    def warning_changes(self) -> list[str]:
        """`+CODE`, `-CODE`, `CODE medium→high`."""
        old, new = self.old.codes(), self.new.codes()
        out = [f"+{c}" for c in sorted(new) if c not in old]
        out += [f"-{c}" for c in sorted(old) if c not in new]
        out += [f"{c} {old[c]}→{new[c]}" for c in sorted(new) if c in old and old[c] != new[c]]
        return out


@dataclass
class Impact:
    as_of: dt.date
    total: int = 0
    changed: list[AccountChange] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # rendered problems of unreadable or invalid accounts

    def counts(self) -> dict[str, int]:
        return {d: sum(1 for c in self.changed if d in c.dimensions) for d in DIMENSIONS}

    def transitions(self) -> Counter[tuple[str, str | None, str | None]]:
        """(dimension, old, new) -> how many accounts moved that way (tier, profile, strategy)."""
        found: Counter[tuple[str, str | None, str | None]] = Counter()
        for change in self.changed:
            for d in ("tier", "profile", "strategy"):
                if d in change.dimensions:
                    found[(d, getattr(change.old, d), getattr(change.new, d))] += 1
        return found

    def warning_counts(self) -> Counter[str]:
        """`+CODE` / `-CODE` / `CODE a→b` -> how many accounts."""
        found: Counter[str] = Counter()
        for change in self.changed:
            found.update(change.warning_changes())
        return found


def impact(old: Engine, new: Engine, paths: Iterable[str], *, as_of: dt.date) -> Impact:
    """Advise every account of `paths` with both engines and keep those whose advice changes."""
    result = Impact(as_of)
    for path in paths:
        try:
            records = list(read_records(path, cells=FileCells))
        except KamError as exc:
            result.invalid.append(exc.render())
            continue
        for record in records:
            if record.error is not None:
                result.invalid.append(record.error.render())
                continue
            try:
                account = validate_account(record.data, source=record.label, location=record.location)
            except KamError as exc:
                result.invalid.append(f"{record.label}: {exc.render()}")
                continue
            result.total += 1
            before = Outcome.of(old.advise(account, as_of=as_of))
            after = Outcome.of(new.advise(account, as_of=as_of))
            if before != after:
                result.changed.append(AccountChange(account.id, account.name, before, after))
    return result
