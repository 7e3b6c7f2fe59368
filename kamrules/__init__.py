"""kamrules: a Key Account Management advisor on declarative YAML rulesets and durable-rules.

from kamrules import Engine
engine = Engine.default()
advice = engine.advise({"id": "A1", "name": "Acme", "assessment": {...}}, lang="it")
"""

from __future__ import annotations

from kamrules.engine.engine import BatchResult, Engine, validate_account
from kamrules.errors import FactsError, InputFileError, KamError, Problem, RulesetError
from kamrules.model.advice import Advice
from kamrules.model.facts import Account

__version__ = "0.1.0"

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
