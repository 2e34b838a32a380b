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
    "forgetting_recall",
    "get_computation",
    "pasi_improvement",
    "pasi_one_region",
    "pasi_two_regions",
    "prevalence_count",
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


def computation_names() -> list[str]:
    """Return the names of every registered computation, sorted."""
    return sorted(_REGISTRY)


def get_computation(name: str) -> Computation:
    """Return the computation registered as ``name``; CourseError if there is none."""
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


# --- the course's computations ----------------------------------------------------------------
# Each draws plausible inputs with the learner's generator and gets the answer from a course model
# (:mod:`mscpso_edu.models`) or the knowledge base, so a quiz can never disagree with a lesson.


def _pasi() -> Any:
    # Imported when a computation runs, not with this module: ``mscpso_edu.models`` brings scipy,
    # which a quiz that has no computed question (and ``mscpso-edu check``) should not pay for.
    from ..models import pasi

    return pasi


def _region_draw(rng: np.random.Generator, region: str, prefix: str = "") -> dict[str, object]:
    pasi = _pasi()

    # Percentages inside one area band, away from the band edges, so the area score is unambiguous.
    area_percent = int(rng.choice([5, 20, 40, 60, 80, 95]))
    return {
        f"{prefix}region": pasi.REGION_LABELS[region].split(" (")[0].lower(),
        f"{prefix}weight": pasi.REGION_WEIGHTS[region],
        f"{prefix}erythema": int(rng.integers(1, pasi.MAX_SIGN_SCORE + 1)),
        f"{prefix}induration": int(rng.integers(1, pasi.MAX_SIGN_SCORE + 1)),
        f"{prefix}scaling": int(rng.integers(0, pasi.MAX_SIGN_SCORE + 1)),
        f"{prefix}area_percent": area_percent,
        f"{prefix}area_score": pasi.area_score(area_percent),
    }


def _region_score(region: str, values: dict[str, object], prefix: str = "") -> float:
    pasi = _pasi()

    return pasi.region_score(
        region,
        erythema=values[f"{prefix}erythema"],
        induration=values[f"{prefix}induration"],
        scaling=values[f"{prefix}scaling"],
        area_percent=values[f"{prefix}area_percent"],
    )


@register_computation("pasi_one_region")
def pasi_one_region(rng: np.random.Generator) -> Draw:
    """PASI contribution of one body region (fredriksson1978), via ``models.pasi``.

    Parameters: ``region``, ``weight``, ``erythema``, ``induration``, ``scaling``,
    ``area_percent``, ``area_score``.
    """
    pasi = _pasi()

    region = str(rng.choice(list(pasi.REGION_WEIGHTS)))
    values = _region_draw(rng, region)
    return Draw(values, _region_score(region, values), ("fredriksson1978",))


@register_computation("pasi_two_regions")
def pasi_two_regions(rng: np.random.Generator) -> Draw:
    """Total PASI of a patient with plaques in two regions (fredriksson1978).

    Parameters: as :func:`pasi_one_region` with prefixes ``first_`` and ``second_``; the other two
    regions are clear.
    """
    pasi = _pasi()

    first, second = (str(name) for name in rng.choice(list(pasi.REGION_WEIGHTS), 2, False))
    values = {**_region_draw(rng, first, "first_"), **_region_draw(rng, second, "second_")}
    assessments = {
        region: {sign: values[f"{prefix}{sign}"] for sign in (*pasi.SIGNS, "area_percent")}
        for region, prefix in ((first, "first_"), (second, "second_"))
    }
    return Draw(values, pasi.pasi_score(assessments), ("fredriksson1978",))


@register_computation("pasi_improvement")
def pasi_improvement(rng: np.random.Generator) -> Draw:
    """Percentage fall in PASI from baseline (fredriksson1978), via ``models.pasi``.

    Parameters: ``baseline``, ``current``, ``pasi50``, ``pasi75``, ``pasi90`` (``"yes"``/``"no"``).
    """
    pasi = _pasi()

    baseline = float(rng.integers(12, 41))
    current = float(rng.integers(1, int(baseline)))
    response = pasi.pasi_response(baseline, current)
    values = {
        "baseline": baseline,
        "current": current,
        **{
            name: "yes" if getattr(response, name) else "no"
            for name in ("pasi50", "pasi75", "pasi90")
        },
    }
    return Draw(values, response.improvement_percent, ("fredriksson1978",))


#: Readable names for the regions of the knowledge base's ``prevalence_range`` fact.
_PREVALENCE_REGIONS = {
    "east_asia": "East Asia",
    "australasia": "Australasia",
    "western_europe": "Western Europe",
    "north_america": "North America",
}


@register_computation("prevalence_count")
def prevalence_count(rng: np.random.Generator) -> Draw:
    """Expected adults with psoriasis in a town, from the knowledge base's prevalence (parisi2020).

    Parameters: ``region`` (readable name), ``prevalence_percent`` and ``adults``.
    """
    from .. import knowledge

    fact = knowledge.fact("prevalence_range")
    region = str(rng.choice(sorted(set(fact.values) & set(_PREVALENCE_REGIONS))))
    adults = int(rng.integers(2, 41)) * 5_000
    percent = float(fact.values[region])
    values = {
        "region": _PREVALENCE_REGIONS[region],
        "prevalence_percent": percent,
        "adults": adults,
    }
    return Draw(values, adults * percent / 100.0, tuple(fact.refs))


@register_computation("forgetting_recall")
def forgetting_recall(rng: np.random.Generator) -> Draw:
    """Predicted recall (%) of a question of some stability, some days after its last answer.

    From the review scheduler's forgetting curve (``models.forgetting``, FSRS; ye2022).
    Parameters: ``stability`` and ``days``.
    """
    from ..models import forgetting

    stability = int(rng.choice([2, 5, 10, 20, 40]))
    days = int(rng.choice([1, 3, 7, 14, 30, 60]))
    values = {"stability": stability, "days": days}
    return Draw(values, 100.0 * float(forgetting.recall(days, stability)), ("ye2022",))
