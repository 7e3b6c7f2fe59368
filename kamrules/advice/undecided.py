"""The words of a decision left undecided: a conflict between table rows, a decision it waits on,
or the missing facts that would decide it (the UNDECIDED warning's message)."""

from __future__ import annotations

from collections.abc import Mapping

from kamrules.i18n.catalog import phrases
from kamrules.language.rulebase import RuleBase


def _u(lang: str, key: str) -> str:
    return phrases(lang, "undecided")[key]


def undecided_message(rb: RuleBase, fact: str, reasons: list[str], undecided: set[str], lang: str) -> str:
    """Why a decision is undecided, in words: a conflict, a blocking decision, or missing facts."""
    if reasons and not any(r.split(" ", 1)[0] in rb.facts for r in reasons):
        return _u(lang, "conflict").format(fact=fact, why="; ".join(reasons))
    # "because tier is undecided" only when nothing else is missing: a missing fact the user can
    # supply says more than a decision that waits on facts of its own.
    blockers = [r for r in reasons if r in undecided]
    others = [r for r in reasons if r not in undecided]
    if blockers and not others:
        return _u(lang, "because").format(fact=fact, other=", ".join(blockers))
    shown = [_worded(r, lang) for r in others]
    return _u(lang, "missing").format(fact=fact, facts=", ".join(shown) or "?")


def _worded(reason: str, lang: str) -> str:
    """A missing fact as the UNDECIDED warning words it, in `lang`."""
    return reason.replace(" (from ", f" ({_u(lang, 'from_word')} ").replace(" or ", _u(lang, "or"))


def missing_facts(rb: RuleBase, undecided: Mapping[str, list[str]], fact: str, lang: str) -> list[str]:
    """The missing facts that would decide `fact`, through the undecided decisions it waits on
    (strategy waits on profile, profile on the scores), worded as the UNDECIDED warnings word
    them; empty when `fact` is decided, or undecided for a conflict rather than a missing fact."""
    out: list[str] = []
    seen: set[str] = set()

    def walk(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for reason in undecided.get(name, []):
            if reason in undecided:
                walk(reason)
            elif reason.split(" ", 1)[0] in rb.facts:
                out.append(_worded(reason, lang))

    walk(fact)
    return list(dict.fromkeys(out))
