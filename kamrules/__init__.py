"""kamrules: a Key Account Management advisor on declarative YAML rulesets and durable-rules.

from kamrules import Engine
engine = Engine.default()
advice = engine.advise({"id": "A1", "name": "Acme", "assessment": {...}}, lang="it")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The public names, imported on first use: `kam --help` and other light commands start without
# loading pydantic and the engine.
_PUBLIC = {
    "Account": "kamrules.model.facts",
    "Advice": "kamrules.model.advice",
    "BatchResult": "kamrules.engine.engine",
    "Engine": "kamrules.engine.engine",
    "FactsError": "kamrules.errors",
    "InputFileError": "kamrules.errors",
    "KamError": "kamrules.errors",
    "Problem": "kamrules.errors",
    "RulesetError": "kamrules.errors",
    "validate_account": "kamrules.engine.engine",
}

__all__ = [
    "Account",
    "Advice",
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
    from kamrules.engine.engine import BatchResult, Engine, validate_account
    from kamrules.errors import FactsError, InputFileError, KamError, Problem, RulesetError
    from kamrules.model.advice import Advice
    from kamrules.model.facts import Account


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'kamrules' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
