"""The Psoriasis Area and Severity Index (PASI) of Fredriksson & Pettersson (1978).

PASI scores four body regions. In each region a clinician grades three signs of the plaques,
erythema (redness), induration (thickness) and scaling (desquamation), from 0 to 4, and scores the
fraction of the region's skin that is affected from 0 to 6. A region contributes

    weight x (erythema + induration + scaling) x area score

and PASI is the sum over the regions (0 to 72). Response to treatment is reported as the percentage
fall from baseline; PASI50/75/90 mean a fall of at least 50/75/90 percent.

Source: Fredriksson T, Pettersson U. Severe psoriasis: oral therapy with a new retinoid.
Dermatologica 1978;157:238 (reference id ``fredriksson1978``).

The only severity cut-off used here is the PASI arm of Finlay's "Rule of Tens" (Br J Dermatol
2005;152:861, doi:10.1111/j.1365-2133.2005.06502.x, reference id ``finlay2005``): current severe
psoriasis is body surface area > 10 % *or* PASI > 10 *or* DLQI > 10. PASI alone can therefore show
that the criterion is met, never that psoriasis is not severe. No mild/moderate bands are given
because we could not source one agreed set of cut-offs.

This module is about scoring a patient. The skin-circuit model's ``pasi_proxy`` is a different
thing: a model quantity that stands in for severity, not a PASI.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

from ..errors import CourseError

__all__ = [
    "AREA_SCORE_LOWER_BOUNDS",
    "MAX_PASI",
    "MAX_SIGN_SCORE",
    "REFERENCES",
    "REGION_LABELS",
    "REGION_WEIGHTS",
    "RULE_OF_TENS_PASI",
    "SIGNS",
    "PasiResponse",
    "RegionAssessment",
    "area_score",
    "meets_rule_of_tens",
    "pasi_response",
    "pasi_score",
    "region_score",
]

#: Reference ids (see the knowledge base) for the scoring rules in this module.
REFERENCES: dict[str, str] = {
    "pasi": "fredriksson1978",
    "rule_of_tens": "finlay2005",
}

#: Region weights: the approximate share of body surface of each region (fredriksson1978).
REGION_WEIGHTS: dict[str, float] = {"head": 0.1, "arms": 0.2, "trunk": 0.3, "legs": 0.4}

#: Readable names for the regions (the paper's upper and lower extremities are "arms" and "legs").
REGION_LABELS: dict[str, str] = {
    "head": "Head and neck",
    "arms": "Arms (upper extremities)",
    "trunk": "Trunk",
    "legs": "Legs and buttocks (lower extremities)",
}

#: The three plaque signs graded in every region (fredriksson1978).
SIGNS: tuple[str, ...] = ("erythema", "induration", "scaling")

#: Highest grade of one sign.
MAX_SIGN_SCORE = 4

#: Area score n applies from AREA_SCORE_LOWER_BOUNDS[n - 1] percent (inclusive) upward: any
#: involvement below 10 % scores 1, 10-29 % scores 2, ..., 90-100 % scores 6 (fredriksson1978).
AREA_SCORE_LOWER_BOUNDS: tuple[float, ...] = (0.0, 10.0, 30.0, 50.0, 70.0, 90.0)

#: Highest possible PASI: every region at 3 x 4 sign points and area score 6.
MAX_PASI = sum(REGION_WEIGHTS.values()) * len(SIGNS) * MAX_SIGN_SCORE * len(AREA_SCORE_LOWER_BOUNDS)

#: PASI above this meets the PASI criterion of Finlay's Rule of Tens for current severe psoriasis.
RULE_OF_TENS_PASI = 10.0


def _check_real(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise CourseError(f"{what} must be a number, found {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise CourseError(f"{what} must be a finite number, found {value!r}")
    return number


def _check_sign(value: object, sign: str) -> int:
    number = _check_real(value, f"{sign} score")
    if number != int(number) or not 0 <= number <= MAX_SIGN_SCORE:
        raise CourseError(
            f"{sign} score must be a whole number from 0 to {MAX_SIGN_SCORE}, found {value!r}"
        )
    return int(number)


def _check_percent(value: object, what: str = "affected area") -> float:
    number = _check_real(value, f"{what} (percent)")
    if not 0.0 <= number <= 100.0:
        raise CourseError(f"{what} must be a percentage from 0 to 100, found {value!r}")
    return number


def _check_region(region: object) -> str:
    if region not in REGION_WEIGHTS:
        known = ", ".join(REGION_WEIGHTS)
        raise CourseError(f"unknown PASI region {region!r}; expected one of: {known}")
    return str(region)


def area_score(percent: float) -> int:
    """Return the PASI area score (0-6) for the percentage of a region that is affected.

    Parameters
    ----------
    percent : float
        Affected share of the region's skin, 0 to 100.

    Returns
    -------
    int
        0 for no involvement, 1 for under 10 %, 2 for 10-29 %, 3 for 30-49 %, 4 for 50-69 %,
        5 for 70-89 %, 6 for 90-100 %.

    Examples
    --------
    >>> area_score(0), area_score(5), area_score(10), area_score(95)
    (0, 1, 2, 6)
    """
    number = _check_percent(percent)
    if number == 0.0:
        return 0
    return sum(1 for bound in AREA_SCORE_LOWER_BOUNDS if number >= bound)


@dataclass(frozen=True)
class RegionAssessment:
    """One region's grades: three signs (0-4 each) and the affected area in percent.

    Values are validated on creation, so an impossible assessment cannot exist.
    """

    erythema: int = 0
    induration: int = 0
    scaling: int = 0
    area_percent: float = 0.0

    def __post_init__(self) -> None:
        for sign in SIGNS:
            object.__setattr__(self, sign, _check_sign(getattr(self, sign), sign))
        object.__setattr__(self, "area_percent", _check_percent(self.area_percent))

    @property
    def sign_sum(self) -> int:
        """Erythema + induration + scaling (0-12)."""
        return self.erythema + self.induration + self.scaling

    @property
    def area_score(self) -> int:
        """The 0-6 area score of :attr:`area_percent`."""
        return area_score(self.area_percent)


def region_score(
    region: str,
    erythema: int = 0,
    induration: int = 0,
    scaling: int = 0,
    area_percent: float = 0.0,
) -> float:
    """Return one region's contribution to PASI: weight x sign sum x area score.

    Parameters
    ----------
    region : str
        One of ``"head"``, ``"arms"``, ``"trunk"``, ``"legs"``.
    erythema, induration, scaling : int
        Grades from 0 (none) to 4 (the most severe).
    area_percent : float
        Affected share of the region, 0 to 100.

    Returns
    -------
    float
        The region's score, from 0 to 7.2 x its weight x 10 (head 7.2, legs 28.8).

    Examples
    --------
    >>> region_score("trunk", 2, 2, 1, area_percent=35)
    4.5
    """
    weight = REGION_WEIGHTS[_check_region(region)]
    assessment = RegionAssessment(erythema, induration, scaling, area_percent)
    # Round away binary noise (0.1 * 5 * 3 = 1.5000000000000002) so printed scores read cleanly.
    return round(weight * assessment.sign_sum * assessment.area_score, 10)


def pasi_score(assessments: Mapping[str, RegionAssessment | Mapping[str, float]]) -> float:
    """Return the PASI (0-72) for per-region assessments.

    Parameters
    ----------
    assessments : mapping
        Region name -> :class:`RegionAssessment` or a mapping with the keys ``erythema``,
        ``induration``, ``scaling`` and ``area_percent``. A region that is left out has no
        psoriasis (it contributes 0).

    Returns
    -------
    float
        The sum of the region scores.

    Examples
    --------
    >>> pasi_score({"legs": RegionAssessment(4, 4, 4, area_percent=100)})
    28.8
    """
    if not isinstance(assessments, Mapping):
        raise CourseError(
            f"PASI needs a mapping of region -> assessment, found {type(assessments).__name__}"
        )
    total = 0.0
    for region, assessment in assessments.items():
        _check_region(region)
        if isinstance(assessment, Mapping):
            unknown = set(assessment) - {*SIGNS, "area_percent"}
            if unknown:
                raise CourseError(
                    f"unknown field(s) {sorted(unknown)} for region {region!r}; expected "
                    f"{', '.join(SIGNS)}, area_percent"
                )
            assessment = RegionAssessment(**assessment)
        elif not isinstance(assessment, RegionAssessment):
            raise CourseError(
                f"region {region!r} needs a RegionAssessment or a mapping, "
                f"found {type(assessment).__name__}"
            )
        total += region_score(
            region,
            assessment.erythema,
            assessment.induration,
            assessment.scaling,
            assessment.area_percent,
        )
    return round(total, 10)


def meets_rule_of_tens(pasi: float) -> bool:
    """Return True when PASI > 10, the PASI criterion of the Rule of Tens (finlay2005).

    A False answer does not mean "not severe": body surface area > 10 % or DLQI > 10 also meet
    the rule, and PASI does not measure those.
    """
    return _check_pasi(pasi, "PASI") > RULE_OF_TENS_PASI


def _check_pasi(value: object, what: str) -> float:
    number = _check_real(value, what)
    if not 0.0 <= number <= MAX_PASI:
        raise CourseError(f"{what} must be from 0 to {MAX_PASI:g}, found {value!r}")
    return number


@dataclass(frozen=True)
class PasiResponse:
    """Change in PASI from baseline.

    Attributes
    ----------
    baseline, current : float
        The two PASI values compared.
    improvement_percent : float
        ``100 x (baseline - current) / baseline``; negative when the skin got worse.
    pasi50, pasi75, pasi90 : bool
        True when the improvement is at least 50, 75 or 90 percent.
    """

    baseline: float
    current: float
    improvement_percent: float
    pasi50: bool
    pasi75: bool
    pasi90: bool

    def __str__(self) -> str:
        reached = [name for name in ("pasi90", "pasi75", "pasi50") if getattr(self, name)]
        best = reached[0].upper() if reached else "below PASI50"
        return (
            f"PASI {self.baseline:g} -> {self.current:g}: "
            f"{self.improvement_percent:.1f}% improvement ({best})"
        )


def pasi_response(baseline: float, current: float) -> PasiResponse:
    """Return the percentage improvement from ``baseline`` and the PASI50/75/90 flags.

    Parameters
    ----------
    baseline : float
        PASI before treatment; must be above 0 (a percentage of 0 is undefined).
    current : float
        PASI now.

    Examples
    --------
    >>> r = pasi_response(20, 4)
    >>> r.improvement_percent, r.pasi75, r.pasi90
    (80.0, True, False)
    """
    base = _check_pasi(baseline, "baseline PASI")
    now = _check_pasi(current, "current PASI")
    if base == 0.0:
        raise CourseError("baseline PASI must be above 0 to compute a percentage improvement")
    improvement = round(100.0 * (base - now) / base, 10)
    return PasiResponse(
        baseline=base,
        current=now,
        improvement_percent=improvement,
        pasi50=improvement >= 50.0,
        pasi75=improvement >= 75.0,
        pasi90=improvement >= 90.0,
    )
