"""Text wrapped for a terminal or a text file without cutting what a reader reads as one word.

`textwrap`'s defaults cut at hyphens (`Key-` / `Account`) and cut a word longer than the line
(`1.200.0` / `00,00`). Here a line breaks at spaces only: a hyphenated word, a number with its
thousands separators and decimal comma, a path or a code stays whole, and so does a number with
its unit (`8 %`, `1.200 €`: the space between them is non-breaking, `kamrules.i18n.numbers`,
and only ASCII spaces part words). A word longer than the line is left whole on a line of its
own, longer than the rest; a column that must hold it is made as wide as `widest_word` says.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

_BREAKABLE = " \t\n\r\x0b\x0c"  # where textwrap parts words: ASCII whitespace only


def wrap(text: str, width: int, *, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """`text` as lines of at most `width` characters (indents included), broken at spaces only;
    a word longer than that stays whole. No line for an empty text, as `textwrap.wrap`."""
    return textwrap.wrap(
        text,
        max(width, 1),
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def widest_word(texts: Iterable[str]) -> int:
    """The length of the longest word of `texts`: the narrowest a column holding them can be."""
    return max((len(word) for text in texts for word in _words(text)), default=0)


def _words(text: str) -> list[str]:
    for space in _BREAKABLE[1:]:
        text = text.replace(space, " ")
    return [word for word in text.split(" ") if word]
