"""The closed vocabularies of the account facts (docs/contract.md §2), with their labels in each language.

The identifiers are part of the public contract. The labels are what messages print when a
warning template names one of these facts (`{relationship.stage}` prints "cooperative" in
English, "cooperativa" in Italian).
"""

from __future__ import annotations

from typing import Final, Literal

from kamrules.i18n.catalog import catalog, phrases
from kamrules.i18n.languages import DEFAULT, LANGS

Stage = Literal["exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating"]
Level = Literal["low", "medium", "high"]
DmuRole = Literal["decider", "influencer", "user", "buyer", "gatekeeper"]
Attitude = Literal["sponsor", "supporter", "neutral", "critic"]
ProfileId = Literal["strategic", "status", "star", "opportunity"]
Severity = Literal["info", "low", "medium", "high"]

SEVERITY_ORDER: Final[dict[str, int]] = {"info": 0, "low": 1, "medium": 2, "high": 3}

# Labels of the input vocabularies, from the phrase catalogs (their `labels.<kind>` sections):
# kind -> value -> {lang: label}. The relationship stages are those of the KAM relational
# development model (Millman & Wilson; McDonald, Millman & Rogers), docs/domain.md §10.
LABEL_KINDS: Final[tuple[str, ...]] = ("stage", "level", "role", "attitude", "profile", "severity", "criterion")
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    kind: {
        value: {lang: phrases(lang, f"labels.{kind}")[value] for lang in LANGS}
        for value in catalog(DEFAULT)[f"labels.{kind}"]
    }
    for kind in LABEL_KINDS
}
