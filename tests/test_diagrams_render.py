"""The faster circuit drawing draws the same picture (issue 14: lessons run fast; issue 17).

Circuit labels are placed without drawing the figure (each label is measured once and its box
moved), and ``to_png`` asks the figure for its crop box instead of letting matplotlib lay it out a
second time. These tests check the results against matplotlib's own way, pixel for pixel.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mimage
import numpy as np
import pytest

from mscpso_edu import diagrams
from mscpso_edu.style import course_style


def _pixels(png: bytes) -> np.ndarray:
    return mimage.imread(io.BytesIO(png), format="png")


@pytest.mark.parametrize(
    "make",
    [
        lambda: diagrams.circuit(),
        lambda: diagrams.circuit(focus="msc"),
        lambda: diagrams.circuit_layer(4),
        lambda: diagrams.evidence(),
        lambda: diagrams.course_map(highlight="04_neutrophils"),
    ],
    ids=["circuit", "circuit_msc", "layer_4", "evidence", "course_map"],
)
def test_png_is_the_picture_matplotlib_would_save(make):
    """to_png finds the crop box without an extra layout pass: same pixels as plain savefig."""
    drawn = make()
    fast = diagrams.to_png(drawn)
    buffer = io.BytesIO()
    with course_style():
        drawn.fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    assert np.array_equal(_pixels(fast), _pixels(buffer.getvalue()))


def test_labels_placed_without_a_draw_sit_where_they_were_measured():
    """Placement measures each label once and moves its box; the drawn label must agree."""
    drawn = diagrams.circuit_layer(4)
    drawn.fig.canvas.draw()
    renderer = drawn.fig.canvas.get_renderer()
    nodes = [p.get_window_extent(renderer) for p in drawn.artists["nodes"].values()]
    boxes = [diagrams.extent(t, renderer) for t in drawn.artists["edge_labels"] if t.get_text()]
    assert boxes
    for i, box in enumerate(boxes):
        assert not any(box.overlaps(n) for n in nodes)
        assert not any(box.overlaps(other) for other in boxes[i + 1 :])
