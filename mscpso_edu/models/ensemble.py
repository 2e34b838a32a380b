"""The same therapy in many virtual patients: a seeded ensemble of skin-circuit parameter sets.

A model's rate constants are estimates. To see what that uncertainty does to a prediction, the
course draws many parameter sets around the published ones (each rate constant multiplied by a
log-normal factor with a chosen spread), treats every "virtual patient" the same way from its own
psoriatic steady state, and records where each ends. The spread is **illustrative**: no source
gives the uncertainty of the Shmarov et al. 2022 rate constants for a population of patients.

Parameter sets that have no psoriatic state are not patients in this model (their skin cannot
stay psoriatic) and are drawn again; sets that have no healthy state cannot heal at all.

Examples
--------
>>> from mscpso_edu.models import ConstantEffect
>>> fan = therapy_ensemble((ConstantEffect("tolerogenic_dc", 0.5, 0.0, 28.0),), n=8)
>>> fan.n, 0 <= fan.healed <= 8
(8, True)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import CourseError
from ..results_cache import cached_result
from ._validate import check_positive
from .skin_circuit import SkinParameters, _stable_pair, simulate_skin
from .therapy import ConstantEffect, MSCTherapy

__all__ = ["ENSEMBLE_PARAMETERS", "Ensemble", "therapy_ensemble"]

#: The rate constants of the immune-keratinocyte loop that the ensemble varies.
ENSEMBLE_PARAMETERS: tuple[str, ...] = (
    "t2",
    "t20",
    "il232",
    "il172",
    "tnf2",
    "dc_act",
    "sc2",
    "ta2",
)


@dataclass(frozen=True, eq=False)
class Ensemble:
    """Outcomes of one therapy across virtual patients.

    Attributes
    ----------
    t : ndarray
        Days.
    pasi : ndarray, shape (n, len(t))
        The PASI proxy of each virtual patient.
    final_states : tuple of str
        ``"healthy"`` or ``"psoriatic"`` at the last day, per patient.
    no_healthy_state : tuple of bool
        Patients whose parameters leave no healthy state at all (they cannot heal).
    factors : ndarray, shape (n, len(parameters))
        Each patient's multipliers of the published rate constants.
    parameters : tuple of str
        The rate constants varied.
    spread : float
        Standard deviation of the log of each multiplier (illustrative).
    seed : int
        Seed of the random draw (the same seed gives the same patients).
    redrawn : int
        Parameter sets drawn again because they had no psoriatic state.
    reference : ndarray
        The PASI proxy with the published parameters, for comparison.
    therapies : tuple
        The treatment every patient received.
    """

    t: np.ndarray
    pasi: np.ndarray
    final_states: tuple[str, ...]
    no_healthy_state: tuple[bool, ...]
    factors: np.ndarray
    parameters: tuple[str, ...]
    spread: float
    seed: int
    redrawn: int
    reference: np.ndarray
    therapies: tuple = ()

    @property
    def n(self) -> int:
        """Number of virtual patients."""
        return len(self.final_states)

    @property
    def healed(self) -> int:
        """How many end healthy."""
        return self.final_states.count("healthy")


def therapy_ensemble(
    therapies: Sequence[ConstantEffect | MSCTherapy],
    *,
    n: int = 40,
    spread: float = 0.03,
    seed: int = 2026,
    days: float = 365.0,
    parameters: Sequence[str] = ENSEMBLE_PARAMETERS,
) -> Ensemble:
    """Treat ``n`` virtual patients the same way and record each one's course.

    Parameters
    ----------
    therapies
        The treatment, on the clock of each simulation (day 0 = start of treatment).
    n
        Number of virtual patients (1 to 500).
    spread
        Standard deviation of the natural log of each rate constant's multiplier (0.03 is
        about ±3 %); illustrative.
    seed
        Seed of the random draw.
    days
        Horizon; output once a day.
    parameters
        Rate constants to vary (default :data:`ENSEMBLE_PARAMETERS`).

    Returns
    -------
    Ensemble
    """
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 500:
        raise CourseError(f"n (virtual patients) must be a whole number from 1 to 500, got {n!r}")
    spread = check_positive("spread", spread)
    days = check_positive("days", days)
    names = tuple(parameters)
    unknown = [name for name in names if name not in SkinParameters.names()]
    if unknown:
        raise CourseError(f"unknown skin parameter {unknown[0]!r}")
    for item in therapies:
        if not isinstance(item, ConstantEffect | MSCTherapy):
            raise CourseError(
                f"therapies must be ConstantEffect or MSCTherapy, got {type(item).__name__}"
            )
    return _ensemble(tuple(therapies), n, float(spread), int(seed), float(days), names)


@lru_cache(maxsize=16)
def _ensemble(therapies, n, spread, seed, days, names) -> Ensemble:
    # Forty year-long runs: computed once per model version and these arguments, then read back
    # from the results cache (mscpso_edu.results_cache).
    arguments = [
        [[type(item).__name__, dataclasses.asdict(item)] for item in therapies],
        n, spread, seed, days, list(names),
    ]  # fmt: skip
    return cached_result(
        "therapy_ensemble",
        arguments,
        lambda: _compute_ensemble(therapies, n, spread, seed, days, names),
        encode=_encode_ensemble,
        decode=lambda data: _decode_ensemble(data, therapies),
    )


def _encode_ensemble(ensemble: Ensemble) -> dict[str, Any]:
    return {
        "t": ensemble.t.tolist(),
        "pasi": ensemble.pasi.tolist(),
        "final_states": list(ensemble.final_states),
        "no_healthy_state": [bool(item) for item in ensemble.no_healthy_state],
        "factors": ensemble.factors.tolist(),
        "parameters": list(ensemble.parameters),
        "spread": ensemble.spread,
        "seed": ensemble.seed,
        "redrawn": ensemble.redrawn,
        "reference": ensemble.reference.tolist(),
    }


def _decode_ensemble(data: dict[str, Any], therapies: tuple) -> Ensemble:
    pasi = np.asarray(data["pasi"], dtype=float)
    pasi.setflags(write=False)
    return Ensemble(
        t=np.asarray(data["t"], dtype=float),
        pasi=pasi,
        final_states=tuple(data["final_states"]),
        no_healthy_state=tuple(data["no_healthy_state"]),
        factors=np.asarray(data["factors"], dtype=float),
        parameters=tuple(data["parameters"]),
        spread=data["spread"],
        seed=data["seed"],
        redrawn=data["redrawn"],
        reference=np.asarray(data["reference"], dtype=float),
        therapies=therapies,
    )


def _compute_ensemble(therapies, n, spread, seed, days, names) -> Ensemble:
    rng = np.random.default_rng(seed)
    base = SkinParameters()
    grid = np.arange(0.0, np.floor(days) + 1.0)
    pasi, states, no_healthy, factors = [], [], [], []
    redrawn = 0
    while len(states) < n:
        if redrawn > 20 * n:
            raise CourseError(
                f"a spread of {spread:g} leaves too few parameter sets with psoriasis"
            )
        draw = np.exp(rng.normal(0.0, spread, len(names)))
        params = base.replace(**{k: getattr(base, k) * f for k, f in zip(names, draw, strict=True)})
        healthy, psoriatic = _stable_pair(params)
        if psoriatic is None:
            redrawn += 1
            continue
        result = simulate_skin(params, days=days, start=psoriatic, therapies=therapies, t_eval=grid)
        pasi.append(result.pasi_proxy)
        states.append(result.final_state)
        no_healthy.append(healthy is None)
        factors.append(draw)
    stacked = np.array(pasi)
    stacked.setflags(write=False)
    reference = simulate_skin(
        base, days=days, start="psoriatic", therapies=therapies, t_eval=grid
    ).pasi_proxy
    return Ensemble(
        t=grid,
        pasi=stacked,
        final_states=tuple(states),
        no_healthy_state=tuple(no_healthy),
        factors=np.array(factors),
        parameters=names,
        spread=spread,
        seed=seed,
        redrawn=redrawn,
        reference=reference,
        therapies=therapies,
    )
