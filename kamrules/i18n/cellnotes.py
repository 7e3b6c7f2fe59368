"""The notes on how a file's numbers and dates were read (`kamrules.model.cellformats`), worded
in a language from the catalogs' `cellnotes` section.

A note travels as data (a phrase key and its values, from worker processes and cluster workers
alike) and is worded where it is shown: in English for its `message`, in the `--lang` language
on standard error. Its values are plain: counts, an example cell as (row, column, quoted text),
a decimal mark (`.` or `,`), a date order (`dmy`, `mdy`), and a flag for the optional tail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kamrules.errors import Note, ParameterNames
from kamrules.i18n.catalog import phrases

# Values named so are worded by a phrase of their own: the mark, the order, the reason.
_LOOKED_UP = {"mark": "mark", "other_mark": "mark", "order": "order", "why": "why"}


def worded(key: str, values: Iterable[tuple[str, Any]], lang: str, parameter: str) -> str:
    """The note `key` in `lang`, `parameter` being the option (or column map key) that decides
    otherwise, as the caller names it."""
    words = phrases(lang, "cellnotes")
    filled: dict[str, Any] = {"parameter": parameter}
    for name, value in values:
        if isinstance(value, tuple):  # an example cell
            row, column, text = value
            filled[name] = words.say("example", row=row, column=column, text=text)
        elif name in _LOOKED_UP:
            filled[name] = words[f"{_LOOKED_UP[name]}.{value}"]
        elif name == "tail":
            filled[name] = words[f"{key}.tail"] if value else ""
        else:
            filled[name] = value
    return words.say(key, **filled)


def note_text(note: Note, name_of: ParameterNames | None = None, lang: str = "en") -> str:
    """`note` as shown to a person in `lang` (its parameter named by `name_of`); English, and a
    note without a phrase key, as its message says it."""
    if note.key is None or lang == "en":
        return note.text(name_of)
    name = "" if note.parameter is None else name_of(note.parameter) if name_of else note.parameter
    text = worded(note.key, note.values, lang, name)
    return text if note.source is None else f"{note.source}: {text}"
