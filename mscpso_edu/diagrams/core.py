"""The shared figure machinery and the knowledge-base figures: circuit, course map, evidence.

Every function takes ``ax=None`` (a new figure is made when none is given), draws inside
:func:`mscpso_edu.style.course_style` only, never calls ``plt.show`` and never touches pyplot's
global state (figures are built with :class:`matplotlib.figure.Figure` directly). Each returns
a :class:`Drawn` with the figure, the axes, the artists it made and an alt text generated from
the data; :func:`show` puts a figure in a notebook as an ``<img alt="...">`` so screen readers
get the description.

Activation and inhibition are told apart by colour *and* line: activation is a solid
vermillion line ending in an arrowhead, inhibition a dashed blue line ending in a bar. MSC effects
keep those line styles but are drawn in the MSC green (:data:`mscpso_edu.style.ROLE_COLOURS`), and
are labelled with what the MSC uses (its effectors: PGE2, TSG-6, TGF-β, EVs, ...); what fell or rose
in the target (the readouts) is in the alt text and the notes, not on the arrow.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.transforms import Bbox

from .. import knowledge
from ..errors import CourseError
from ..knowledge.therapy import therapy_data
from ..style import OKABE_ITO, ROLE_COLOURS, course_style

__all__ = [
    "CIRCUIT_LAYERS",
    "EDGE_STYLES",
    "MSC_EFFECTORS",
    "Drawn",
    "circuit",
    "circuit_layer",
    "course_map",
    "evidence",
    "extent",
    "introduced_in",
    "msc_sketch",
    "new_axes",
    "show",
    "to_png",
]

#: How each sign of interaction is drawn (colour, line style and line end all differ).
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "activates": {
        "color": ROLE_COLOURS["activates"],
        "linestyle": "-",
        "arrowstyle": "-|>,head_length=6,head_width=3.5",
        "description": "solid vermillion arrow",
    },
    "inhibits": {
        "color": ROLE_COLOURS["inhibits"],
        "linestyle": (0, (4, 2)),
        "arrowstyle": "-[,widthB=7,lengthB=0",
        "description": "dashed blue line ending in a bar",
    },
}

# Where each cell sits in the circuit (data units on a 10 x 7 canvas): dendritic cells on top,
# T cells in the middle, skin and innate effectors below, MSCs at the right edge. Layout only.
_POSITIONS: dict[str, tuple[float, float]] = {
    "pdc": (0.9, 6.2),
    "mdc": (3.6, 6.2),
    "macrophage": (8.6, 6.3),
    "th1": (0.7, 3.9),
    "th17": (3.6, 3.9),
    "th2": (6.6, 5.3),
    "treg": (7.0, 3.7),
    "t_cell": (6.3, 1.4),
    "gdt": (5.3, 6.4),
    "keratinocyte": (2.0, 1.0),
    "neutrophil": (4.1, 0.2),
    "mast_cell": (0.2, 0.2),
    "msc": (9.3, 2.2),
}
_NODE_RADIUS = 0.42
#: Half width and half height of a cell's box (data units), its rounding pad included.
_BOX_HALF = (_NODE_RADIUS + 0.05, _NODE_RADIUS * 0.62 + 0.05)


#: Extra bends tried, in order, for edges between two cells that pass behind a third cell's box.
_EXTRA_BENDS = (0.0, 0.2, -0.2, 0.35, -0.35)


def _base_bend(edge: _Edge, edges: list[_Edge], pairs: set[tuple[str, str]]) -> float:
    """An edge's bend: a pair with arrows both ways, or two signs, must not lie on each other."""
    if (edge.target, edge.source) in pairs or any(
        o is not edge and (o.source, o.target) == (edge.source, edge.target) for o in edges
    ):
        return 0.28 if edge.sign == "inhibits" else -0.12
    return 0.12


def _extra_bends(edges: list[_Edge], pairs: set[tuple[str, str]], cell_ids: list[str]) -> dict:
    """For each pair of cells, the extra bend (alike for all its edges, so they keep apart) that
    takes its edges round every other cell drawn, or 0 when none does."""
    extra = {}
    for key in {frozenset((e.source, e.target)) for e in edges}:
        group = [e for e in edges if frozenset((e.source, e.target)) == key]
        others = [_POSITIONS[c] for c in cell_ids if c not in key]

        def clear(shift: float, group: list[_Edge] = group, others: list = others) -> bool:
            return not any(
                _crosses(
                    np.array(_POSITIONS[e.source]),
                    np.array(_POSITIONS[e.target]),
                    _base_bend(e, edges, pairs) + shift * (1 if e.source < e.target else -1),
                    others,
                )
                for e in group
            )

        extra[key] = next((shift for shift in _EXTRA_BENDS if clear(shift)), 0.0)
    return extra


def _crosses(p0: np.ndarray, p2: np.ndarray, rad: float, centres: list) -> bool:
    """Does the arc3 edge from ``p0`` to ``p2`` with bend ``rad`` pass over a box at ``centres``?"""
    chord = p2 - p0
    control = (p0 + p2) / 2 + rad * np.array([chord[1], -chord[0]])
    t = np.linspace(0.05, 0.95, 40)[:, None]
    curve = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * control + t**2 * p2
    margin = 0.08
    return any(
        np.any(
            (np.abs(curve[:, 0] - x) < _BOX_HALF[0] + margin)
            & (np.abs(curve[:, 1] - y) < _BOX_HALF[1] + margin)
        )
        for x, y in centres
    )


def _points_per_unit(ax: Axes) -> float:
    """Points one data unit spans on an equal-aspect ``ax`` with its current limits."""
    fig = ax.figure
    box = ax.get_position()
    width, height = box.width * fig.get_figwidth(), box.height * fig.get_figheight()
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    return 72.0 * min(width / abs(xlim[1] - xlim[0]), height / abs(ylim[1] - ylim[0]))


def _set_back(end: np.ndarray, other: np.ndarray, rad: float, points: float) -> float:
    """Points from a cell's centre ``end`` to its box edge, along an arc3 edge leaving it.

    The edge leaves ``end`` towards the arc's control point; the returned distance (plus a
    small gap) lets its arrowhead or inhibition bar stop at the box instead of under it.
    """
    middle = (end + other) / 2
    chord = other - end
    control = middle + rad * np.array([chord[1], -chord[0]])
    direction = control - end
    length = float(np.hypot(*direction))
    if length == 0:
        return 0.0
    ux, uy = abs(direction[0]) / length, abs(direction[1]) / length
    to_edge = min(_BOX_HALF[0] / ux if ux else np.inf, _BOX_HALF[1] / uy if uy else np.inf)
    return (to_edge + 0.04) * points


_GROUP_COLOURS = {
    "skin": OKABE_ITO["orange"],
    "innate": OKABE_ITO["sky_blue"],
    "adaptive": OKABE_ITO["yellow"],
    "stromal": ROLE_COLOURS["msc"],
}


@dataclass
class Drawn:
    """What a diagram function drew.

    Attributes
    ----------
    fig, ax
        The figure and axes drawn on.
    artists
        Named artists: lists of node patches, node labels, edge patches, edge labels, ...
    alt_text
        A description of the figure generated from the data, for screen readers.
    caption
        A note shown under the figure (e.g. what a lesson's view of the circuit leaves out for
        later); empty for most figures. The alt text carries it too.
    """

    fig: Figure
    ax: Axes
    artists: dict[str, Any] = field(default_factory=dict)
    alt_text: str = ""
    caption: str = ""

    def labels(self) -> list[Any]:
        """Return every text label that must not overlap (node and edge/point labels)."""
        found: list[Any] = []
        for key in ("node_labels", "edge_labels", "point_labels", "box_labels"):
            group = self.artists.get(key, [])
            found.extend(group.values() if isinstance(group, dict) else group)
        return [label for label in found if label.get_text()]

    def png_base64(self) -> str:
        """Return the figure as PNG (the course's 100 dpi) in base64, as a notebook shows it.

        A figure read back from the figure cache returns its stored image
        (:mod:`mscpso_edu.diagrams.cached`).
        """
        return base64.b64encode(to_png(self)).decode("ascii")

    def _repr_html_(self) -> str:
        return _img_html(self)


def new_axes(
    ax: Axes | None, size: tuple[float, float], layout: str | None = None
) -> tuple[Figure, Axes]:
    """Return ``ax`` and its figure, or a new pyplot-free figure of ``size`` inches."""
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout=layout)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def to_png(drawn: Drawn, dpi: int = 100) -> bytes:
    """Return the figure of ``drawn`` as PNG bytes (rendered with the course style).

    The course style crops the picture to its contents (``savefig.bbox: tight``). Matplotlib
    finds that box by laying the whole figure out once before drawing it; when nothing will
    move at draw time (no layout engine) and the figure's own dpi is used, the same box is
    asked of the figure directly, so the figure is laid out and drawn once (same pixels, about
    a third less time for a circuit).
    """
    import matplotlib as mpl

    buffer = io.BytesIO()
    fig = drawn.fig
    with course_style():
        bbox: Any = None
        if (
            mpl.rcParams["savefig.bbox"] == "tight"
            and fig.get_layout_engine() is None
            and dpi == fig.dpi
        ):
            pad = mpl.rcParams["savefig.pad_inches"]
            bbox = fig.get_tightbbox(fig.canvas.get_renderer()).padded(pad)
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches=bbox)
    return buffer.getvalue()


def _img_html(drawn: Drawn) -> str:
    data = drawn.png_base64()
    alt = html.escape(drawn.alt_text, quote=True)
    page = f'<img src="data:image/png;base64,{data}" alt="{alt}" style="max-width:100%">'
    if drawn.caption:
        # Seen by everyone; hidden from screen readers, which read it at the end of the alt text.
        page += (
            '<p aria-hidden="true" style="font-size:90%;margin-top:0.3em">'
            f"<em>{html.escape(drawn.caption)}</em></p>"
        )
    return page


def show(drawn: Drawn) -> Any:
    """Display a figure in a notebook as an image carrying its alt text.

    Returns an :class:`IPython.display.HTML` object (the last expression of a cell shows it).
    """
    from IPython.display import HTML

    return HTML(_img_html(drawn))


# --------------------------------------------------------------------------------------------
# Label placement
# --------------------------------------------------------------------------------------------


def extent(artist: Any, renderer: Any = None) -> Bbox:
    """Return the on-screen box of ``artist``, including a text's background box if any."""
    renderer = renderer or artist.figure.canvas.get_renderer()
    box = artist.get_window_extent(renderer)
    patch = artist.get_bbox_patch() if hasattr(artist, "get_bbox_patch") else None
    if patch is not None:
        # The background box only follows its text at draw time; bring it up to date first.
        artist.update_bbox_position_size(renderer)
        box = Bbox.union([box, patch.get_window_extent(renderer)])
    return box


def _overlap(a: Bbox, b: Bbox, pad: float = 1.0) -> bool:
    return not (
        a.x1 + pad <= b.x0 or b.x1 + pad <= a.x0 or a.y1 + pad <= b.y0 or b.y1 + pad <= a.y0
    )


def _place_labels(
    fig: Figure,
    labels: Sequence[Any],
    candidates: Sequence[Sequence[tuple[float, float]]],
    obstacles: list[Bbox],
) -> None:
    """Move each label to the first candidate position (data units) that overlaps nothing.

    Labels are placed one by one; each placed label becomes an obstacle for the next. When no
    candidate is free, the one with the least overlap is kept. A label's box is measured once and
    moved with the label (its size does not depend on where it sits), so the text is laid out
    once per label rather than once per candidate.
    """
    renderer = fig.canvas.get_renderer()
    taken = list(obstacles)
    for label, options in zip(labels, candidates, strict=True):
        to_screen = label.get_transform().transform
        label.set_position(options[0])
        origin = to_screen(options[0])
        box0 = extent(label, renderer)
        best, best_box, best_score = options[0], box0, None
        for x, y in options:
            dx, dy = to_screen((x, y)) - origin
            box = box0.translated(dx, dy)
            score = sum(_overlap(box, other) for other in taken)
            if best_score is None or score < best_score:
                best, best_box, best_score = (x, y), box, score
            if score == 0:
                break
        label.set_position(best)
        taken.append(best_box)


# --------------------------------------------------------------------------------------------
# The circuit
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edge:
    source: str
    target: str
    sign: str
    layer: str
    mediators: tuple[str, ...]
    interaction_ids: tuple[str, ...]


def _merge_edges(items: Iterable[knowledge.Interaction]) -> list[_Edge]:
    """Merge interactions with the same source, target and sign into one drawn edge."""
    groups: dict[tuple[str, str, str], list[knowledge.Interaction]] = {}
    for item in items:
        groups.setdefault((item.source, item.target, item.sign), []).append(item)
    edges = []
    for (source, target, sign), members in groups.items():
        meds = tuple(dict.fromkeys(m for item in members for m in item.mediators))
        layer = "msc" if any(item.layer == "msc" for item in members) else "disease"
        edges.append(_Edge(source, target, sign, layer, meds, tuple(i.id for i in members)))
    return edges


def _curve_point(p0: np.ndarray, p2: np.ndarray, rad: float, t: float) -> np.ndarray:
    """A point on matplotlib's ``arc3`` quadratic curve from ``p0`` to ``p2``."""
    mid = (p0 + p2) / 2
    d = p2 - p0
    control = mid + rad * np.array([d[1], -d[0]])
    return (1 - t) ** 2 * p0 + 2 * t * (1 - t) * control + t**2 * p2


#: Mediators the course counts as the MSC's own effectors (what an MSC releases or uses), so
#: they label MSC arrows; every other mediator on an MSC interaction is a readout in the target
#: (IL-17 fell, CXCL1 fell) and goes to the alt text. The toolkit of Cheng 2022 (fact
#: ``msc_toolkit_cheng``: EVs, TGF-β, NO, IDO, TSG-6, PGE2, IL-10) plus HLA-G, HGF, transduced
#: SOD3 and the IL-6 that murine MSCs secreted in Cuesta-Gomez 2023 (``mediators.yaml``).
MSC_EFFECTORS: frozenset[str] = frozenset(
    {"evs", "tgfb", "nitric_oxide", "ido", "tsg6", "pge2", "il10", "hlag", "hgf", "sod3", "il6"}
)


def _effectors(edge: _Edge) -> tuple[str, ...]:
    """What labels an arrow: a disease edge's mediators, an MSC edge's effectors only."""
    if edge.source != "msc":
        return edge.mediators
    return tuple(m for m in edge.mediators if m in MSC_EFFECTORS)


def _readouts(edge: _Edge) -> tuple[str, ...]:
    """Mediators measured in the target of an MSC edge (not what the MSC uses)."""
    if edge.source != "msc":
        return ()
    return tuple(m for m in edge.mediators if m not in MSC_EFFECTORS)


def _edge_text(edge: _Edge, mediators: dict[str, knowledge.Mediator], limit: int = 3) -> str:
    names = [mediators[m].label for m in _effectors(edge)]
    if len(names) > limit:
        names = [*names[:limit], "…"]
    return ", ".join(names)


def _edge_colour(edge: _Edge) -> str:
    """MSC effects (and MSC licensing) in the MSC green; the disease circuit by sign."""
    if edge.layer == "msc":
        return ROLE_COLOURS["msc"]
    return EDGE_STYLES[edge.sign]["color"]


#: The circuit in the order the course builds it: the disease loop (lesson 01), then MSC effects
#: one cell type at a time as lessons 03-06 teach them. Each layer names the cells it introduces
#: and the cells whose MSC effects it adds.
CIRCUIT_LAYERS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("the disease loop", ("mdc", "th17", "keratinocyte", "neutrophil"), ()),
    ("MSCs and keratinocytes (lesson 03)", ("msc",), ("keratinocyte",)),
    ("MSCs and neutrophils (lesson 04)", (), ("neutrophil",)),
    ("MSCs and dendritic cells (lesson 05)", ("pdc",), ("mdc", "pdc")),
    ("MSCs and T cells (lesson 06)", ("th1", "th2", "treg"), ("th1", "th2", "th17", "treg")),
)


def introduced_in() -> dict[str, int]:
    """Return, for each cell id, the number of the lesson that introduces it.

    A cell type is *introduced* by the first lesson of the course catalogue
    (``knowledge/course.yaml``) whose ``cells`` list names it; a lesson lists a cell when its own
    text names the cell (by name or by the short label the figures use) and says what it does in
    the circuit. Cells no lesson lists (macrophages, gamma-delta T cells) are missing from the
    result: the course mentions them in passing but never teaches them as part of the circuit.

    Examples
    --------
    >>> introduced_in()["th17"], introduced_in()["pdc"]
    (0, 5)
    """
    found: dict[str, int] = {}
    for entry in knowledge.lessons():
        for cell_id in entry.cells:
            found.setdefault(cell_id, entry.number)
    return found


def _lesson_number(lesson: int | str) -> int:
    """Return the number of ``lesson``: a number, ``"03"`` or a slug (``"03_keratinocytes"``)."""
    entries = knowledge.lessons()
    if not isinstance(lesson, bool):  # True == 1, but True is no lesson
        for entry in entries:
            if lesson in (entry.number, entry.slug, f"{entry.number:02d}"):
                return entry.number
    raise knowledge._unknown("lesson", str(lesson), [entry.slug for entry in entries])


def _endpoints(items: Iterable[knowledge.Interaction]) -> set[str]:
    return {cell for item in items for cell in (item.source, item.target)}


def _plain_name(cell: knowledge.Cell) -> str:
    """A cell's name in running text: "plasmacytoid dendritic cells", but "T cells", "Th2 cells"."""
    name = cell.name.split(" (")[0]
    first = name.split()[0]
    if first.replace("-", "").isalpha() and first[1:].islower():
        name = name[0].lower() + name[1:]
    return name


def _left_out_note(kb, left_out: Iterable[str], upto: int, first: dict[str, int]) -> str:
    """Say which cells a lesson's view leaves out, and where each one is introduced."""
    order = [c for c in _POSITIONS if c in set(left_out)]
    later = sorted((c for c in order if c in first), key=lambda c: first[c])
    never = [c for c in order if c not in first]
    parts = []
    if later:
        parts.append(
            "Not drawn yet, because a later lesson introduces them: "
            + "; ".join(
                f"{kb.cells[c].short}, {_plain_name(kb.cells[c])} (lesson {first[c]:02d})"
                for c in later
            )
            + "."
        )
    if never:
        parts.append(
            "Not drawn: "
            + "; ".join(f"{kb.cells[c].short}, {_plain_name(kb.cells[c])}" for c in never)
            + " (mentioned in the course, but not part of the circuit it teaches)."
        )
    if not parts:
        return ""
    return f"Drawn for lesson {upto:02d}: only the cells introduced so far. " + " ".join(parts)


def circuit(
    ax: Axes | None = None,
    focus: str | None = None,
    show_msc: bool = True,
    *,
    lesson: int | str | None = None,
    cells: Iterable[str] | None = None,
    msc_targets: Iterable[str] | None = None,
    msc_signs: Iterable[str] | None = None,
    title: str | None = None,
) -> Drawn:
    """Draw the psoriasis immune circuit, with MSC effects overlaid.

    Parameters
    ----------
    ax
        Axes to draw on; a new 11 x 8 inch figure when ``None``.
    focus
        A cell id or name (``"neutrophil"``, ``"Th17"``): draw only that cell's interactions
        and partners.
    show_msc
        Include the MSC node and every MSC effect (and MSC licensing).
    lesson
        The lesson the figure is drawn for (a number, ``"03"`` or a slug such as
        ``"03_keratinocytes"``): draw only the cells introduced in that lesson or an earlier one
        (see :func:`introduced_in`) and the interactions between them. What the view leaves out,
        and the lesson that introduces it, is said in ``caption`` and at the end of the alt text.
        A ``focus`` the lesson has not introduced is an error.
    cells
        Only these cell ids (a lesson shows only cells it has introduced): interactions between
        other cells are left out.
    msc_targets
        Only the MSC effects on these cell ids (with ``show_msc``); default all.
    msc_signs
        Only MSC effects of these signs (``"activates"``, ``"inhibits"``); default both.
    title
        Replaces the generated title.

    Returns
    -------
    Drawn
        ``artists`` has ``nodes`` and ``node_labels`` (dicts by cell id), ``edges`` and
        ``edge_labels`` (lists, one per drawn edge), ``edge_colours`` (one per edge) and
        ``legend``; ``caption`` names what a ``lesson`` view left out (empty otherwise).

    Examples
    --------
    >>> sorted(circuit(focus="keratinocyte", lesson="03_keratinocytes").artists["nodes"])
    ['keratinocyte', 'mast_cell', 'mdc', 'msc', 'neutrophil', 'th1', 'th17']
    """
    kb = knowledge.load()
    allowed = None if cells is None else set(cells)
    if allowed is not None:
        unknown = sorted(allowed - set(kb.cells))
        if unknown:
            raise knowledge._unknown("cell", unknown[0], kb.cells)
    targets = None if msc_targets is None else set(msc_targets)
    focus_id = None
    if focus is not None:
        matches = [
            c.id
            for c in kb.cells.values()
            if focus.casefold() in (c.id, c.name.casefold(), c.short.casefold())
        ]
        if not matches:
            raise knowledge._unknown("cell", focus, kb.cells)
        focus_id = matches[0]
    upto = None if lesson is None else _lesson_number(lesson)
    first = introduced_in()
    taught = None if upto is None else {c for c, n in first.items() if n <= upto}
    if taught is not None and focus_id is not None and focus_id not in taught:
        when = f"lesson {first[focus_id]:02d}" if focus_id in first else "no lesson"
        raise CourseError(
            f"lesson {upto:02d} cannot focus on {kb.cells[focus_id].name}: {when} introduces them"
        )
    items = [i for i in kb.interactions if show_msc or i.layer == "disease"]
    if focus_id is not None:
        items = [i for i in items if focus_id in (i.source, i.target)]
    if allowed is not None:
        items = [i for i in items if i.source in allowed and i.target in allowed]
    if targets is not None:
        items = [i for i in items if i.source != "msc" or i.target in targets]
    if msc_signs is not None:
        signs = set(msc_signs)
        items = [i for i in items if i.source != "msc" or i.sign in signs]
    caption = ""
    if taught is not None:
        wanted = _endpoints(items)
        items = [i for i in items if i.source in taught and i.target in taught]
        caption = _left_out_note(kb, wanted - taught, upto, first)
    edges = _merge_edges(items)
    cell_ids = [c for c in _POSITIONS if any(c in (e.source, e.target) for e in edges)]
    if focus_id is not None and focus_id not in cell_ids:
        cell_ids.append(focus_id)

    with course_style():
        fig, ax = new_axes(ax, (11, 8))
        if focus_id is None and allowed is None and taught is None:
            ax.set_xlim(-0.6, 10.1)
            ax.set_ylim(-0.8, 7.0)
        else:  # zoom on the cells drawn (a cell and its partners, or a lesson's cells)
            xs = [_POSITIONS[c][0] for c in cell_ids]
            ys = [_POSITIONS[c][1] for c in cell_ids]
            ax.set_xlim(min(xs) - 1.2, max(xs) + 1.2)
            ax.set_ylim(min(ys) - 1.0, max(ys) + 1.0)
        ax.set_aspect("equal")
        ax.axis("off")
        # Arrow ends are set back from the cell centres to the edges of their boxes (a zoomed
        # view draws the boxes larger), so no box hides an arrowhead or an inhibition bar.
        points = _points_per_unit(ax)
        nodes, node_labels = {}, {}
        for cid in cell_ids:
            cell = kb.cells[cid]
            x, y = _POSITIONS[cid]
            is_focus = cid == focus_id
            patch = FancyBboxPatch(
                (x - _NODE_RADIUS, y - _NODE_RADIUS * 0.62),
                2 * _NODE_RADIUS,
                2 * _NODE_RADIUS * 0.62,
                boxstyle="round,pad=0.05,rounding_size=0.2",
                facecolor=_GROUP_COLOURS[cell.group],
                edgecolor="black",
                linewidth=2.5 if is_focus else 1.0,
                zorder=3,
            )
            ax.add_artist(patch)  # limits are set above: no data-limit update
            nodes[cid] = patch
            node_labels[cid] = ax.text(
                x,
                y,
                cell.short,
                ha="center",
                va="center",
                fontsize=10,
                fontweight="bold",
                zorder=4,
            )

        edge_patches, edge_labels, edge_paths = [], [], []
        pairs = {(e.source, e.target) for e in edges}
        bend = _extra_bends(edges, pairs, cell_ids)
        for edge in edges:
            style = EDGE_STYLES[edge.sign]
            p0, p2 = np.array(_POSITIONS[edge.source]), np.array(_POSITIONS[edge.target])
            # Bend edges so a pair with arrows both ways, or two signs, do not lie on each other,
            # and round the cells they do not join.
            rad = _base_bend(edge, edges, pairs) + bend[frozenset((edge.source, edge.target))] * (
                1 if edge.source < edge.target else -1
            )
            colour = _edge_colour(edge)
            arrow = FancyArrowPatch(
                tuple(p0),
                tuple(p2),
                connectionstyle=f"arc3,rad={rad}",
                arrowstyle=style["arrowstyle"],
                color=colour,
                linestyle=style["linestyle"],
                linewidth=2.2 if edge.layer == "msc" else 1.6,
                shrinkA=_set_back(p0, p2, rad, points),
                shrinkB=_set_back(p2, p0, -rad, points),
                mutation_scale=1.6,
                zorder=2,
                alpha=0.9,
            )
            ax.add_artist(arrow)
            edge_patches.append(arrow)
            edge_paths.append((p0, p2, rad))
            text = _edge_text(edge, kb.mediators)
            edge_labels.append(
                ax.text(
                    0,
                    0,
                    text,
                    fontsize=7.5,
                    ha="center",
                    va="center",
                    color="black",
                    zorder=5,
                    bbox={
                        "boxstyle": "round,pad=0.15",
                        "facecolor": "white",
                        "edgecolor": colour,
                        "linewidth": 0.6,
                    },
                )
            )

        legend_handles = [
            Line2D(
                [],
                [],
                color=EDGE_STYLES["activates"]["color"],
                linestyle="-",
                marker=">",
                markersize=6,
                label="activates / recruits / induces (solid, arrowhead)",
            ),
            Line2D(
                [],
                [],
                color=EDGE_STYLES["inhibits"]["color"],
                linestyle=(0, (4, 2)),
                marker="|",
                markersize=9,
                label="inhibits (dashed, bar)",
            ),
        ]
        if any(edge.layer == "msc" for edge in edges):
            legend_handles.append(
                Line2D(
                    [],
                    [],
                    color=ROLE_COLOURS["msc"],
                    linewidth=2.4,
                    label="green, thick: arrows to and from MSCs (labelled with the mediators)",
                )
            )
        legend = ax.legend(
            handles=legend_handles,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=3 if len(legend_handles) == 3 else 2,
            fontsize=8,
        )
        if title is None:
            title = "Psoriasis immune circuit" + (" with MSC effects" if show_msc else "")
            if focus_id:
                title += f": {kb.cells[focus_id].name}"
        ax.set_title(title, y=1.0)  # where it would go anyway; skips tick layout

        # Label placement needs the on-screen geometry only: fix the axes box (equal aspect)
        # instead of drawing the whole figure, unless a layout engine will move the axes.
        if fig.get_layout_engine() is not None:
            fig.draw_without_rendering()
        else:
            ax.apply_aspect()
        renderer = fig.canvas.get_renderer()
        obstacles = [p.get_window_extent(renderer) for p in nodes.values()]
        obstacles += [t.get_window_extent(renderer) for t in node_labels.values()]
        candidates = []
        for p0, p2, rad in edge_paths:
            ts = (0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.45, 0.55, 0.2, 0.8, 0.15, 0.85)
            d = (p2 - p0) / np.linalg.norm(p2 - p0)
            normal = np.array([-d[1], d[0]])
            points = [_curve_point(p0, p2, rad, t) for t in ts]
            # Second choice: the same spots nudged a little to either side of the line.
            points += [pt + side * 0.22 * normal for side in (1, -1) for pt in points]
            candidates.append([(float(x), float(y)) for x, y in points])
        _place_labels(fig, edge_labels, candidates, obstacles)

    alt = _circuit_alt_text(kb, edges, focus_id, show_msc)
    if caption:
        alt += " " + caption
    artists = {
        "nodes": nodes,
        "node_labels": node_labels,
        "edges": edge_patches,
        "edge_labels": edge_labels,
        "edge_colours": [_edge_colour(edge) for edge in edges],
        "legend": legend,
    }
    return Drawn(fig, ax, artists, alt, caption)


def circuit_layer(layer: int, ax: Axes | None = None) -> Drawn:
    """Draw the circuit as built up to ``layer`` of :data:`CIRCUIT_LAYERS`.

    Layer 0 is the disease loop alone (mDC, Th17, keratinocyte, neutrophil); each further layer adds
    the MSC effects on one cell type, and only the cells the course has introduced by then.

    Examples
    --------
    >>> drawn = circuit_layer(0)
    >>> sorted(drawn.artists["nodes"])
    ['keratinocyte', 'mdc', 'neutrophil', 'th17']
    """
    if not isinstance(layer, int) or not 0 <= layer < len(CIRCUIT_LAYERS):
        raise CourseError(
            f"layer must be a whole number from 0 to {len(CIRCUIT_LAYERS) - 1}, got {layer!r}"
        )
    cells: list[str] = []
    targets: list[str] = []
    for _name, introduced, msc_on in CIRCUIT_LAYERS[: layer + 1]:
        cells.extend(introduced)
        targets.extend(msc_on)
    name = CIRCUIT_LAYERS[layer][0]
    title = f"The circuit, layer {layer}: {name}"
    return circuit(ax, show_msc=layer > 0, cells=cells, msc_targets=targets, title=title)


def msc_sketch(ax: Axes | None = None) -> Drawn:
    """Draw the disease loop with a first sketch of MSC effects (on DCs, Th17 and keratinocytes).

    For lesson 00: the four cells of the disease loop, the MSC, and the three inhibitory MSC arrows
    onto dendritic cells, Th17 cells and keratinocytes, each labelled with the MSC's effectors.
    """
    loop = CIRCUIT_LAYERS[0][1]
    return circuit(
        ax,
        show_msc=True,
        cells=(*loop, "msc"),
        msc_targets=("mdc", "th17", "keratinocyte"),
        msc_signs=("inhibits",),
        title="The disease loop and a first sketch of what MSCs do to it",
    )


def _circuit_alt_text(kb, edges: list[_Edge], focus_id: str | None, show_msc: bool) -> str:
    def phrase(edge: _Edge) -> str:
        verb = "inhibits" if edge.sign == "inhibits" else "activates"
        via = _edge_text(edge, kb.mediators, limit=6)
        via = f" via {via}" if via else ""
        return f"{kb.cells[edge.source].short} {verb} {kb.cells[edge.target].short}{via}"

    def msc_phrase(edge: _Edge) -> str:
        readouts = [kb.mediators[m].label for m in _readouts(edge)]
        measured = f" (measured in the target: {', '.join(readouts)})" if readouts else ""
        return phrase(edge) + measured

    disease = [phrase(e) for e in edges if e.layer == "disease"]
    msc = [msc_phrase(e) for e in edges if e.layer == "msc"]
    n_cells = len({c for e in edges for c in (e.source, e.target)})
    scope = f" centred on {kb.cells[focus_id].name}" if focus_id else ""
    text = (
        f"Network diagram of the psoriasis immune circuit{scope}: {n_cells} cell types joined "
        f"by {len(edges)} arrows. Activation is a {EDGE_STYLES['activates']['description']}; "
        f"inhibition is a {EDGE_STYLES['inhibits']['description']}."
    )
    if msc:
        text += (
            " MSC effects are drawn in green with the same line styles and labelled with the "
            "MSC's effectors."
        )
    if disease:
        text += " Disease circuit: " + "; ".join(disease) + "."
    if show_msc and msc:
        text += " MSC effects: " + "; ".join(msc) + "."
    return text


# --------------------------------------------------------------------------------------------
# The course map
# --------------------------------------------------------------------------------------------


def course_map(ax: Axes | None = None, highlight: str | None = None) -> Drawn:
    """Draw the lessons in order as a path of boxes, four to a row.

    Parameters
    ----------
    ax
        Axes to draw on; a new figure 12 inches wide and 2 inches per row when ``None``.
    highlight
        A lesson slug (e.g. ``"04_neutrophils"``) to draw with a thick border.
    """
    lessons = knowledge.lessons()
    if highlight is not None and highlight not in {lesson.slug for lesson in lessons}:
        raise knowledge._unknown("lesson slug", highlight, [le.slug for le in lessons])
    cols, width, height = 4, 2.3, 1.25
    rows = -(-len(lessons) // cols)
    with course_style():
        fig, ax = new_axes(ax, (12, 2.0 * rows))
        ax.set_xlim(-0.2, cols * 3.0)
        ax.set_ylim(-0.3, rows * 2.0 + 0.1)
        ax.axis("off")
        boxes, labels, arrows, centres = [], [], [], []
        for index, lesson in enumerate(lessons):
            row, col = divmod(index, cols)
            if row % 2 == 1:  # snake so consecutive lessons stay side by side
                col = cols - 1 - col
            x, y = col * 3.0 + 0.2, (rows - 1 - row) * 2.0 + 0.2
            centres.append((x + width / 2, y + height / 2))
            chosen = lesson.slug == highlight
            box = FancyBboxPatch(
                (x, y),
                width,
                height,
                boxstyle="round,pad=0.05,rounding_size=0.15",
                facecolor=OKABE_ITO["sky_blue"] if chosen else "#f2f2f2",
                edgecolor="black",
                linewidth=3 if chosen else 1,
                zorder=2,
            )
            ax.add_patch(box)
            boxes.append(box)
            title = "\n".join(textwrap.wrap(lesson.title, 20))
            labels.append(
                ax.text(
                    x + width / 2,
                    y + height / 2,
                    f"{lesson.number:02d}  {title}\n{lesson.minutes} min",
                    ha="center",
                    va="center",
                    fontsize=8,
                    fontweight="bold" if chosen else "normal",
                    zorder=3,
                )
            )
        for (x0, y0), (x1, y1) in itertools.pairwise(centres):
            same_row = abs(y0 - y1) < 1e-9
            start = (x0 + np.sign(x1 - x0) * width / 2, y0) if same_row else (x0, y0 - height / 2)
            end = (x1 - np.sign(x1 - x0) * width / 2, y1) if same_row else (x1, y1 + height / 2)
            arrow = FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=12,
                color=ROLE_COLOURS["neutral"],
                zorder=1,
            )
            ax.add_patch(arrow)
            arrows.append(arrow)
        ax.set_title(f"Course map: {len(lessons)} lessons")
    total = sum(lesson.minutes for lesson in lessons)
    alt = (
        f"Course map of {len(lessons)} lessons in order (about {total} minutes in all): "
        + "; ".join(
            f"{lesson.number:02d} {lesson.title} ({lesson.minutes} min)" for lesson in lessons
        )
        + "."
    )
    if highlight:
        chosen = next(le for le in lessons if le.slug == highlight)
        alt += f" Lesson {chosen.number:02d} is highlighted."
    return Drawn(fig, ax, {"boxes": boxes, "box_labels": labels, "arrows": arrows}, alt)


# --------------------------------------------------------------------------------------------
# The clinical evidence
# --------------------------------------------------------------------------------------------

# Marker per evidence level; the words come from knowledge/therapy.yaml (one wording per label).
_MARKERS = {"case_report": "o", "single_arm_trial": "s", "dose_finding": "D",
            "healthy_volunteer_safety": "^"}  # fmt: skip
_EVIDENCE_MARKERS = {
    level: (marker, therapy_data().evidence_short[level]) for level, marker in _MARKERS.items()
}
_SOURCE_COLOURS = {
    "adipose": OKABE_ITO["orange"],
    "umbilical_cord": OKABE_ITO["blue"],
    "gingiva": OKABE_ITO["reddish_purple"],
    None: "#777777",
}
_SOURCE_SHORT = {"adipose": "AD", "umbilical_cord": "UC", "gingiva": "GM", None: "n/s"}


def _marker_box(ax: Axes, x: float, y: float, size: float) -> Bbox:
    """Return the on-screen box of a scatter marker of area ``size`` (points^2) at (x, y)."""
    cx, cy = ax.transData.transform((x, y))
    half = np.sqrt(size) / 2 * ax.figure.dpi / 72 + 2
    return Bbox.from_extents(cx - half, cy - half, cx + half, cy + half)


def evidence(
    ax: Axes | None = None, studies: Sequence[knowledge.ClinicalStudy] | None = None
) -> Drawn:
    """Plot human studies of MSCs and MSC products: year against number of participants.

    Marker shape shows the evidence level, colour the MSC source (also written in each label);
    the number of registered trials without results is stated in a note.

    Parameters
    ----------
    ax
        Axes to draw on; a new 9 x 5.5 inch figure when ``None``.
    studies
        The studies to show (default: every study in the knowledge base).
    """
    kb = knowledge.load()
    studies = list(kb.clinical_studies if studies is None else studies)
    published = [s for s in studies if s.published and s.n is not None]
    registered = [s for s in studies if not s.published]
    with course_style():
        fig, ax = new_axes(ax, (9, 5.5))
        points, point_labels = [], []
        for study in published:
            marker, _ = _EVIDENCE_MARKERS[study.evidence]
            colour = _SOURCE_COLOURS.get(study.source, _SOURCE_COLOURS[None])
            face = "white" if study.product in ("exosomes", "conditioned_medium") else colour
            points.append(
                ax.scatter(
                    [study.year],
                    [study.n],
                    marker=marker,
                    s=90,
                    zorder=3,
                    facecolors=face,
                    edgecolors=colour,
                    linewidths=2,
                )
            )
            product = "EVs" if study.product == "exosomes" else study.product
            label = (
                f"{knowledge.cite_study(study, via=False)} "
                f"({_SOURCE_SHORT.get(study.source, '?')}, "
                f"{product})"
            )
            point_labels.append(ax.text(study.year, study.n, label, fontsize=8, va="center"))
        markers = {s.id: (s.year, s.n) for s in published}
        ax.set_yscale("log")
        ax.set_ylim(0.6, 40)
        years = [s.year for s in published]
        ax.set_xlim(min(years) - 0.7, max(years) + 2.2)  # room on the right for the labels
        ax.set_xlabel("Year published")
        ax.set_ylabel("Participants (n, log scale)")
        ax.set_title("Human studies of MSCs and MSC products in psoriasis")
        handles = [
            Line2D(
                [], [], marker=m, linestyle="", color="black", markerfacecolor="white", label=name
            )
            for key, (m, name) in _EVIDENCE_MARKERS.items()
            if any(s.evidence == key for s in published)
        ] + [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=colour,
                label=f"{_SOURCE_SHORT[src]} = "
                f"{kb.msc_sources[src].name if src else 'source not stated'}",
            )
            for src, colour in _SOURCE_COLOURS.items()
            if any(s.source == src for s in published)
        ]
        legend = ax.legend(handles=handles, loc="upper left", fontsize=7.5, ncol=2)
        note = ax.text(
            0.99,
            0.02,
            f"Open marker = cell-free product. Not plotted: {len(registered)} "
            "registered trials without published results.",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7.5,
            color=ROLE_COLOURS["neutral"],
        )
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        obstacles = [_marker_box(ax, s.year, s.n, 90) for s in published]
        obstacles += [legend.get_window_extent(renderer), note.get_window_extent(renderer)]
        candidates = []
        for study in published:
            x, y = study.year, study.n
            candidates.append(
                [
                    (x + 0.18, y),
                    (x + 0.05, y * 1.3),
                    (x + 0.05, y / 1.3),
                    (x + 0.05, y * 1.6),
                    (x + 0.05, y / 1.6),
                    (x - 0.18, y),
                ]
            )
        _place_labels(fig, point_labels, candidates, obstacles)
    by_level: dict[str, int] = {}
    for study in published:
        by_level[_EVIDENCE_MARKERS[study.evidence][1]] = (
            by_level.get(_EVIDENCE_MARKERS[study.evidence][1], 0) + 1
        )
    levels = ", ".join(
        f"{count} {name}{'s' if count > 1 else ''}" for name, count in by_level.items()
    )
    sizes = [s.n for s in published]
    alt = (
        f"Scatter plot of {len(published)} published human studies of MSCs or MSC products in "
        f"psoriasis, by year ({min(s.year for s in published)}-{max(s.year for s in published)}) "
        f"and number of participants ({min(sizes)} to {max(sizes)}): {levels}. "
        + "; ".join(
            f"{knowledge.cite_study(s)}: {s.n} participant{'s' if s.n != 1 else ''}, "
            f"{_SOURCE_SHORT.get(s.source, '?')} {s.product}, {s.outcome}"
            for s in published
        )
        + f". {len(registered)} registered trials have no published results; no randomised "
        "controlled efficacy trial is among them."
    )
    artists = {
        "points": points,
        "point_labels": point_labels,
        "legend": legend,
        "note": note,
        "marker_positions": markers,
    }
    return Drawn(fig, ax, artists, alt)
