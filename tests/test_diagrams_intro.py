"""Figures of lessons 01 and 02: values from the knowledge base, alt text, no overlapping labels."""

from __future__ import annotations

import itertools

import matplotlib
import pytest
from matplotlib.figure import Figure

from mscpso_edu import diagrams, knowledge
from mscpso_edu.diagrams import intro as figures

FIGURES = {
    "prevalence": figures.prevalence,
    "keratinocyte_kinetics": figures.keratinocyte_kinetics,
    "msc_sources": figures.msc_sources,
}


@pytest.mark.parametrize("name", FIGURES)
def test_renders_with_alt_text_and_no_label_overlaps(name):
    drawn = FIGURES[name]()
    assert diagrams.to_png(drawn).startswith(b"\x89PNG")
    assert len(drawn.alt_text) > 80
    drawn.fig.canvas.draw()
    renderer = drawn.fig.canvas.get_renderer()
    boxes = [(t.get_text(), diagrams.extent(t, renderer)) for t in drawn.labels()]
    assert boxes
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{name}: {a!r} overlaps {b!r}"


def test_prevalence_bars_are_the_parisi_values_sorted():
    values = knowledge.fact("prevalence_range").values
    drawn = figures.prevalence()
    widths = [bar.get_width() for bar in drawn.artists["bars"]]
    assert widths == sorted(values.values())
    assert "East Asia 0.14%" in drawn.alt_text
    assert knowledge.cite("parisi2020") in drawn.alt_text


def test_kinetics_bars_are_fold_changes_from_the_weinstein_facts():
    drawn = figures.keratinocyte_kinetics()
    ends = [bar.get_x() + bar.get_width() for bar in drawn.artists["bars"]]
    for fact_id, end in zip(("kc_cell_cycle", "kc_proliferative_pool", "kc_production"), ends,
                            strict=True):  # fmt: skip
        values = knowledge.fact(fact_id).values
        assert end == pytest.approx(values["psoriatic"] / values["normal"])
    assert ends[0] < 1 < ends[1] < ends[2]


def test_source_matrix_counts_reference_kinds_per_source():
    kb = knowledge.load()
    drawn = figures.msc_sources()
    positions = drawn.artists["marker_positions"]
    gingiva_kinds = {kb.references[r].kind for r in kb.msc_sources["gingiva"].refs}
    assert {key.split(":")[1] for key in positions if key.startswith("gingiva:")} == (
        gingiva_kinds & {"in_vitro", "mouse", "case_report", "human_trial"}
    )
    # Reviews are never a column.
    assert not any(key.endswith(":review") for key in positions)
    assert "Gingiva: 1 human case report" in drawn.alt_text


def test_draws_on_a_given_axes_and_leaves_rcparams_alone():
    before = dict(matplotlib.rcParams)
    fig = Figure()
    ax = fig.add_subplot()
    for function in FIGURES.values():
        ax.clear()
        assert function(ax=ax).ax is ax
    assert dict(matplotlib.rcParams) == before
