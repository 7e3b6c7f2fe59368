"""The languages: one registry, one phrase catalog per language, each as complete as English."""

from __future__ import annotations

import pickle
import string

import pytest

from kamrules.i18n.catalog import catalog, phrases, texts
from kamrules.i18n.grammar import FIELD
from kamrules.i18n.languages import DEFAULT, LANGS
from kamrules.i18n.texts import Texts
from kamrules.language.spec import I18n
from kamrules.model.vocabulary import LABELS
from kamrules.plan import guide as plan_guide


def _fields(template: str) -> set[str]:
    """The values a phrase reads: a placeholder's name, without the article or the plural forms
    that make it agree (`{il weight}`, `{n|# finding|# findings}`: kamrules.i18n.grammar)."""
    plain = FIELD.sub(lambda m: "{" + m.group("name") + "}", template)
    return {name for _, name, _, _ in string.Formatter().parse(plain) if name is not None}


@pytest.mark.parametrize("lang", LANGS)
def test_each_catalog_has_every_phrase_of_english_with_the_same_placeholders(lang: str) -> None:
    english, own = catalog(DEFAULT), catalog(lang)
    assert set(own) == set(english)
    for section, table in english.items():
        # A change's action is worded in the grammatical gender of the kind of item changed, and
        # each language has its own genders (diff's action.<action>.<gender>).
        keys = {k for k in table if not k.startswith("action.")}
        assert {k for k in own[section] if not k.startswith("action.")} == keys, section
        for key in keys:
            assert own[section][key], (section, key)
            assert _fields(own[section][key]) == _fields(table[key]), (section, key)


@pytest.mark.parametrize("lang", LANGS)
def test_each_change_is_worded_in_the_gender_of_its_kind(lang: str) -> None:
    words = catalog(lang)["diff"]
    kinds = [k.removeprefix("kind.") for k in catalog(DEFAULT)["diff"] if k.startswith("kind.")]
    for kind in kinds:
        for action in ("added", "removed", "changed", "disabled"):
            assert words[f"action.{action}.{words[f'gender.{kind}']}"], (kind, action)


def test_the_yaml_texts_have_a_key_for_every_language() -> None:
    assert tuple(I18n.model_fields) == LANGS
    assert tuple(plan_guide.I18n.model_fields) == LANGS


def test_a_phrase_missing_from_a_language_or_an_unknown_language_reads_english() -> None:
    assert phrases("xx", "advice")["tier"] == "Tier"
    assert phrases("it", "advice")["tier"] == "Livello"
    assert texts("advice", "tier") == Texts("Tier", "Livello")
    assert LABELS["stage"]["cooperative"] == {"en": "cooperative", "it": "cooperativa"}


def test_texts_fall_back_to_english_then_to_any_language_and_survive_pickling() -> None:
    both = Texts("Revenue", "Fatturato")
    assert (both.get("it"), both.get("xx"), both.en, both.it) == ("Fatturato", "Revenue", "Revenue", "Fatturato")
    assert Texts(it="Fatturato").get("en") == "Fatturato"
    assert Texts(it="Fatturato").missing_langs() == ["en"]
    assert not Texts() and Texts("x") == Texts(en="x") and hash(Texts("x")) == hash(Texts(en="x"))
    assert pickle.loads(pickle.dumps(both)) == both
    with pytest.raises(TypeError, match="unknown language 'fr'"):
        Texts(fr="Chiffre")
    with pytest.raises(AttributeError):
        both.en = "x"  # type: ignore[misc]
