"""English agreement: the plural form a count takes, and `a` or `an` by the sound of the next word
(an Important Account, a Key Account, an 8% share, a unique..., an MBA, a DMU)."""

from __future__ import annotations

import re

ARTICLES: dict[str, tuple[str, str]] = {"a": ("a", "an"), "an": ("a", "an")}
AND = " and "  # before the last item of a series
# Words that begin with a vowel letter but a consonant sound, and the reverse.
_YOU = re.compile(r"(?i)(uni|use|usu|uti|ure|eu|ewe|one\b|once\b|ubi)")
_SILENT_H = re.compile(r"(?i)(hour|honest|honou?r|heir)")
# Letters whose names begin with a vowel sound (an F, an MBA, an SLA).
_VOWEL_LETTERS = "AEFHILMNORSX"
_NUMBER = re.compile(r"\d[\d,]*")


def plural_form(count: float) -> str:
    """`one` for 1 (1 decider), `other` for every other count (0 deciders, 2 deciders, 1.5 points)."""
    return "one" if abs(count) == 1 else "other"


def sound(text: str) -> str:
    """`vowel` when `text` begins with a vowel sound when read aloud, else `consonant`."""
    word = text.lstrip(" \"'“‘(")
    if not word:
        return "consonant"
    if word[0].isdigit():
        return "vowel" if _number_starts_with_vowel(word) else "consonant"
    head = re.match(r"[A-Za-z]+", word)
    token = head.group() if head else word
    if len(token) > 1 and token.isupper():  # an acronym, read letter by letter
        return "vowel" if token[0] in _VOWEL_LETTERS else "consonant"
    if _SILENT_H.match(word):
        return "vowel"
    if word[0] in "aeiouAEIOU" and not _YOU.match(word):
        return "vowel"
    return "consonant"


def _number_starts_with_vowel(text: str) -> bool:
    match = _NUMBER.match(text)
    value = int(match.group().replace(",", "")) if match else 0
    while value >= 1000:
        value //= 1000
    # eight, eleven, eighteen, eighty..., eight hundred...
    return str(value).startswith("8") or value in (11, 18)


def article(base: str, text: str) -> str:
    """`text` after `a` or `an`, whichever its first sound asks for."""
    form = ARTICLES[base][1 if sound(text) == "vowel" else 0]
    return f"{form} {text}"
