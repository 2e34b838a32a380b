"""Lesson 01's worked phase-plane reading: the figure shows what its text says."""

from __future__ import annotations

from mscpso_edu import diagrams
from mscpso_edu.models import bistable_core


def test_the_two_worked_starts_end_in_different_states():
    drawn = diagrams.phase_plane_reading()
    assert drawn.artists["ends"] == {"A": "healthy", "B": "psoriatic"}
    a, b = (drawn.artists["trajectories"][name] for name in ("A", "B"))
    # The two starts are close: the same T, K within a third of each other.
    (ta, ka), (tb, kb) = a.get_xydata()[0], b.get_xydata()[0]
    assert ta == tb and 0.6 < ka / kb < 1.0


def test_three_steady_states_are_drawn_and_named_in_the_alt_text():
    drawn = diagrams.phase_plane_reading()
    kinds = [fp.kind for fp in bistable_core.fixed_points() if fp.K > 0]
    assert kinds == ["stable", "saddle", "stable"]
    assert len(drawn.artists["points"]) == 3 and len(drawn.artists["nullclines"]) == 2
    for word in ("nullcline", "saddle", "basin boundary", "ends healthy", "ends psoriatic"):
        assert word in drawn.alt_text
    assert [label.get_text() for label in drawn.labels()][:3] == [
        "healthy\n(stable)",
        "saddle\n(unstable)",
        "psoriatic\n(stable)",
    ]


def test_the_fixed_point_table_has_three_states_with_skin_and_one_saddle_without():
    """Lesson 01's worked reading counts three steady states in skin that has keratinocytes and
    explains the table's extra row: a saddle with no keratinocytes, which K never leaves."""
    points = bistable_core.fixed_points(bistable_core.CoreParameters())
    with_skin = [fp.kind for fp in points if fp.K > 0]
    without = [fp.kind for fp in points if fp.K == 0]
    assert with_skin == ["stable", "saddle", "stable"]
    assert without == ["saddle"]
    assert bistable_core.fixed_point_table().splitlines()[2].startswith("| saddle | 0 |")
