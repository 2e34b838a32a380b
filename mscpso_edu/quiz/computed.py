"""Computations behind ``computed`` questions: seeded draws of parameters and the answer.

A computation is a function taking a :class:`numpy.random.Generator` and returning a
:class:`Draw`: the parameters the prompt shows and the answer they imply. Register one with
:func:`register_computation`; a bank names it in ``computation:``. The answer must come from a
model or the knowledge base, never be typed in here, so the quiz and the lesson agree.

Each learner's seed comes from their learner id (see :mod:`mscpso_edu.quiz.learner`), so two
students see different numbers while one student always sees the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import CourseError

__all__ = [
    "Computation",
    "Draw",
    "computation_names",
    "draw",
    "get_computation",
    "register_computation",
]


@dataclass(frozen=True)
class Draw:
    """One seeded draw: the values a prompt shows, and the answer."""

    parameters: Mapping[str, Any]
    answer: float
    references: tuple[str, ...] = field(default=())


Computation = Callable[[np.random.Generator], Draw]

_REGISTRY: dict[str, Computation] = {}


def register_computation(name: str) -> Callable[[Computation], Computation]:
    """Register the decorated function as the computation ``name``.

    Parameters
    ----------
    name
        The name banks use in ``computation:``; lower case with underscores.

    Examples
    --------
    >>> @register_computation("doctest_double")
    ... def _double(rng):
    ...     x = int(rng.integers(1, 10))
    ...     return Draw({"x": x}, 2.0 * x)
    >>> draw("doctest_double", 1).answer == 2 * draw("doctest_double", 1).parameters["x"]
    True
    """

    def decorator(function: Computation) -> Computation:
        existing = _REGISTRY.get(name)
        if existing is not None and existing is not function:
            qualname = getattr(existing, "__qualname__", existing)
            raise CourseError(f"computation {name!r} is already registered by {qualname}")
        _REGISTRY[name] = function
        return function

    return decorator


def _ensure_builtin() -> None:
    # The course's own computations register themselves on import.
    from . import computations  # noqa: F401


def computation_names() -> list[str]:
    """Return the names of every registered computation, sorted."""
    _ensure_builtin()
    return sorted(_REGISTRY)


def get_computation(name: str) -> Computation:
    """Return the computation registered as ``name``; CourseError if there is none."""
    _ensure_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise CourseError(f"unknown computation {name!r}; registered: {known}") from None


def draw(name: str, seed: int) -> Draw:
    """Draw the parameters and answer of computation ``name`` for ``seed`` (deterministic)."""
    result = get_computation(name)(np.random.default_rng(seed))
    if not isinstance(result, Draw):
        raise CourseError(f"computation {name!r} returned {type(result).__name__}, not a Draw")
    return Draw(dict(result.parameters), float(result.answer), tuple(result.references))
