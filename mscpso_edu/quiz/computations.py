"""The course's registered computations for ``computed`` questions.

Each draws plausible inputs with the learner's generator and gets the answer from a course model
(:mod:`mscpso_edu.models`) or the knowledge base, so a quiz can never disagree with a lesson.
"""

from __future__ import annotations

import numpy as np

from .computed import Draw, register_computation

__all__ = ["pasi_improvement", "pasi_one_region", "pasi_two_regions", "prevalence_count"]


def _region_draw(rng: np.random.Generator, region: str, prefix: str = "") -> dict[str, object]:
    from ..models import pasi

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
    from ..models import pasi

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
    from ..models import pasi

    region = str(rng.choice(list(pasi.REGION_WEIGHTS)))
    values = _region_draw(rng, region)
    return Draw(values, _region_score(region, values), ("fredriksson1978",))


@register_computation("pasi_two_regions")
def pasi_two_regions(rng: np.random.Generator) -> Draw:
    """Total PASI of a patient with plaques in two regions (fredriksson1978).

    Parameters: as :func:`pasi_one_region` with prefixes ``first_`` and ``second_``; the other two
    regions are clear.
    """
    from ..models import pasi

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
    from ..models import pasi

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
