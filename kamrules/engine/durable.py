"""The durable-rules C layer, used the way that is measured to be correct.

Only `durable_rules_engine` (the C extension) is used: never `durable.lang` or the `Host`, whose
background threads lose results and crash. One ruleset per shard, one fixed session per
ruleset: the account is asserted as one *fact* (an event would be consumed by the first rule),
the fired actions are drained, and the same fact is retracted so the session is empty again.
A lock per shard makes a shared engine safe from several threads (every C call holds the GIL
anyway, so threads would not run it faster).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import weakref
from collections.abc import Sequence
from typing import Any

import durable_rules_engine as dre

from kamrules.engine import jsonenc
from kamrules.engine.memo import Memo
from kamrules.errors import EngineError

_NAMES = itertools.count(1)
_CODE = re.compile(r"error code: (\d+)")

# What durable-rules' numeric error codes mean, as far as this engine can meet them.
ERROR_CODES = {
    "101": "the rule definition is not valid JSON",
    "102": "an array literal appears in a condition (durable-rules cannot compare with a list)",
    "201": "a value could not be parsed",
    "202": "a number is infinite or not a number",
    "204": "a number is written in a form durable-rules cannot parse (an exponent without a decimal point)",
    "302": "the fact has too many fields (durable-rules holds at most about 252 per fact)",
    "303": "too many conditions matched one fact at once (durable-rules allows 64)",
    "304": "a string value is too long",
}

# assert_fact / retract_fact result codes of the C layer.
HANDLED = 0
NOT_HANDLED = 1
OBSERVED = 2


def explain_error(exc: Exception) -> str:
    text = str(exc)
    match = _CODE.search(text)
    if match and match.group(1) in ERROR_CODES:
        return f"{ERROR_CODES[match.group(1)]} (durable-rules error {match.group(1)})"
    return text


def _rule_index(message: str) -> int:
    # A fired action's message is {"r<n>": {...}}: read the name without parsing the whole fact.
    start = message.index('"') + 1
    end = message.index('"', start)
    return int(message[start + 1 : end])


def _delete(handle: int) -> None:
    try:
        dre.delete_ruleset(handle)
    except Exception:
        return


class DurableShard:
    """One compiled durable ruleset and its session."""

    def __init__(
        self,
        stage: str,
        definition: dict[str, Any],
        labels: Sequence[str],
        digest: str,
        memo_size: int = 4096,
    ) -> None:
        self.labels = list(labels)  # r<n> -> "rule X (file:line)", for error messages
        self.stage = stage
        self.digest = digest
        self.lock = threading.Lock()
        self.text = jsonenc.dumps(definition)
        self.rebuilds = 0
        # durable-rules' answer depends on the fact alone, so identical facts (accounts alike in
        # everything this shard reads) are answered from memory. Bounded: first in, first out.
        self.memo: Memo[str, tuple[int, ...]] = Memo(memo_size)
        self.handle = self._create()
        self._finalizer = weakref.finalize(self, _delete, self.handle)

    def _create(self) -> int:
        self.name = f"kam{next(_NAMES)}_{self.stage}@{self.digest[:12]}"
        try:
            handle: int = dre.create_ruleset(self.name, self.text)
        except dre.error as exc:
            raise EngineError(
                f"durable-rules refused the rules of stage {self.stage!r}: {explain_error(exc)}; "
                f"rules: {', '.join(self.labels[:10])}{'…' if len(self.labels) > 10 else ''}"
            ) from None
        return handle

    def _rebuild(self) -> None:
        """Replace a ruleset whose session saw an abandoned action.

        After `abandon_action`, the session can hand the abandoned action out again with its
        message already freed (pinned in tests/engine/test_durable_pins.py), so it is never used
        again. The old ruleset is left alone rather than deleted: touching it may crash.
        """
        self._finalizer.detach()
        self.handle = self._create()
        self._finalizer = weakref.finalize(self, _delete, self.handle)
        self.rebuilds += 1

    def fire(self, fact: str) -> tuple[int, ...]:
        """The positions of the rules whose condition the fact satisfies (duplicates included)."""
        with self.lock:
            known = self.memo.get(fact)
            if known is not None:
                return known
            fired = self._fire(fact)
            self.memo.put(fact, fired)
            return fired

    def _fire(self, fact: str) -> tuple[int, ...]:
        # Called with self.lock held.
        try:
            result = dre.assert_fact(self.handle, fact)
        except dre.error as exc:
            raise EngineError(self._describe(exc, fact)) from None
        if result[0] == OBSERVED:
            # A fact left over from an interrupted call: clear it and assert again.
            dre.retract_fact(self.handle, fact)
            result = dre.assert_fact(self.handle, fact)
        fired: list[int] = []
        abandoned = False
        try:
            if result[0] == HANDLED:
                state = result[1]
                action = dre.start_action_for_state(self.handle, state)
                try:
                    while action:
                        fired.append(_rule_index(action[1]))
                        following = dre.complete_and_start_action(self.handle, state)
                        action = (None, following) if following else None
                except BaseException:
                    # Release the session at once (else it stays locked for a minute)...
                    dre.abandon_action(self.handle, state)
                    abandoned = True
                    raise
        finally:
            if abandoned:
                self._rebuild()  # ...and never use it again.
            else:
                dre.retract_fact(self.handle, fact)
        return tuple(fired)

    def _describe(self, exc: Exception, fact: str) -> str:
        try:
            fields = len(json.loads(fact))
        except ValueError:
            fields = -1
        return (
            f"durable-rules refused an account in ruleset {self.name}: {explain_error(exc)} "
            f"({fields} fields); rules: {', '.join(self.labels[:5])}"
        )
