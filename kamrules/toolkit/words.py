"""The toolkit's own words: its section of the phrase catalogs (`kamrules/i18n/<lang>.py`).

Templates are filled with `str.format` from values the toolkit computes itself (counts, ids,
values it shows), never from a user's template: user texts go through
`kamrules.language.templates`.
"""

from __future__ import annotations

from typing import Any

from kamrules.i18n.catalog import phrases


def say(lang: str, key: str, **values: Any) -> str:
    """The text `key` in `lang` (English when missing), filled with `values`."""
    return phrases(lang, "toolkit").say(key, **values)
