"""A problem in the words of the person reading it: `said(problem, lang)`.

A problem's `message` is English and stays so: scripts, JSON and the HTTP service read it, and it
crosses process boundaries and spool files as text (contract §5). What a person reads on a
terminal follows `--lang`: the problem's English template in `problem_phrases.PHRASES` reads the
values back from the message, and the template of the reader's language is filled with them,
plural forms and articles agreeing and numbers written the language's way (`kamrules.i18n.say`).
A message no template matches (a new wording, pydantic's own words) is shown as it is, in
English: never half-translated, never a wrong sentence.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping
from typing import Any, Protocol

from kamrules.errors import ParameterNames, Problem
from kamrules.i18n import grammar
from kamrules.i18n.catalog import phrases
from kamrules.i18n.languages import DEFAULT
from kamrules.i18n.problem_phrases import NESTED, PHRASES, WORDS, Phrase
from kamrules.i18n.say import fill


class Worded(Protocol):
    """What `said` reads of a problem: a `Problem`, or a portfolio's `RowProblem`."""

    @property
    def code(self) -> str: ...

    @property
    def message(self) -> str: ...

    @property
    def parameter(self) -> str | None: ...


_PARAMETER = "{parameter}"  # where the library leaves the parameter's name for the front end
_COUNT = r"-?\d[\d,.\u202f]*"
# The did-you-mean a portfolio row's message already carries (kamrules.portfolio.prepare).
_DID_YOU_MEAN = re.compile(r"^(?P<message>.*) \(did you mean (?P<name>.+)\?\)$", re.DOTALL)


def said(problem: Worded, lang: str, name_of: ParameterNames | None = None) -> str:
    """What `problem` says, with its did-you-mean, in `lang`; its parameter named by `name_of`."""
    message, suggestion = problem.message, problem.suggestion if isinstance(problem, Problem) else None
    if suggestion is None and (tail := _DID_YOU_MEAN.match(message)):
        message, suggestion = tail.group("message"), tail.group("name")
    text = message if lang == DEFAULT else _reworded(problem.code, message, lang)
    if suggestion:
        text += f" ({words('did_you_mean', lang, name=suggestion)})"
    if problem.parameter is not None:
        name = name_of(problem.parameter) if name_of is not None else problem.parameter
        text = text.replace(_PARAMETER, name, 1)  # the first: the library writes it before any value
    return text


def heading(text: str, lang: str) -> str:
    """An error's heading (`account 'A1' has invalid facts:`) in `lang`; as it is if unknown."""
    if lang == DEFAULT or not text:
        return text
    return _matched(((key, WORDS[key]) for key in WORDS if key.startswith("head.")), text, lang) or text


def words(key: str, lang: str, **values: Any) -> str:
    """The words `key` of `problem_phrases.WORDS` in `lang`, filled with `values`."""
    phrase = WORDS[key]
    return fill(phrase.get(lang) or phrase[DEFAULT], lang, values)


def _reworded(code: str, message: str, lang: str) -> str:
    candidates = ((key, phrase) for key, phrase in PHRASES.items() if key == code or key.startswith(f"{code}."))
    return _matched(candidates, message, lang) or message


def _matched(candidates: Any, english: str, lang: str) -> str | None:
    """`english` reworded in `lang` by the candidate whose English template matches it (the one
    with the most words of its own when several do: `unknown field 'x'; allowed here: ...` is
    the longer wording's, not `unknown field {name}` with a long name)."""
    best: tuple[int, Phrase, dict[str, Any]] | None = None
    for _key, phrase in candidates:
        for pattern, weight in _patterns(phrase[DEFAULT]):
            found = pattern.fullmatch(english)
            if found is None or (best is not None and weight <= best[0]):
                continue
            values = _values(found.groupdict(), lang)
            if values is not None:
                best = (weight, phrase, values)
    if best is None:
        return None
    _weight, phrase, values = best
    template = phrase.get(lang)
    return fill(template, lang, values) if template else None


def _values(found: Mapping[str, str | None], lang: str) -> dict[str, Any] | None:
    """The values read back from an English message, as the reader's template takes them: a
    bare number as a number (written the language's way), a nested phrase reworded. None when a
    nested phrase has no words in `lang` (pydantic's own English): the message then stays
    English as a whole, rather than half in one language and half in the other."""
    values: dict[str, Any] = {}
    for name, text in found.items():
        if name in NESTED and text is not None:
            nested = _nested(NESTED[name], text, lang)
            if nested is None:
                return None
            values[name] = nested
        else:
            values[name] = 0 if text is None else _number(text)  # a zero form without its count
    return values


def _number(text: str) -> Any:
    """`3` as 3, `1.5` as 1.5 (written 1,5 in Italian); anything else, quoted values included, as
    written."""
    if re.fullmatch(r"-?\d{1,15}", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def _nested(section: str, english: str, lang: str) -> str | None:
    english_phrases = phrases(DEFAULT, section)
    own = phrases(lang, section)
    candidates = ((key, {DEFAULT: english_phrases[key], lang: own[key]}) for key in english_phrases)
    return _matched(candidates, english, lang)


@functools.cache
def _patterns(template: str) -> tuple[tuple[re.Pattern[str], int], ...]:
    """The regular expressions that match what `template` writes, one per choice of its plural
    forms, each with the number of characters of its own words (how specific it is)."""
    parts: list[list[tuple[str, int]]] = []  # each part's choices: (regex, characters of its own)
    names: set[str] = set()
    last = 0
    for field in grammar.FIELD.finditer(template):
        literal = template[last : field.start()]
        parts.append([(re.escape(literal), len(literal))])
        name = field.group("name").replace(".", "_")
        forms = grammar.split_forms(field.group("forms"))
        group = f"(?P={name})" if name in names else f"(?P<{name}>{_COUNT if forms else '.+?'})"
        names.add(name)
        if forms:
            parts.append([_form(form, group) for form in forms])
        else:
            parts.append([(group, 0)])
        last = field.end()
    tail = template[last:]
    parts.append([(re.escape(tail), len(tail))])
    return tuple(
        (re.compile("".join(regex for regex, _ in choice), re.DOTALL), sum(size for _, size in choice))
        for choice in itertools.product(*parts)
    )


def _form(form: str, group: str) -> tuple[str, int]:
    """One plural form as a regular expression: `#` is the count; a form without one (`no
    decider`, for zero) matches its words alone."""
    if grammar.COUNT not in form:
        return re.escape(form), len(form)
    head, _, rest = form.partition(grammar.COUNT)
    return re.escape(head) + group + re.escape(rest), len(head) + len(rest)
