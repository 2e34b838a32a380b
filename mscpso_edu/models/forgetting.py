"""The forgetting curve of the course's spaced-review scheduler (FSRS), as pure functions.

The review scheduler (:mod:`mscpso_edu.quiz.spaced`) uses the Free Spaced Repetition Scheduler,
the ``fsrs`` package, with its default weights. FSRS predicts the probability of recalling a
question ``t`` days after its last review from the question's *stability* ``S`` (in days) with a
power forgetting curve

.. math::

    R(t, S) = \\left(1 + F\\,\\frac{t}{S}\\right)^{-d}, \\qquad F = 0.9^{-1/d} - 1,

where ``d`` is the package's decay weight. ``F`` is chosen so that ``R(S, S) = 0.9``: the
stability is the number of days after which predicted recall has fallen to 90%. The scheduler
brings a question back when predicted recall reaches the desired retention (0.9 here).

FSRS's default weights were not fitted to this course's questions or learners: here the curve is
an illustration of how the schedule works, not a measurement of how fast *you* forget immunology.
"""

from __future__ import annotations

import numpy as np

__all__ = ["decay", "interval_days", "recall"]


def decay() -> float:
    """Return the decay exponent ``d`` of the fsrs package's default weights."""
    from fsrs import Scheduler

    return float(Scheduler().parameters[20])


def _factor(d: float) -> float:
    return 0.9 ** (-1.0 / d) - 1.0


def recall(days: float | np.ndarray, stability: float) -> np.ndarray:
    """Return FSRS's predicted probability of recall ``days`` after the last review.

    Parameters
    ----------
    days
        Days since the last review (0 or more).
    stability
        The question's stability in days (more than 0).

    Examples
    --------
    >>> float(recall(10.0, 10.0).round(6))
    0.9
    >>> bool(recall(30.0, 10.0) < recall(10.0, 10.0))
    True
    """
    if stability <= 0:
        raise ValueError(f"stability must be more than 0 days, found {stability!r}")
    t = np.asarray(days, dtype=float)
    if np.any(t < 0):
        raise ValueError("days since the last review cannot be negative")
    d = decay()
    return (1.0 + _factor(d) * t / stability) ** (-d)


def interval_days(stability: float, retention: float = 0.9) -> float:
    """Return the days until predicted recall falls to ``retention`` (when the question is due).

    Examples
    --------
    >>> round(interval_days(10.0), 6)
    10.0
    >>> interval_days(10.0, 0.8) > interval_days(10.0, 0.9)
    True
    """
    if not 0.0 < retention < 1.0:
        raise ValueError(f"retention must be between 0 and 1, found {retention!r}")
    if stability <= 0:
        raise ValueError(f"stability must be more than 0 days, found {stability!r}")
    d = decay()
    return stability / _factor(d) * (retention ** (-1.0 / d) - 1.0)
