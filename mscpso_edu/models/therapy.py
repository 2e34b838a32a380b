"""Therapy inputs for the skin circuit: what a treatment changes, for how long, and how strongly.

A therapy acts on the skin circuit (:mod:`mscpso_edu.models.skin_circuit`) by scaling one or more
of its rate constants while it is active. Each *mechanism* names the rate constants it scales, how
(``"reduce"``: ``k * (1 - effect)``; ``"clearance"``: ``k / (1 - effect)``), the evidence that
motivates it, and whether the mapping onto the model is the paper's own or **OUR INTERPRETATION**.
Shmarov et al. 2022 (doi:10.1371/journal.pcbi.1010267) modelled UVB only; every MSC, EV and
biologic mapping below is ours and is labelled so.

Two ways to apply a mechanism:

* :class:`ConstantEffect`: a fixed effect for a window of days (the "apply for N days" experiment
  of the Shmarov 2022 model, which shows hysteresis: duration matters as much as strength).
* :class:`MSCTherapy`: repeated doses of MSCs or MSC extracellular vesicles (EVs). Each dose adds
  to an *exposure* that decays with a half-life; the effect follows an Emax curve,
  ``effect = strength * exposure / (ec50 + exposure)``. The 1-day half-life of living cells after
  an intravenous infusion is our reading of a cited finding (in mice, viable MSCs were found only
  in the lungs and only up to 24 h; Eggenhofer 2012); the EV half-life in skin and every EC50 are
  **illustrative** (no source gives them), and say so in :data:`PRODUCTS`.

UVB, the treatment the paper did model, is :class:`~mscpso_edu.models.skin_circuit.UVBCourse`.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ..errors import CourseError
from ..knowledge import MarkdownText, cite, markdown_table, reference_ids
from ..knowledge.therapy import DosingProduct, therapy_data
from ._validate import check_fraction, check_known_names, check_non_negative, check_positive

__all__ = [
    "MECHANISMS",
    "PRODUCTS",
    "ConstantEffect",
    "MSCTherapy",
    "Mechanism",
    "Product",
    "biologic",
    "mechanism_table",
    "product_table",
]

OUR_INTERPRETATION = "OUR INTERPRETATION"
PAPER = "paper"


def _cite_ids(text: str) -> str:
    """Replace reference ids in ``text`` (``eggenhofer2012``) by citations (Eggenhofer 2012)."""
    known = reference_ids()
    return re.sub(r"\b[a-z]+\d{4}[a-z]?\b", lambda m: cite(m[0]) if m[0] in known else m[0], text)


@dataclass(frozen=True)
class Mechanism:
    """How a therapy acts on the skin circuit.

    Attributes
    ----------
    name : str
        Short id, used as ``mechanism=`` in :class:`ConstantEffect` and :class:`MSCTherapy`.
    targets : tuple of str
        Skin-circuit parameters (SBML names) that are scaled.
    kind : str
        ``"reduce"`` scales a target by ``1 - effect`` (effect 0.5 halves it);
        ``"clearance"`` scales it by ``1 / (1 - effect)`` (effect 0.5 doubles a removal rate,
        i.e. halves the lifetime).
    label : str
        Text for a control or legend.
    description : str
        What the mapping means biologically.
    refs : tuple of str
        Reference ids of the evidence for the biological effect.
    mapping : str
        ``"OUR INTERPRETATION"`` when the paper did not model it, else ``"paper"``.
    """

    name: str
    targets: tuple[str, ...]
    kind: str
    label: str
    description: str
    refs: tuple[str, ...]
    mapping: str = OUR_INTERPRETATION

    def factor(self, effect: float) -> float:
        """Return the multiplier applied to each target for an effect in [0, 1)."""
        return 1.0 - effect if self.kind == "reduce" else 1.0 / (1.0 - effect)


class _Mechanisms(Mapping[str, Mechanism]):
    """The mechanisms of ``knowledge/therapy.yaml``, built on first use.

    Turning reference ids into citations reads the whole knowledge base, which importing the
    models must not do.
    """

    def __init__(self) -> None:
        self._built: dict[str, Mechanism] | None = None

    def _all(self) -> dict[str, Mechanism]:
        if self._built is None:
            self._built = {
                m.id: Mechanism(
                    name=m.id,
                    targets=m.targets,
                    kind=m.kind,
                    label=m.label,
                    description=_cite_ids(m.description),
                    refs=m.refs,
                )
                for m in therapy_data().mechanisms.values()
            }
        return self._built

    def __getitem__(self, name: str) -> Mechanism:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(therapy_data().mechanisms)

    def __len__(self) -> int:
        return len(therapy_data().mechanisms)

    def __contains__(self, name: object) -> bool:
        return name in therapy_data().mechanisms


#: Every mechanism, read from ``knowledge/therapy.yaml`` (descriptions and their sources' words
#: live there; reference ids in a description are shown as citations).
MECHANISMS: Mapping[str, Mechanism] = _Mechanisms()


#: An MSC product of the dosing model (dose unit, default dose, exposure half-life, EC50, which
#: settings are illustrative): the knowledge base's record, used as it is.
Product = DosingProduct

#: The dosing model's products, from ``knowledge/therapy.yaml`` (where each number comes from, or
#: "illustrative", is recorded there with the source's words).
PRODUCTS: Mapping[str, Product] = MappingProxyType(dict(therapy_data().dosing_products))


def _mechanism(name: str) -> Mechanism:
    check_known_names("mechanism", [name], MECHANISMS)
    return MECHANISMS[name]


@dataclass(frozen=True)
class ConstantEffect:
    """A fixed effect of one mechanism from ``start`` for ``duration`` days.

    Parameters
    ----------
    mechanism : str
        A key of :data:`MECHANISMS`, e.g. ``"tolerogenic_dc"``.
    strength : float
        Effect in [0, 1): 0.5 halves a ``"reduce"`` target and doubles a ``"clearance"`` one.
    start : float
        First day of the effect.
    duration : float
        Number of days it lasts (> 0).

    Examples
    --------
    >>> ConstantEffect("tolerogenic_dc", 0.5, start=200, duration=28).factors(210)
    {'il232': 0.5}
    """

    mechanism: str
    strength: float
    start: float
    duration: float

    def __post_init__(self) -> None:
        _mechanism(self.mechanism)
        object.__setattr__(self, "strength", check_fraction("strength", self.strength))
        object.__setattr__(self, "start", check_non_negative("start (day)", self.start))
        object.__setattr__(self, "duration", check_positive("duration (days)", self.duration))

    time_varying = False

    @property
    def end(self) -> float:
        """Day the effect stops."""
        return self.start + self.duration

    def breakpoints(self) -> tuple[float, ...]:
        """Days at which the effect switches on or off."""
        return (self.start, self.end)

    def effect(self, t: float | np.ndarray) -> float | np.ndarray:
        """Effect (0..1) at day ``t``."""
        active = (np.asarray(t) >= self.start) & (np.asarray(t) < self.end)
        value = np.where(active, self.strength, 0.0)
        return float(value) if np.ndim(value) == 0 else value

    def factors(self, t: float) -> dict[str, float]:
        """Multipliers of the targeted parameters at day ``t``."""
        mechanism = MECHANISMS[self.mechanism]
        factor = mechanism.factor(float(self.effect(t)))
        return {target: factor for target in mechanism.targets}


@dataclass(frozen=True)
class MSCTherapy:
    """Repeated doses of MSCs (or MSC EVs) acting through one mechanism.

    Exposure after dose ``i`` at day ``t_i`` is ``dose * exp(-k (t - t_i))`` with
    ``k = ln 2 / half_life_days``; doses add. The effect is
    ``strength * exposure / (ec50 + exposure)`` (an Emax curve), and scales the mechanism's
    targets as :class:`Mechanism` describes. The exposure is a unitless stand-in for "MSC
    activity reaching the skin", not a measured concentration: this whole mapping is
    OUR INTERPRETATION, and ``ec50`` (and for EVs the half-life) are illustrative.

    Parameters
    ----------
    mechanism : str
        A key of :data:`MECHANISMS`.
    strength : float
        Maximum effect in [0, 1) at saturating exposure.
    dose : float or None
        Dose per administration in the product's unit (cells/kg or ug EV protein); None takes
        the product's default (NCT03745417's 2e6 cells/kg; 100 ug EVs).
    doses : int
        Number of administrations (>= 1).
    interval_days : float
        Days between administrations (> 0 when ``doses > 1``).
    first_day : float
        Day of the first administration.
    product : {"cells", "ev"}
        Living cells or extracellular vesicles (see :data:`PRODUCTS`).
    half_life_days, ec50 : float or None
        Override the product's defaults.
    """

    mechanism: str
    strength: float
    dose: float | None = None
    doses: int = 5
    interval_days: float = 14.0
    first_day: float = 0.0
    product: str = "cells"
    half_life_days: float | None = None
    ec50: float | None = None

    time_varying = True

    def __post_init__(self) -> None:
        _mechanism(self.mechanism)
        check_known_names("product", [self.product], PRODUCTS)
        product = PRODUCTS[self.product]
        set_ = object.__setattr__
        set_(self, "strength", check_fraction("strength", self.strength))
        dose = product.default_dose if self.dose is None else self.dose
        set_(self, "dose", check_non_negative(f"dose ({product.dose_unit})", dose))
        if isinstance(self.doses, bool) or not isinstance(self.doses, int | np.integer):
            raise CourseError(f"doses must be a whole number, got {self.doses!r}")
        if self.doses < 1:
            raise CourseError(f"doses must be at least 1, got {self.doses!r}")
        set_(self, "doses", int(self.doses))
        interval = check_non_negative("interval_days", self.interval_days)
        if self.doses > 1 and interval <= 0:
            raise CourseError("interval_days must be more than zero when doses > 1")
        set_(self, "interval_days", interval)
        set_(self, "first_day", check_non_negative("first_day", self.first_day))
        half_life = product.half_life_days if self.half_life_days is None else self.half_life_days
        set_(self, "half_life_days", check_positive("half_life_days", half_life))
        ec50 = product.ec50 if self.ec50 is None else self.ec50
        set_(self, "ec50", check_positive("ec50", ec50))
        # Plain floats for the ODE right-hand side, which calls effect_scalar thousands of times:
        # the dose days and the exposure just after each dose (the earlier doses decayed plus the
        # new one), so the exposure at any day is one exponential from the last dose given.
        days = tuple(self.first_day + self.interval_days * i for i in range(self.doses))
        k = math.log(2.0) / self.half_life_days
        peaks: list[float] = []
        for i, day in enumerate(days):
            carried = peaks[-1] * math.exp(-k * (day - days[i - 1])) if i else 0.0
            peaks.append(carried + self.dose)
        set_(self, "_fast", (days, k, tuple(peaks)))

    @property
    def metadata(self) -> dict[str, str]:
        """Where each setting comes from: a source, or "illustrative"."""
        product = PRODUCTS[self.product]
        defaults_used = {
            "half_life_days": self.half_life_days == product.half_life_days,
            "ec50": self.ec50 == product.ec50,
        }
        notes = {
            "mapping": OUR_INTERPRETATION,
            "dose": product.dose_source,
            "half_life_days": product.half_life_source,
            "ec50": "illustrative",
            "strength": "illustrative (a teaching control, not a measured effect size)",
        }
        for name, default in defaults_used.items():
            if not default:
                notes[name] = "user value (illustrative)"
        return notes

    @property
    def dose_days(self) -> np.ndarray:
        """Days of each administration."""
        return self.first_day + self.interval_days * np.arange(self.doses)

    @property
    def elimination_rate(self) -> float:
        """First-order elimination rate ``ln 2 / half_life_days`` (1/day)."""
        return math.log(2.0) / self.half_life_days

    def breakpoints(self) -> tuple[float, ...]:
        """Days at which exposure jumps (each administration)."""
        return tuple(float(day) for day in self.dose_days)

    def exposure(self, t: float | np.ndarray) -> float | np.ndarray:
        """Exposure (dose units) at day ``t``: the sum of decaying doses given by then."""
        times = np.asarray(t, dtype=float)
        since = times[..., None] - self.dose_days
        given = since >= 0
        value = np.where(
            given, self.dose * np.exp(-self.elimination_rate * np.where(given, since, 0)), 0
        )
        total = value.sum(axis=-1)
        return float(total) if np.ndim(total) == 0 else total

    def effect(self, t: float | np.ndarray) -> float | np.ndarray:
        """Effect (0..strength) at day ``t``."""
        exposure = self.exposure(t)
        return self.strength * exposure / (self.ec50 + exposure)

    def effect_scalar(self, t: float) -> float:
        """Fast scalar form of :meth:`effect` for the ODE right-hand side."""
        days, k, peaks = self._fast
        last = bisect_right(days, t) - 1
        if last < 0:
            return 0.0
        exposure = peaks[last] * math.exp(-k * (t - days[last]))
        return self.strength * exposure / (self.ec50 + exposure)

    def factors(self, t: float) -> dict[str, float]:
        """Multipliers of the targeted parameters at day ``t``."""
        mechanism = MECHANISMS[self.mechanism]
        factor = mechanism.factor(self.effect_scalar(t))
        return {target: factor for target in mechanism.targets}

    def factor_scalar(self) -> tuple[Callable[[float], float], tuple[str, ...]]:
        """Return ``(factor_at, targets)``: the one multiplier at day ``t`` and what it scales.

        The same numbers as :meth:`factors`, without building a dict on every call of the ODE
        right-hand side.
        """
        mechanism = MECHANISMS[self.mechanism]
        effect = self.effect_scalar
        if mechanism.kind == "reduce":

            def factor_at(t: float) -> float:
                return 1.0 - effect(t)
        else:

            def factor_at(t: float) -> float:
                return 1.0 / (1.0 - effect(t))

        return factor_at, mechanism.targets


def biologic(drug: str, strength: float, start: float, duration: float) -> ConstantEffect:
    """A biologic given as a constant effect: ``drug`` is ``"anti_il17"`` or ``"anti_tnf"``.

    The paper did not couple its antibody compartments to the circuit; this constant
    neutralisation is OUR INTERPRETATION, for comparison with MSC therapies.
    """
    if drug not in ("anti_il17", "anti_tnf"):
        raise CourseError(f"biologic must be 'anti_il17' or 'anti_tnf', got {drug!r}")
    return ConstantEffect(drug, strength, start, duration)


def mechanism_table() -> MarkdownText:
    """Return every therapy mechanism as a Markdown table with the evidence it rests on.

    Columns: mechanism id, what it means, the skin-circuit parameters it scales and how, whether
    the mapping onto the model is the paper's or OUR INTERPRETATION, and the citations.
    """
    rows = [
        (
            f"`{m.name}`",
            m.label,
            f"{', '.join(m.targets)} ({m.kind})",
            m.mapping.lower(),
            "; ".join(cite(ref) for ref in m.refs),
        )
        for m in MECHANISMS.values()
    ]
    return markdown_table(["Mechanism", "Meaning", "Scales", "Mapping", "Evidence"], rows)


def product_table() -> MarkdownText:
    """Return the MSC products as a Markdown table: dose unit, exposure half-life and its
    source, and which settings are illustrative (set for teaching, with no source)."""
    rows = [
        (
            product.id,
            product.dose_unit,
            f"{product.half_life_days:g}",
            _cite_ids(product.half_life_source),
            ", ".join(product.illustrative),
        )
        for product in PRODUCTS.values()
    ]
    header = ["Product", "Dose unit", "Half-life (days)", "Half-life source", "Illustrative"]
    return markdown_table(header, rows)
