"""Model figures of lessons 03-05: compute functions give the model's numbers, drawings say them."""

from __future__ import annotations

import numpy as np
import pytest

from mscpso_edu import diagrams
from mscpso_edu.diagrams.skin import (
    compartment_bars,
    steady_state_branches,
    treatment_outcomes,
)
from mscpso_edu.errors import CourseError
from mscpso_edu.models import skin_circuit


def test_compartments_expand_in_psoriasis_and_shrink_under_the_effect():
    healthy, psoriatic, treated = compartment_bars(strength=0.5, duration=28)
    for name in ("SC", "TA", "D"):
        assert getattr(psoriatic, name) > 2 * getattr(healthy, name)
        assert getattr(treated, name) < getattr(psoriatic, name)
    assert healthy.turnover_days > 2 * psoriatic.turnover_days
    assert treated.turnover_days > healthy.turnover_days


def test_extra_il17_per_t_cell_removes_the_healthy_state():
    branches = steady_state_branches("il172", [0.6, 1.0, 1.2])
    only_healthy, both, only_psoriatic = (branches.states_at(f) for f in (0.6, 1.0, 1.2))
    assert not np.isnan(only_healthy["healthy"]) and np.isnan(only_healthy["psoriatic"])
    assert not np.isnan(both["healthy"]) and not np.isnan(both["psoriatic"])
    assert np.isnan(only_psoriatic["healthy"]) and not np.isnan(only_psoriatic["psoriatic"])
    assert both["healthy"] < both["threshold"] < both["psoriatic"]


def test_less_il23_per_dc_must_be_held_long_enough():
    # Dossier 6.1: halving il232 relapses if held 14 days, heals if held 28 days.
    healed = treatment_outcomes("tolerogenic_dc", [0.5], [14, 28])
    assert healed.tolist() == [[False, True]]


def test_unknown_parameter_and_too_long_duration_are_readable_errors():
    with pytest.raises(CourseError, match="unknown skin parameter"):
        steady_state_branches("il999", [1.0])
    with pytest.raises(CourseError, match="shorter than the follow-up"):
        treatment_outcomes("tolerogenic_dc", [0.5], [400])


def test_figures_are_exported_by_diagrams_and_describe_their_numbers():
    bars = diagrams.keratinocyte_compartments(strength=0.5, duration=28)
    healthy = skin_circuit.healthy_state()
    assert f"turnover {healthy.turnover_days:.0f} days" in bars.alt_text
    assert "our interpretation" in bars.alt_text
    plot = diagrams.steady_state_plot("il232", factors=np.linspace(0.8, 1.1, 7))
    assert "both states exist" in plot.alt_text
    grid = diagrams.treatment_outcome_map(strengths=[0.5], durations=[14, 28])
    assert "strength 0.5: heals if held 28 days or more" in grid.alt_text
    assert diagrams.to_png(grid).startswith(b"\x89PNG")
