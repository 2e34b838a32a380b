"""Figures from the knowledge base: headless, legible (no overlapping labels), described."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from mscpso_edu import diagrams, knowledge, models
from mscpso_edu.errors import CourseError

FIGURES = {
    "circuit": lambda: diagrams.circuit(),
    "circuit_disease_only": lambda: diagrams.circuit(show_msc=False),
    "circuit_focus_neutrophil": lambda: diagrams.circuit(focus="neutrophil"),
    "circuit_focus_th17": lambda: diagrams.circuit(focus="Th17"),
    # The views the lessons draw (only the cells each lesson has introduced).
    "circuit_lesson_01": lambda: diagrams.circuit(show_msc=False, lesson="01_psoriasis"),
    "circuit_lesson_02_msc": lambda: diagrams.circuit(focus="msc", lesson="02_mscs"),
    "circuit_lesson_03_kc": lambda: diagrams.circuit(focus="keratinocyte", lesson=3),
    **{
        f"circuit_layer_{layer}": (lambda layer=layer: diagrams.circuit_layer(layer))
        for layer in range(len(diagrams.CIRCUIT_LAYERS))
    },
    "msc_sketch": lambda: diagrams.msc_sketch(),
    "epidermis": lambda: diagrams.epidermis(),
    "outcome_fan": lambda: diagrams.outcome_fan(
        models.therapy_ensemble((models.ConstantEffect("tolerogenic_dc", 0.5, 0.0, 28.0),), n=12)
    ),
    "course_map": lambda: diagrams.course_map(highlight="04_neutrophils"),
    "evidence": lambda: diagrams.evidence(),
}


def _boxes(drawn: diagrams.Drawn):
    drawn.fig.canvas.draw()
    renderer = drawn.fig.canvas.get_renderer()
    labels = [(t.get_text(), diagrams.extent(t, renderer)) for t in drawn.labels()]
    nodes = [
        (key, p.get_window_extent(renderer)) for key, p in drawn.artists.get("nodes", {}).items()
    ]
    markers = [
        (key, diagrams.core._marker_box(drawn.ax, x, y, 90))
        for key, (x, y) in drawn.artists.get("marker_positions", {}).items()
    ]
    return labels, nodes + markers


@pytest.mark.parametrize("name", FIGURES)
def test_no_label_overlaps_another_label_or_node(name):
    drawn = FIGURES[name]()
    labels, nodes = _boxes(drawn)
    assert labels
    for (a, box_a), (b, box_b) in itertools.combinations(labels, 2):
        assert not box_a.overlaps(box_b), f"{name}: label {a!r} overlaps label {b!r}"
    node_texts = {t.get_text() for t in drawn.artists.get("node_labels", {}).values()}
    for (text, box), (node, node_box) in itertools.product(labels, nodes):
        if text in node_texts:
            continue  # a node's own label sits inside its node
        assert not box.overlaps(node_box), f"{name}: label {text!r} overlaps node {node!r}"


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_has_alt_text_and_renders_png(name):
    drawn = FIGURES[name]()
    assert len(drawn.alt_text) > 80
    png = diagrams.to_png(drawn)
    assert png.startswith(b"\x89PNG")


def test_activation_and_inhibition_differ_in_colour_and_line():
    act, inh = diagrams.EDGE_STYLES["activates"], diagrams.EDGE_STYLES["inhibits"]
    assert act["color"] != inh["color"]
    assert act["linestyle"] != inh["linestyle"]
    assert act["arrowstyle"].split(",")[0] != inh["arrowstyle"].split(",")[0]
    drawn = diagrams.circuit()
    styles = {p.get_linestyle() for p in drawn.artists["edges"]}
    assert len(styles) == 2  # solid and dashed both drawn


def test_circuit_alt_text_comes_from_the_data():
    drawn = diagrams.circuit()
    assert "Th17 activates KC via IL-17" in drawn.alt_text
    assert "MSC inhibits Neu via TSG-6" in drawn.alt_text
    assert "dashed blue" in drawn.alt_text
    plain = diagrams.circuit(show_msc=False)
    assert "MSC" not in plain.alt_text
    assert "msc" not in plain.artists["nodes"]


def test_focused_circuit_only_shows_the_cell_and_its_partners():
    drawn = diagrams.circuit(focus="neutrophil")
    partners = {"neutrophil"}
    for item in knowledge.interactions():
        if "neutrophil" in (item.source, item.target):
            partners |= {item.source, item.target}
    assert set(drawn.artists["nodes"]) == partners
    with pytest.raises(CourseError, match="unknown cell"):
        diagrams.circuit(focus="astrocyte")


def test_course_map_draws_every_lesson_and_highlights_one():
    drawn = diagrams.course_map(highlight="04_neutrophils")
    count = len(knowledge.LESSON_SLUGS)
    assert len(drawn.artists["boxes"]) == count and len(drawn.artists["arrows"]) == count - 1
    # Every box lies inside the axes (four to a row, as many rows as needed).
    bottom, top = drawn.ax.get_ylim()
    assert all(bottom <= box.get_y() and box.get_y() + box.get_height() <= top
               for box in drawn.artists["boxes"])  # fmt: skip
    widths = [box.get_linewidth() for box in drawn.artists["boxes"]]
    assert widths[4] > max(widths[:4] + widths[5:])
    assert "Lesson 04 is highlighted" in drawn.alt_text
    with pytest.raises(CourseError):
        diagrams.course_map(highlight="99_nothing")


def test_evidence_plots_published_studies_and_counts_registered_ones():
    published = [s for s in knowledge.clinical_studies(published=True)]
    registered = knowledge.clinical_studies(evidence="registered_no_results")
    drawn = diagrams.evidence()
    assert len(drawn.artists["points"]) == len(published)
    assert f"{len(registered)} registered trials" in drawn.alt_text
    assert "Cheng 2022: 17 participants" in drawn.alt_text


def test_diagrams_draw_on_a_given_axes_without_global_state():
    before = dict(mpl.rcParams)
    fig = Figure()
    ax = fig.add_subplot()
    drawn = diagrams.course_map(ax=ax)
    assert drawn.ax is ax and drawn.fig is fig
    assert plt.get_fignums() == []  # pyplot never saw a figure
    assert dict(mpl.rcParams) == before


def test_show_emits_an_img_with_the_alt_text():
    drawn = diagrams.evidence()
    html = diagrams.show(drawn).data
    assert html.startswith('<img src="data:image/png;base64,')
    assert 'alt="Scatter plot of' in html
    assert drawn._repr_html_().startswith("<img")


# --- the circuit in layers; MSC arrows green and labelled with the MSC's effectors -------------


def test_msc_arrows_are_green_and_disease_arrows_coloured_by_sign():
    from mscpso_edu.style import ROLE_COLOURS

    drawn = diagrams.circuit()
    kb = knowledge.load()
    colours = drawn.artists["edge_colours"]
    assert ROLE_COLOURS["msc"] in colours
    for patch, colour in zip(drawn.artists["edges"], colours, strict=True):
        assert mpl.colors.to_hex(patch.get_edgecolor()) == mpl.colors.to_hex(colour)
    legend = [t.get_text() for t in drawn.artists["legend"].get_texts()]
    assert any("green" in text and "MSC" in text for text in legend)
    disease = diagrams.circuit(show_msc=False)
    assert set(disease.artists["edge_colours"]) == {
        diagrams.EDGE_STYLES["activates"]["color"],
        diagrams.EDGE_STYLES["inhibits"]["color"],
    }
    assert kb.cells  # the circuit is drawn from the knowledge base


def test_msc_arrow_labels_name_effectors_not_readouts():
    kb = knowledge.load()
    readout_labels = {kb.mediators[m].label for m in ("il17", "il23", "cxcl1", "il12")}
    drawn = diagrams.circuit()
    edges = drawn.artists["edges"]
    for label, colour in zip(
        drawn.artists["edge_labels"], drawn.artists["edge_colours"], strict=True
    ):
        if colour != "#009E73":
            continue
        names = {name.strip() for name in label.get_text().split(",") if name.strip()}
        assert not names & readout_labels, label.get_text()
        assert names <= {kb.mediators[m].label for m in diagrams.MSC_EFFECTORS} | {
            "…",
            "IFN-γ",
            "TNF",
        }
    assert len(edges) == len(drawn.artists["edge_labels"])
    # The readouts are not lost: the alt text says what was measured in the target.
    assert "measured in the target: IL-17" in drawn.alt_text


def test_layers_add_cells_and_msc_effects_one_cell_type_at_a_time():
    previous: set[str] = set()
    for layer, (_name, introduced, _targets) in enumerate(diagrams.CIRCUIT_LAYERS):
        drawn = diagrams.circuit_layer(layer)
        nodes = set(drawn.artists["nodes"])
        assert previous <= nodes and set(introduced) <= nodes
        if layer == 0:
            assert "msc" not in nodes and "#009E73" not in drawn.artists["edge_colours"]
        previous = nodes
    # The last layer shows no cell the course never introduces in a layer (no generic T, no Mac).
    assert not {"t_cell", "macrophage", "gdt", "mast_cell"} & previous
    with pytest.raises(CourseError, match="layer must be"):
        diagrams.circuit_layer(len(diagrams.CIRCUIT_LAYERS))


def test_msc_sketch_has_three_inhibitory_msc_arrows_onto_the_loop():
    drawn = diagrams.msc_sketch()
    green = [c for c in drawn.artists["edge_colours"] if c == "#009E73"]
    assert len(green) == 3
    assert set(drawn.artists["nodes"]) == {"mdc", "th17", "keratinocyte", "neutrophil", "msc"}


# --- schematic histology -------------------------------------------------------------------


def test_histology_labels_every_psoriatic_feature_and_says_it_is_drawn():
    from mscpso_edu.diagrams.histology import CAPTION, HISTOLOGY_FEATURES

    drawn = diagrams.epidermis()
    labels = " ".join(t.get_text().replace("\n", " ") for t in drawn.labels())
    for feature in HISTOLOGY_FEATURES:
        assert feature in labels, feature
        assert feature.split()[0].lower() in drawn.alt_text.lower(), feature
    for feature in ("acanthosis", "parakeratosis", "rete ridges", "capillaries", "Munro"):
        assert feature in drawn.alt_text
    assert "not a photograph" in drawn.alt_text and CAPTION in drawn.alt_text
    assert drawn.artists["caption"].get_text() == CAPTION


def test_histology_draws_the_plaque_thicker_with_deeper_ridges():
    drawn = diagrams.epidermis()
    normal, plaque = drawn.artists["normal"], drawn.artists["psoriatic"]
    assert plaque["top"] - min(plaque["junction"][1]) > 2.5 * (
        normal["top"] - min(normal["junction"][1])
    )  # acanthosis and elongated rete ridges
    assert "granular" in normal and "granular" not in plaque  # granular layer lost
    assert "munro" in plaque and "munro" not in normal


def test_histology_draws_on_a_given_axes_without_global_state():
    before = dict(mpl.rcParams)
    fig = Figure()
    ax = fig.add_subplot()
    drawn = diagrams.epidermis(ax=ax)
    assert drawn.ax is ax and drawn.fig is fig
    assert plt.get_fignums() == []
    assert dict(mpl.rcParams) == before
