"""Words that agree, in every language kamrules speaks: the one place for a count's plural form
and for an article that fits the word after it. Every message goes through it: the rulesets'
templates (`kamrules.language.templates`) and kamrules' own phrases (`catalog.Phrases.say`).

Both write agreement the same way, inside a placeholder's braces:

- `{n|# decider is|# deciders are}`: the form for one, then the form for any other count; a
  third form comes first for zero (`{n|no decider|# decider|# deciders}`). `#` is the count,
  written as the placeholder would write it.
- `{an tier}`, `{il share:%}`, `{del share:%}`: an article, written as it reads before an
  ordinary consonant, then the placeholder; the article takes the form that the value's first
  sound asks for: an Important Account, l'8 %, lo stadio, dell'11 %.

Each language's rules are its own module (`grammar_en`, `grammar_it`); numbers, money, percentages
and dates are `numbers`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import ModuleType

from kamrules.i18n import grammar_en, grammar_it
from kamrules.i18n.languages import DEFAULT

_RULES: dict[str, ModuleType] = {"en": grammar_en, "it": grammar_it}

# The parts of a placeholder: an optional article and a space, a name, an optional format after a
# colon, and optional plural forms after bars. The name is a fact path or a parameter (rulesets)
# or a phrase's value (catalogs); the format is the template's (`%`, `money`) or Python's (`.1f`).


def field(formats: str) -> re.Pattern[str]:
    """The placeholder pattern whose format matches `formats` (a regular expression)."""
    return re.compile(
        r"\{(?:(?P<article>[^\W\d_]+'?) +)?(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
        r"(?::(?P<format>" + formats + r"))?(?P<forms>(?:\|[^{}|]*){1,})?\}"
    )


FIELD = field(r"[^{}|]*")  # kamrules' own phrases: Python's format specs ({percent:.1f})
COUNT = "#"  # stands for the count inside a plural form


def rules(lang: str) -> ModuleType:
    """The grammar of `lang` (English for a language kamrules does not speak)."""
    return _RULES.get(lang, _RULES[DEFAULT])


def articles(lang: str) -> frozenset[str]:
    """The articles a message in `lang` may put before a placeholder."""
    return frozenset(rules(lang).ARTICLES)


def split_forms(forms: str | None) -> tuple[str, ...]:
    """`|one|other` as its forms (`("one", "other")`); none when there are no forms."""
    return tuple(forms[1:].split("|")) if forms else ()


def forms_problem(forms: Sequence[str]) -> str | None:
    """What is wrong with a placeholder's plural forms, in words, or None."""
    if len(forms) not in (2, 3):
        return (
            f"{len(forms)} plural form{'' if len(forms) == 1 else 's'}: write two, the form for one and the form "
            "for any other count ({n|# decider|# deciders}), or three, with the form for zero first"
        )
    if any(not form.strip() for form in forms):
        return "an empty plural form: write each form, with # where the count goes"
    return None


def plural(lang: str, count: float, forms: Sequence[str], written: str) -> str:
    """The form of `forms` (one, other; or zero, one, other) that agrees with `count`, with `#`
    replaced by `written` (the count as the message writes it)."""
    if len(forms) == 3 and count == 0:
        chosen = forms[0]
    else:
        one, other = forms[-2], forms[-1]
        chosen = one if rules(lang).plural_form(count) == "one" else other
    return chosen.replace(COUNT, written)


def article(lang: str, base: str, text: str) -> str:
    """`text` after the article `base` of `lang`, in the form `text`'s first sound asks for."""
    return str(rules(lang).article(base, text))


def count_of(value: object) -> float | None:
    """The count a value stands for: a number itself, a list or mapping its length."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return float(len(value))
    return None


def series(lang: str, items: Sequence[str]) -> str:
    """Items in a sentence: `a, b and c` (`a, b e c`); when an item holds a comma itself, the
    items are parted by semicolons, so that each one stays whole."""
    if len(items) < 2:
        return "".join(items)
    if any("," in item for item in items):
        return "; ".join(items)
    conjunction: str = rules(lang).AND
    return ", ".join(items[:-1]) + conjunction + items[-1]
