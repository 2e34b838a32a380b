"""The course's figures: drawn from the knowledge base and from model results.

Every function takes ``ax=None`` (a new figure is made when none is given), draws inside
:func:`mscpso_edu.style.course_style` only, never calls ``plt.show`` and never touches pyplot's
global state. Each returns a :class:`Drawn` with the figure, the axes, the artists it made and
an alt text generated from the data; :func:`show` (or simply returning the ``Drawn`` as a cell's
last value) puts it in a notebook as an ``<img alt="...">`` so screen readers get the description.

Modules: :mod:`~mscpso_edu.diagrams.core` (the shared machinery, the immune circuit, the course map,
the clinical evidence), :mod:`~mscpso_edu.diagrams.intro` (lessons 01-02: prevalence, keratinocyte
kinetics, MSC sources) and :mod:`~mscpso_edu.diagrams.skin` (skin-circuit model figures of lessons
03-07), :mod:`~mscpso_edu.diagrams.histology` (lessons 01, 03, 04: a schematic normal and psoriatic
epidermis), :mod:`~mscpso_edu.diagrams.phase` (lesson 01: a worked phase-plane reading),
:mod:`~mscpso_edu.diagrams.appraisal` (lesson 08: participant flow, single-arm results beside
randomised anchors, a forest plot of the pooled trials) and :mod:`~mscpso_edu.diagrams.memory`
(lesson 12: the review scheduler's forgetting curves).
"""

from __future__ import annotations

from . import appraisal as _appraisal
from . import core as _core
from . import histology as _histology
from . import intro as _intro
from . import memory as _memory
from . import phase as _phase
from . import skin as _skin
from .cached import cached_figure
from .core import (
    CIRCUIT_LAYERS,
    EDGE_STYLES,
    MSC_EFFECTORS,
    Drawn,
    extent,
    introduced_in,
    new_axes,
    show,
    to_png,
)

# The figures a lesson shows are drawn once per version of the course and read back afterwards
# (see mscpso_edu.diagrams.cached); the modules' own functions draw every time.
circuit = cached_figure(_core.circuit)
circuit_layer = cached_figure(_core.circuit_layer)
course_map = cached_figure(_core.course_map)
evidence = cached_figure(_core.evidence)
msc_sketch = cached_figure(_core.msc_sketch)
consort_flow = cached_figure(_appraisal.consort_flow)
forest_plot = cached_figure(_appraisal.forest_plot)
response_calibration = cached_figure(_appraisal.response_calibration)
epidermis = cached_figure(_histology.epidermis)
keratinocyte_kinetics = cached_figure(_intro.keratinocyte_kinetics)
msc_sources = cached_figure(_intro.msc_sources)
prevalence = cached_figure(_intro.prevalence)
forgetting_curves = cached_figure(_memory.forgetting_curves)
phase_plane_reading = cached_figure(_phase.phase_plane_reading)
keratinocyte_compartments = cached_figure(_skin.keratinocyte_compartments)
outcome_fan = cached_figure(_skin.outcome_fan)
steady_state_plot = cached_figure(_skin.steady_state_plot)
treatment_outcome_map = cached_figure(_skin.treatment_outcome_map)

__all__ = [
    "CIRCUIT_LAYERS",
    "EDGE_STYLES",
    "MSC_EFFECTORS",
    "Drawn",
    "circuit",
    "circuit_layer",
    "consort_flow",
    "course_map",
    "epidermis",
    "evidence",
    "extent",
    "forest_plot",
    "forgetting_curves",
    "introduced_in",
    "keratinocyte_compartments",
    "keratinocyte_kinetics",
    "msc_sketch",
    "msc_sources",
    "new_axes",
    "outcome_fan",
    "phase_plane_reading",
    "prevalence",
    "response_calibration",
    "show",
    "steady_state_plot",
    "to_png",
    "treatment_outcome_map",
]
