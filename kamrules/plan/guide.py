"""The deck's guide to the plan (guide.yaml): step titles and questions, labels, draft choices.

The file ships with the package and is read once, through the safe YAML reader, into the
models below; a broken edit of it is reported like any other file problem.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kamrules import codes
from kamrules.errors import InputFileError
from kamrules.io.files import read_text
from kamrules.io.yamlsafe import parse_document
from kamrules.model.validate import validate_model
from kamrules.plan.model import STEP_IDS, StepId

GUIDE_FILE = Path(__file__).resolve().parent / "guide.yaml"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class I18n(_Spec):
    """A text of the guide, in every language kamrules speaks (kamrules.i18n.languages)."""

    en: str
    it: str

    def get(self, lang: str) -> str:
        """The text in `lang` (English for a language kamrules does not speak)."""
        text = self.model_dump().get(lang)
        return text if isinstance(text, str) else self.en


class StepGuide(_Spec):
    number: int
    title: I18n
    questions: list[I18n]
    fields: dict[str, I18n] = Field(default_factory=dict)


# A value a candidate draws from the account: a number, a fact, a parameter, optionally scaled.
class Source(_Spec):
    fact: str | None = None
    param: str | None = None
    times: float = 1.0


class CandidateObjective(_Spec):
    title: I18n
    metric: I18n
    unit: str | None = None
    horizon: Literal["long_term", "short_term"] | None = None
    baseline: float | Source | None = None
    target: float | Source | None = None
    days: int = Field(ge=1)
    before: str | None = Field(None, description="A date fact the deadline must come before, when it is ahead.")


class CandidateAction(_Spec):
    what: I18n
    days: int = Field(ge=1)
    before: str | None = None


class Candidate(_Spec):
    objective: CandidateObjective | None = None
    action: CandidateAction | None = None


class Growth(_Spec):
    tiers: list[str]
    objective: CandidateObjective


class DmuAction(_Spec):
    roles: list[str]
    what: I18n
    days: int = Field(ge=1)


class Draft(_Spec):
    period_months: int = Field(ge=1, le=60)
    review_every_months: int = Field(ge=1, le=12)
    growth: Growth
    dmu_action: DmuAction
    warning_action: CandidateAction
    warnings: dict[str, Candidate]


class Guide(_Spec):
    kind: Literal["plan_guide"]
    steps: dict[StepId, StepGuide]
    fields: dict[str, I18n]
    vocabulary: dict[str, dict[str, I18n]]
    draft: Draft

    def step(self, step_id: str) -> StepGuide:
        return self.steps[step_id]  # type: ignore[index]

    def field_label(self, step_id: str | None, name: str, lang: str) -> str:
        """A field's label: the step's own wording first, then the shared one, else the name."""
        if step_id is not None:
            own = self.steps[step_id].fields.get(name)  # type: ignore[index]
            if own is not None:
                return own.get(lang)
        shared = self.fields.get(name)
        return shared.get(lang) if shared is not None else name

    def word(self, vocabulary: str, value: Any, lang: str) -> str:
        """The label of a value of one of the plan's closed choices (the value when unknown)."""
        entry = self.vocabulary.get(vocabulary, {}).get(str(value))
        return entry.get(lang) if entry is not None else str(value)


@functools.cache
def guide() -> Guide:
    """The guide shipped with kamrules, read and checked once."""
    text = read_text(GUIDE_FILE)
    doc = parse_document(text, "<builtin>/plan/guide.yaml")
    spec, problems = validate_model(Guide, doc.data, doc.location, family=codes.GUIDE)
    if spec is None:
        raise InputFileError("the plan guide shipped with kamrules is broken:", problems)
    missing = [s for s in STEP_IDS if s not in spec.steps]
    if missing:
        raise InputFileError(f"the plan guide shipped with kamrules lacks the steps {', '.join(missing)}")
    return spec
