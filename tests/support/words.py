"""The mistakes of words issue 15 found in what people read, as checks a test can run on any text:
a count that does not agree with its noun ("1 decider(s)", "1 decisori"), an article that does not
fit the word after it ("a Important Account", "il 8 %"), an article written outside a placeholder
(where kamrules cannot make it agree), an id or a fact path in a sentence ("score_disagreement",
"information.missing"), English words in Italian text outside the deck's glossary.

`problems(text, lang, kind)` lists what is wrong with one text: `kind` is "template" for a text
with placeholders as a ruleset or a catalog writes it, "output" for a text kamrules printed.
"""

from __future__ import annotations

import re

from kamrules.i18n.grammar import FIELD

# Plural hacks: decider(s), account(s), rilievo/i, critico/a.
_PLURAL_HACK = re.compile(r"\w\((?:s|es|i|e|a)\)|\w/(?:i|e|a|o)\b")
# An article written before a placeholder: kamrules cannot make it agree with the value.
_ARTICLE_OUTSIDE = {
    "en": re.compile(r"(?<![\w'])(?:a|an)\s+\{(?!\w+\s)"),
    "it": re.compile(
        r"(?i)(?<![\w'])(?:il|lo|la|l'|i|gli|le|un|uno|una|un'|"
        r"(?:de|ne|da|a)(?:l|llo|lla|ll'|i|gli|lle)|su(?:l|llo|lla|ll'|i|gli|lle))"
        r"\s*\{(?!\w+'?\s)"
    ),
}
# Articles before a word they do not fit (in kamrules' own words and in what it printed).
_WRONG_ARTICLE = {
    "en": [
        # `a` before a vowel sound: a Important, a 8%, a 11-day..., not a unique / a one-off / a user
        re.compile(r"(?<![\w'.-])a\s+(?!u[nst]|use|one\b|once\b|eu|U[A-Z])(?=[aeiouAEIOU]|8|11\b|18\b)"),
        re.compile(r"(?<![\w'.-])an\s+(?=[bcdfgjklmnpqrstvwxyz])(?!hour|honest|heir)"),
    ],
    "it": [
        re.compile(r"(?i)(?<![\w'])(?:il|del|al|nel|sul|dal)\s+(?=[aeiouàèéìòù]\w|8|11\b|8\d\b)"),
        # (una before a one-letter word is a pronoun: "pianificarne una e indicarlo")
        re.compile(r"(?i)(?<![\w'])(?:la|della|alla|nella|sulla|dalla|una)\s+(?=[aeiouàèéìòù]\w|8|11\b|8\d\b)"),
        re.compile(r"(?i)(?<![\w'])(?:il|del|al|nel|sul|dal)\s+(?=s[bcdfgklmnpqrtvz]|z|gn|ps)"),
    ],
}
# A count of one before a plural noun: 1 days, 1 decisori (not "1 is", "1 of", "1 account").
_ONE_PLURAL = {
    "en": re.compile(r"(?<![\d.,])\b1\s+(?!is\b|was\b|has\b|this\b|its\b|us\b|does\b|plus\b)([a-z]+s)\b"),
    "it": re.compile(r"(?<![\d.,])\b1\s+(?!di\b|dei\b|sui\b|tra\b|fai\b|poi\b)([a-z]+i)\b"),
}
# A number printed by a placeholder then a noun, with no plural forms to agree: {n} days.
_COUNT_THEN_NOUN = re.compile(r"\{(?:\w+'?\s+)?[\w.]+:(?:int|days)\}\s+[a-zà-ù]")
# Ids and fact paths in a sentence: score_disagreement, information.missing.
_ID = re.compile(r"(?<![\w/{.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/.(])")
_PATH = re.compile(r"(?<![\w/{.@])(?:[a-z]+_)*[a-z]+\.[a-z]+(?:_[a-z]+)+\b(?![(/])")
# Unambiguously English words: any of them in Italian text, outside the glossary, is a leak.
_ENGLISH_WORDS = """
the and of is are with for by on at which who its their this that from not has have will should would than
when where what why how our we they be been was were or but if any each every none missing price quality
delivery supply security revenue customers supplier suppliers
"""
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
# The deck's own terms, which the Italian deck writes in English (docs/domain.md): kept as they are.
GLOSSARY = (
    "Return on investment",
    "Lifetime value",
    "Value based",
    "Market based",
    "Preferred customer",
    "Business strategy",
    "Key Account Development Plan",
    "Key supplier",
    "security of supply",
    "win-win",
    "know-how",
    "supplier strategico",
)
_GLOSSARY = re.compile("|".join(re.escape(g) for g in GLOSSARY), re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")  # a quotation is kept as written


def _prose(text: str) -> str:
    """The text without its placeholders, its quotations and its parenthesised code/file names."""
    text = FIELD.sub(" ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\b[\w-]+/[\w/.-]+\.(?:yaml|md|py)\b", " ", text)  # a file: rulesets/x.yaml
    return _yaml_keys(text)


def _yaml_keys(text: str) -> str:
    """The text without the fields of a file it names for its reader to fill in, such as `(what:)`,
    `(horizon: long_term)`, `no as_of:`: they are written as the file writes them."""
    text = re.sub(r"\(\s*[\w.]+:\s*[\w.]*\s*\)", " ◦ ", text)
    text = re.sub(r"\b\w*_[\w.]*:(?=[\s).,;]|$)", " ◦ ", text)
    return re.sub(r"\b[\w.]+:(?=[).,;]|$)", " ◦ ", text)


def problems(text: str, lang: str, kind: str = "template") -> list[str]:
    """What is wrong with the words of `text` in `lang` (empty if nothing)."""
    found: list[str] = []
    if re.fullmatch(r"[a-z_]+", text):  # a field's own name, shown as such (diff's hit_policy)
        return found
    prose = _prose(text) if kind == "template" else _yaml_keys(text)
    found += [f"plural hack {m.group()!r}" for m in _PLURAL_HACK.finditer(prose)]
    if kind == "template":
        outside = _ARTICLE_OUTSIDE.get(lang)
        if outside is not None:
            found += [f"article outside its placeholder: {m.group()!r}" for m in outside.finditer(text)]
        found += [f"a count and a noun without plural forms: {m.group()!r}" for m in _COUNT_THEN_NOUN.finditer(text)]
    for pattern in _WRONG_ARTICLE.get(lang, []):
        found += [f"article that does not fit: {prose[m.start() : m.end() + 12]!r}" for m in pattern.finditer(prose)]
    one = _ONE_PLURAL.get(lang)
    if one is not None and kind == "output":
        found += [f"one and a plural: {m.group()!r}" for m in one.finditer(prose)]
    found += [f"an id in a sentence: {m.group()!r}" for m in _ID.finditer(prose)]
    found += [f"a fact path in a sentence: {m.group()!r}" for m in _PATH.finditer(prose)]
    if lang == "it":
        plain = _GLOSSARY.sub(" ", _QUOTED.sub(" ", prose))
        # (a word in capitals is a code or an acronym: LOYAL_NOT_KEY, DMU)
        words = re.findall(r"[a-zA-Z']+", re.sub(r"\b[A-Z][A-Z0-9_]+\b", " ", plain))
        english = sorted({w for w in words if w.lower() in _ENGLISH})
        found += [f"English in Italian text: {w!r}" for w in english]
    return found
