"""The history store: every advice, portfolio run and plan version kamrules was asked to record,
in SQLite (a file in the user's data folder, by default) or PostgreSQL (for a team).

    from kamrules.store import open_store
    with open_store("postgresql://kam@db.example/kam") as store:     # or None: KAMRULES_DB, else the file
        store.record_advice(account, advice, by="api-key:crm-sync")
        store.history("IT-0042").model_dump(mode="json")
        store.changes_since(datetime.date(2026, 7, 1))

Needs the `store` extra (`pip install 'kamrules[store]'`). The names below are imported on first
use, so `import kamrules.store` costs nothing until a database is opened. docs/contract.md §10
lists the public interface; docs/history.md says what is stored and why.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "open_store": "kamrules.store.store",
    "Store": "kamrules.store.store",
    "StoreError": "kamrules.store.location",
    "default_url": "kamrules.store.location",
    "RunMeta": "kamrules.store.record",
    "PlanInput": "kamrules.store.record",
    "Snapshot": "kamrules.store.snapshots",
    "Spool": "kamrules.store.snapshots",
    "snapshot": "kamrules.store.snapshots",
    "AccountRef": "kamrules.store.models",
    "ChangeReport": "kamrules.store.models",
    "History": "kamrules.store.models",
    "HistoryEntry": "kamrules.store.models",
    "PlanRecorded": "kamrules.store.models",
    "Purged": "kamrules.store.models",
    "Recorded": "kamrules.store.models",
    "RunInfo": "kamrules.store.models",
}

__all__ = [
    "AccountRef",
    "ChangeReport",
    "History",
    "HistoryEntry",
    "PlanInput",
    "PlanRecorded",
    "Purged",
    "Recorded",
    "RunInfo",
    "RunMeta",
    "Snapshot",
    "Spool",
    "Store",
    "StoreError",
    "default_url",
    "open_store",
    "snapshot",
]

if TYPE_CHECKING:
    from kamrules.store.location import StoreError, default_url
    from kamrules.store.models import (
        AccountRef,
        ChangeReport,
        History,
        HistoryEntry,
        PlanRecorded,
        Purged,
        Recorded,
        RunInfo,
    )
    from kamrules.store.record import PlanInput, RunMeta
    from kamrules.store.snapshots import Snapshot, Spool, snapshot
    from kamrules.store.store import Store, open_store


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'kamrules.store' has no attribute {name!r}")
    if module in ("kamrules.store.store", "kamrules.store.record"):
        _require_sqlalchemy()
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def _require_sqlalchemy() -> None:
    """Say how to install the store's dependencies, rather than fail on an import."""
    import importlib.util

    missing = [m for m in ("sqlalchemy", "alembic") if importlib.util.find_spec(m) is None]
    if missing:
        from kamrules import codes
        from kamrules.store.location import StoreError

        raise StoreError(
            codes.MISSING_EXTRA,
            f"recording needs {' and '.join(missing)}, which are not installed: pip install 'kamrules[store]'",
        )
