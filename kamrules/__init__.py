"""kamrules: a Key Account Management advisor on declarative YAML rulesets and durable-rules.

from kamrules import Engine
engine = Engine.default()
advice = engine.advise({"id": "A1", "name": "Acme", "assessment": {...}}, lang="it")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kamrules.version import __version__

# The public names, imported on first use: `kam --help` and other light commands start without
# loading pydantic and the engine.
_PUBLIC = {
    "Account": "kamrules.model.account",
    "Advice": "kamrules.model.advice",
    "ArgumentError": "kamrules.errors",
    "BatchResult": "kamrules.api",
    "Engine": "kamrules.api",
    "FactsError": "kamrules.errors",
    "InputFileError": "kamrules.errors",
    "KamError": "kamrules.errors",
    "Problem": "kamrules.errors",
    "RulesetError": "kamrules.errors",
    "validate_account": "kamrules.model.validate",
}

__all__ = [
    "Account",
    "Advice",
    "ArgumentError",
    "BatchResult",
    "Engine",
    "FactsError",
    "InputFileError",
    "KamError",
    "Problem",
    "RulesetError",
    "__version__",
    "validate_account",
]

if TYPE_CHECKING:
    from kamrules.api import BatchResult, Engine
    from kamrules.errors import ArgumentError, FactsError, InputFileError, KamError, Problem, RulesetError
    from kamrules.model.account import Account
    from kamrules.model.advice import Advice
    from kamrules.model.validate import validate_account


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'kamrules' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
