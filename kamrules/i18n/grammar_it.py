"""Italian agreement: the plural form a count takes, and the article that fits the word after it
(il 12 %, l'8 %, lo stadio, l'Important Account, un'offerta, dello, dell'...).

The writer writes an article the way it reads before an ordinary consonant (`il`, `la`, `un`,
`del`...); `article` turns it into the form the next word asks for. Numbers are read as they are
spoken: 8 (otto), 11 (undici), 80-89, 800-899 and 1 (uno, un milione) begin with a vowel, so
`il` becomes `l'` before them; 1.000 (mille) does not.
"""

from __future__ import annotations

import re

# base form -> (before a consonant, before an "impure" s, z, gn, ps, pn, x, y, before a vowel).
# A form ending in an apostrophe is joined to the word without a space.
_ROWS = (
    ("il", "lo", "l'"),
    ("la", "la", "l'"),
    ("i", "gli", "gli"),
    ("le", "le", "le"),
    ("un", "uno", "un"),
    ("una", "una", "un'"),
    ("del", "dello", "dell'"),
    ("della", "della", "dell'"),
    ("dei", "degli", "degli"),
    ("delle", "delle", "delle"),
    ("al", "allo", "all'"),
    ("alla", "alla", "all'"),
    ("ai", "agli", "agli"),
    ("alle", "alle", "alle"),
    ("dal", "dallo", "dall'"),
    ("dalla", "dalla", "dall'"),
    ("dai", "dagli", "dagli"),
    ("dalle", "dalle", "dalle"),
    ("nel", "nello", "nell'"),
    ("nella", "nella", "nell'"),
    ("nei", "negli", "negli"),
    ("nelle", "nelle", "nelle"),
    ("sul", "sullo", "sull'"),
    ("sulla", "sulla", "sull'"),
    ("sui", "sugli", "sugli"),
    ("sulle", "sulle", "sulle"),
)
# Every form of a row names the row: a writer may write `lo` or `l'` as well as `il`. An elided
# form names the first row that has it (`l'` is il, `dell'` is del): a feminine word is written
# with its own article (la, della), as it reads before a consonant.
ARTICLES: dict[str, tuple[str, str, str]] = {}
for _row in _ROWS:
    for _form in _row:
        ARTICLES.setdefault(_form, _row)
AND = " e "  # before the last item of a series
VOWELS = "aeiouàèéìíòóùúAEIOUÀÈÉÌÍÒÓÙÚ"
_IMPURE = re.compile(r"(?i)(s[bcdfgklmnpqrstvwz]|z|gn|ps|pn|x|y)")
_NUMBER = re.compile(r"\d[\d.\u202f\u00a0 ]*")


def plural_form(count: float) -> str:
    """`one` for 1 (1 decisore), `other` for every other count (0 decisori, 2 decisori, 1,5 punti)."""
    return "one" if abs(count) == 1 else "other"


def sound(text: str) -> str:
    """How `text` begins when read aloud: `vowel`, `impure` (s + consonant, z, gn, ps...) or
    `consonant`. A number is read as it is spoken (8 is otto, 1.000 is mille)."""
    word = text.lstrip(" \"'«“‘(")
    if not word:
        return "consonant"
    if word[0].isdigit():
        return "vowel" if _number_starts_with_vowel(word) else "consonant"
    if word[0] in VOWELS or (word[0] in "hH" and len(word) > 1 and word[1] in VOWELS):
        return "vowel"  # l'hotel, l'home page: the h is silent
    if _IMPURE.match(word):
        return "impure"
    return "consonant"


def _number_starts_with_vowel(text: str) -> bool:
    match = _NUMBER.match(text)
    digits = re.sub(r"\D", "", match.group()) if match else ""
    # the digits before the decimal comma (the Italian thousands separator is a dot)
    whole = re.split(r",", text)[0]
    digits = re.sub(r"\D", "", whole) or digits
    value = int(digits) if digits else 0
    groups = 0
    while value >= 1000:
        value, groups = value // 1000, groups + 1
    if value == 1:
        return groups != 1  # uno, un milione, un miliardo; but mille
    return value in (8, 11) or 80 <= value <= 89 or 800 <= value <= 899


def article(base: str, text: str) -> str:
    """`text` after the article `base` in the form its first sound asks for: `il` + `8 %` is
    `l'8 %`, `il` + `stadio` is `lo stadio`, `una` + `offerta` is `un'offerta`."""
    row = ARTICLES[base]
    form = row[("consonant", "impure", "vowel").index(sound(text))]
    return form + text if form.endswith("'") else f"{form} {text}"
