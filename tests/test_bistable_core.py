"""The reconstructed bistable core (dossier 6.2): fixed points, flips, phase-plane helpers."""

from __future__ import annotations

import numpy as np
import pytest

from mscpso_edu.errors import CourseError
from mscpso_edu.models import (
    CoreParameters,
    basin_boundary,
    fixed_points,
    nullclines,
    simulate_core,
    vector_field,
)


def test_fixed_points_are_healthy_saddle_psoriatic():
    points = [fp for fp in fixed_points() if fp.K > 0]
    assert [fp.kind for fp in points] == ["stable", "saddle", "stable"]
    assert [fp.K for fp in points] == pytest.approx([30000, 36000, 90000], rel=0.02)
    assert pytest.approx(1500, rel=0.02) == points[0].T
    assert points[0].turnover_days == pytest.approx(21, rel=0.02)
    assert points[2].turnover_days == pytest.approx(7, rel=0.02)


def test_fixed_points_lie_on_both_nullclines():
    for fp in fixed_points():
        if fp.K > 0:
            lines = nullclines(None, [fp.K])
            assert lines.T_nullcline[0] == pytest.approx(fp.T, rel=1e-9)
            assert lines.K_nullcline[0] == pytest.approx(fp.T, rel=1e-9)


def test_vector_field_vanishes_at_fixed_points_and_has_meshgrid_shape():
    T, K, dT, dK = vector_field(None, [1000, 2000, 3000], [20000, 50000])
    assert T.shape == K.shape == dT.shape == dK.shape == (2, 3)
    healthy = fixed_points()[1]
    _, _, dT, dK = vector_field(None, [healthy.T], [healthy.K])
    assert abs(dT[0, 0]) < 1e-6 and abs(dK[0, 0]) < 1e-3


@pytest.mark.parametrize(("influx", "final"), [(150, "healthy"), (300, "psoriatic")])
def test_five_day_immune_influx_flips_above_a_threshold(influx, final):
    result = simulate_core(days=100, influx=influx, influx_start=10, influx_days=5)
    assert result.eventual_state == final


@pytest.mark.parametrize(("days", "final"), [(14, "psoriatic"), (28, "healthy")])
def test_tripled_clearance_cures_only_if_kept_long_enough(days, final):
    result = simulate_core(
        days=100, start="psoriatic", clearance_factor=3, clearance_start=10, clearance_days=days
    )
    assert result.eventual_state == final


def test_near_the_boundary_the_nearest_state_is_not_yet_the_eventual_one():
    result = simulate_core(days=300, influx=200, influx_start=10, influx_days=5)
    assert result.final_state == "healthy"
    assert result.eventual_state == "psoriatic"


def test_basin_boundary_passes_through_the_saddle_and_separates_the_basins():
    T, K = basin_boundary()
    saddle = fixed_points()[2]
    assert np.min(np.hypot((T - saddle.T) / saddle.T, (K - saddle.K) / saddle.K)) < 1e-3
    # Start either side of the boundary at its own K. Near the saddle the flow is very slow
    # (unstable eigenvalue about 0.0013/day), hence the long horizon.
    i = len(K) // 3
    below = simulate_core(days=6000, start=(T[i] * 0.9, K[i]))
    above = simulate_core(days=6000, start=(T[i] * 1.1, K[i]))
    assert {below.final_state, above.final_state} == {"healthy", "psoriatic"}


def test_bad_inputs_raise_course_errors():
    with pytest.raises(CourseError, match="days"):
        simulate_core(days=0)
    with pytest.raises(CourseError, match="influx"):
        simulate_core(days=10, influx=-1)
    with pytest.raises(CourseError, match="unknown core parameter"):
        CoreParameters().replace(k9=1)
    with pytest.raises(CourseError, match="finite"):
        CoreParameters(k1=float("nan"))
