"""Did-you-mean suggestions for misspelled names (facts, parameters, values, keys)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(name: str, known: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The known name closest to `name`, if one is close enough to be a likely typo."""
    candidates = list(known)
    if not candidates:
        return None
    # Compare case-insensitively, and also on the last dotted part, so that
    # `relationship.stag` finds `relationship.stage` and `stage` finds `relationship.stage`.
    lowered = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=cutoff)
    if match:
        return lowered[match[0]]
    tails = {c.rsplit(".", 1)[-1].lower(): c for c in candidates}
    match = difflib.get_close_matches(name.rsplit(".", 1)[-1].lower(), list(tails), n=1, cutoff=0.8)
    if match:
        return tails[match[0]]
    return None
