"""What the store keeps of one advice: a `Snapshot`, plain data built from the account's facts and
its advice, without the database (so a portfolio worker process can build it next to the advice).

A snapshot holds the decisions and their provenance, never the texts: warnings by code and
severity, levers by id. Its `key` is what makes recording idempotent: the same account, with the
same facts, advised by the same rule base on the same as-of date, has one key and is stored once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from kamrules import codes
from kamrules.errors import Problem
from kamrules.store.location import StoreError

# Advice keys a snapshot has a place for (or leaves out on purpose: texts, the trace and the
# labels follow from the decisions and the rule base). Any other key an advice carries (score
# sources, say) is kept under `extra`, so a new advice field needs no schema migration.
KNOWN_ADVICE_KEYS = frozenset(
    {
        "account",
        "tier",
        "profile",
        "profile_source",
        "strategy",
        "treatment",
        "levers",
        "warnings",
        "scores",
        "trace",
        "ruleset",
        "lang",
        "as_of",
        "labels",
        "facts",
        "why_not",
    }
)
# The hidden cell of a portfolio row (not an output column) that carries the row's snapshot.
SNAPSHOT_CELL = "_snapshot"


def canonical_json(value: Any) -> str:
    """`value` as JSON with sorted keys and no spaces: equal data, equal text, equal digest."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_plain)


def digest(value: Any) -> str:
    """`sha256:` and the hex digest of `value`'s canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


@dataclass(frozen=True)
class WarningRef:
    """A warning as the store keeps it: its code, severity and the rule that raised it."""

    code: str
    severity: str
    rule: str = ""

    @property
    def subject(self) -> str | None:
        """What an `UNDECIDED` warning is about (`decision:tier` gives `tier`): one advice may
        hold several warnings with that code, one per undecided decision."""
        return self.rule.removeprefix("decision:") if self.rule.startswith("decision:") else None

    @property
    def identity(self) -> str:
        """The warning's identity across advices: its code, and for `UNDECIDED` its subject."""
        return f"{self.code}:{self.subject}" if self.subject else self.code


@dataclass(frozen=True)
class Snapshot:
    """One advice as the store records it (see the module's docstring)."""

    key: str
    account_id: str
    account_name: str
    as_of: dt.date
    facts: dict[str, Any]
    facts_digest: str
    ruleset_name: str
    ruleset_version: str
    ruleset_digest: str
    tier: str | None
    profile: str | None
    profile_source: str | None
    strategy: str | None
    scores: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[WarningRef, ...] = ()
    levers: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """One line of JSON (the portfolio's spool file holds one per account)."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["warnings"] = [[w.code, w.severity, w.rule] for w in self.warnings]
        return canonical_json(data)

    @classmethod
    def from_json(cls, line: str) -> Snapshot:
        data = json.loads(line)
        data["as_of"] = dt.date.fromisoformat(data["as_of"])
        data["warnings"] = tuple(WarningRef(*w) for w in data["warnings"])
        data["levers"] = tuple(data["levers"])
        return cls(**data)


def advice_key(account_id: str, as_of: dt.date, facts_digest: str, ruleset_digest: str) -> str:
    """The idempotence key of an advice (see the module's docstring)."""
    return digest(["advice/1", account_id, as_of.isoformat(), facts_digest, ruleset_digest])


def cell_to_json(cell: Snapshot | Problem) -> list[str]:
    """A row's snapshot cell as JSON data, for a spool that keeps rows on disk (the portfolio's
    effort allocation reads them back): `cell_from_json` gives it back as it was."""
    if isinstance(cell, Snapshot):
        return ["snapshot", cell.to_json()]
    return ["problem", cell.code, cell.message]


def cell_from_json(data: list[str]) -> Snapshot | Problem:
    """The cell `cell_to_json` wrote."""
    if data[0] == "snapshot":
        return Snapshot.from_json(data[1])
    return Problem(data[1], data[2])


def snapshot_cell(facts: Any, advice: Any) -> Snapshot | Problem:
    """The snapshot of `advice`, or the problem why it cannot be recorded (a portfolio row's
    hidden cell: the row is still advised, it is only not recorded)."""
    try:
        return snapshot(facts, advice)
    except StoreError as exc:
        return exc.problem


def snapshot(facts: Any, advice: Any) -> Snapshot:
    """The snapshot of `advice`, given for the account whose `facts` it was given.

    `facts` is the `kamrules.Account` (or its mapping) and `advice` the `kamrules.Advice` (or its
    mapping, as `Advice.model_dump(mode="json")` or a portfolio row's advice data give it). The
    facts are kept as kamrules read them (only the facts given, as JSON), so the same facts read
    from a CSV row and from a YAML file have one digest.
    """
    facts_data = _facts_data(facts)
    data = advice.model_dump(mode="json") if hasattr(advice, "model_dump") else dict(advice)
    account = data["account"]
    account_id = str(account["id"])
    if "\x00" in account_id or "\x00" in str(account["name"]):
        # PostgreSQL cannot store a NUL in text, and the store keeps one behaviour on both
        # databases: the account is refused here, the others of its run are still recorded.
        raise StoreError(
            codes.STORE_UNSTORABLE,
            f"account {account_id!r}: its id or name holds a NUL character, which the history cannot store: "
            "not recorded",
        )
    if str(facts_data.get("id", account_id)) != account_id:
        raise ValueError(f"the facts are those of account {facts_data.get('id')!r}, the advice of {account_id!r}")
    as_of = dt.date.fromisoformat(str(data["as_of"]))
    ruleset = data["ruleset"]
    facts_digest = digest(facts_data)
    warnings = tuple(
        WarningRef(str(w["code"]), str(w["severity"]), str(w.get("rule") or "")) for w in data.get("warnings") or ()
    )
    return Snapshot(
        key=advice_key(account_id, as_of, facts_digest, str(ruleset["digest"])),
        account_id=account_id,
        account_name=str(account["name"]),
        as_of=as_of,
        facts=facts_data,
        facts_digest=facts_digest,
        ruleset_name=str(ruleset["name"]),
        ruleset_version=str(ruleset["version"]),
        ruleset_digest=str(ruleset["digest"]),
        tier=data.get("tier"),
        profile=data.get("profile"),
        profile_source=data.get("profile_source"),
        strategy=data.get("strategy"),
        scores=dict(data.get("scores") or {}),
        warnings=warnings,
        levers=tuple(str(lv["id"]) for lv in data.get("levers") or ()),
        extra={k: v for k, v in data.items() if k not in KNOWN_ADVICE_KEYS},
    )


def _facts_data(facts: Any) -> dict[str, Any]:
    if hasattr(facts, "model_dump"):
        dumped: dict[str, Any] = facts.model_dump(mode="json", exclude_unset=True, exclude_none=True)
        return dumped
    if not isinstance(facts, Mapping):
        raise TypeError(f"account facts must be a mapping or an Account, not {type(facts).__name__}")
    # Round-trip through canonical JSON: dates become ISO text, as in a model's JSON dump.
    plain: dict[str, Any] = json.loads(canonical_json(dict(facts)))
    return plain


class Spool:
    """The snapshots of a run, kept in a temporary file until the run is recorded in one
    transaction (a portfolio of 100,000 accounts does not sit in memory), with the digest of
    their keys in order: the run's content."""

    def __init__(self) -> None:
        import tempfile

        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, snap: Snapshot) -> None:
        self._file.write(snap.to_json() + "\n")
        self._hash.update(snap.key.encode("ascii") + b"\n")
        self.count += 1

    @property
    def content_digest(self) -> str:
        return "sha256:" + self._hash.hexdigest()

    def __iter__(self) -> Iterator[Snapshot]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield Snapshot.from_json(line)
        self._file.seek(0, 2)  # back to the end, should more be added

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
