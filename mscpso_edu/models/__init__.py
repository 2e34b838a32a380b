"""Simulations for the course: pure numpy/scipy models, no plotting.

- :mod:`~mscpso_edu.models.skin_circuit`: the psoriatic skin circuit of Shmarov et al. 2022
  (bistable healthy/psoriatic skin, dendritic-cell onset stimulus, UVB course).
- :mod:`~mscpso_edu.models.therapy`: therapy inputs on that circuit (MSC mechanisms, MSC and EV
  dosing with exposure half-lives, biologics), each labelled with its source or as our
  interpretation.
- :mod:`~mscpso_edu.models.bistable_core`: the reduced two-variable immune/keratinocyte model
  (reconstructed) for the phase-plane lesson.
- :mod:`~mscpso_edu.models.th17_treg`: the Th17/Treg differentiation model of Intosalmi et al. 2015.
- :mod:`~mscpso_edu.models.pasi`: the PASI calculator (Fredriksson & Pettersson 1978).
"""

from .skin_circuit import (
    STATE_NAMES,
    DCStimulus,
    SkinParameters,
    SkinResult,
    SkinState,
    UVBCourse,
    healthy_state,
    psoriatic_state,
    simulate_skin,
    simulate_skin_fixed_step,
    steady_states,
)
from .therapy import MECHANISMS, PRODUCTS, ConstantEffect, Mechanism, MSCTherapy, Product, biologic

__all__ = [
    "MECHANISMS",
    "PRODUCTS",
    "STATE_NAMES",
    "ConstantEffect",
    "DCStimulus",
    "MSCTherapy",
    "Mechanism",
    "Product",
    "SkinParameters",
    "SkinResult",
    "SkinState",
    "UVBCourse",
    "biologic",
    "healthy_state",
    "psoriatic_state",
    "simulate_skin",
    "simulate_skin_fixed_step",
    "steady_states",
]
