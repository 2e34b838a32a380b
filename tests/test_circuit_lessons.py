"""Circuit figures show only cells the learner has met (issue 17, "no node the lesson has not
introduced") and say what they leave out.

The lesson test reads each lesson's code cells, finds every circuit figure (``diagrams.circuit``,
``diagrams.circuit_layer``, ``diagrams.msc_sketch``), draws it with the lesson's own arguments and
checks every node drawn twice: against the course catalogue (the cell is introduced in this lesson
or an earlier one) and against what a learner reads (this lesson's or an earlier lesson's Markdown
names the cell, by name or by the short label the figure shows).
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import nbformat
import numpy as np
import pytest
from matplotlib.path import Path

from mscpso_edu import diagrams, knowledge, paths
from mscpso_edu.errors import CourseError
from mscpso_edu.lessons import package_calls

CIRCUIT_FUNCTIONS = {"circuit", "circuit_layer", "msc_sketch"}
SLUGS = list(knowledge.LESSON_SLUGS)


def _notebook(slug: str):
    return nbformat.read(paths.lessons_dir() / f"{slug}.ipynb", as_version=4)


def _markdown(slug: str) -> str:
    return "\n".join(c.source for c in _notebook(slug).cells if c.cell_type == "markdown")


def _circuit_calls(slug: str) -> list[tuple[str, list, dict]]:
    """Every circuit figure a lesson draws: (function name, positional args, keyword args)."""
    return package_calls(paths.lessons_dir() / f"{slug}.ipynb", "diagrams", CIRCUIT_FUNCTIONS)


def _mentions(text: str, cell: knowledge.Cell) -> bool:
    """Does ``text`` name ``cell`` the way a learner would read it (name or figure label)?"""
    name = cell.name.split(" (")[0].casefold()
    singular = name[:-1] if name.endswith("s") else name
    if re.search(r"(?<![\w-])" + re.escape(singular), text.casefold()):
        return True
    return re.search(r"(?<![\w-])" + re.escape(cell.short) + r"s?(?![\w-])", text) is not None


LESSON_CALLS = [
    pytest.param(slug, call, id=f"{slug}-{call[0]}-{i}")
    for slug in SLUGS
    for i, call in enumerate(_circuit_calls(slug))
]


def test_the_lessons_draw_circuit_figures():
    with_figures = {slug for slug, _ in (p.values for p in LESSON_CALLS)}
    assert {"00_start_here", "02_mscs", "03_keratinocytes", "07_whole_circuit"} <= with_figures


@pytest.mark.parametrize(("slug", "call"), LESSON_CALLS)
def test_every_node_a_lesson_draws_is_a_cell_it_has_introduced(slug, call):
    kb = knowledge.load()
    name, args, kwargs = call
    number = SLUGS.index(slug)
    if name == "circuit":
        # A focused or partial view names its lesson, so the filter is the lesson's own.
        assert kwargs.get("lesson") == slug, f"{slug}: circuit(...) must pass lesson={slug!r}"
    drawn = getattr(diagrams, name)(*args, **kwargs)
    nodes = set(drawn.artists["nodes"])
    assert nodes
    first = diagrams.introduced_in()
    early = [c for c in nodes if first.get(c, 99) > number]
    assert not early, f"{slug} draws {early}, which a later lesson (or none) introduces"
    read = "\n".join(_markdown(s) for s in SLUGS[: number + 1])
    unread = [kb.cells[c].short for c in nodes if not _mentions(read, kb.cells[c])]
    assert not unread, f"{slug} draws {unread}, named in no Markdown up to and including it"


def test_the_lesson_that_introduces_a_cell_names_it():
    """The catalogue data the figures rely on says what the lessons themselves say."""
    kb = knowledge.load()
    for cell_id, number in diagrams.introduced_in().items():
        assert _mentions(_markdown(SLUGS[number]), kb.cells[cell_id]), (cell_id, SLUGS[number])


def test_a_lesson_view_leaves_later_cells_out_and_says_so():
    full = diagrams.circuit(focus="msc")
    early = diagrams.circuit(focus="msc", lesson="02_mscs")
    assert {"pdc", "th2", "treg", "macrophage"} <= set(full.artists["nodes"])
    assert set(early.artists["nodes"]) == {
        "msc", "keratinocyte", "neutrophil", "mdc", "th17", "th1", "t_cell"
    }  # fmt: skip
    for text in (early.caption, early.alt_text):
        assert "pDC, plasmacytoid dendritic cells (lesson 05)" in text
        assert "Treg, regulatory T cells (lesson 06)" in text
        assert "Mac, macrophages" in text and "not part of the circuit" in text
    assert "plasmacytoid dendritic cells (lesson 05)" in early._repr_html_()
    # Every edge drawn joins two drawn cells, and none is lost between them.
    kb = knowledge.load()
    kept = {(i.source, i.target) for i in kb.interactions if "msc" in (i.source, i.target)}
    kept = {pair for pair in kept if set(pair) <= set(early.artists["nodes"])}
    assert len(early.artists["edges"]) >= len(kept)
    # By the last lesson every cell the course teaches is drawn; the caption names only Mac.
    late = diagrams.circuit(focus="msc", lesson=11)
    assert set(full.artists["nodes"]) - set(late.artists["nodes"]) == {"macrophage"}
    assert "later lesson" not in late.caption
    # Numbers, two-digit strings and slugs name the same lesson.
    assert diagrams.circuit(show_msc=False, lesson=1).caption == (
        diagrams.circuit(show_msc=False, lesson="01").caption
    )
    assert diagrams.circuit(focus="neutrophil").caption == ""


def test_a_lesson_cannot_focus_on_a_cell_it_has_not_introduced():
    with pytest.raises(CourseError, match="lesson 03 cannot focus on Plasmacytoid"):
        diagrams.circuit(focus="pdc", lesson="03_keratinocytes")
    with pytest.raises(CourseError, match="unknown lesson"):
        diagrams.circuit(lesson="99_nothing")
    with pytest.raises(CourseError, match="unknown lesson"):
        diagrams.circuit(lesson=True)


def test_introductions_follow_the_course_catalogue():
    first = diagrams.introduced_in()
    for lesson in knowledge.lessons():
        for cell_id in lesson.cells:
            assert first[cell_id] <= lesson.number
    # The layers of lesson 07 add cells no earlier than the lessons that introduce them.
    for _name, cells, _targets in diagrams.CIRCUIT_LAYERS:
        assert all(first[c] <= 7 for c in cells)


def test_the_note_under_a_lesson_view_survives_the_figure_cache():
    """A figure read back from the cache (a second Run All) shows the same note."""
    first = diagrams.circuit(focus="keratinocyte", lesson="03_keratinocytes")
    html = diagrams.show(first).data
    again = diagrams.circuit(focus="keratinocyte", lesson="03_keratinocytes")
    assert again.caption == first.caption != ""
    assert diagrams.show(again).data == html
    assert "plasmacytoid dendritic cells (lesson 05)" in html


@pytest.mark.parametrize(("slug", "call"), LESSON_CALLS)
def test_no_box_hides_an_arrowhead_or_an_inhibition_bar(slug, call):
    """The legend promises an arrowhead for activation and a bar for inhibition: in every view a
    lesson draws (zoomed views draw larger boxes), each edge ends outside the box of the cell it
    points at, so its head or bar is seen."""
    name, args, kwargs = call
    drawn = getattr(diagrams, name)(*args, **kwargs)
    drawn.fig.canvas.draw()
    boxes = [patch.get_window_extent() for patch in drawn.artists["nodes"].values()]
    for edge in drawn.artists["edges"]:
        # The drawn path (line and head or bar) after the set-back, in display coordinates.
        segments = edge.get_path().iter_segments(simplify=False, curves=False)
        vertices = [vertex for vertex, code in segments if code != Path.CLOSEPOLY]
        path = drawn.ax.transData.transform(np.reshape(vertices, (-1, 2)))
        ends = [min(boxes, key=lambda box, p=point: np.hypot(*(box.get_points().mean(0) - p)))
                for point in (path[0], path[-1])]  # fmt: skip
        hidden = [p for p in path for box in ends if box.shrunk(0.9, 0.9).contains(*p)]
        assert not hidden, f"{slug} {name}{kwargs}: a box hides part of an edge's end"


@pytest.mark.parametrize(("slug", "call"), LESSON_CALLS)
def test_no_edge_passes_behind_a_third_cells_box(slug, call):
    """An edge drawn behind another cell's box looks like an arrow to or from that cell (lesson
    02's Th1-to-MSC arrow ran through Th17): every edge goes round the cells it does not join,
    in every view a lesson draws."""
    name, args, kwargs = call
    drawn = getattr(diagrams, name)(*args, **kwargs)
    drawn.fig.canvas.draw()
    boxes = [patch.get_window_extent() for patch in drawn.artists["nodes"].values()]
    for edge in drawn.artists["edges"]:
        lines = edge.get_path().to_polygons(closed_only=False)
        curve = drawn.ax.transData.transform(lines[0])  # the edge's line, before its head
        ends = {
            min(
                range(len(boxes)),
                key=lambda i, p=point: np.hypot(*(boxes[i].get_points().mean(0) - p)),
            )
            for point in (curve[0], curve[-1])
        }
        crossed = [
            i for i, box in enumerate(boxes)
            if i not in ends and any(box.shrunk(0.9, 0.9).contains(*p) for p in curve)
        ]  # fmt: skip
        assert not crossed, f"{slug} {name}{kwargs}: an edge passes behind a third cell's box"
