"""Simulations for the course: pure numpy/scipy models, no plotting.

- :mod:`~mscpso_edu.models.skin_circuit`: the psoriatic skin circuit of Shmarov et al. 2022
  (bistable healthy/psoriatic skin, dendritic-cell onset stimulus, UVB course).
- :mod:`~mscpso_edu.models.therapy`: therapy inputs on that circuit (MSC mechanisms, MSC and EV
  dosing with exposure half-lives, biologics), each labelled with its source or as our
  interpretation.
- :mod:`~mscpso_edu.models.ensemble`: the same therapy in many virtual patients (rate constants
  drawn around the published ones with an illustrative spread): a fan of outcomes.
- :mod:`~mscpso_edu.models.bistable_core`: the reduced two-variable immune/keratinocyte model
  (reconstructed) for the phase-plane lesson.
- :mod:`~mscpso_edu.models.th17_treg`: the Th17/Treg differentiation model of Intosalmi et al. 2015.
- :mod:`~mscpso_edu.models.pasi`: the PASI calculator (Fredriksson & Pettersson 1978).
- :mod:`~mscpso_edu.models.appraisal`: response rates with Wilson intervals and participant flow
  from cited trial numbers (lesson 08).
- :mod:`~mscpso_edu.models.forgetting`: the forgetting curve of the spaced-review scheduler
  (FSRS, the ``fsrs`` package; lesson 12).
- :mod:`~mscpso_edu.models.flow_cytometry`: SYNTHETIC flow-cytometry samples judged by the ISCT
  criteria (teaching data, not measurements).
"""

# Imported when first used, not with the package: `from mscpso_edu.models import pasi` (a quiz
# grading PASI questions) should not pay for scipy and every other model. Add a new public name
# to _EXPORTS (name -> its module) and to __all__.
from importlib import import_module
from typing import Any

_SUBMODULES = ("appraisal", "flow_cytometry", "forgetting", "pasi")
_EXPORTS = {
    "CoreParameters": "bistable_core",
    "CoreResult": "bistable_core",
    "FixedPoint": "bistable_core",
    "Nullclines": "bistable_core",
    "basin_boundary": "bistable_core",
    "fixed_point_table": "bistable_core",
    "fixed_points": "bistable_core",
    "nullclines": "bistable_core",
    "simulate_core": "bistable_core",
    "vector_field": "bistable_core",
    "ENSEMBLE_PARAMETERS": "ensemble",
    "Ensemble": "ensemble",
    "therapy_ensemble": "ensemble",
    "STATE_NAMES": "skin_circuit",
    "Branches": "skin_circuit",
    "DCStimulus": "skin_circuit",
    "SkinParameters": "skin_circuit",
    "SkinResult": "skin_circuit",
    "SkinState": "skin_circuit",
    "TissueMemory": "skin_circuit",
    "UVBCourse": "skin_circuit",
    "healthy_state": "skin_circuit",
    "healthy_state_limit": "skin_circuit",
    "healthy_state_limits": "skin_circuit",
    "kinetics_comparison": "skin_circuit",
    "psoriatic_state": "skin_circuit",
    "relapse_comparison": "skin_circuit",
    "relapse_trigger_threshold": "skin_circuit",
    "simulate_skin": "skin_circuit",
    "simulate_skin_fixed_step": "skin_circuit",
    "state_comparison": "skin_circuit",
    "steady_state_branches": "skin_circuit",
    "steady_state_table": "skin_circuit",
    "steady_states": "skin_circuit",
    "TH17_STATE_NAMES": "th17_treg",
    "Th17Parameters": "th17_treg",
    "Th17Result": "th17_treg",
    "simulate_th17": "th17_treg",
    "th17_condition_table": "th17_treg",
    "MECHANISMS": "therapy",
    "PRODUCTS": "therapy",
    "ConstantEffect": "therapy",
    "Mechanism": "therapy",
    "MSCTherapy": "therapy",
    "Product": "therapy",
    "biologic": "therapy",
    "mechanism_table": "therapy",
    "product_table": "therapy",
}

__all__ = [
    "ENSEMBLE_PARAMETERS",
    "MECHANISMS",
    "PRODUCTS",
    "STATE_NAMES",
    "TH17_STATE_NAMES",
    "Branches",
    "ConstantEffect",
    "CoreParameters",
    "CoreResult",
    "DCStimulus",
    "Ensemble",
    "FixedPoint",
    "MSCTherapy",
    "Mechanism",
    "Nullclines",
    "Product",
    "SkinParameters",
    "SkinResult",
    "SkinState",
    "Th17Parameters",
    "Th17Result",
    "TissueMemory",
    "UVBCourse",
    "appraisal",
    "basin_boundary",
    "biologic",
    "fixed_point_table",
    "fixed_points",
    "flow_cytometry",
    "forgetting",
    "healthy_state",
    "healthy_state_limit",
    "healthy_state_limits",
    "kinetics_comparison",
    "mechanism_table",
    "nullclines",
    "pasi",
    "product_table",
    "psoriatic_state",
    "relapse_comparison",
    "relapse_trigger_threshold",
    "simulate_core",
    "simulate_skin",
    "simulate_skin_fixed_step",
    "simulate_th17",
    "state_comparison",
    "steady_state_branches",
    "steady_state_table",
    "steady_states",
    "th17_condition_table",
    "therapy_ensemble",
    "vector_field",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return import_module(f"{__name__}.{name}")
    if name in _EXPORTS:
        value = getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
