"""A tiny progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["progress"]

T = TypeVar("T")


def progress(
    items: Iterable[T], total: int, label: str, stream: TextIO | None = None
) -> Iterator[T]:
    """Yield ``items``, drawing ``label [#####.....] n/total`` on ``stream`` if it is a terminal.

    Redraws at most about a hundred times, so a long run spends no time drawing.
    """
    stream = stream if stream is not None else sys.stderr
    live = total > 0 and hasattr(stream, "isatty") and stream.isatty()
    step = max(1, total // 100)
    width = 30
    count = 0
    for count, item in enumerate(items, 1):
        yield item
        if live and (count % step == 0 or count == total):
            filled = width * count // total
            bar = "#" * filled + "." * (width - filled)
            stream.write(f"\r{label} [{bar}] {count}/{total}")
            stream.flush()
    if live and count:
        stream.write("\n")
        stream.flush()
