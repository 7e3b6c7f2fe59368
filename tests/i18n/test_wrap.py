"""Text wrapped at spaces only (kamrules.i18n.wrap): Key-Account, 1.200.000,00 and 8 % are never cut,
and a text table's first column is never run into by its second (issue 15, contract §13)."""

from __future__ import annotations

import re

import pytest
import yaml

from kamrules import Engine
from kamrules.advice.render import render_text, two_columns
from kamrules.i18n.numbers import NBSP, money, percent
from kamrules.i18n.wrap import widest_word, wrap
from kamrules.plan.emit import plan_to_yaml
from tests.support import AS_OF, EXAMPLES


def _plain(text: str, **_: object) -> str:
    return text


def test_hyphenated_words_and_numbers_are_never_cut() -> None:
    amount = money(1200000, "it", "EUR", 2)  # 1.200.000,00 €, with a non-breaking space
    text = f"Il Key-Account vale {amount}, l'{percent(0.08, 'it', 0)} del fatturato"
    for width in range(4, 40):
        lines = wrap(text, width)
        assert " ".join(lines) == text  # nothing cut, nothing lost
        assert any("Key-Account" in line for line in lines)
        assert any(amount in line for line in lines)
        assert any(f"8{NBSP}%" in line for line in lines)


def test_a_word_longer_than_the_line_stays_whole_and_lines_respect_the_width_otherwise() -> None:
    lines = wrap("a 1.200.000.000,00 b c d e f", 6, initial_indent="  ", subsequent_indent="  ")
    assert lines == ["  a", "  1.200.000.000,00", "  b c", "  d e", "  f"]
    assert wrap("", 10) == []


def test_widest_word_parts_at_ascii_spaces_only() -> None:
    assert widest_word(["Key-Account potenziale", f"1.200{NBSP}€"]) == len("Key-Account")
    assert widest_word([f"1.200.000{NBSP}€"]) == len(f"1.200.000{NBSP}€")
    assert widest_word([]) == 0


def test_a_long_title_never_runs_into_its_text() -> None:
    title = "Pianificazione-strategica-del-Key-Account-di-lungo-periodo"  # one word of 58 characters
    rows = [(title, "testo " * 30), ("Breve", "1.200.000,00 € " * 10)]
    lines = two_columns(rows, 100, _plain)
    start = len("  ") + len(title) + len("  ")
    assert lines[0].startswith(f"  {title}  testo")
    for line in lines[1:]:
        # every text starts at the same column, after at least two spaces
        assert line[start - 2 : start] == "  " and line[start] != " "
    # the amounts are whole: ten of them, each on one line
    assert sum(line.count("1.200.000,00 €") for line in lines) == 10


@pytest.mark.parametrize("lang", ["en", "it"])
def test_narrow_advice_cuts_no_word(engine: Engine, lang: str) -> None:
    facts = yaml.safe_load((EXAMPLES / "accounts" / "strategic.yaml").read_text(encoding="utf-8"))
    advice = engine.advise(facts, as_of=AS_OF, lang=lang)
    wide = render_text([advice], engine.rulebase, width=400)
    narrow = render_text([advice], engine.rulebase, width=40)

    def words(text: str) -> set[str]:
        return set(re.split(r"[ \n]+", text))

    assert words(narrow) <= words(wide)


def test_plan_comments_cut_no_word(engine: Engine) -> None:
    from kamrules.plan.api import new_plan

    facts = yaml.safe_load((EXAMPLES / "accounts" / "strategic.yaml").read_text(encoding="utf-8"))
    plan = new_plan(facts, as_of=AS_OF, lang="it", engine=engine)
    text = plan_to_yaml(plan, drafted_on=AS_OF.isoformat())
    comments = [line.strip().removeprefix("#").strip() for line in text.splitlines() if line.strip().startswith("#")]
    # a comment line never ends with a piece of a hyphenated word or of a number
    assert not [c for c in comments if c.endswith("-") or re.search(r"\d[.,]$", c)]
