"""Input checks shared by the models: each raises a readable :class:`CourseError`."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from numbers import Real

from ..errors import CourseError

__all__ = [
    "check_fraction",
    "check_known_names",
    "check_non_negative",
    "check_positive",
    "check_real",
]


def check_real(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise CourseError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise CourseError(f"{name} must be a finite number, got {value!r}")
    return number


def check_non_negative(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number >= 0."""
    number = check_real(name, value)
    if number < 0:
        raise CourseError(f"{name} must be zero or more, got {value!r}")
    return number


def check_positive(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number > 0."""
    number = check_real(name, value)
    if number <= 0:
        raise CourseError(f"{name} must be more than zero, got {value!r}")
    return number


def check_fraction(name: str, value: object, *, below_one: bool = True) -> float:
    """Return ``value`` as a float in [0, 1) (or [0, 1] when ``below_one`` is false)."""
    number = check_real(name, value)
    upper_ok = number < 1 if below_one else number <= 1
    if number < 0 or not upper_ok:
        interval = "[0, 1)" if below_one else "[0, 1]"
        raise CourseError(f"{name} must be a fraction in {interval}, got {value!r}")
    return number


def check_known_names(what: str, names: Iterable[str], known: Iterable[str]) -> None:
    """Raise if any of ``names`` is not in ``known``, suggesting the closest known name."""
    known = sorted(known)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise CourseError(f"unknown {what} {name!r}{hint} (known: {', '.join(known)})")
