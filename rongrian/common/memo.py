"""Rows that every public request reads and that change a few times a year.

The organisation behind a complaint form, its categories and its SLA policy are read
on every submission; asking the database each time costs more than the rest of the
request's reads together. Each process keeps them for a short while: a change made in
this process is seen at once (the models' signals forget it), one made in another
process within `seconds`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import ClassVar, Generic, TypeVar

V = TypeVar("V")


class ShortLived(Generic[V]):
    caches: ClassVar[list[ShortLived]] = []  # type: ignore[type-arg]

    def __init__(self, seconds: float = 30.0) -> None:
        self.seconds = seconds
        self._rows: dict[Hashable, tuple[float, V]] = {}
        ShortLived.caches.append(self)

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        now = time.monotonic()
        hit = self._rows.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        value = load()
        self._rows[key] = (now, value)
        return value

    def forget(self, key: Hashable | None = None) -> None:
        """Forget one key, or everything."""
        if key is None:
            self._rows.clear()
        else:
            self._rows.pop(key, None)

    @classmethod
    def forget_all(cls) -> None:
        """Every cache in the process (tests reuse ids across rolled-back transactions)."""
        for cache in cls.caches:
            cache.forget()
