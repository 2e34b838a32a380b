"""Expensive model results computed once per model version and kept on disk.

Some figures run a model over a grid (which therapies heal: strength x duration) or search for a
threshold by bisection (how strong a later trigger must be to relapse healed skin). Their numbers
depend only on the model code and the arguments, so a lesson reads them from a small JSON file
after the first run instead of solving dozens of ODEs again.

The key is a SHA-256 of the model's source files (every ``mscpso_edu/models/*.py``,
``knowledge/therapy.yaml``, the calling module's file and the files named by the caller), the
numpy and scipy versions, and the arguments. Any change to the code or arguments is a new key, so
a stale result is never served. Files live in the user cache folder
(``platformdirs.user_cache_dir``), or in ``$MSCPSO_EDU_CACHE`` when set (the tests use a temporary
one). A cache that cannot be read or written is skipped: the result is computed as if there were
none.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from .fileio import atomic_write_text

__all__ = ["CACHE_ENV", "cache_dir", "cached_result", "model_version"]

CACHE_ENV = "MSCPSO_EDU_CACHE"
_PACKAGE = Path(__file__).resolve().parent
T = TypeVar("T")


def cache_dir() -> Path:
    """Return the folder of cached results (``$MSCPSO_EDU_CACHE`` or the user cache folder)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("mscpso-edu", appauthor=False)) / "results"


@functools.cache
def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_version(extra_files: Iterable[str | Path] = ()) -> str:
    """Return a digest of the model code: every ``models/*.py``, ``knowledge/therapy.yaml`` and
    ``extra_files``.

    ``extra_files`` are paths relative to the package (``"diagrams/skin.py"``,
    ``"knowledge/interactions.yaml"``) or absolute.
    """
    import numpy
    import scipy

    # The models, and the knowledge file that says what each therapy mechanism scales.
    files = [*sorted((_PACKAGE / "models").glob("*.py")), _PACKAGE / "knowledge" / "therapy.yaml"]
    files += [Path(f) if Path(f).is_absolute() else _PACKAGE / f for f in extra_files]
    digest = hashlib.sha256(f"numpy {numpy.__version__} scipy {scipy.__version__}".encode())
    for path in files:
        digest.update(f"{path.relative_to(_PACKAGE) if path.is_relative_to(_PACKAGE) else path}"
                      f":{_file_digest(path)}\n".encode())  # fmt: skip
    return digest.hexdigest()


def cached_result(
    name: str,
    arguments: Any,
    compute: Callable[[], T],
    *,
    encode: Callable[[T], Any] = lambda value: value,
    decode: Callable[[Any], T] = lambda data: data,
    extra_files: Iterable[str | Path] = (),
    keep: Callable[[T], bool] = lambda value: True,
) -> T:
    """Return ``compute()``, read from the cache when this model version already computed it.

    Parameters
    ----------
    name
        What is cached (a file-name prefix), e.g. ``"treatment_outcomes"``.
    arguments
        Everything else the result depends on, as JSON-serialisable data (its ``repr`` is used
        for objects JSON cannot hold).
    compute
        Computes the result when it is not cached.
    encode, decode
        Turn the result into JSON data and back (default: the result is JSON data already).
    extra_files
        Files besides ``models/*.py`` whose content the result depends on.
    keep
        Whether to store a computed result (e.g. only a clean validation, whose answer does not
        depend on line numbers).
    """
    key_text = json.dumps(
        {"model": model_version(extra_files), "name": name, "arguments": arguments},
        sort_keys=True,
        default=repr,
    )
    key = hashlib.sha256(key_text.encode()).hexdigest()[:32]
    path = cache_dir() / f"{name}-{key}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("key") == key_text:
            return decode(stored["value"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing, unreadable or damaged: compute it again
    value = compute()
    if not keep(value):
        return value
    with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
        atomic_write_text(path, json.dumps({"key": key_text, "value": encode(value)}))
    return value
