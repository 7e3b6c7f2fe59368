"""The rule base being served, and how a new one replaces it.

A version is loaded, validated and its test cases run before anything else sees it; then one
assignment swaps it in. A request takes the current version once, when it starts, and keeps it
to the end, so a request in flight finishes on the version it started with while the next one
already gets the new version. A version that fails to load or to pass its tests is never
served: the old one stays, and the reload's answer lists the problems with their file and line.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kamrules.api import Engine
from kamrules.errors import Problem
from kamrules.service import library


@dataclass(frozen=True)
class RuleBaseVersion:
    """One loaded rule base: what is served, and what it is."""

    loaded: library.LoadedRules
    loaded_at: dt.datetime
    sequence: int  # 1 for the rule base loaded at start, then one more for each reload in this process

    @property
    def engine(self) -> Engine:
        return self.loaded.engine

    @property
    def name(self) -> str:
        return self.engine.rulebase.name

    @property
    def version(self) -> str:
        return self.engine.rulebase.version

    @property
    def digest(self) -> str:
        return self.engine.rulebase.digest

    def describe(self) -> dict[str, Any]:
        """What `GET /v1/rules` says of it."""
        return {
            "name": self.name,
            "version": self.version,
            "digest": self.digest,
            "loaded_at": self.loaded_at.isoformat(timespec="seconds"),
            "sequence": self.sequence,
            "test_cases": {"passed": self.loaded.tests_passed, "total": self.loaded.tests_total},
            "files": self.loaded.files,
        }

    def headers(self) -> dict[str, str]:
        """The response headers that name it."""
        return {"Kam-Ruleset-Name": self.name, "Kam-Ruleset-Version": self.version, "Kam-Ruleset-Digest": self.digest}


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: the version now served, and whether it is a new one or why not."""

    ok: bool
    current: RuleBaseVersion | None  # None only when the very first load failed
    changed: bool = False  # a different rule base is now served
    stage: str | None = None  # where a refused rule base failed: "load" or "tests"
    problems: tuple[Problem, ...] = ()


@dataclass
class Registry:
    """The current version and the reloads that replace it (one reload at a time)."""

    paths: tuple[str, ...]
    on_swap: list[Callable[[RuleBaseVersion], None]] = field(default_factory=list)
    _current: RuleBaseVersion | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sequence: int = 0

    @property
    def ready(self) -> bool:
        return self._current is not None

    @property
    def current(self) -> RuleBaseVersion:
        """The version to serve this request with: take it once, keep it for the whole request."""
        version = self._current
        if version is None:  # never: the app loads a version before it serves anything
            raise RuntimeError("no rule base loaded yet")
        return version

    def load_first(self) -> RuleBaseVersion:
        """Load the rule base at start; raise `library.RulesRefused` if it cannot be served."""
        result = self.reload()
        if not result.ok or result.current is None:
            raise library.RulesRefused(result.stage or "load", result.problems)
        return result.current

    def reload(self, paths: Sequence[str] | None = None) -> ReloadResult:
        """Load, validate and test the rules folders, and swap the result in if all is well."""
        with self._lock:
            folders = tuple(paths) if paths is not None else self.paths
            try:
                loaded = library.load_rules(folders, library.today())
            except library.RulesRefused as exc:
                return ReloadResult(False, self._current, stage=exc.stage, problems=exc.problems)
            old = self._current
            if old is not None and old.digest == loaded.engine.rulebase.digest:
                return ReloadResult(True, old, changed=False)
            self._sequence += 1
            version = RuleBaseVersion(loaded, dt.datetime.now(dt.UTC), self._sequence)
            self.paths = folders
            self._current = version  # the swap: one assignment, atomic for every reader
        for callback in self.on_swap:
            callback(version)
        return ReloadResult(True, version, changed=True)
