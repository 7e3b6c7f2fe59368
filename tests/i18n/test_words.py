"""The words people read, in English and Italian, scanned for the mistakes of issue 15 (the checks
are tests/support/words.py): every text of the shipped rulesets and profiles, every phrase of
kamrules' own catalogs, and what the advice prints for every built-in test case and example, and
for every message template filled with a count of one, a percentage and a date that begin with a
vowel sound (8 %, 11 days, the 8th)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from kamrules import Engine
from kamrules.i18n.catalog import catalog
from kamrules.i18n.languages import LANGS
from kamrules.language.templates import parse, render
from kamrules.model.catalog import FactInfo
from tests.support import AS_OF, EXAMPLES, ROOT
from tests.support.words import problems

KNOWLEDGE = [ROOT / "rulesets", ROOT / "profiles"]


def _texts(node: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """Every (where, lang, text) of a YAML document: a mapping with a key per language."""
    if isinstance(node, dict):
        if set(LANGS) <= set(node) and all(isinstance(node[lang], str) for lang in LANGS):
            for lang in LANGS:
                yield where, lang, node[lang]
            return
        for key, value in node.items():
            yield from _texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _texts(value, f"{where}[{n}]")


def _knowledge_texts() -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for folder in KNOWLEDGE:
        for path in sorted(folder.rglob("*.yaml")):
            found += _texts(yaml.safe_load(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)))
    return found


def test_the_knowledge_texts_are_found() -> None:
    texts = _knowledge_texts()
    assert len(texts) > 400
    assert any("levers.yaml" in where and "{dmu.critics" in text for where, _, text in texts)


def test_every_text_of_the_rulesets_and_profiles_is_well_worded() -> None:
    wrong = [(where, lang, p) for where, lang, text in _knowledge_texts() for p in problems(text, lang)]
    assert wrong == []


def test_every_phrase_of_kamrules_own_catalogs_is_well_worded() -> None:
    wrong = [
        (section, key, lang, p)
        for lang in LANGS
        for section, table in catalog(lang).items()
        for key, text in table.items()
        for p in problems(text, lang)
    ]
    assert wrong == []


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted((ROOT / "rulesets" / "tests").glob("*.yaml")):
        cases += [c["facts"] for c in yaml.safe_load(path.read_text(encoding="utf-8")).get("cases", [])]
    cases += [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((EXAMPLES / "accounts").glob("*.yaml"))]
    return cases


@pytest.mark.parametrize("lang", LANGS)
def test_what_the_advice_prints_for_every_case_and_example_is_well_worded(engine: Engine, lang: str) -> None:
    wrong: list[tuple[str, str, str]] = []
    for facts in _cases():
        advice = engine.advise(facts, as_of=AS_OF, lang=lang)
        # UNDECIDED lists the input fields to fill in after its last colon, by the names the
        # input file gives them (business.revenue): what comes before is checked.
        printed = [w.message.rsplit(": ", 1)[0] if w.code == "UNDECIDED" else w.message for w in advice.warnings]
        printed += [w.title for w in advice.warnings]
        printed += [lv.why for lv in advice.levers] + [lv.label for lv in advice.levers]
        printed += list(advice.labels.values())
        for text in printed:
            wrong += [(str(facts.get("id")), text, p) for p in problems(text, lang, "output")]
    assert wrong == []


def _sample(info: FactInfo | None, fmt: str | None, count: int) -> Any:
    """A value that tests agreement: a count of `count`, 8 % (otto: l'8 %), a date on the 8th."""
    if fmt == "days":
        return AS_OF + dt.timedelta(days=count)
    if fmt == "%":
        return 0.08
    if info is None:
        return count
    kind = info.type.kind
    if kind == "date":
        return dt.date(2027, 3, 8)
    if kind == "choice" and info.type.values:
        return sorted(info.type.values)[0]
    if kind == "list":  # an item with a label if the list has any (information.missing)
        return [sorted(info.labels)[0] if info.labels else "quality"] * count
    if kind == "mapping":
        return dict.fromkeys([f"k{n}" for n in range(count)], 1)
    if kind == "number":
        return count
    return "Rossi S.p.A."


@pytest.mark.parametrize("count", [1, 2, 11])
@pytest.mark.parametrize("lang", LANGS)
def test_every_message_template_filled_agrees_with_its_values(engine: Engine, lang: str, count: int) -> None:
    rb = engine.rulebase
    templates = [r.warn.message for r in rb.rules if r.warn] + [p.why for r in rb.rules for p in r.levers]
    assert len(templates) > 40

    def label(name: str, value: Any) -> str:
        info = rb.facts.get(name)
        labels = info.labels.get(value) if info is not None and isinstance(value, str) else None
        return (labels or {}).get(lang) or str(value)

    wrong: list[tuple[str, str]] = []
    for texts in templates:
        template = texts.get(lang)
        values = {p.name: _sample(rb.facts.get(p.name), p.format, count) for p in parse(template)}
        for p in parse(template):
            if p.name in rb.params:
                values[p.name] = count if rb.params[p.name].type in ("integer", "days", "number") else 0.08
        text = render(template, values.__getitem__, label, AS_OF, lang)
        wrong += [(text, p) for p in problems(text, lang, "output")]
    assert wrong == []
