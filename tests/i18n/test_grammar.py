"""Words that agree (kamrules.i18n.grammar): plural forms, articles, numbers and dates in a
language's way, in the rulesets' templates and kamrules' own phrases; and every new construct of
a template checked when the files load (KR045, KR046)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kamrules import KamError
from kamrules.i18n import grammar
from kamrules.i18n.catalog import phrases
from kamrules.i18n.validation import worded
from kamrules.language.templates import malformed_placeholders, parse, render
from tests.language.test_language import MANIFEST, VERDICT, rule_base
from tests.support import AS_OF


def _render(template: str, lang: str, **values: Any) -> str:
    return render(template, values.__getitem__, lambda _n, v: str(v), AS_OF, lang)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Important Account", "an Important Account"),
        ("Key Account", "a Key Account"),
        ("8%", "an 8%"),
        ("11 days", "an 11 days"),
        ("18", "an 18"),
        ("unique offer", "a unique offer"),
        ("hour", "an hour"),
        ("MBA", "an MBA"),
        ("DMU", "a DMU"),
        ("1,200", "a 1,200"),
        ("80,000", "an 80,000"),
    ],
)
def test_english_a_or_an_by_the_sound_of_the_next_word(text: str, expected: str) -> None:
    assert grammar.article("en", "a", text) == expected
    assert grammar.article("en", "an", text) == expected


@pytest.mark.parametrize(
    ("base", "text", "expected"),
    [
        ("il", "8\u00a0%", "l'8\u00a0%"),
        ("il", "12\u00a0%", "il 12\u00a0%"),
        ("il", "11\u00a0%", "l'11\u00a0%"),
        ("il", "80\u00a0%", "l'80\u00a0%"),
        ("il", "1.000", "il 1.000"),
        ("il", "1\u00a0%", "l'1\u00a0%"),
        ("il", "stadio", "lo stadio"),
        ("il", "Important Account", "l'Important Account"),
        ("del", "8\u00a0%", "dell'8\u00a0%"),
        ("del", "15\u00a0%", "del 15\u00a0%"),
        ("al", "08/03/2027", "all'08/03/2027"),
        ("dal", "27/11/2026", "dal 27/11/2026"),
        ("una", "offerta", "un'offerta"),
        ("un", "zaino", "uno zaino"),
        ("i", "Key Account", "i Key Account"),
        ("sui", "11", "sugli 11"),
        ("l'", "contratto", "il contratto"),  # l' stands for il: a feminine word is written with la
        ("la", "offerta", "l'offerta"),
    ],
)
def test_italian_articles_take_the_form_the_next_word_asks_for(base: str, text: str, expected: str) -> None:
    assert grammar.article("it", base, text) == expected


def test_plural_forms_agree_with_the_count_in_both_languages() -> None:
    template = {"en": "{n|# decider is|# deciders are} critics", "it": "{n|# decisore è|# decisori sono} critici"}
    assert _render(template["en"], "en", n=1) == "1 decider is critics"
    assert _render(template["en"], "en", n=2) == "2 deciders are critics"
    assert _render(template["en"], "en", n=0) == "0 deciders are critics"
    assert _render(template["it"], "it", n=1) == "1 decisore è critici"
    assert _render(template["it"], "it", n=3) == "3 decisori sono critici"
    assert _render("{n|nobody|# critic|# critics}", "en", n=0) == "nobody"
    assert _render("{n|nobody|# critic|# critics}", "en", n=1) == "1 critic"
    # a list counts its items, and # prints the list
    assert _render("{xs|the criterion #|the criteria #}", "en", xs=["price"]) == "the criterion price"
    assert _render("{xs|the criterion #|the criteria #}", "it", xs=["a", "b", "c"]) == "the criteria a, b e c"
    # a date printed :days counts the days; a number printed :int counts as printed
    in_one_day = AS_OF + dt.timedelta(days=1)
    assert _render("in {d:days|# day|# days}", "en", d=in_one_day) == "in 1 day"
    assert _render("{y:int|# year|# years}", "en", y=1.4) == "1 year"


def test_articles_and_numbers_in_a_template_italian_way() -> None:
    it = "Servire l'account costa {il c:%} del fatturato; al massimo {il m:%}; scade {il d}."
    values = {"c": 0.08, "m": 0.125, "d": dt.date(2027, 3, 8)}
    assert _render(it, "it", **values) == (
        "Servire l'account costa l'8\u00a0% del fatturato; al massimo il 12,5\u00a0%; scade l'08/03/2027."
    )
    assert _render("{an t} with {x:money}", "en", t="Important Account", x=1200000.5) == (
        "an Important Account with 1,200,000.50"
    )
    assert _render("{x:money}", "it", x=1200000) == "1.200.000"


def test_kamrules_own_phrases_agree_and_write_dates_and_numbers_in_the_language() -> None:
    assert phrases("it", "toolkit").say("lint_summary", n=1, detail="1 bassa") == "1 rilievo: 1 bassa"
    assert phrases("it", "toolkit").say("lint_summary", n=2, detail="x") == "2 rilievi: x"
    assert phrases("en", "toolkit").say("lint_summary", n=1, detail="x") == "1 finding: x"
    assert phrases("it", "toolkit").say("as_of", date=dt.date(2026, 11, 8)) == "all'08/11/2026"
    assert phrases("it", "toolkit").say("as_of", date=AS_OF) == "al 27/11/2026"
    assert phrases("en", "toolkit").say("as_of", date=AS_OF) == "as of 2026-11-27"


def test_validation_in_kamrules_own_words_in_both_languages() -> None:
    assert worded("less_than_equal", {"le": 10}, "en") == "the most it can be is 10"
    assert worded("less_than_equal", {"le": 10}, "it") == "il valore massimo ammesso è 10"
    # the verb agrees with the count as well as the noun: serve 1 elemento, servono 2 elementi
    assert worded("too_short", {"min_length": 1}, "it") == "serve almeno 1 elemento"
    assert worded("too_short", {"min_length": 2}, "it") == "servono almeno 2 elementi"
    assert worded("float_parsing", None, "en") == "a number is expected here (such as 1200000 or 0.25)"
    assert worded("some_new_pydantic_error", None, "en") is None


def test_the_placeholder_syntax_is_parsed_and_str_format_refused() -> None:
    (p,) = parse("{il ratios.cost_to_serve:%|# x|# xs}")
    assert (p.article, p.name, p.format, p.forms) == ("il", "ratios.cost_to_serve", "%", ("# x", "# xs"))
    assert malformed_placeholders("{tier:>10} {0.__globals__} {} {n!r}") == [
        "{tier:>10}",
        "{0.__globals__}",
        "{}",
        "{n!r}",
    ]
    assert malformed_placeholders("{an tier} {n|# a|# b}") == []


WARNING = (
    VERDICT
    + """
warnings:
  WORDS: {severity: low, title: {en: "Words", it: "Parole"}}
rules:
  - id: words
    when: {business.revenue: "> 0"}
    then:
      set: {verdict: "yes"}
      warn:
        code: WORDS
        message: {en: "EN", it: "IT"}
"""
)


@pytest.mark.parametrize(
    ("en", "it", "code", "words"),
    [
        ("{the tier}", "{il tier}", "KR045", "'the' is not an article of this language (en)"),
        ("{an relationship.stage}", "{lo relationship.stage}", None, None),
        ("{a relationship.stage}", "{gli relationship.stage}", None, None),
        ("{an tier}", "{el tier}", "KR045", "'el' is not an article of this language (it)"),
        ("{business.revenue|# a}", "x", "KR046", "1 plural form: write two"),
        ("{business.revenue|# a|# b|# c|# d}", "x", "KR046", "4 plural forms"),
        ("{business.revenue|# a| }", "x", "KR046", "an empty plural form"),
        ("{relationship.stage|# s|# ss}", "x", "KR046", "relationship.stage is not a number or a list"),
        ("{business.contract_end:days|# day|# days}", "x", None, None),
        ("{business.revenue:money|# euro|# euros}", "{business.revenue:money|# euro|# euro}", None, None),
    ],
)
def test_every_new_template_construct_is_checked_when_the_files_load(
    tmp_path: Path, en: str, it: str, code: str | None, words: str | None
) -> None:
    if code is None:
        rule_base(tmp_path, WARNING.replace("EN", en).replace("IT", it))
        return
    with pytest.raises(KamError) as caught:
        rule_base(tmp_path, WARNING.replace("EN", en).replace("IT", it))
    rendered = caught.value.render()
    assert code in rendered and words in rendered, rendered


def test_the_manifest_of_the_loader_tests_is_reused() -> None:
    assert "kind: manifest" in MANIFEST
