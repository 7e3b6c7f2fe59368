"""What the routes share, and the two plug-in points for what is built elsewhere.

`create_app(settings, recorder=..., routers=[...])` (kamrules.service.app) takes them:

- a `Recorder` is told of every advice the service gives, one `Recording` per request (the
  history store records each as a run: `kam serve --record`, kamrules.service.history);
- `routers` are more FastAPI routers, mounted as they are (the history's
  `GET /v1/accounts/{id}/history` and `GET /v1/changes`); they protect themselves with
  `kamrules.service.auth.require("advise")` and reach these services as
  `request.app.state.services`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kamrules.model.account import Account
from kamrules.model.advice import Advice
from kamrules.service.keys import KeyStore
from kamrules.service.metrics import Metrics
from kamrules.service.settings import Settings
from kamrules.service.versions import Registry, RuleBaseVersion


class Recording(Protocol):
    """The advice of one request, handed over as it is given (from worker threads, never the
    event loop); `close` when the request is done. An exception is logged and counted
    (kamrules_recorded_total{result="failed"}); the answer still goes out."""

    def add(self, pairs: Iterable[tuple[Account, Advice]]) -> None:
        """Each account's facts with the advice given for them."""

    def add_snapshot(self, snapshot: Any) -> None:
        """A portfolio row's snapshot (`kamrules.store.Snapshot`, the row's hidden cell)."""

    def close(self) -> None:
        """The request is over: keep what was added (nothing when nothing was)."""


class Recorder(Protocol):
    """Told of every advice the service gives: one `Recording` per request."""

    def recording(self, *, kind: str, version: RuleBaseVersion, request_id: str, client: str | None) -> Recording:
        """A recording of one request's advice: `kind` is `advise` or `portfolio`, `version` the
        rule base that gave it, `client` the API key's name (None without keys)."""


class Scratch:
    """One request's private folder: made on first use of `path`, removed by `remove()`."""

    def __init__(self, parent: Path) -> None:
        self.parent = parent
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        if self._path is None:
            self.parent.mkdir(parents=True, exist_ok=True)
            self._path = Path(tempfile.mkdtemp(dir=self.parent))
        return self._path

    def remove(self) -> None:
        if self._path is not None:
            shutil.rmtree(self._path, ignore_errors=True)


@dataclass
class Services:
    settings: Settings
    registry: Registry
    metrics: Metrics
    keys: KeyStore | None = None
    recorder: Recorder | None = None
    history: Any = None  # the history store the history routers read (kamrules.store.Store), if any
    scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kam-serve-")))
    last_reload: dict[str, object] | None = None  # the last reload's outcome, for GET /v1/rules
    generation: str | None = None  # the run folder's reload token this process last wrote or followed

    def request_folder(self) -> Scratch:
        """A private folder for one request's uploaded files, made when first needed (a small
        JSON body needs none) and removed when the request ends."""
        return Scratch(self.scratch)

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        if self.history is not None:
            self.history.close()
