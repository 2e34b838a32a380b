"""The psoriatic skin circuit of Shmarov et al. 2022, re-implemented from the authors' SBML.

Shmarov F, Reynolds NJ, Zuliani P et al. *Computational design of personalized UVB phototherapy
for psoriasis.* PLoS Comput Biol 18(9):e1010267 (2022), doi:10.1371/journal.pcbi.1010267,
PMID 36178923; SBML ``psor_v8_4`` from the authors' repository pzuliani/psoriasis (Apache-2.0).
The model builds on Weatherhead et al., J Invest Dermatol 2011;131:1916.

Ten variables, in cells (or cytokine units) per mm^2 of epidermis, time in days:
T cells, dendritic cells (DC), IL-23, IL-17, TNF, growth factor (GF), stem (SC),
transit-amplifying (TA), differentiated (D) and apoptotic (A) keratinocytes. With ``u`` the UVB
dose rate during a session and ``C = IL17 + TNF``::

    T'    = t2*IL23 - t20*T - a_base*T - u*uv_eff*(T - t_min)
    DC'   = dc_act + dc_stim(t) + t_vm*GF^n/(t_kp + GF^n) - t20*DC - a_base*DC
            - u*uv_eff*(DC - dc_min)
    IL23' = il232*DC - il2320*IL23
    IL17' = il172*T - il1720*IL17
    TNF'  = tnf2*T - tnf20*TNF
    GF'   = sc2gf*SC + ta2gf*TA - gf20*GF
    SC'   = sc2*C*SC - sc20*SC^2 - a_base*SC - u*uv_eff*(SC - sc_min)
    TA'   = sc2ta*C*SC + ta2*C*TA - ta20*TA^2 - a_base*TA - u*uv_eff*(TA - ta_min)
    D'    = ta2d*C*TA - d20*D^2 - (a_base + desq)*D
    A'    = (all apoptosis terms above) - a20*A

This is exactly the SBML's reaction network (checked against libroadrunner in the tests) with
two simplifications that change nothing at the SBML's values: the growth-arrest branch
(``arrest = 0`` in the SBML, so species ``R`` stays 0) and the unconnected
adalimumab/ustekinumab compartments are left out.

The model is bistable: a healthy and a psoriatic steady state coexist. They are *computed*
(:func:`healthy_state`, :func:`psoriatic_state`) by reducing the steady-state equations to one
equation in T and finding all its roots, so they follow any parameter change.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import CourseError
from ..knowledge import MarkdownText, fact, facts, markdown_table
from ..results_cache import cached_result
from ._validate import check_known_names, check_non_negative, check_positive
from .therapy import ConstantEffect, MSCTherapy, biologic

__all__ = [
    "STATE_NAMES",
    "Branches",
    "DCStimulus",
    "SkinParameters",
    "SkinResult",
    "SkinState",
    "TissueMemory",
    "UVBCourse",
    "healthy_state",
    "healthy_state_limit",
    "healthy_state_limits",
    "kinetics_comparison",
    "psoriatic_state",
    "relapse_comparison",
    "relapse_trigger_threshold",
    "simulate_skin",
    "simulate_skin_fixed_step",
    "state_comparison",
    "steady_state_branches",
    "steady_state_table",
    "steady_states",
]


# scipy.integrate and scipy.optimize (with scipy.special and sparse) take about half a second to
# import; a lesson that never runs this model should not pay it, so they are imported on first use.


def _odeint(*args, **kwargs):
    from scipy.integrate import odeint

    return odeint(*args, **kwargs)


def _brentq(*args, **kwargs):
    from scipy.optimize import brentq

    return brentq(*args, **kwargs)


#: Order of the variables in state vectors and in ``SkinResult.y``.
STATE_NAMES: tuple[str, ...] = ("T", "DC", "IL23", "IL17", "TNF", "GF", "SC", "TA", "D", "A")

_REF = "shmarov2022"
_CELLS = "cells/mm^2"


def _p(value: float, unit: str, description: str, ref: str = _REF) -> float:
    """A parameter field carrying unit, reference and description as metadata."""
    return field(default=value, metadata={"unit": unit, "ref": ref, "description": description})


@dataclass(frozen=True)
class SkinParameters:
    """Parameters of the skin circuit, with the SBML's names and values (psor_v8_4).

    Every field's metadata holds ``unit``, ``ref`` (reference id) and ``description``:
    ``dataclasses.fields(SkinParameters)[0].metadata["unit"]``. Change values with
    :meth:`replace`, which rejects unknown names.
    """

    t2: float = _p(55.0, "1/day (T cells per IL-23 unit)", "IL-23-driven T-cell expansion")
    t20: float = _p(1.51, "1/day", "T-cell and dendritic-cell removal rate")
    il172: float = _p(0.5, "1/day (IL-17 per T cell)", "IL-17 production per T cell")
    il1720: float = _p(36.5, "1/day", "IL-17 removal rate")
    tnf2: float = _p(0.5, "1/day (TNF per T cell)", "TNF production per T cell")
    tnf20: float = _p(36.5, "1/day", "TNF removal rate")
    gf20: float = _p(36.5, "1/day", "growth-factor removal rate")
    sc2gf: float = _p(1.0, "1/day (GF per stem cell)", "growth factor made by stem cells")
    ta2gf: float = _p(1.0, "1/day (GF per TA cell)", "growth factor made by TA cells")
    dc_act: float = _p(1880.0, f"{_CELLS}/day", "baseline dendritic-cell influx")
    t_vm: float = _p(6000.0, f"{_CELLS}/day", "maximal GF-driven dendritic-cell influx")
    t_kp: float = _p(3e12, "GF units^n", "half-saturation constant of GF-driven DC influx")
    n: float = _p(4.0, "1", "Hill exponent of GF-driven DC influx")
    il232: float = _p(1.0, "1/day (IL-23 per DC)", "IL-23 production per dendritic cell")
    il2320: float = _p(36.5, "1/day", "IL-23 removal rate")
    sc2: float = _p(1.7635e-3, "mm^2/day (per cytokine unit)", "cytokine-driven stem-cell division")
    sc20: float = _p(1.8135e-5, "mm^2/(cell day)", "stem-cell crowding")
    sc2ta: float = _p(1.5415e-3, "1/day (per cytokine unit)", "stem to TA production")
    ta2: float = _p(1.7562e-3, "1/day (per cytokine unit)", "cytokine-driven TA division")
    ta20: float = _p(3.7321e-6, "mm^2/(cell day)", "TA crowding")
    ta2d: float = _p(1.8063e-3, "1/day (per cytokine unit)", "TA to differentiated production")
    d20: float = _p(5.05e-7, "mm^2/(cell day)", "differentiated-cell crowding")
    desq: float = _p(0.004752946, "1/day", "desquamation of differentiated cells")
    a_base: float = _p(0.0036, "1/day", "baseline apoptosis rate of every cell type")
    a20: float = _p(36.0, "1/day", "removal of apoptotic cells")
    uv_eff: float = _p(0.16, "1/(dose unit day)", "UVB-induced apoptosis per unit dose")
    t_min: float = _p(1556.09, _CELLS, "T-cell level below which UVB stops killing T cells")
    dc_min: float = _p(1563.06, _CELLS, "DC level below which UVB stops killing DCs")
    sc_min: float = _p(3947.21, _CELLS, "stem-cell level below which UVB stops killing")
    ta_min: float = _p(22224.4, _CELLS, "TA level below which UVB stops killing")
    totC_min: float = _p(79828.0, _CELLS, "healthy total cells (PASI-proxy scale)")
    totC_max: float = _p(266011.65, _CELLS, "psoriatic total cells (PASI-proxy scale)")
    t_max: float = _p(4783.0, _CELLS, "psoriatic T cells (PASI-proxy scale)")
    d_min: float = _p(50529.3, _CELLS, "healthy differentiated cells (PASI-proxy scale)")
    d_max: float = _p(173504.0, _CELLS, "psoriatic differentiated cells (PASI-proxy scale)")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = check_non_negative(f"skin parameter {f.name}", getattr(self, f.name))
            object.__setattr__(self, f.name, value)
        for name in ("il1720", "tnf20", "il2320", "gf20", "a20", "n"):
            check_positive(f"skin parameter {name}", getattr(self, name))

    def replace(self, **changes: float) -> SkinParameters:
        """Return a copy with some values changed; unknown names raise :class:`CourseError`."""
        check_known_names("skin parameter", changes, self.names())
        return dataclasses.replace(self, **changes)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Names of all parameters."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def metadata(cls, name: str) -> Mapping[str, str]:
        """Unit, reference and description of parameter ``name``."""
        check_known_names("skin parameter", [name], cls.names())
        return next(f.metadata for f in dataclasses.fields(cls) if f.name == name)


@dataclass(frozen=True)
class DCStimulus:
    """Extra dendritic-cell influx (``dc_stim``) of ``rate`` cells/mm^2/day for ``duration`` days.

    The default is the SBML's onset trigger: 3000/day from day 150 for 4 days
    (events ``event_13``/``event_14`` of psor_v8_4).
    """

    start: float = 150.0
    duration: float = 4.0
    rate: float = 3000.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", check_non_negative("stimulus start (day)", self.start))
        object.__setattr__(
            self, "duration", check_positive("stimulus duration (days)", self.duration)
        )
        object.__setattr__(
            self, "rate", check_non_negative("stimulus rate (DCs/mm^2/day)", self.rate)
        )

    @property
    def end(self) -> float:
        """Day the stimulus stops."""
        return self.start + self.duration


@dataclass(frozen=True)
class TissueMemory:
    """An optional memory compartment: tissue-resident memory T cells (TRM). ILLUSTRATIVE.

    **Not part of Shmarov et al. 2022, and not from any published model** (we looked for a
    psoriasis model with tissue-resident memory and found none): the form and every number here are
    illustrative, and the mapping is OUR INTERPRETATION of a clinical observation. Clinically
    resolved plaques keep IL-17-producing T-cell clones, and lesions often return at the same sites
    (Matos et al. 2017, doi:10.1172/JCI93396); in resolved lesions T cells stay poised to make
    IL-17 and IL-22, lowering the threshold for local relapse (Sortebech et al. 2024, review).

    Memory ``M`` (0 to 1: the share of the memory that a long-standing plaque leaves) builds while
    the skin is inflamed and fades slowly afterwards; where it is present, IL-23 expands T cells
    more strongly::

        inflamed = clip((T - t_min) / (t_max - t_min), 0, 1)     # 0 healthy, 1 psoriatic T cells
        M'  = inflamed * (1 - M) / build_days - M / fade_days
        T'  = t2 * (1 + gain * M) * IL23 - ...                    # the rest of T' unchanged

    ``t_min`` and ``t_max`` are the SBML's healthy and psoriatic T-cell levels (its PASI scale).
    With ``memory=None`` (the default) the published model runs unchanged.

    Parameters
    ----------
    gain : float
        Extra IL-23-driven T-cell expansion at full memory (0.01 = 1 % more). Kept below the
        fold at which the model's healthy state vanishes (t2 about 1.01 x published), so healed
        skin can stay healed; larger gains leave no healthy state while memory is high.
    build_days : float
        Time constant (days) for memory to build in fully inflamed skin.
    fade_days : float
        Time constant (days) for memory to fade in healthy skin (TRM persist for years).
    initial : float, optional
        Memory at the start; by default the chronic level (``fade/(build + fade)``) when the
        simulation starts from the psoriatic state and 0 otherwise.
    """

    gain: float = 0.01
    build_days: float = 30.0
    fade_days: float = 1000.0
    initial: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "gain", check_non_negative("memory gain", self.gain))
        for name in ("build_days", "fade_days"):
            object.__setattr__(self, name, check_positive(f"memory {name}", getattr(self, name)))
        if self.initial is not None:
            value = check_non_negative("memory initial level", self.initial)
            if value > 1:
                raise CourseError(f"memory initial level must lie in [0, 1], got {value:g}")
            object.__setattr__(self, "initial", value)

    @property
    def chronic_level(self) -> float:
        """Steady memory in skin that stays fully inflamed: ``fade/(build + fade)``."""
        return self.fade_days / (self.build_days + self.fade_days)

    def start_level(self, start: object) -> float:
        """Memory at the start of a simulation that begins at ``start``."""
        if self.initial is not None:
            return self.initial
        return self.chronic_level if isinstance(start, str) and start == "psoriatic" else 0.0


def _stimuli(dc_stimulus) -> tuple[DCStimulus, ...]:
    """One DCStimulus, several, or None, as a tuple (validated)."""
    if dc_stimulus is None:
        return ()
    message = "dc_stimulus must be a DCStimulus, a list of them, or None"
    if isinstance(dc_stimulus, DCStimulus):
        return (dc_stimulus,)
    if isinstance(dc_stimulus, str) or not isinstance(dc_stimulus, Sequence):
        raise CourseError(message)
    items = tuple(dc_stimulus)
    if not all(isinstance(item, DCStimulus) for item in items):
        raise CourseError(message)
    return items


# The published UVB course, transcribed from the 25 dose_k_a / dose_k_b event pairs of
# psor_v8_4: session k starts at time_uvb + offset, sets uv_dose to the dose, and ends
# a_time = 1 day later. Three sessions a week for 8 weeks plus one, doses rising from 0.7 to
# 3.427. tests/test_skin_circuit.py re-reads the SBML to check this table.
_PUBLISHED_UVB_OFFSETS = (0, 2, 4, 7, 9, 11, 14, 16, 18, 21, 23, 25, 28, 30, 32, 35, 37, 39,
                          42, 44, 46, 49, 51, 53, 56)  # fmt: skip
_PUBLISHED_UVB_DOSES = (0.7, 0.7, 0.98, 0.98, 1.323, 1.323, 1.72, 1.72, 2.15, 2.15, 2.58, 2.58,
                        2.967, 2.967, 3.264, 3.264, 3.427, 3.427, 3.427, 3.427, 3.427, 3.427,
                        3.427, 3.427, 3.427)  # fmt: skip


@dataclass(frozen=True)
class UVBCourse:
    """A course of UVB sessions: each sets the dose rate ``uv_dose`` for ``session_days``.

    Parameters
    ----------
    session_days : tuple of float
        Start day of each session.
    doses : tuple of float
        ``uv_dose`` of each session (the SBML's dose units, multiplied by ``uv_eff``).
    session_length : float
        Days each session's dose acts (the SBML's ``a_time`` = 1 day).
    """

    session_days: tuple[float, ...]
    doses: tuple[float, ...]
    session_length: float = 1.0

    def __post_init__(self) -> None:
        days = tuple(check_non_negative("UVB session day", d) for d in self.session_days)
        doses = tuple(check_non_negative("UVB dose", d) for d in self.doses)
        if len(days) != len(doses):
            raise CourseError(
                f"UVB course needs one dose per session: {len(days)} days, {len(doses)} doses"
            )
        length = check_positive("UVB session length (days)", self.session_length)
        ordered = sorted(zip(days, doses, strict=True))
        for (first, _), (second, _) in itertools.pairwise(ordered):
            if second < first + length:
                raise CourseError(f"UVB sessions at days {first} and {second} overlap")
        object.__setattr__(self, "session_days", tuple(d for d, _ in ordered))
        object.__setattr__(self, "doses", tuple(x for _, x in ordered))
        object.__setattr__(self, "session_length", length)

    @classmethod
    def published(cls, start_day: float = 300.0) -> UVBCourse:
        """The course in the SBML (25 sessions over 57 days), starting on ``start_day``."""
        start = check_non_negative("UVB start day", start_day)
        return cls(tuple(start + o for o in _PUBLISHED_UVB_OFFSETS), _PUBLISHED_UVB_DOSES)

    def breakpoints(self) -> tuple[float, ...]:
        """Days at which the dose rate changes."""
        return tuple(t for d in self.session_days for t in (d, d + self.session_length))

    def dose_at(self, t: float) -> float:
        """``uv_dose`` at day ``t`` (0 between sessions)."""
        for day, dose in zip(self.session_days, self.doses, strict=True):
            if day <= t < day + self.session_length:
                return dose
        return 0.0


@dataclass(frozen=True)
class SkinState:
    """One state of the skin circuit (for example a steady state), variables by name."""

    T: float
    DC: float
    IL23: float
    IL17: float
    TNF: float
    GF: float
    SC: float
    TA: float
    D: float
    A: float
    stable: bool | None = None

    def as_array(self) -> np.ndarray:
        """The state as an array in :data:`STATE_NAMES` order."""
        return np.array([getattr(self, name) for name in STATE_NAMES])

    @property
    def keratinocytes(self) -> float:
        """Living keratinocytes SC + TA + D (cells/mm^2)."""
        return self.SC + self.TA + self.D

    @property
    def total_cells(self) -> float:
        """All cells, the SBML's ``totC`` = SC + TA + D + A + T + DC (cells/mm^2)."""
        return self.SC + self.TA + self.D + self.A + self.T + self.DC

    @property
    def turnover_days(self) -> float:
        """Epidermal turnover time (days), the SBML's ``turnover`` rule; see SkinResult."""
        return float(_turnover(self.as_array(), SkinParameters()))


# --- right-hand side ------------------------------------------------------------------------

_MODULATED = ("t2", "t20", "il232", "il1720", "tnf20", "sc2", "ta2")
_MODULATED_INDEX = {name: i for i, name in enumerate(_MODULATED)}


def _make_rhs(
    p: SkinParameters,
    stim: float,
    uv: float,
    fixed: Mapping[str, float],
    dynamic,
    memory: TissueMemory | None = None,
):
    """Build the ODE right-hand side for one segment with constant stimulus and UVB dose.

    ``fixed`` multiplies parameters for the whole segment (constant therapies); ``dynamic`` is a
    tuple of therapies whose multipliers change within the segment (MSC exposure). With a
    ``memory`` compartment the state has an 11th variable (see :class:`TissueMemory`).
    Plain-float arithmetic: for ten variables it is several times faster than numpy arrays.
    """
    t2_0 = p.t2 * fixed.get("t2", 1.0)
    t20_0 = p.t20 * fixed.get("t20", 1.0)
    il232_0 = p.il232 * fixed.get("il232", 1.0)
    il1720_0 = p.il1720 * fixed.get("il1720", 1.0)
    tnf20_0 = p.tnf20 * fixed.get("tnf20", 1.0)
    sc2_0 = p.sc2 * fixed.get("sc2", 1.0)
    ta2_0 = p.ta2 * fixed.get("ta2", 1.0)
    il172, tnf2, gf20, sc2gf, ta2gf = p.il172, p.tnf2, p.gf20, p.sc2gf, p.ta2gf
    dc_in, t_vm, t_kp, n = p.dc_act + stim, p.t_vm, p.t_kp, p.n
    il2320, sc20, sc2ta, ta20, ta2d, d20 = p.il2320, p.sc20, p.sc2ta, p.ta20, p.ta2d, p.d20
    a_base, a20, d_loss = p.a_base, p.a20, p.a_base + p.desq
    kill = uv * p.uv_eff
    t_min, dc_min, sc_min, ta_min = p.t_min, p.dc_min, p.sc_min, p.ta_min

    base = (t2_0, t20_0, il232_0, il1720_0, tnf20_0, sc2_0, ta2_0)

    terms = []
    for therapy in dynamic:
        factor_at, targets = therapy.factor_scalar()
        terms.append((factor_at, tuple(_MODULATED_INDEX[name] for name in targets)))

    def rates(t):
        if not terms:
            return base
        scaled = list(base)
        for factor_at, indices in terms:
            factor = factor_at(t)
            for i in indices:
                scaled[i] *= factor
        return scaled

    def rhs(t, y):
        T, DC, IL23, IL17, TNF, GF, SC, TA, D, A = y.tolist()  # floats: faster arithmetic
        t2, t20, il232, il1720, tnf20, sc2, ta2 = rates(t)
        C = IL17 + TNF
        gfn = GF**n if GF > 0 else 0.0
        uv_t = kill * (T - t_min)
        uv_dc = kill * (DC - dc_min)
        uv_sc = kill * (SC - sc_min)
        uv_ta = kill * (TA - ta_min)
        return [
            t2 * IL23 - (t20 + a_base) * T - uv_t,
            dc_in + t_vm * gfn / (t_kp + gfn) - (t20 + a_base) * DC - uv_dc,
            il232 * DC - il2320 * IL23,
            il172 * T - il1720 * IL17,
            tnf2 * T - tnf20 * TNF,
            sc2gf * SC + ta2gf * TA - gf20 * GF,
            sc2 * C * SC - sc20 * SC * SC - a_base * SC - uv_sc,
            sc2ta * C * SC + ta2 * C * TA - ta20 * TA * TA - a_base * TA - uv_ta,
            ta2d * C * TA - d20 * D * D - d_loss * D,
            a_base * (T + DC + SC + TA + D) + uv_t + uv_dc + uv_sc + uv_ta - a20 * A,
        ]

    def jac(t, y):
        # Analytic Jacobian: LSODA otherwise spends most of its right-hand-side calls on
        # finite-difference Jacobians.
        _, _, _, IL17, TNF, GF, SC, TA, D, _ = y
        t2, t20, il232, il1720, tnf20, sc2, ta2 = rates(t)
        C = IL17 + TNF
        J = np.zeros((10, 10))
        loss = t20 + a_base + kill
        J[0, 0], J[0, 2] = -loss, t2
        J[1, 1] = -loss
        if GF > 0:
            gfn = GF**n
            J[1, 5] = t_vm * n * GF ** (n - 1) * t_kp / (t_kp + gfn) ** 2
        J[2, 1], J[2, 2] = il232, -il2320
        J[3, 0], J[3, 3] = il172, -il1720
        J[4, 0], J[4, 4] = tnf2, -tnf20
        J[5, 6], J[5, 7], J[5, 5] = sc2gf, ta2gf, -gf20
        J[6, 3] = J[6, 4] = sc2 * SC
        J[6, 6] = sc2 * C - 2 * sc20 * SC - a_base - kill
        J[7, 3] = J[7, 4] = sc2ta * SC + ta2 * TA
        J[7, 6] = sc2ta * C
        J[7, 7] = ta2 * C - 2 * ta20 * TA - a_base - kill
        J[8, 3] = J[8, 4] = ta2d * TA
        J[8, 7] = ta2d * C
        J[8, 8] = -2 * d20 * D - d_loss
        J[9, 0] = J[9, 1] = J[9, 6] = J[9, 7] = a_base + kill
        J[9, 8], J[9, 9] = a_base, -a20
        return J

    if memory is None:
        return rhs, jac
    return _with_memory(rhs, jac, rates, memory, t_min, p.t_max)


def _with_memory(rhs, jac, rates, memory: TissueMemory, t_low: float, t_high: float):
    """Extend a 10-variable right-hand side with the memory compartment (11th variable)."""
    gain, build, fade = memory.gain, 1.0 / memory.build_days, 1.0 / memory.fade_days
    span = t_high - t_low

    def rhs_m(t, y):
        T, IL23, M = y[0], y[2], y[10]
        out = rhs(t, y[:10])
        out[0] += rates(t)[0] * gain * M * IL23
        inflamed = min(max((T - t_low) / span, 0.0), 1.0)
        out.append(inflamed * (1.0 - M) * build - M * fade)
        return out

    def jac_m(t, y):
        T, IL23, M = y[0], y[2], y[10]
        J = np.zeros((11, 11))
        J[:10, :10] = jac(t, y[:10])
        t2 = rates(t)[0]
        J[0, 2] += t2 * gain * M
        J[0, 10] = t2 * gain * IL23
        inflamed = (T - t_low) / span
        if 0.0 < inflamed < 1.0:
            J[10, 0] = (1.0 - M) * build / span
        J[10, 10] = -min(max(inflamed, 0.0), 1.0) * build - fade
        return J

    return rhs_m, jac_m


def _turnover(y: np.ndarray, p: SkinParameters) -> np.ndarray:
    """The SBML's ``turnover`` rule: days to replace the proliferative and differentiated pools."""
    _T, _DC, _IL23, IL17, TNF, _GF, SC, TA, D, _A = y
    C = IL17 + TNF
    with np.errstate(divide="ignore", invalid="ignore"):
        return (SC + TA) / ((p.sc2 + p.sc2ta) * C * SC + p.ta2 * C * TA) + D / (p.ta2d * C * TA)


# --- steady states --------------------------------------------------------------------------


def _state_from_t(T: float, p: SkinParameters) -> np.ndarray:
    """Steady values of every variable given T (no stimulus, no UVB, no therapy)."""
    IL17 = p.il172 * T / p.il1720
    TNF = p.tnf2 * T / p.tnf20
    C = IL17 + TNF
    SC = max(0.0, (p.sc2 * C - p.a_base) / p.sc20)
    b = p.ta2 * C - p.a_base
    TA = (b + math.sqrt(b * b + 4 * p.ta20 * p.sc2ta * C * SC)) / (2 * p.ta20)
    TA = max(TA, 0.0)
    k = p.a_base + p.desq
    D = (-k + math.sqrt(k * k + 4 * p.d20 * p.ta2d * C * TA)) / (2 * p.d20)
    GF = (p.sc2gf * SC + p.ta2gf * TA) / p.gf20
    gfn = GF**p.n
    DC = (p.dc_act + p.t_vm * gfn / (p.t_kp + gfn)) / (p.t20 + p.a_base)
    IL23 = p.il232 * DC / p.il2320
    A = p.a_base * (T + DC + SC + TA + D) / p.a20
    return np.array([T, DC, IL23, IL17, TNF, GF, SC, TA, D, A])


def _t_mismatch(T: float, p: SkinParameters) -> float:
    y = _state_from_t(T, p)
    return p.t2 * y[2] / (p.t20 + p.a_base) - T


def _jacobian(y: np.ndarray, p: SkinParameters) -> np.ndarray:
    _, jac = _make_rhs(p, 0.0, 0.0, {}, ())
    return jac(0.0, y)


@lru_cache(maxsize=128)
def steady_states(params: SkinParameters | None = None) -> tuple[SkinState, ...]:
    """All steady states of the untreated circuit, ordered by T, each with its stability.

    Every steady-state variable is a function of T (the cytokines and keratinocytes follow T,
    growth factor follows keratinocytes, DCs follow growth factor, IL-23 follows DCs), so the
    steady states are the roots of one equation in T, bracketed on a log grid and polished
    with Brent's method. Stability comes from the eigenvalues of the full 10x10 Jacobian.
    """
    p = SkinParameters() if params is None else params

    def compute() -> tuple[SkinState, ...]:
        grid = np.logspace(-3, 7, 600)
        values = np.array([_t_mismatch(T, p) for T in grid])
        states = []
        for i in np.nonzero(np.sign(values[:-1]) != np.sign(values[1:]))[0]:
            root = _brentq(_t_mismatch, grid[i], grid[i + 1], args=(p,), xtol=1e-12, rtol=1e-14)
            y = _state_from_t(root, p)
            stable = bool(np.all(np.linalg.eigvals(_jacobian(y, p)).real < 0))
            states.append(SkinState(*y, stable=stable))
        return tuple(states)

    if p != SkinParameters():
        return compute()
    # The published parameters' states start nearly every simulation of every lesson: kept on
    # disk once per model version (other parameter sets are only kept in memory).
    return cached_result(
        "steady_states",
        [],
        compute,
        encode=lambda states: [[*s.as_array().tolist(), s.stable] for s in states],
        decode=lambda rows: tuple(SkinState(*row[:10], stable=row[10]) for row in rows),
    )


_REFERENCE_HEALTHY_TOTAL = 79828.0  # the SBML's totC_min, used only to name a lone steady state


def _stable_pair(p: SkinParameters) -> tuple[SkinState | None, SkinState | None]:
    stable = [s for s in steady_states(p) if s.stable]
    if not stable:
        return None, None
    if len(stable) >= 2:
        return stable[0], stable[-1]
    lone = stable[0]
    reference_psoriatic = SkinParameters().totC_max
    healthy_like = abs(math.log(lone.total_cells / _REFERENCE_HEALTHY_TOTAL)) < abs(
        math.log(lone.total_cells / reference_psoriatic)
    )
    return (lone, None) if healthy_like else (None, lone)


def healthy_state(params: SkinParameters | None = None) -> SkinState:
    """The healthy steady state (the stable one with fewest T cells), computed from ``params``.

    Raises :class:`CourseError` if these parameters leave no healthy steady state.
    """
    healthy, _ = _stable_pair(SkinParameters() if params is None else params)
    if healthy is None:
        raise CourseError("these skin parameters have no healthy steady state")
    return healthy


def psoriatic_state(params: SkinParameters | None = None) -> SkinState:
    """The psoriatic steady state (the stable one with most T cells), computed from ``params``.

    Raises :class:`CourseError` if these parameters leave no psoriatic steady state.
    """
    _, psoriatic = _stable_pair(SkinParameters() if params is None else params)
    if psoriatic is None:
        raise CourseError("these skin parameters have no psoriatic steady state")
    return psoriatic


def state_comparison(params: SkinParameters | None = None) -> MarkdownText:
    """Return the healthy and psoriatic steady states side by side as a Markdown table.

    Rows give keratinocytes per mm² and keratinocyte turnover (days) in each state, and how
    many times larger the psoriatic (for cells) or the healthy (for turnover) value is.

    Examples
    --------
    >>> print(state_comparison())  # doctest: +ELLIPSIS
    | Steady state | Keratinocytes per mm² | Turnover (days) |
    |---|---|---|
    | healthy | 76,701 | 41.3 |
    | psoriatic | 256,398 | 14.3 |
    | ratio | 3.3 × more in psoriatic skin | 2.9 × faster in psoriatic skin |
    """
    healthy = healthy_state(params)
    psoriatic = psoriatic_state(params)
    cells = psoriatic.keratinocytes / healthy.keratinocytes
    speed = healthy.turnover_days / psoriatic.turnover_days
    return markdown_table(
        ["Steady state", "Keratinocytes per mm²", "Turnover (days)"],
        [
            ("healthy", f"{healthy.keratinocytes:,.0f}", f"{healthy.turnover_days:.1f}"),
            ("psoriatic", f"{psoriatic.keratinocytes:,.0f}", f"{psoriatic.turnover_days:.1f}"),
            (
                "ratio",
                f"{cells:.1f} × more in psoriatic skin",
                f"{speed:.1f} × faster in psoriatic skin",
            ),
        ],
    )


def kinetics_comparison(params: SkinParameters | None = None) -> MarkdownText:
    """Return the model's keratinocyte kinetics next to the measured ones, as a Markdown table.

    Measured values are Weinstein, McCullough & Ross 1985 (facts ``kc_proliferative_pool`` and
    ``kc_production``): the proliferative pool and the cells it produces per mm² per day, in
    normal and psoriatic epidermis. The model's proliferative pool is SC + TA and its production is
    the flow of TA cells into the differentiated compartment. The pool's turnover is pool divided
    by production; the model's whole "turnover" (about 41 vs 14 days) adds the time cells spend in
    its differentiated compartment. The last row sets it beside the textbook time a keratinocyte
    takes from the basal to the horny layer (fact ``kc_transit_textbook``, about 28 vs 4 days).

    Examples
    --------
    >>> print(kinetics_comparison())  # doctest: +ELLIPSIS
    | Quantity | Model: healthy | Measured: normal | Model: psoriatic | Measured: psoriatic |
    ...
    """
    p = SkinParameters() if params is None else params
    pool, production = fact("kc_proliferative_pool").values, fact("kc_production").values
    transit = fact("kc_transit_textbook").values
    model = {}
    for name, state in (("healthy", healthy_state(p)), ("psoriatic", psoriatic_state(p))):
        C = state.IL17 + state.TNF
        model[name] = {
            "pool": state.SC + state.TA,
            "production": p.ta2d * C * state.TA,
            "turnover": state.turnover_days,
        }
    measured = {
        key: {"pool": pool[key], "production": production[key]} for key in ("normal", "psoriatic")
    }
    for row in measured.values():
        row["turnover"] = row["pool"] / row["production"]
    for row in model.values():
        row["pool_turnover"] = row["pool"] / row["production"]

    def fold(table, low, high, key):
        return table[high][key] / table[low][key]

    rows = [
        (
            "Proliferative pool (cells/mm²)",
            f"{model['healthy']['pool']:,.0f}",
            f"{measured['normal']['pool']:,.0f}",
            f"{model['psoriatic']['pool']:,.0f} "
            f"({fold(model, 'healthy', 'psoriatic', 'pool'):.1f}×)",
            f"{measured['psoriatic']['pool']:,.0f} "
            f"({fold(measured, 'normal', 'psoriatic', 'pool'):.1f}×)",
        ),
        (
            "Cells produced per mm² per day",
            f"{model['healthy']['production']:,.0f}",
            f"{measured['normal']['production']:,.0f}",
            f"{model['psoriatic']['production']:,.0f} "
            f"({fold(model, 'healthy', 'psoriatic', 'production'):.1f}×)",
            f"{measured['psoriatic']['production']:,.0f} "
            f"({fold(measured, 'normal', 'psoriatic', 'production'):.1f}×)",
        ),
        (
            "Proliferative pool / production (days)",
            f"{model['healthy']['pool_turnover']:.1f}",
            f"{measured['normal']['turnover']:.1f}",
            f"{model['psoriatic']['pool_turnover']:.1f}",
            f"{measured['psoriatic']['turnover']:.1f}",
        ),
        (
            "Model turnover incl. differentiated cells (days)",
            f"{model['healthy']['turnover']:.1f}",
            "",
            f"{model['psoriatic']['turnover']:.1f}",
            "",
        ),
        (
            "Textbook: basal to horny layer (days)",
            "",
            f"{transit['normal']:.0f}",
            "",
            f"{transit['psoriatic']:.0f}",
        ),
    ]
    header = [
        "Quantity",
        "Model: healthy",
        "Measured: normal",
        "Model: psoriatic",
        "Measured: psoriatic",
    ]
    return markdown_table(header, rows)


def healthy_state_limit(parameter: str = "il172", *, tolerance: float = 1e-4) -> float:
    """The factor on ``parameter`` at which the model's healthy steady state disappears.

    The healthy state and the threshold (saddle) between the two basins merge in a fold as the
    parameter rises; above this factor only the psoriatic state exists. Found by bisection on the
    number of stable steady states between the published value and 2 times it.

    Raises :class:`CourseError` if the healthy state survives up to 2 times the published value.
    """
    base = SkinParameters()
    if parameter not in base.names():
        raise CourseError(f"unknown skin parameter {parameter!r}")

    def has_healthy(factor: float) -> bool:
        params = base.replace(**{parameter: getattr(base, parameter) * factor})
        return _stable_pair(params)[0] is not None

    def bisect() -> float:
        low, high = 1.0, 2.0
        if has_healthy(high):
            raise CourseError(f"the healthy state survives doubling {parameter}")
        while high - low > tolerance:
            mid = 0.5 * (low + high)
            if has_healthy(mid):
                low = mid
            else:
                high = mid
        return high

    # A bisection over steady-state searches: computed once per model version.
    return cached_result("healthy_state_limit", [parameter, tolerance], bisect)


def healthy_state_limits(parameters: Sequence[str]) -> MarkdownText:
    """Return, as a Markdown table, how far each parameter can rise before health vanishes.

    One row per parameter: its description and :func:`healthy_state_limit` as a multiple of the
    published value and as a percentage above it.

    Examples
    --------
    >>> print(healthy_state_limits(["t2"]))  # doctest: +ELLIPSIS
    | Rate constant | Healthy state vanishes above (× published) | Margin |
    |---|---|---|
    | IL-23-driven T-cell expansion (t2) | 1.010 | 1.0 % |
    """
    rows = []
    for name in parameters:
        limit = healthy_state_limit(name)
        description = SkinParameters.metadata(name)["description"]
        rows.append((f"{description} ({name})", f"{limit:.3f}", f"{(limit - 1) * 100:.1f} %"))
    return markdown_table(
        ["Rate constant", "Healthy state vanishes above (× published)", "Margin"], rows
    )


# --- steady states as one rate constant is scaled ------------------------------------------


@dataclass(frozen=True)
class Branches:
    """Steady-state keratinocytes (cells/mm^2) as one parameter is scaled; NaN where absent."""

    parameter: str
    factors: np.ndarray
    healthy: np.ndarray
    psoriatic: np.ndarray
    threshold: np.ndarray  # the unstable steady state between them

    def states_at(self, factor: float) -> dict[str, float]:
        """Interpolated branch values at ``factor`` (NaN where the branch does not exist)."""
        index = int(np.argmin(abs(self.factors - factor)))
        return {
            "healthy": float(self.healthy[index]),
            "psoriatic": float(self.psoriatic[index]),
            "threshold": float(self.threshold[index]),
        }


def steady_state_branches(parameter: str, factors: Sequence[float]) -> Branches:
    """Compute the skin circuit's steady states while scaling ``parameter`` by each factor.

    Parameters
    ----------
    parameter
        A skin-circuit parameter name, e.g. ``"il172"`` (IL-17 per T cell) or ``"il232"``
        (IL-23 per DC).
    factors
        Multipliers of its published value.

    Returns
    -------
    Branches
        Keratinocytes at the stable healthy and psoriatic states and at the unstable threshold.
        A lone stable state is named healthy or psoriatic as in :func:`healthy_state`.
    """
    base = SkinParameters()
    if parameter not in base.names():
        raise CourseError(f"unknown skin parameter {parameter!r}")
    values = np.asarray(factors, dtype=float)

    def scan() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        healthy, psoriatic, threshold = (np.full(values.shape, np.nan) for _ in range(3))
        for i, factor in enumerate(values):
            params = base.replace(**{parameter: getattr(base, parameter) * factor})
            low, high = _stable_pair(params)
            if low is not None:
                healthy[i] = low.keratinocytes
            if high is not None:
                psoriatic[i] = high.keratinocytes
            unstable = [s for s in steady_states(params) if not s.stable]
            if unstable:
                threshold[i] = unstable[0].keratinocytes
        return healthy, psoriatic, threshold

    # A steady-state scan (hundreds of root searches): computed once per model version.
    healthy, psoriatic, threshold = cached_result(
        "steady_state_branches",
        [parameter, values.tolist()],
        scan,
        encode=lambda arrays: [[None if np.isnan(x) else x for x in a.tolist()] for a in arrays],
        decode=lambda data: tuple(np.array(a, dtype=float) for a in data),
    )
    return Branches(parameter, values, healthy, psoriatic, threshold)


def steady_state_table(parameter: str, factors: Sequence[float]) -> MarkdownText:
    """Return, as a Markdown table, the stable steady states as ``parameter`` is scaled.

    One row per factor: how many stable states exist and the keratinocytes per mm² at the
    healthy and at the psoriatic one ("none" where that state is gone).

    Examples
    --------
    >>> print(steady_state_table("il172", [1.0]))  # doctest: +ELLIPSIS
    | IL-17 production per T cell (il172), × published value | Stable states | ...
    |---|---|---|---|
    | 1 | 2 | 76,701 | 256,398 |
    """
    branches = steady_state_branches(parameter, factors)

    def cells(value: float) -> str:
        return "none" if np.isnan(value) else f"{value:,.0f}"

    rows = [
        (
            f"{factor:g}",
            int(not np.isnan(low)) + int(not np.isnan(high)),
            cells(low),
            cells(high),
        )
        for factor, low, high in zip(
            branches.factors, branches.healthy, branches.psoriatic, strict=True
        )
    ]
    header = [
        f"{SkinParameters.metadata(parameter)['description']} ({parameter}), × published value",
        "Stable states",
        "Healthy: keratinocytes per mm²",
        "Psoriatic: keratinocytes per mm²",
    ]
    return markdown_table(header, rows)


# --- simulation -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SkinResult:
    """A simulated trajectory of the skin circuit.

    Attributes
    ----------
    t : ndarray
        Days.
    y : ndarray, shape (10, len(t))
        Variables in :data:`STATE_NAMES` order; also available by name (``result.T``, ...).
    params : SkinParameters
        Parameters without therapy (the steady states ``final_state`` compares with).
    therapies : tuple
        The therapies that acted during the simulation (their clock is ``t``).
    memory : ndarray or None
        The memory compartment (0-1) at each day when a :class:`TissueMemory` was simulated,
        else None.
    """

    t: np.ndarray
    y: np.ndarray
    params: SkinParameters
    therapies: tuple = ()
    memory: np.ndarray | None = None

    def __getattr__(self, name: str) -> np.ndarray:
        if name in STATE_NAMES:
            return self.y[STATE_NAMES.index(name)]
        raise AttributeError(name)

    def __dir__(self):
        return [*super().__dir__(), *STATE_NAMES]

    @property
    def keratinocytes(self) -> np.ndarray:
        """Living keratinocytes SC + TA + D (cells/mm^2)."""
        return self.SC + self.TA + self.D

    @property
    def total_cells(self) -> np.ndarray:
        """All cells, the SBML's ``totC`` = SC + TA + D + A + T + DC (cells/mm^2)."""
        return self.SC + self.TA + self.D + self.A + self.T + self.DC

    @property
    def pasi_proxy(self) -> np.ndarray:
        """The model's PASI proxy: 0 at the healthy and 1 at the psoriatic steady state.

        Defined in the SBML (species ``PASI`` of psor_v8_4, Shmarov et al. 2022) as the mean
        of three scaled deviations: total cells (thickness), T cells (inflammation) and
        differentiated cells (desquamation)::

            ((totC - totC_min)/(totC_max - totC_min) + (T - t_min)/(t_max - t_min)
             + (D - d_min)/(d_max - d_min)) / 3

        It is a severity index of one square millimetre of lesion, **not** a clinical PASI
        (which scores erythema, induration, scaling and area over four body regions, 0-72;
        see :mod:`mscpso_edu.models.pasi`).
        """
        p = self.params
        return (
            (self.total_cells - p.totC_min) / (p.totC_max - p.totC_min)
            + (self.T - p.t_min) / (p.t_max - p.t_min)
            + (self.D - p.d_min) / (p.d_max - p.d_min)
        ) / 3.0

    @property
    def turnover_days(self) -> np.ndarray:
        """Epidermal turnover time (days): the SBML's ``turnover`` rule.

        ``(SC + TA) / (production of SC and TA) + D / (production of D)``: about 41 days in
        healthy and 14 days in psoriatic skin in this model. While a therapy scales the rate
        constants (a keratinocyte effect slows proliferation), the rule uses the constants in
        force at each time point, so the turnover reflects the treated skin.
        """
        if not self.therapies:
            return _turnover(self.y, self.params)
        turnover = np.empty(self.t.shape)
        # Time points that share the same parameter multipliers are evaluated together.
        groups: dict[tuple, list[int]] = {}
        for index, day in enumerate(self.t):
            factors: dict[str, float] = {}
            for item in self.therapies:
                for name, factor in item.factors(float(day)).items():
                    factors[name] = factors.get(name, 1.0) * factor
            key = tuple(sorted((k, round(v, 12)) for k, v in factors.items() if v != 1.0))
            groups.setdefault(key, []).append(index)
        for key, indices in groups.items():
            scaled = {name: getattr(self.params, name) * factor for name, factor in key}
            params = self.params.replace(**scaled) if scaled else self.params
            turnover[indices] = _turnover(self.y[:, indices], params)
        return turnover

    @property
    def final_state(self) -> str:
        """``"healthy"`` or ``"psoriatic"``: the steady state nearest the last time point.

        Distance is measured on the logarithm of all ten variables, so each counts equally.
        """
        healthy, psoriatic = _stable_pair(self.params)
        last = np.log(np.maximum(self.y[:, -1], 1e-12))
        distances = {
            name: float(np.linalg.norm(last - np.log(state.as_array())))
            for name, state in (("healthy", healthy), ("psoriatic", psoriatic))
            if state is not None
        }
        if not distances:
            raise CourseError("these skin parameters have no stable steady state")
        return min(distances, key=distances.get)


def _start_vector(start, p: SkinParameters) -> np.ndarray:
    if isinstance(start, str):
        if start == "healthy":
            return healthy_state(p).as_array()
        if start == "psoriatic":
            return psoriatic_state(p).as_array()
        raise CourseError(f"start must be 'healthy', 'psoriatic' or 10 numbers, got {start!r}")
    if isinstance(start, SkinState):
        return start.as_array()
    values = np.asarray(start, dtype=float)
    if values.shape != (10,):
        raise CourseError(f"start must have 10 values ({', '.join(STATE_NAMES)})")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise CourseError("start values must be finite and not negative")
    return values


def _segments(days: float, stimuli, therapies, uvb) -> list[tuple[float, float]]:
    cuts = {0.0, days}
    for stimulus in stimuli:
        cuts.update((stimulus.start, stimulus.end))
    if uvb is not None:
        cuts.update(uvb.breakpoints())
    for therapy in therapies:
        cuts.update(therapy.breakpoints())
    edges = sorted(c for c in cuts if 0.0 <= c <= days)
    return list(itertools.pairwise(edges))


def _check_inputs(params, days, dc_stimulus, therapies, uvb, memory=None):
    p = SkinParameters() if params is None else params
    if not isinstance(p, SkinParameters):
        raise CourseError(f"params must be SkinParameters, got {type(p).__name__}")
    days = check_positive("days (simulation horizon)", days)
    stimuli = _stimuli(dc_stimulus)
    if memory is not None and not isinstance(memory, TissueMemory):
        raise CourseError("memory must be a TissueMemory or None")
    if uvb is not None and not isinstance(uvb, UVBCourse):
        raise CourseError("uvb must be a UVBCourse or None")
    therapies = tuple(therapies)
    for therapy in therapies:
        if not isinstance(therapy, ConstantEffect | MSCTherapy):
            raise CourseError(
                f"therapies must be ConstantEffect or MSCTherapy, got {type(therapy).__name__}"
            )
    return p, days, stimuli, therapies


def _segment_inputs(p, a, b, stimuli, therapies, uvb):
    mid = 0.5 * (a + b)
    stim = sum(item.rate for item in stimuli if item.start <= mid < item.end)
    uv = uvb.dose_at(mid) if uvb is not None else 0.0
    fixed: dict[str, float] = {}
    dynamic = []
    for therapy in therapies:
        if therapy.time_varying:
            dynamic.append(therapy)
        else:
            for name, factor in therapy.factors(mid).items():
                fixed[name] = fixed.get(name, 1.0) * factor
    return stim, uv, fixed, tuple(dynamic)


def _time_grid(days: float, t_eval) -> np.ndarray:
    if t_eval is None:
        return np.linspace(0.0, days, round(days * 4) + 1)
    grid = np.asarray(t_eval, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)):
        raise CourseError("t_eval must be a non-empty list of finite days")
    if np.any(np.diff(grid) <= 0) or grid[0] < 0 or grid[-1] > days:
        raise CourseError(f"t_eval must increase and lie within [0, {days}]")
    return grid


# rtol 1e-7 keeps trajectories within about 2e-6 (relative) of a 1e-12 reference.
_RTOL = 1e-7
_ATOL = 1e-6


def simulate_skin(
    params: SkinParameters | None = None,
    *,
    days: float,
    start: str | Sequence[float] | SkinState = "healthy",
    dc_stimulus: DCStimulus | Sequence[DCStimulus] | None = None,
    therapies: Sequence[ConstantEffect | MSCTherapy] = (),
    uvb: UVBCourse | None = None,
    t_eval: Sequence[float] | None = None,
    memory: TissueMemory | None = None,
    rtol: float = _RTOL,
) -> SkinResult:
    """Simulate the skin circuit for ``days`` days.

    The horizon is cut at every event (stimulus on/off, UVB session on/off, therapy window or
    dose) and each piece is integrated with LSODA (ODEPACK via ``scipy.integrate.odeint``,
    analytic Jacobian, rtol 1e-7), so no step crosses a jump.
    Results are cached: repeating a call returns the same (read-only) result at once.

    Parameters
    ----------
    params : SkinParameters, optional
        Defaults to the SBML values.
    days : float
        Horizon (> 0).
    start : "healthy", "psoriatic", SkinState or 10 numbers
        Initial state; the named ones are the computed steady states of ``params``.
    dc_stimulus : DCStimulus or sequence of DCStimulus, optional
        Extra dendritic-cell influx, e.g. ``DCStimulus()`` (3000/day for 4 days from day 150);
        several pulses (an onset and a later trigger) add up where they overlap.
    therapies : sequence of ConstantEffect or MSCTherapy
        Treatments (see :mod:`mscpso_edu.models.therapy`); their effects multiply.
    uvb : UVBCourse, optional
        UVB phototherapy, e.g. ``UVBCourse.published(300)``.
    t_eval : sequence of float, optional
        Output days (increasing, within ``[0, days]``); default 4 points per day.
    memory : TissueMemory, optional
        The illustrative tissue-memory compartment (not in the published model); None (the
        default) runs the published model unchanged.
    rtol : float
        Relative tolerance of the integrator (absolute tolerance 10 x ``rtol``). The default
        1e-7 is for results; explorers that redraw a year on every control change pass 1e-4,
        which moves the PASI proxy by about 2e-4 (a tenth of a pixel) and leaves every final
        state as it was, at half the cost.

    Returns
    -------
    SkinResult

    Examples
    --------
    >>> result = simulate_skin(days=200, dc_stimulus=DCStimulus(start=150))
    >>> result.final_state
    'psoriatic'
    """
    p, days, stimuli, therapies = _check_inputs(params, days, dc_stimulus, therapies, uvb, memory)
    grid = _time_grid(days, t_eval)
    y0 = _start_vector(start, p)
    if memory is not None:
        y0 = np.append(y0, memory.start_level(start))
    rtol = check_positive("rtol", rtol)
    return _simulate_cached(
        p, days, tuple(y0), stimuli, therapies, uvb, tuple(grid.tolist()), memory, rtol
    )


@lru_cache(maxsize=64)
def _simulate_cached(
    p, days, y0, stimuli, therapies, uvb, grid, memory=None, rtol=_RTOL
) -> SkinResult:
    grid = np.asarray(grid)
    y = np.asarray(y0, dtype=float)
    out = np.empty((y.size, grid.size))
    out[:, grid == 0.0] = y[:, None]
    for a, b in _segments(days, stimuli, therapies, uvb):
        rhs, jac = _make_rhs(p, *_segment_inputs(p, a, b, stimuli, therapies, uvb), memory)
        inside = (grid > a) & (grid <= b)
        times = np.concatenate(([a], grid[inside]))
        if times[-1] < b:
            times = np.append(times, b)
        # odeint is ODEPACK's LSODA, the same integrator as solve_ivp(method="LSODA"), but
        # its step loop runs in Fortran: half the time per simulation, which the explorers need.
        states, info = _odeint(
            rhs,
            y,
            times,
            Dfun=jac,
            tfirst=True,
            rtol=rtol,
            atol=_ATOL * rtol / _RTOL,
            full_output=True,
            mxstep=100000,
        )
        if info["message"] != "Integration successful.":
            raise CourseError(f"the skin simulation failed between days {a:g} and {b:g}")
        out[:, inside] = states[1 : 1 + int(inside.sum())].T
        y = states[-1]
    out.setflags(write=False)
    grid.setflags(write=False)
    trace = out[10] if memory is not None else None
    return SkinResult(t=grid, y=out[:10], params=p, therapies=tuple(therapies), memory=trace)


#: The remission course of :func:`relapse_trigger_threshold`: a strong anti-IL-17 course
#: (effect 0.9 for 28 days from day 0). Strength and length are illustrative; the mapping of a
#: biologic onto the model is OUR INTERPRETATION (see :mod:`mscpso_edu.models.therapy`).
REMISSION_STRENGTH = 0.9
REMISSION_DAYS = 28.0


def relapse_trigger_threshold(
    *,
    memory: TissueMemory | None = None,
    trigger_day: float = 180.0,
    trigger_days: float = 4.0,
    therapies: Sequence[ConstantEffect | MSCTherapy] | None = None,
    params: SkinParameters | None = None,
    follow_up: float = 365.0,
    tolerance: float = 5.0,
    max_rate: float = 20000.0,
) -> float:
    """The smallest later trigger that makes treated, healed skin relapse in the model.

    Skin starts psoriatic, is treated (by default anti-IL-17 at effect 0.9 for 28 days, which
    heals it), and on ``trigger_day`` receives a dendritic-cell pulse of some rate for
    ``trigger_days`` days. The returned rate (DCs/mm² per day) is the smallest that leaves the skin
    psoriatic ``follow_up`` days after the pulse, found by bisection to ``tolerance``.

    Parameters
    ----------
    memory : TissueMemory, optional
        The illustrative memory compartment; None runs the published model.
    trigger_day, trigger_days : float
        When the later trigger starts, and how long it lasts (days).
    therapies : sequence, optional
        The remission course (default: :func:`~mscpso_edu.models.therapy.biologic` anti-IL-17,
        :data:`REMISSION_STRENGTH` for :data:`REMISSION_DAYS` days from day 0).
    params : SkinParameters, optional
        Defaults to the SBML values.
    follow_up, tolerance, max_rate : float
        Days observed after the pulse; bisection tolerance and upper limit (DCs/mm²/day).

    Returns
    -------
    float
        The threshold rate; 0.0 if the skin is psoriatic at the end even without a trigger.

    Raises
    ------
    CourseError
        If even ``max_rate`` does not make the skin relapse.
    """
    if therapies is None:
        therapies = (biologic("anti_il17", REMISSION_STRENGTH, 0.0, REMISSION_DAYS),)
    trigger_day = check_positive("trigger day", trigger_day)
    trigger_days = check_positive("trigger duration (days)", trigger_days)
    days = trigger_day + trigger_days + check_positive("follow-up (days)", follow_up)
    grid = (0.0, days)

    def relapses(rate: float) -> bool:
        pulse = (DCStimulus(trigger_day, trigger_days, rate),) if rate > 0 else ()
        result = simulate_skin(
            params,
            days=days,
            start="psoriatic",
            dc_stimulus=pulse,
            therapies=tuple(therapies),
            memory=memory,
            t_eval=grid,
        )
        return result.final_state == "psoriatic"

    if relapses(0.0):
        return 0.0
    if not relapses(max_rate):
        raise CourseError(f"even a trigger of {max_rate:g} DCs/mm² per day does not relapse")
    low, high = 0.0, float(max_rate)
    while high - low > tolerance:
        mid = 0.5 * (low + high)
        if relapses(mid):
            high = mid
        else:
            low = mid
    return high


#: Clinical relapse facts (knowledge base ids) shown beside the model by :func:`relapse_comparison`.
RELAPSE_FACTS = ("relapse_same_sites", "relapse_secukinumab", "relapse_il23_longest", "relapse_uvb")


def relapse_comparison() -> MarkdownText:
    """Return the "Model vs patients" note on relapse: the model's numbers, then the clinic's.

    The model's numbers are computed (:func:`relapse_trigger_threshold`, with and without the
    illustrative :class:`TissueMemory`); the clinical ones are cited facts from the knowledge base
    (:data:`RELAPSE_FACTS`).
    """
    # Two bisections of year-long runs: computed once per model version.
    without, with_memory = cached_result(
        "relapse_thresholds",
        [],
        lambda: (relapse_trigger_threshold(), relapse_trigger_threshold(memory=TissueMemory())),
        decode=tuple,
    )
    pulse = DCStimulus()
    model = (
        f"**In the model** [Shmarov 2022] healed skin stays healed: after anti-IL-17 at strength "
        f"{REMISSION_STRENGTH:g} for {REMISSION_DAYS:g} days (our interpretation of a biologic) "
        f"the skin is healthy a year later and stays healthy unless something pushes it again. A "
        f"later {pulse.duration:g}-day dendritic-cell pulse of at least **{without:,.0f}** DCs/mm² "
        f"per day relapses it (the model's own onset pulse is {pulse.rate:,.0f}). With the "
        f"illustrative tissue memory switched on (not in the published model; our interpretation "
        f"of resident memory T cells), **{with_memory:,.0f}** is enough.\n\n"
        "**In patients** relapse after stopping is the rule, often at the same sites:\n\n"
    )
    return MarkdownText(model + facts(RELAPSE_FACTS))


def simulate_skin_fixed_step(
    params: SkinParameters | None = None,
    *,
    days: float,
    dt: float = 0.001,
    start: str | Sequence[float] | SkinState = "healthy",
    dc_stimulus: DCStimulus | Sequence[DCStimulus] | None = None,
    therapies: Sequence[ConstantEffect | MSCTherapy] = (),
    uvb: UVBCourse | None = None,
    memory: TissueMemory | None = None,
) -> SkinResult:
    """The naive way: classical RK4 with a small fixed step ``dt`` over the whole horizon.

    Kept for the benchmarks (to show what piecewise adaptive integration saves) and as an
    independent check. Inputs are re-evaluated at every step; results are returned every
    0.25 day. Not cached. ``memory`` adds the illustrative :class:`TissueMemory` compartment.
    """
    p, days, stimuli, therapies = _check_inputs(params, days, dc_stimulus, therapies, uvb, memory)
    dt = check_positive("dt (days)", dt)
    steps = math.ceil(days / dt)
    dt = days / steps
    every = max(1, round(0.25 / dt))
    y = _start_vector(start, p)
    if memory is not None:
        y = np.append(y, memory.start_level(start))
    times, states = [0.0], [y.copy()]
    for i in range(steps):
        t = i * dt
        rhs, _ = _make_rhs(p, *_segment_inputs(p, t, t + dt, stimuli, therapies, uvb), memory)
        k1 = np.asarray(rhs(t, y))
        k2 = np.asarray(rhs(t + dt / 2, y + dt / 2 * k1))
        k3 = np.asarray(rhs(t + dt / 2, y + dt / 2 * k2))
        k4 = np.asarray(rhs(t + dt, y + dt * k3))
        y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if (i + 1) % every == 0 or i == steps - 1:
            times.append((i + 1) * dt)
            states.append(y.copy())
    out = np.array(states).T
    trace = out[10] if memory is not None else None
    return SkinResult(
        t=np.array(times), y=out[:10], params=p, therapies=tuple(therapies), memory=trace
    )
