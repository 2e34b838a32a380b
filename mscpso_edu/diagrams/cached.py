"""Course figures drawn once per version of the course and read back as images afterwards.

A lesson's figures depend only on the package (its code, knowledge base and style), the library
versions and the arguments the lesson passes; drawing and encoding one takes 0.1-0.5 s of
matplotlib text layout, paid again by every *Run All*. :func:`cached_figure` wraps a public
diagram function (``mscpso_edu.diagrams.circuit`` and the others): the first time a figure is
shown (``diagrams.show`` or a cell's last value) its PNG, alt text and caption are stored in the
results cache folder (:func:`mscpso_edu.results_cache.cache_dir`); a later call with the same
arguments then returns a :class:`Drawn` whose image, alt text and caption are read from there,
and whose figure is drawn only if something asks for it (``.fig``, ``.ax``, ``.artists``).

The key is a SHA-256 of the function's name, its arguments (see :func:`_digest`), every source and
data file of the package and the matplotlib, numpy and scipy versions, so any change draws the
figure afresh. Only calls whose arguments can be named exactly (numbers, text, ``None``, numpy
arrays, dataclass instances such as a model's result, and lists, tuples or dicts of them) and
that pass no ``ax`` are cached; anything else is drawn as before. A call
that would fail is never cached (it fails before anything is stored), and a cache folder that
cannot be read or written only costs speed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..fileio import atomic_write_text
from ..results_cache import cache_dir
from .core import Drawn

__all__ = ["cached_figure", "stored_png"]

_PACKAGE = Path(__file__).resolve().parents[1]
_SUFFIXES = (".py", ".yaml", ".json", ".mplstyle")


@functools.cache
def _package_digest() -> str:
    """Digest of every source and data file of the package and of the drawing libraries."""
    digest = hashlib.sha256()
    for name in ("matplotlib", "numpy", "scipy"):
        digest.update(f"{name} {version(name)}\n".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in _SUFFIXES and "__pycache__" not in path.parts:
            content = hashlib.sha256(path.read_bytes()).hexdigest()
            digest.update(f"{path.relative_to(_PACKAGE).as_posix()}:{content}\n".encode())
    return digest.hexdigest()


def _digest(value: Any) -> str | None:
    """Return text naming ``value`` exactly, or None when it cannot be named safely.

    Plain values by their ``repr``; lists, tuples and dicts item by item; numpy arrays by dtype,
    shape and a hash of their bytes; dataclass instances (a model result, a pooled rate) field
    by field. Anything else (an Axes, an open store, a function) is None: not cached.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, list | tuple):
        items = [_digest(item) for item in value]
        return None if None in items else f"{type(value).__name__}[{','.join(items)}]"  # type: ignore[arg-type]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return None
        items = [_digest(item) for item in value.values()]
        if None in items:
            return None
        return "dict{" + ",".join(f"{k!r}:{v}" for k, v in zip(value, items, strict=True)) + "}"
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            return None
        data = hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()
        return f"ndarray:{value.dtype.str}:{value.shape}:{data}"
    if isinstance(value, np.generic):
        return _digest(value.item())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        inner = _digest(fields)
        kind = type(value)
        return None if inner is None else f"{kind.__module__}.{kind.__qualname__}{inner}"
    return None


def _path(key_text: str) -> Path:
    # The version of the course leads the name, so images of older versions can be told apart.
    key = hashlib.sha256(key_text.encode()).hexdigest()[:32]
    return cache_dir() / f"figure-{_package_digest()[:12]}-{key}.json"


@functools.cache
def _prune() -> None:
    """Delete the stored images of other versions of the course (once per process).

    Every change to the package draws every figure afresh; without this a developer's cache
    would keep the images of each version they ever ran (tens of MB an afternoon).
    """
    current = f"figure-{_package_digest()[:12]}-"
    with contextlib.suppress(OSError):
        for path in cache_dir().glob("figure-*.json"):
            if not path.name.startswith(current):
                with contextlib.suppress(OSError):
                    path.unlink()


def _store(key_text: str, record: dict[str, str]) -> None:
    """Write ``record`` for ``key_text``; a read-only cache folder only costs speed."""
    _prune()
    with contextlib.suppress(OSError):
        atomic_write_text(_path(key_text), json.dumps({"key": key_text, **record}))


def _read(key_text: str) -> tuple[str, str, str] | None:
    """Return the stored (base64 PNG, alt text, caption) of ``key_text``, or None."""
    try:
        stored = json.loads(_path(key_text).read_text(encoding="utf-8"))
        if stored.get("key") == key_text:
            return str(stored["png"]), str(stored["alt"]), str(stored["caption"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # missing, unreadable or damaged: draw it again
    return None


class _Cached(Drawn):
    """A figure of a cached function: either just drawn, or its image read back from the cache.

    A figure read back is drawn only when ``fig``, ``ax`` or ``artists`` is asked for. A figure
    just drawn stores its first image, unless someone reached into it first (``fig``, ``ax``,
    ``artists``: they may have changed it, so it is no longer the function's figure).
    """

    def __init__(
        self,
        key_text: str,
        build: Callable[[], Drawn],
        drawn: Drawn | None = None,
        stored: tuple[str, str, str] | None = None,
    ) -> None:
        # Drawn's fields are properties here, so the dataclass __init__ is not called.
        self._key_text = key_text
        self._build = build
        self._drawn = drawn
        self._stored = stored
        self._touched = False

    def _real(self) -> Drawn:
        self._touched = True
        if self._drawn is None:
            self._drawn = self._build()
        return self._drawn

    fig = property(lambda self: self._real().fig)  # type: ignore[assignment]
    ax = property(lambda self: self._real().ax)  # type: ignore[assignment]
    artists = property(lambda self: self._real().artists)  # type: ignore[assignment]

    @property  # type: ignore[override]
    def alt_text(self) -> str:  # type: ignore[override]
        return self._drawn.alt_text if self._drawn is not None else self._stored[1]

    @property  # type: ignore[override]
    def caption(self) -> str:  # type: ignore[override]
        return self._drawn.caption if self._drawn is not None else self._stored[2]

    def png_base64(self) -> str:
        if self._drawn is None:
            return self._stored[0]
        data = self._drawn.png_base64()
        if self._stored is None and not self._touched:
            self._stored = (data, self._drawn.alt_text, self._drawn.caption)
            _store(
                self._key_text,
                {"png": data, "alt": self._drawn.alt_text, "caption": self._drawn.caption},
            )
        return data

    def __repr__(self) -> str:  # a notebook asks for it beside the image: do not draw for it
        if self._drawn is not None:
            return repr(self._drawn)
        return f"Drawn(stored figure, alt_text={self._stored[1]!r})"


def cached_figure(function: Callable[..., Drawn]) -> Callable[..., Drawn]:
    """Wrap a diagram function so the figures it draws are stored and read back (see above)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Drawn:
        arguments = _digest([list(args), sorted(kwargs.items())])
        if kwargs.get("ax") is not None or arguments is None:
            return function(*args, **kwargs)
        key_text = json.dumps(
            {
                "figure": f"{function.__module__}.{function.__qualname__}",
                "arguments": arguments,
                "package": _package_digest(),
            },
            sort_keys=True,
        )
        build = functools.partial(function, *args, **kwargs)
        stored = _read(key_text)
        if stored is not None:
            return _Cached(key_text, build, stored=stored)
        drawn = build()
        return _Cached(key_text, build, drawn=drawn) if type(drawn) is Drawn else drawn

    return wrapper


def stored_png(name: str, data: Any, render: Callable[[], str]) -> str:
    """Return ``render()`` (a figure's base64 PNG), stored under ``name`` and ``data``.

    For a figure drawn from data rather than by a diagram function (the learner's progress
    bars): ``data`` must be everything the figure shows. When it cannot be named exactly
    (see :func:`_digest`) the figure is rendered every time.
    """
    arguments = _digest(data)
    if arguments is None:
        return render()
    key_text = json.dumps(
        {"figure": name, "arguments": arguments, "package": _package_digest()}, sort_keys=True
    )
    stored = _read(key_text)
    if stored is not None:
        return stored[0]
    image = render()
    _store(key_text, {"png": image, "alt": "", "caption": ""})
    return image
