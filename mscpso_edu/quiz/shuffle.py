"""Orders in which options are shown, so that no order gives a key away.

- Choices and matching options are shuffled with a seed: per learner in the widget, per question
  (from a secret the student copy does not hold) in a released bank, per question on the static
  site.
- Ordering steps are shown in a seeded random order that is never the key, the key reversed, or
  the steps sorted alphabetically either way (when the steps allow it: two steps have only the
  key and its reverse).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

__all__ = ["ordering_display", "seed_for", "shuffled"]

T = TypeVar("T")


def seed_for(*parts: str | bytes) -> int:
    """Return a 64-bit seed from ``parts`` (text or bytes), the same on every machine."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\x1f")
    return int.from_bytes(digest.digest()[:8], "big")


def shuffled(items: Sequence[T], seed: int) -> list[T]:
    """Return ``items`` in a random order drawn from ``seed``."""
    order = list(items)
    random.Random(seed).shuffle(order)
    return order


def _telling(texts: Sequence[str], key: Sequence[str]) -> bool:
    alphabetical = sorted(key, key=str.casefold)
    return list(texts) in (list(key), list(key)[::-1], alphabetical, alphabetical[::-1])


def ordering_display(key: Sequence[str], seed: int) -> list[str]:
    """Return the steps of an ordering question (``key``: the right order) in a display order.

    The order is drawn from ``seed`` and is never the key, the key reversed, or sorted (either
    way); with two steps it is the key reversed, the only other order there is.
    """
    steps = list(key)
    if len(steps) < 2:
        return steps
    if len(steps) == 2:
        return steps[::-1]
    rng = random.Random(seed)
    for _ in range(100):
        order = list(steps)
        rng.shuffle(order)
        if not _telling(order, steps):
            return order
    # Three steps whose key and alphabetical orders leave no other: any non-key order will do.
    return next(order for order in (steps[1:] + steps[:1], steps[2:] + steps[:2]) if order != steps)
