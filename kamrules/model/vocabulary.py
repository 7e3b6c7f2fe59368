"""The closed vocabularies of the account facts (CONTRACT.md §2), with their labels in en and it.

The identifiers are part of the public contract. The labels are what messages print when a
warning template names one of these facts (`{relationship.stage}` prints "cooperative" in
English, "cooperativa" in Italian).
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["en", "it"]
LANGS: Final[tuple[Lang, ...]] = ("en", "it")

Stage = Literal["exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating"]
Level = Literal["low", "medium", "high"]
DmuRole = Literal["decider", "influencer", "user", "buyer", "gatekeeper"]
Attitude = Literal["sponsor", "supporter", "neutral", "critic"]
ProfileId = Literal["strategic", "status", "star", "opportunity"]
Severity = Literal["info", "low", "medium", "high"]

SEVERITY_ORDER: Final[dict[str, int]] = {"info": 0, "low": 1, "medium": 2, "high": 3}

# Labels of the input vocabularies. The relationship stages are those of the KAM relational
# development model (Millman & Wilson; McDonald, Millman & Rogers), DOMAIN.md §10.
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "stage": {
        "exploratory": {"en": "exploratory", "it": "esplorativa"},
        "basic": {"en": "basic", "it": "di base"},
        "cooperative": {"en": "cooperative", "it": "cooperativa"},
        "interdependent": {"en": "interdependent", "it": "interdipendente"},
        "integrated": {"en": "integrated", "it": "integrata"},
        "disintegrating": {"en": "disintegrating", "it": "in disgregazione"},
    },
    "level": {
        "low": {"en": "low", "it": "bassa"},
        "medium": {"en": "medium", "it": "media"},
        "high": {"en": "high", "it": "alta"},
    },
    "role": {
        "decider": {"en": "decider", "it": "decisore"},
        "influencer": {"en": "influencer", "it": "influenzatore"},
        "user": {"en": "user", "it": "utilizzatore"},
        "buyer": {"en": "buyer", "it": "acquirente"},
        "gatekeeper": {"en": "gatekeeper", "it": "filtro"},
    },
    "attitude": {
        "sponsor": {"en": "sponsor", "it": "sponsor"},
        "supporter": {"en": "supporter", "it": "sostenitore"},
        "neutral": {"en": "neutral", "it": "neutrale"},
        "critic": {"en": "critic", "it": "critico"},
    },
    "profile": {
        "strategic": {"en": "strategic", "it": "strategic"},
        "status": {"en": "status", "it": "status"},
        "star": {"en": "star", "it": "star"},
        "opportunity": {"en": "opportunity", "it": "opportunity"},
    },
    "severity": {
        "info": {"en": "info", "it": "informazione"},
        "low": {"en": "low", "it": "bassa"},
        "medium": {"en": "medium", "it": "media"},
        "high": {"en": "high", "it": "alta"},
    },
}
