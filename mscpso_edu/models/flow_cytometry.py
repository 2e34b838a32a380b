"""SYNTHETIC flow-cytometry marker data for the "is this an MSC?" activity of lesson 02.

**Every number this module makes is synthetic teaching data.** No sample comes from a real
culture: a *profile* says, for each surface marker, what fraction of cells carry it, and
:func:`synthetic_sample` draws a finite number of cells from that profile with a seeded
:class:`numpy.random.Generator`, so the percentages carry the sampling noise a real count of a
few thousand events would have. The profiles are illustrative choices made to exercise each
ISCT criterion (one marker short, blood-cell contamination, HLA-DR, a failed differentiation),
not measurements.

What is *not* synthetic is the rule the learner applies: :func:`classify` judges a sample by the
ISCT minimal criteria [Dominici 2006] read from the knowledge base (``isct.yaml``): plastic
adherence; at least 95% of cells positive for CD105, CD73 and CD90; at most 2% positive for
CD45, CD34, CD14 or CD11b, CD79alpha or CD19, and HLA-DR; and osteogenic, adipogenic and
chondrogenic differentiation in vitro.

Example
-------
>>> from mscpso_edu.models import flow_cytometry as fc
>>> sample = fc.synthetic_sample("meets_criteria", rng=7)
>>> fc.classify(sample).is_msc
True
>>> fc.classify(fc.synthetic_sample("haematopoietic_contamination", rng=7)).is_msc
False
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from ..errors import CourseError
from ..knowledge import IsctCriteria, load

__all__ = [
    "DEFAULT_EVENTS",
    "PROFILES",
    "SYNTHETIC_LABEL",
    "CriterionResult",
    "MarkerProfile",
    "SampleVerdict",
    "SyntheticSample",
    "classify",
    "isct_criteria",
    "synthetic_panel",
    "synthetic_sample",
]

#: Shown with every sample and every figure drawn from one.
SYNTHETIC_LABEL = "SYNTHETIC teaching data (not from a real culture)"

#: Cells counted per sample: a few thousand events, as a typical immunophenotyping run records.
#: Illustrative; it only sets how noisy the synthetic percentages are.
DEFAULT_EVENTS = 5000


@dataclass(frozen=True)
class MarkerProfile:
    """An illustrative population: the expected percentage of cells positive for each marker.

    Attributes
    ----------
    name
        Profile id, e.g. ``"meets_criteria"``.
    description
        What is (deliberately) wrong or right with it, for the teacher.
    positive
        Expected % positive for each ISCT positive marker (missing markers: ``default_positive``).
    negative
        Expected % positive for each ISCT negative marker (missing: ``default_negative``).
    plastic_adherent, differentiation
        The culture facts the sample sheet reports.
    """

    name: str
    description: str
    positive: Mapping[str, float] = field(default_factory=dict)
    negative: Mapping[str, float] = field(default_factory=dict)
    default_positive: float = 98.5
    default_negative: float = 0.6
    plastic_adherent: bool = True
    differentiation: Mapping[str, bool] = field(default_factory=dict)


def _profiles() -> Mapping[str, MarkerProfile]:
    items = [
        MarkerProfile(
            "meets_criteria",
            "Every marker comfortably within the thresholds; adherent; three lineages.",
        ),
        MarkerProfile(
            "borderline_pass",
            "Close to the thresholds but inside them: the criteria are cut-offs, not a feel.",
            positive={"CD105": 96.6},
            negative={"HLA-DR": 1.3},
        ),
        MarkerProfile(
            "low_cd105",
            "One positive marker clearly below 95% of cells.",
            positive={"CD105": 84.0},
        ),
        MarkerProfile(
            "haematopoietic_contamination",
            "Blood-cell markers (CD45, CD34, CD14/CD11b) above 2%: a mixed population.",
            negative={"CD45": 9.0, "CD34": 4.5, "CD14 or CD11b": 6.0},
        ),
        MarkerProfile(
            "hla_dr_positive",
            "HLA-DR on more than 2% of cells; everything else in range.",
            negative={"HLA-DR": 12.0},
        ),
        MarkerProfile(
            "no_adipogenesis",
            "Perfect markers, but no fat cells in the differentiation assay.",
            differentiation={"adipocytes": False},
        ),
        MarkerProfile(
            "not_adherent",
            "Perfect markers, but the cells float: they do not stick to plastic.",
            plastic_adherent=False,
        ),
    ]
    return MappingProxyType({profile.name: profile for profile in items})


#: The built-in illustrative profiles, by name.
PROFILES: Mapping[str, MarkerProfile] = _profiles()


@dataclass(frozen=True)
class SyntheticSample:
    """One synthetic sample: marker percentages from counted cells, plus the culture facts.

    ``percent_positive`` maps each marker to the percentage of ``events`` cells that were
    positive. ``synthetic`` is always true and ``label`` says so in words.
    """

    name: str
    profile: str
    events: int
    percent_positive: Mapping[str, float]
    plastic_adherent: bool
    differentiation: Mapping[str, bool]
    synthetic: bool = True
    label: str = SYNTHETIC_LABEL


@dataclass(frozen=True)
class CriterionResult:
    """Whether one ISCT requirement is met, with the value and the limit that decided it."""

    criterion: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class SampleVerdict:
    """The ISCT verdict on a sample: every requirement checked, and what failed."""

    sample: str
    results: tuple[CriterionResult, ...]

    @property
    def is_msc(self) -> bool:
        """True when every requirement is met."""
        return all(result.passed for result in self.results)

    @property
    def failures(self) -> tuple[CriterionResult, ...]:
        """The requirements that are not met (empty for an MSC)."""
        return tuple(result for result in self.results if not result.passed)


def isct_criteria() -> IsctCriteria:
    """Return the ISCT minimal criteria from the course knowledge base (``isct.yaml``)."""
    return load().isct_criteria


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, int) and not isinstance(rng, bool) and rng >= 0):
        return np.random.default_rng(rng)
    raise CourseError(f"rng must be a numpy Generator or a seed (a whole number >= 0), got {rng!r}")


def _profile(profile: str | MarkerProfile) -> MarkerProfile:
    if isinstance(profile, MarkerProfile):
        return profile
    if profile not in PROFILES:
        close = difflib.get_close_matches(str(profile), list(PROFILES), n=2)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise CourseError(
            f"unknown marker profile {profile!r}{hint} (known: {', '.join(PROFILES)})"
        )
    return PROFILES[profile]


def _check_percent(profile: MarkerProfile, marker: str, value: float) -> float:
    if not 0.0 <= float(value) <= 100.0:
        raise CourseError(
            f"profile {profile.name!r}: marker {marker} must be a percentage from 0 to 100, "
            f"found {value!r}"
        )
    return float(value)


def synthetic_sample(
    profile: str | MarkerProfile,
    rng: np.random.Generator | int | None = None,
    *,
    events: int = DEFAULT_EVENTS,
    name: str | None = None,
    criteria: IsctCriteria | None = None,
) -> SyntheticSample:
    """Draw one SYNTHETIC sample: count ``events`` cells and report % positive per marker.

    Parameters
    ----------
    profile
        A name from :data:`PROFILES` or a :class:`MarkerProfile`.
    rng
        A :class:`numpy.random.Generator`, or a seed for one. Same seed, same sample.
    events
        How many cells are counted (sets the sampling noise).
    name
        The sample's display name (default: the profile name).
    criteria
        The criteria whose markers are reported (default: the knowledge base's).

    Returns
    -------
    SyntheticSample
        Percentages rounded to 0.1, as a cytometer report would show them.

    Raises
    ------
    CourseError
        For an unknown profile, a bad seed, too few events or a percentage outside 0-100.
    """
    chosen = _profile(profile)
    generator = _rng(rng)
    if isinstance(events, bool) or not isinstance(events, int) or events < 100:
        raise CourseError(f"events must be a whole number of at least 100 cells, got {events!r}")
    criteria = criteria or isct_criteria()
    expected: dict[str, float] = {}
    for marker in criteria.positive_markers:
        value = chosen.positive.get(marker, chosen.default_positive)
        expected[marker] = _check_percent(chosen, marker, value)
    for marker in criteria.negative_markers:
        value = chosen.negative.get(marker, chosen.default_negative)
        expected[marker] = _check_percent(chosen, marker, value)
    unknown = (set(chosen.positive) | set(chosen.negative)) - set(expected)
    if unknown:
        raise CourseError(
            f"profile {chosen.name!r} names markers the ISCT panel does not have: "
            f"{sorted(unknown)} (panel: {', '.join(expected)})"
        )
    # Each cell is positive or not: a binomial count of the events, then a percentage.
    counts = generator.binomial(events, np.array(list(expected.values())) / 100.0)
    percents = {
        marker: round(100.0 * int(count) / events, 1)
        for marker, count in zip(expected, counts, strict=True)
    }
    lineages = {lineage: bool(chosen.differentiation.get(lineage, True))
                for lineage in criteria.differentiation}  # fmt: skip
    return SyntheticSample(
        name=name or chosen.name,
        profile=chosen.name,
        events=events,
        percent_positive=MappingProxyType(percents),
        plastic_adherent=chosen.plastic_adherent,
        differentiation=MappingProxyType(lineages),
    )


def classify(sample: SyntheticSample, criteria: IsctCriteria | None = None) -> SampleVerdict:
    """Apply the ISCT minimal criteria to a sample.

    Parameters
    ----------
    sample
        A sample from :func:`synthetic_sample`.
    criteria
        The thresholds (default: the knowledge base's, from Dominici 2006).

    Returns
    -------
    SampleVerdict
        One :class:`CriterionResult` per requirement: adherence, each positive marker, each
        negative marker, each lineage.
    """
    criteria = criteria or isct_criteria()
    results = [
        CriterionResult(
            "plastic adherence",
            sample.plastic_adherent,
            "adheres to plastic" if sample.plastic_adherent else "does not adhere to plastic",
        )
    ]
    for marker in criteria.positive_markers:
        value = _marker_value(sample, marker)
        passed = value >= criteria.min_positive_percent
        relation = ">=" if passed else "<"
        results.append(
            CriterionResult(
                f"{marker} positive",
                passed,
                f"{marker} {value:.1f}% {relation} {criteria.min_positive_percent:g}%",
            )
        )
    for marker in criteria.negative_markers:
        value = _marker_value(sample, marker)
        passed = value <= criteria.max_negative_percent
        relation = "<=" if passed else ">"
        results.append(
            CriterionResult(
                f"{marker} negative",
                passed,
                f"{marker} {value:.1f}% {relation} {criteria.max_negative_percent:g}%",
            )
        )
    for lineage in criteria.differentiation:
        made = bool(sample.differentiation.get(lineage, False))
        results.append(
            CriterionResult(
                f"differentiates to {lineage}",
                made,
                f"{'forms' if made else 'does not form'} {lineage} in vitro",
            )
        )
    return SampleVerdict(sample.name, tuple(results))


def _marker_value(sample: SyntheticSample, marker: str) -> float:
    if marker not in sample.percent_positive:
        raise CourseError(
            f"sample {sample.name!r} has no value for marker {marker} "
            f"(it reports {', '.join(sample.percent_positive)})"
        )
    return float(sample.percent_positive[marker])


def synthetic_panel(
    rng: np.random.Generator | int | None = 2006,
    profiles: Sequence[str] | None = None,
    *,
    events: int = DEFAULT_EVENTS,
) -> tuple[SyntheticSample, ...]:
    """Return a shuffled panel of SYNTHETIC samples named "Sample A", "Sample B", ...

    The names hide the profiles so the learner has to read the markers. With the default seed
    the panel is the same every time.

    Parameters
    ----------
    rng
        A Generator or a seed (default 2006).
    profiles
        Which profiles to include (default: all of :data:`PROFILES`, each once).
    events
        Cells counted per sample.
    """
    generator = _rng(rng)
    chosen = list(profiles) if profiles is not None else list(PROFILES)
    if not chosen:
        raise CourseError("a panel needs at least one profile")
    if len(chosen) > 26:
        raise CourseError(f"a panel holds at most 26 samples (A-Z), got {len(chosen)}")
    order = generator.permutation(len(chosen))
    criteria = isct_criteria()
    return tuple(
        synthetic_sample(
            chosen[index],
            generator,
            events=events,
            name=f"Sample {chr(ord('A') + position)}",
            criteria=criteria,
        )
        for position, index in enumerate(order)
    )
