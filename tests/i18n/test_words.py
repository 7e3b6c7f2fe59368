"""The words people read, in English and Italian, scanned for the mistakes of issue 15 (the checks
are tests/support/words.py): every text of the shipped rulesets and profiles, every phrase of
kamrules' own catalogs, and what the advice prints for every built-in test case and example, and
for every message template filled with a count of one, a percentage and a date that begin with a
vowel sound (8 %, 11 days, the 8th). The problems' own words (kamrules.i18n.problem_phrases) are
scanned too, in both languages, with the same placeholders in each, and each English template
reads back the message it writes (which is how kam words a problem in Italian)."""

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


# -- The problems' own words (kamrules.i18n.problem_phrases), as kam prints them on standard error --


def _problem_tables() -> list[tuple[str, str, dict[str, str]]]:
    from kamrules.i18n.problem_phrases import PHRASES, WORDS

    return [("PHRASES", key, phrase) for key, phrase in PHRASES.items()] + [
        ("WORDS", key, phrase) for key, phrase in WORDS.items()
    ]


def _names(template: str) -> list[str]:
    from kamrules.i18n.grammar import FIELD

    return sorted(m.group("name") for m in FIELD.finditer(template))


def _problem_sample(template: str, count: int, lang: str) -> dict[str, Any]:
    """Values for a problem phrase: `count` where there are plural forms, a nested phrase in
    `lang` for `{expected}`, a quoted value elsewhere (as the library quotes what it found)."""
    from kamrules.i18n.catalog import phrases
    from kamrules.i18n.grammar import FIELD
    from kamrules.i18n.problem_phrases import NESTED

    values: dict[str, Any] = {}
    for m in FIELD.finditer(template):
        name = m.group("name")
        if name in NESTED:
            values[name] = phrases(lang, NESTED[name]).say("too_few", bound=count)
        elif m.group("forms") or name in ("n", "row", "size", "limit", "offset"):
            values[name] = count
        else:
            values[name] = f"'{name}8'"
    return values


def test_every_problem_phrase_is_in_every_language_with_the_same_placeholders() -> None:
    from kamrules.i18n.grammar import FIELD

    wrong = []
    for table, key, phrase in _problem_tables():
        if set(phrase) != set(LANGS):
            wrong.append((table, key, "languages", sorted(phrase)))
            continue
        names = {lang: _names(phrase[lang]) for lang in LANGS}
        if any(names[lang] != names["en"] for lang in LANGS):
            wrong.append((table, key, "placeholders", names))
        # said reads the values back by name: a name must be a plain identifier, written once
        if any("." in n for n in names["en"]) or len(set(names["en"])) != len(names["en"]):
            wrong.append((table, key, "names", names["en"]))
        if any(m.group("article") for m in FIELD.finditer(phrase["en"])):
            wrong.append((table, key, "an article in the English template, which said cannot read back", ""))
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_problem_phrase_is_well_worded(lang: str) -> None:
    wrong = [(table, key, p) for table, key, phrase in _problem_tables() for p in problems(phrase[lang], lang)]
    assert wrong == []


@pytest.mark.parametrize("count", [1, 2, 11])
@pytest.mark.parametrize("lang", LANGS)
def test_every_problem_phrase_filled_agrees_with_its_values(lang: str, count: int) -> None:
    from kamrules.i18n.say import fill

    wrong = []
    for table, key, phrase in _problem_tables():
        text = fill(phrase[lang], lang, _problem_sample(phrase["en"], count, lang))
        wrong += [(table, key, text, p) for p in problems(text, lang, "output")]
    assert wrong == []


@pytest.mark.parametrize("count", [1, 2, 11])
def test_every_problem_is_reworded_from_the_english_the_library_writes(count: int) -> None:
    """What the English template writes, said in each language, is that language's template
    filled with the same values: every English template reads its own message back."""
    from kamrules.errors import Problem
    from kamrules.i18n.problem_phrases import PHRASES, WORDS
    from kamrules.i18n.problem_words import heading, said
    from kamrules.i18n.say import fill

    wrong = []
    for lang in LANGS:
        for key, phrase in PHRASES.items():
            english = fill(phrase["en"], "en", _problem_sample(phrase["en"], count, "en"))
            expected = fill(phrase[lang], lang, _problem_sample(phrase["en"], count, lang))
            got = said(Problem(key.split(".")[0], english), lang)
            if got != expected:
                wrong.append((lang, key, got, expected))
        for key in (k for k in WORDS if k.startswith("head.")):
            english = fill(WORDS[key]["en"], "en", _problem_sample(WORDS[key]["en"], count, "en"))
            expected = fill(WORDS[key][lang], lang, _problem_sample(WORDS[key]["en"], count, lang))
            if heading(english, lang) != expected:
                wrong.append((lang, key, heading(english, lang), expected))
    assert wrong == []
