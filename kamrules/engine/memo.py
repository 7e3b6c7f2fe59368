"""A bounded memo: answers remembered by key, the oldest forgotten first when it is full.

First in, first out rather than least recently used: a hit costs one dictionary lookup and no
reordering, and the answers kept here never go stale (the same key always has the same answer),
so which ones are forgotten only changes the hit rate. Not locked: each user holds its own lock.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """At most `size` answers (none when `size` is 0)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self._answers.get(key)

    def put(self, key: K, value: V) -> None:
        if not self.size:
            return
        if len(self._answers) >= self.size:
            del self._answers[next(iter(self._answers))]
        self._answers[key] = value

    def clear(self) -> None:
        self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)
