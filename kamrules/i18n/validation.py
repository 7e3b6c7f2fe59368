"""What a value failed, in kamrules' own words, in each language: pydantic's checks of a file
(a number too large, text where a number goes) worded for the person who typed the value, never
pydantic's own English ("Input should be less than or equal to 10").

`worded(kind, ctx, lang)` is the words for one pydantic error type, or None for a type kamrules
has no words of its own for (the caller then keeps pydantic's message).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kamrules.i18n.catalog import phrases

# pydantic's error types -> the phrase of the catalogs' `validation` section, and the context
# value it prints (the bound of a range).
_KINDS: dict[str, tuple[str, str | None]] = {
    "less_than_equal": ("at_most", "le"),
    "less_than": ("under", "lt"),
    "greater_than_equal": ("at_least", "ge"),
    "greater_than": ("over", "gt"),
    "float_parsing": ("number", None),
    "float_type": ("number", None),
    "int_parsing": ("whole_number", None),
    "int_type": ("whole_number", None),
    "int_from_float": ("whole_number", None),
    "finite_number": ("finite", None),
    "bool_parsing": ("yes_no", None),
    "bool_type": ("yes_no", None),
    "string_type": ("text", None),
    "date_parsing": ("date", None),
    "date_from_datetime_parsing": ("date", None),
    "date_type": ("date", None),
    "too_short": ("too_few", "min_length"),
    "too_long": ("too_many", "max_length"),
    "string_too_short": ("text_too_short", "min_length"),
    "string_too_long": ("text_too_long", "max_length"),
}


def worded(kind: str, ctx: Mapping[str, Any] | None, lang: str = "en") -> str | None:
    """What was expected of a value that failed pydantic's check `kind`, in `lang`."""
    known = _KINDS.get(kind)
    if known is None:
        return None
    key, bound = known
    words = phrases(lang, "validation")
    if bound is None:
        return words[key]
    value = (ctx or {}).get(bound)
    if value is None:
        return None
    return words.say(key, bound=value)
