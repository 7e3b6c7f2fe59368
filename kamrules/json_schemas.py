"""JSON Schemas of the account facts, the advice and the knowledge files, from the models."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from kamrules.language import spec as S
from kamrules.model.account import Account
from kamrules.model.advice import Advice

KnowledgeFile = Annotated[
    Union[  # noqa: UP007 - a discriminated union reads better spelled out
        S.ManifestFile, S.RulesetFile, S.OverridesFile, S.ProfileFile, S.StrategiesFile, S.CasesFile
    ],
    Field(discriminator="kind"),
]

_TITLES = {
    "account": "kamrules account facts",
    "advice": "kamrules advice",
    "ruleset": "kamrules knowledge file (manifest, ruleset, overrides, profile, strategies, tests)",
    "profile": "kamrules customer profile",
    "plan": "kamrules Key Account Development Plan",
}


def schema_of(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `kind`: account, advice, ruleset, profile or plan."""
    if kind == "account":
        schema = Account.model_json_schema()
    elif kind == "advice":
        schema = Advice.model_json_schema(mode="serialization")
    elif kind == "ruleset":
        schema = TypeAdapter(KnowledgeFile).json_schema()
    elif kind == "profile":
        schema = S.ProfileFile.model_json_schema()
    elif kind == "plan":
        from kamrules.plan.model import Plan

        schema = Plan.model_json_schema()
    else:
        raise ValueError(f"unknown schema {kind!r}")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": _TITLES[kind]}
