"""Th17/Treg differentiation: the Th17 core network of Intosalmi et al. 2015.

Intosalmi J, Ahlfors H, Rautio S et al. *Analyzing Th17 cell differentiation dynamics using a
novel integrative modeling framework for time-course RNA sequencing data.* BMC Syst Biol 9:81
(2015), doi:10.1186/s12918-015-0223-6, PMID 26578352; BioModels BIOMD0000001004 (CC0).
Time in hours, expression in normalised units. With S3a active STAT3 and F3a active FOXP3::

    IL6e' = -k1*IL6e                 IL6i' = k1*IL6e
    TGFe' = -k8*TGFe + s(t)          TGFi' = k8*TGFe
    S3m'  = v0 + k2*S3a - k3*S3m
    S3'   = k4*S3m - k5*S3*IL6i - k6*S3
    S3a'  = k5*S3*IL6i - k7*S3a
    RORm' = k9*TGFi*S3a - k10*RORm*F3a - k11*RORm
    F3m'  = v1 + k12*TGFi - k13*F3m*S3a - k14*F3m
    F3a'  = k15*F3m - k16*F3a

IL-6 with TGF-beta drives RORgammat (the Th17 master regulator) through STAT3; TGF-beta alone
drives FOXP3 (the Treg master regulator); active STAT3 represses FOXP3 and FOXP3 represses
RORgammat. The cytokines are single doses at time 0 that cells take up and keep (IL6i and TGFi
never decay), so the model has one outcome per input, no bistability.

MSC input, **OUR MAPPING** (not in the paper): MSCs secrete TGF-beta (Di Nicola 2002; the anchor
review, dashti2025, names TGF-beta and IL-10 as the MSC signals that shift Th17/Treg toward
regulation). ``msc_tgf`` adds TGF-beta to the starting dose; ``msc_tgf_rate`` secretes it
continuously into the medium (the ``s(t)`` term above). IL-10 is left out: it has no node in
this network, and we found no source that maps it onto one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import CourseError
from ..knowledge import MarkdownText, markdown_table
from ..results_cache import cached_result
from ._validate import check_known_names, check_non_negative, check_positive

__all__ = [
    "TH17_STATE_NAMES",
    "Th17Parameters",
    "Th17Result",
    "simulate_th17",
    "th17_condition_table",
]


# scipy.integrate and scipy.optimize (with scipy.special and sparse) take about half a second to
# import; a lesson that never runs this model should not pay it, so they are imported on first use.


def _odeint(*args, **kwargs):
    from scipy.integrate import odeint

    return odeint(*args, **kwargs)


#: Variable order, with the SBML species ids in brackets in each docstring below.
TH17_STATE_NAMES: tuple[str, ...] = (
    "il6_ext",
    "il6_int",
    "tgf_ext",
    "tgf_int",
    "stat3_mrna",
    "stat3",
    "stat3_active",
    "rorgt_mrna",
    "foxp3_mrna",
    "foxp3_active",
)

_REF = "intosalmi2015"


def _p(value: float, unit: str, description: str) -> float:
    return field(default=value, metadata={"unit": unit, "ref": _REF, "description": description})


@dataclass(frozen=True)
class Th17Parameters:
    """Rate constants of BIOMD0000001004 (Intosalmi 2015), per hour.

    Field metadata holds ``unit``, ``ref`` and ``description``; the SBML keeps them as local
    parameters of its reactions.
    """

    k1: float = _p(0.0627, "1/h", "IL-6 uptake")
    v0: float = _p(1.0222, "1/h", "basal STAT3 mRNA expression")
    k2: float = _p(14.8148, "1/h", "STAT3 autoactivation (mRNA made per active STAT3)")
    k3: float = _p(2.2047, "1/h", "STAT3 mRNA degradation")
    k4: float = _p(0.0846, "1/h", "STAT3 translation")
    k5: float = _p(16.3647, "1/h per IL-6 unit", "STAT3 activation by internal IL-6")
    k6: float = _p(0.0221, "1/h", "STAT3 protein degradation")
    k7: float = _p(2.7893, "1/h", "active STAT3 degradation")
    k8: float = _p(19.3743, "1/h", "TGF-beta uptake")
    k9: float = _p(4.967, "1/h per unit^2", "RORgt activation by TGF-beta and STAT3")
    k10: float = _p(773.782, "1/h per FOXP3 unit", "RORgt repression by FOXP3")
    k11: float = _p(0.0479, "1/h", "RORgt mRNA degradation")
    v1: float = _p(0.0, "1/h", "basal FOXP3 mRNA expression")
    k12: float = _p(0.0734, "1/h per TGF-beta unit", "FOXP3 activation by TGF-beta")
    k13: float = _p(7.4237, "1/h per STAT3 unit", "FOXP3 repression by active STAT3")
    k14: float = _p(0.8092, "1/h", "FOXP3 mRNA degradation")
    k15: float = _p(0.0053, "1/h", "FOXP3 translation/activation")
    k16: float = _p(1.3205, "1/h", "active FOXP3 degradation")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = check_non_negative(f"Th17 parameter {f.name}", getattr(self, f.name))
            object.__setattr__(self, f.name, value)

    def replace(self, **changes: float) -> Th17Parameters:
        """Return a copy with some values changed; unknown names raise :class:`CourseError`."""
        check_known_names("Th17 parameter", changes, [f.name for f in dataclasses.fields(self)])
        return dataclasses.replace(self, **changes)


# Initial state of the SBML apart from the cytokine doses.
_INITIAL = {"stat3_mrna": 0.4576, "stat3": 1.0, "rorgt_mrna": 0.0026, "foxp3_mrna": 0.145,
            "foxp3_active": 1.0}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Th17Result:
    """A Th17/Treg time course: ``t`` in hours and one array per variable.

    Variables (SBML ids): ``il6_ext`` (IL6ext), ``il6_int`` (IL6int), ``tgf_ext`` (TGFbext),
    ``tgf_int`` (TGFbint), ``stat3_mrna`` (STAT3mRNA), ``stat3`` (STAT3prot), ``stat3_active``
    (STAT3prot_star), ``rorgt_mrna`` (RORgtmRNA), ``foxp3_mrna`` (FOXP3mRNA), ``foxp3_active``
    (FOXP3prot_star).
    """

    t: np.ndarray
    y: np.ndarray
    inputs: dict

    def __getattr__(self, name: str) -> np.ndarray:
        if name in TH17_STATE_NAMES:
            return self.y[TH17_STATE_NAMES.index(name)]
        raise AttributeError(name)

    def __dir__(self):
        return [*super().__dir__(), *TH17_STATE_NAMES]

    @property
    def final(self) -> dict[str, float]:
        """Every variable at the last time point."""
        return {name: float(self.y[i, -1]) for i, name in enumerate(TH17_STATE_NAMES)}

    @property
    def rorgt_share(self) -> np.ndarray:
        """RORgt mRNA / (RORgt mRNA + FOXP3 mRNA): OUR summary of the Th17-vs-Treg lean
        (1 = all RORgt, 0 = all FOXP3). The two are in different normalised units, so compare
        shares between conditions, not with 0.5."""
        total = self.rorgt_mrna + self.foxp3_mrna
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, self.rorgt_mrna / total, np.nan)


def simulate_th17(
    il6: float = 1.0,
    tgf: float = 1.0,
    msc_tgf: float = 0.0,
    msc_tgf_rate: float = 0.0,
    hours: float = 72.0,
    params: Th17Parameters | None = None,
    t_eval=None,
) -> Th17Result:
    """Simulate Th17/Treg differentiation for ``hours`` after a cytokine dose.

    Parameters
    ----------
    il6, tgf : float
        Starting external IL-6 and TGF-beta (the SBML's normalised dose is 1).
    msc_tgf : float
        Extra TGF-beta from MSCs added at time 0 (OUR MAPPING; same units as ``tgf``).
    msc_tgf_rate : float
        TGF-beta secreted continuously by MSCs, per hour (OUR MAPPING).
    hours : float
        Horizon (> 0); the paper's time courses run to 72 h.
    params : Th17Parameters, optional
    t_eval : sequence of float, optional
        Output hours; default every 0.25 h.

    Returns
    -------
    Th17Result

    Examples
    --------
    >>> round(simulate_th17(il6=1, tgf=1).final["rorgt_mrna"], 2)
    0.3
    """
    p = Th17Parameters() if params is None else params
    if not isinstance(p, Th17Parameters):
        raise CourseError(f"params must be Th17Parameters, got {type(p).__name__}")
    inputs = {
        "il6": check_non_negative("il6", il6),
        "tgf": check_non_negative("tgf", tgf),
        "msc_tgf": check_non_negative("msc_tgf", msc_tgf),
        "msc_tgf_rate": check_non_negative("msc_tgf_rate (per hour)", msc_tgf_rate),
    }
    hours = check_positive("hours (simulation horizon)", hours)
    if t_eval is None:
        grid = np.linspace(0.0, hours, round(hours * 4) + 1)
    else:
        grid = np.asarray(t_eval, dtype=float)
        if (
            grid.ndim != 1
            or grid.size == 0
            or not np.all(np.isfinite(grid))
            or np.any(np.diff(grid) <= 0)
            or grid[0] < 0
            or grid[-1] > hours
        ):
            raise CourseError(f"t_eval must be increasing hours within [0, {hours}]")
    return _simulate(p, tuple(inputs.values()), tuple(grid.tolist()), inputs)


@lru_cache(maxsize=64)
def _simulate_cached(p: Th17Parameters, values: tuple[float, ...], grid: tuple[float, ...]):
    il6, tgf, msc_tgf, rate = values

    def rhs(t, y):
        il6e, il6i, tgfe, tgfi, s3m, s3, s3a, rorm, f3m, f3a = y
        return [
            -p.k1 * il6e,
            p.k1 * il6e,
            -p.k8 * tgfe + rate,
            p.k8 * tgfe,
            p.v0 + p.k2 * s3a - p.k3 * s3m,
            p.k4 * s3m - p.k5 * s3 * il6i - p.k6 * s3,
            p.k5 * s3 * il6i - p.k7 * s3a,
            p.k9 * tgfi * s3a - p.k10 * rorm * f3a - p.k11 * rorm,
            p.v1 + p.k12 * tgfi - p.k13 * f3m * s3a - p.k14 * f3m,
            p.k15 * f3m - p.k16 * f3a,
        ]

    y0 = [il6, 0.0, tgf + msc_tgf, 0.0, _INITIAL["stat3_mrna"], _INITIAL["stat3"], 0.0,
          _INITIAL["rorgt_mrna"], _INITIAL["foxp3_mrna"], _INITIAL["foxp3_active"]]  # fmt: skip
    grid_array = np.asarray(grid)
    times = grid_array if grid_array[0] == 0.0 else np.concatenate(([0.0], grid_array))
    states = _odeint(rhs, y0, times, tfirst=True, rtol=1e-10, atol=1e-12, mxstep=100000)
    out = states[-grid_array.size :].T.copy()
    out.setflags(write=False)
    grid_array.setflags(write=False)
    return grid_array, out


def _simulate(p, values, grid, inputs) -> Th17Result:
    t, y = _simulate_cached(p, values, grid)
    return Th17Result(t=t, y=y, inputs=dict(inputs))


#: Full Th17 cocktail, TGF-beta alone, IL-6 alone (the doses of Intosalmi 2015's experiments).
DEFAULT_CONDITIONS: tuple[tuple[float, float], ...] = ((1.0, 1.0), (0.0, 1.0), (1.0, 0.0))


def th17_condition_table(
    conditions: Sequence[tuple[float, float]] = DEFAULT_CONDITIONS, hours: float = 72.0
) -> MarkdownText:
    """Return RORγt and FOXP3 mRNA after ``hours`` for each (IL-6, TGF-β) dose, as a table.

    Parameters
    ----------
    conditions
        Pairs ``(il6, tgf)`` passed to :func:`simulate_th17`.
    hours
        How long each simulation runs.

    Examples
    --------
    >>> print(th17_condition_table([(1, 1)]))
    | IL-6 | TGF-β | RORγt mRNA | FOXP3 mRNA |
    |---|---|---|---|
    | 1 | 1 | 0.302 | 0.078 |
    """

    def level(value: float) -> str:
        # Adding 0.0 turns a rounded -0.0 (solver noise just below zero) into 0.0.
        return f"{round(value, 3) + 0.0:.3f}"

    def compute() -> list[list[str]]:
        rows = []
        for il6, tgf in conditions:
            final = simulate_th17(il6=il6, tgf=tgf, hours=hours).final
            rows.append(
                [f"{il6:g}", f"{tgf:g}", level(final["rorgt_mrna"]), level(final["foxp3_mrna"])]
            )
        return rows

    # One 72-hour run per condition: computed once per model version.
    pairs = [[float(il6), float(tgf)] for il6, tgf in conditions]
    rows = cached_result("th17_condition_table", [pairs, float(hours)], compute)
    return markdown_table(["IL-6", "TGF-β", "RORγt mRNA", "FOXP3 mRNA"], [tuple(r) for r in rows])
