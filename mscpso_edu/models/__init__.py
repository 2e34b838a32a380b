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
- :mod:`~mscpso_edu.models.appraisal`: response rates with Wilson intervals and participant flow
  from cited trial numbers (lesson 08).
- :mod:`~mscpso_edu.models.forgetting`: the forgetting curve of the spaced-review scheduler
  (FSRS, the ``fsrs`` package; lesson 12).
- :mod:`~mscpso_edu.models.flow_cytometry`: SYNTHETIC flow-cytometry samples judged by the ISCT
  criteria (teaching data, not measurements).
"""

# Submodules used by name: models.pasi (the PASI calculator), models.flow_cytometry (synthetic
# marker data for the ISCT activity).
from . import appraisal, flow_cytometry, forgetting, pasi
from .bistable_core import (
    CoreParameters,
    CoreResult,
    FixedPoint,
    Nullclines,
    basin_boundary,
    fixed_point_table,
    fixed_points,
    nullclines,
    simulate_core,
    vector_field,
)
from .skin_circuit import (
    STATE_NAMES,
    Branches,
    DCStimulus,
    SkinParameters,
    SkinResult,
    SkinState,
    TissueMemory,
    UVBCourse,
    healthy_state,
    healthy_state_limit,
    healthy_state_limits,
    kinetics_comparison,
    psoriatic_state,
    relapse_comparison,
    relapse_trigger_threshold,
    simulate_skin,
    simulate_skin_fixed_step,
    state_comparison,
    steady_state_branches,
    steady_state_table,
    steady_states,
)
from .th17_treg import (
    TH17_STATE_NAMES,
    Th17Parameters,
    Th17Result,
    simulate_th17,
    th17_condition_table,
)
from .therapy import (
    MECHANISMS,
    PRODUCTS,
    ConstantEffect,
    Mechanism,
    MSCTherapy,
    Product,
    biologic,
    mechanism_table,
    product_table,
)

__all__ = [
    "MECHANISMS",
    "PRODUCTS",
    "STATE_NAMES",
    "TH17_STATE_NAMES",
    "Branches",
    "ConstantEffect",
    "CoreParameters",
    "CoreResult",
    "DCStimulus",
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
    "vector_field",
]
