"""Explore which arrows of the neutrophil loop an MSC product cuts, and how much the loop amplifies.

Left: the keratinocyte-neutrophil loop of psoriasis, drawn from the knowledge base's disease
interactions. Choose an MSC product and the arrows its evidence acts on are cut (grey, crossed)
or strengthened (thick); the readout lists that evidence from the knowledge base with its setting
(human, mouse, in vitro). Which arrow an MSC finding cuts is OUR INTERPRETATION of the finding.

Right: a model view of amplification. Neutrophils and mast cells add IL-17 to what T cells make
(Lin 2011). The skin-circuit model (Shmarov 2022) has a single IL-17 source, T cells, so we
represent extra IL-17 from other cells as more IL-17 per T cell (``il172``), OUR
INTERPRETATION; the slider moves along the model's steady states.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import knowledge
from ..diagrams.skin import steady_state_branches
from ..errors import CourseError
from ..style import OKABE_ITO, ROLE_COLOURS, course_style
from ._base import Explorer, Readout, Scene, dropdown, float_slider, new_figure

__all__ = ["LOOP_INTERACTIONS", "PRODUCTS", "MscProduct", "explore_mechanisms", "product_effects"]

#: The disease interactions of the neutrophil loop (knowledge-base ids), drawn as arrows.
LOOP_INTERACTIONS: tuple[str, ...] = (
    "mdc_th17_il23",
    "th17_kc_il17",
    "kc_neu_cxcl",
    "neu_kc_il17",
    "mast_kc_il17",
    "kc_th17_ccl20",
)

# Where each cell sits (data units on a 10 x 7 canvas). Layout only.
_POSITIONS = {
    "mdc": (1.4, 6.0),
    "th17": (5.0, 6.0),
    "keratinocyte": (5.0, 3.0),
    "neutrophil": (8.4, 1.0),
    "mast_cell": (1.4, 1.0),
}
_BEND = {"kc_th17_ccl20": -0.35, "th17_kc_il17": -0.35, "kc_neu_cxcl": 0.3, "neu_kc_il17": 0.3}


@dataclass(frozen=True)
class MscProduct:
    """An MSC product and what its evidence does to the loop.

    Attributes
    ----------
    label : str
        Text for the dropdown.
    cuts : dict
        Loop-arrow id -> knowledge-base ids of the MSC interactions that weaken that arrow.
    boosts : dict
        Loop-arrow id -> ids of MSC interactions that strengthen it (caveats).
    caveat : str
        What the learner must keep in mind about the evidence.
    """

    label: str
    cuts: MappingProxyType
    boosts: MappingProxyType
    caveat: str


def _frozen(mapping: dict[str, tuple[str, ...]]) -> MappingProxyType:
    return MappingProxyType(dict(mapping))


#: The products offered, each tied to knowledge-base interactions. Which arrow a finding cuts is
#: OUR INTERPRETATION: e.g. less keratinocyte CXCL1 and fewer infiltrating neutrophils are read
#: as a weaker keratinocyte -> neutrophil recruitment arrow.
PRODUCTS: MappingProxyType[str, MscProduct] = MappingProxyType(
    {
        "none": MscProduct("No MSC product (the untreated loop)", _frozen({}), _frozen({}), ""),
        "primed_uc_msc": MscProduct(
            "IFN-γ+TNF-primed UC-MSCs (TSG-6)",
            _frozen({"kc_neu_cxcl": ("msc_kc_tsg6", "msc_neu_tsg6")}),
            _frozen({}),
            "Imiquimod mouse model; the effect needed TSG-6 (knock-down abolished it).",
        ),
        "exosomes": MscProduct(
            "MSC exosomes (topical)",
            _frozen({"neu_kc_il17": ("msc_neu_exosome",)}),
            _frozen({}),
            "Imiquimod mice plus experiments on neutrophils; the block depended on CD59.",
        ),
        "tonsil_msc": MscProduct(
            "Tonsil MSCs (DNCB dermatitis, not psoriasis)",
            _frozen({"kc_neu_cxcl": ("msc_neu_infiltration_kim",)}),
            _frozen({"neu_kc_il17": ("msc_neu_nets_kim",)}),
            "A DNCB contact-dermatitis model, not psoriasis: fewer neutrophils in the skin, yet "
            "more NETs in vitro, and in psoriasis NETs carry IL-17.",
        ),
    }
)


def product_effects(product: str) -> dict[str, list[knowledge.Interaction]]:
    """Return ``{"cut": {...}, "boost": {...}}``: loop-arrow id -> the MSC interactions behind it.

    Raises :class:`CourseError` for an unknown product or an interaction id the knowledge base
    does not hold.
    """
    if product not in PRODUCTS:
        raise CourseError(f"unknown MSC product {product!r}; choose from {', '.join(PRODUCTS)}")
    by_id = {item.id: item for item in knowledge.load().interactions}
    chosen = PRODUCTS[product]
    effects: dict[str, dict[str, list[knowledge.Interaction]]] = {"cut": {}, "boost": {}}
    for kind, table in (("cut", chosen.cuts), ("boost", chosen.boosts)):
        for arrow, ids in table.items():
            missing = [i for i in (arrow, *ids) if i not in by_id]
            if missing:
                raise CourseError(f"the knowledge base has no interaction {missing[0]!r}")
            effects[kind][arrow] = [by_id[i] for i in ids]
    return effects


def _loop() -> list[knowledge.Interaction]:
    by_id = {item.id: item for item in knowledge.load().interactions}
    return [by_id[i] for i in LOOP_INTERACTIONS]


def _mediator_text(item: knowledge.Interaction) -> str:
    mediators = knowledge.load().mediators
    names = [getattr(mediators[m], "short", None) or mediators[m].name for m in item.mediators]
    return ", ".join(names)


def _evidence_line(item: knowledge.Interaction) -> str:
    settings = ", ".join(c.replace("_", " ") for c in item.context)
    cites = "; ".join(knowledge.cite(r) for r in item.refs)
    return f"{item.note} [{settings}; {cites}]"


_BRANCH_LABELS = {
    "healthy": "healthy state",
    "psoriatic": "psoriatic state",
    "threshold": "threshold (unstable)",
}

#: IL-17 per T cell (× published value) offered by the amplification slider.
_FACTORS = np.round(np.linspace(0.5, 1.5, 41), 3)


def _controls() -> dict[str, Any]:
    return {
        "product": dropdown(
            "MSC product", [(p.label, key) for key, p in PRODUCTS.items()], "primed_uc_msc"
        ),
        "il17_factor": float_slider(
            "IL-17 per T cell incl. neutrophil/mast-cell IL-17 (× model value)",
            1.0, float(_FACTORS[0]), float(_FACTORS[-1]), 0.025, ".3f",
        ),
    }  # fmt: skip


def _scene() -> Scene:
    kb = knowledge.load()
    loop = _loop()
    branches = steady_state_branches("il172", _FACTORS)
    with course_style():
        figure = new_figure(10.0, 4.6, ncols=2, width_ratios=[1.25, 1])
        net_ax, model_ax = figure.axes
        net_ax.set_xlim(0, 10)
        net_ax.set_ylim(-0.2, 7.0)
        net_ax.set_aspect("equal")
        net_ax.axis("off")
        for cid, (x, y) in _POSITIONS.items():
            net_ax.add_patch(
                FancyBboxPatch((x - 0.75, y - 0.4), 1.5, 0.8, boxstyle="round,pad=0.05",
                               facecolor=OKABE_ITO["sky_blue"] if cid != "keratinocyte"
                               else OKABE_ITO["orange"], edgecolor="black", zorder=3)
            )  # fmt: skip
            net_ax.text(x, y, kb.cells[cid].short, ha="center", va="center", fontsize=10,
                        fontweight="bold", zorder=4)  # fmt: skip
        arrows, marks, labels = {}, {}, {}
        for item in loop:
            p0, p2 = np.array(_POSITIONS[item.source]), np.array(_POSITIONS[item.target])
            rad = _BEND.get(item.id, 0.0)
            arrows[item.id] = FancyArrowPatch(
                tuple(p0), tuple(p2), connectionstyle=f"arc3,rad={rad}",
                arrowstyle="-|>,head_length=6,head_width=3.5", shrinkA=24, shrinkB=24,
                mutation_scale=1.6, color=ROLE_COLOURS["activates"], lw=1.8, zorder=2,
            )  # fmt: skip
            net_ax.add_patch(arrows[item.id])
            # The midpoint of matplotlib's arc3 curve, for the label and the "cut" mark.
            mid = (p0 + p2) / 2
            normal = np.array([p2[1] - p0[1], p0[0] - p2[0]])
            control = mid + rad * normal
            point = 0.25 * p0 + 0.5 * control + 0.25 * p2
            # Labels sit just outside the curve, on the side it bends towards.
            unit = normal / np.linalg.norm(normal)
            side = 0.45 if rad >= 0 else -0.45
            labels[item.id] = net_ax.text(
                *(point + side * unit), _mediator_text(item), fontsize=8, ha="center",
                va="center", zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )  # fmt: skip
            marks[item.id] = net_ax.text(
                point[0], point[1], "✕", fontsize=18, color=ROLE_COLOURS["inhibits"],
                ha="center", va="center", fontweight="bold", zorder=6, visible=False,
            )  # fmt: skip
        title = net_ax.set_title("", fontsize=10)

        for name, colour, style in (
            ("healthy", ROLE_COLOURS["healthy"], "-"),
            ("psoriatic", ROLE_COLOURS["psoriatic"], "-"),
            ("threshold", ROLE_COLOURS["neutral"], "--"),
        ):
            model_ax.plot(_FACTORS, getattr(branches, name) / 1e3, color=colour, ls=style,
                          lw=2.2 if style == "-" else 1.2,
                          label=_BRANCH_LABELS[name])  # fmt: skip
        model_ax.axvline(1.0, color="black", lw=0.7, ls=":")
        marker_h = model_ax.plot([], [], "o", color=ROLE_COLOURS["healthy"], ms=9, mec="black")[0]
        marker_p = model_ax.plot([], [], "o", color=ROLE_COLOURS["psoriatic"], ms=9, mec="black")[0]
        cursor = model_ax.axvline(1.0, color=ROLE_COLOURS["therapy"], lw=1.6)
        model_ax.set_xlabel("IL-17 per T cell (× model value)")
        model_ax.set_ylabel("Keratinocytes at steady state (10³/mm²)")
        model_ax.set_title("Model: steady states as IL-17 rises", fontsize=10)
        model_ax.legend(fontsize=8, loc="upper left")
        model_ax.set_xlim(_FACTORS[0], _FACTORS[-1])

    def draw(_result: Any, values: dict[str, Any]) -> Readout:
        effects = product_effects(values["product"])
        product = PRODUCTS[values["product"]]
        for arrow_id, arrow in arrows.items():
            if arrow_id in effects["cut"]:
                arrow.set_color("#AAAAAA")
                arrow.set_linestyle((0, (2, 2)))
                arrow.set_linewidth(1.4)
            elif arrow_id in effects["boost"]:
                arrow.set_color(ROLE_COLOURS["activates"])
                arrow.set_linestyle("-")
                arrow.set_linewidth(4.0)
            else:
                arrow.set_color(ROLE_COLOURS["activates"])
                arrow.set_linestyle("-")
                arrow.set_linewidth(1.8)
            marks[arrow_id].set_visible(arrow_id in effects["cut"])
        title.set_text(f"With: {product.label}")
        factor = float(values["il17_factor"])
        states = branches.states_at(factor)
        cursor.set_xdata([factor, factor])
        marker_h.set_data(
            [factor] * (not np.isnan(states["healthy"])),
            [states["healthy"] / 1e3] * (not np.isnan(states["healthy"])),
        )
        marker_p.set_data(
            [factor] * (not np.isnan(states["psoriatic"])),
            [states["psoriatic"] / 1e3] * (not np.isnan(states["psoriatic"])),
        )
        by_id = {item.id: item for item in loop}
        said = []
        for kind, verb in (("cut", "weakens"), ("boost", "strengthens")):
            for arrow_id, items in effects[kind].items():
                arrow = by_id[arrow_id]
                what = (
                    f"{kb.cells[arrow.source].short} → {kb.cells[arrow.target].short} "
                    f"({_mediator_text(arrow)})"
                )
                said.append(f"{verb} {what}: " + " ".join(_evidence_line(i) for i in items))
        if np.isnan(states["healthy"]):
            model = f"at {factor:.3f}× IL-17 per T cell only the psoriatic state exists"
        elif np.isnan(states["psoriatic"]):
            model = f"at {factor:.3f}× IL-17 per T cell only the healthy state exists"
        else:
            model = f"at {factor:.3f}× IL-17 per T cell healthy and psoriatic states coexist"
        text = (
            ("; ".join(said) if said else "No MSC product: every arrow of the loop is intact.")
            + (f" Caveat: {product.caveat}" if product.caveat else "")
            + f" Model (our interpretation): {model}."
        )
        alt = (
            "Left: the keratinocyte-neutrophil loop (DC → Th17 by IL-23, Th17 → keratinocyte by "
            "IL-17, keratinocyte → neutrophil by CXCL1/CXCL8, neutrophil and mast cell → "
            "keratinocyte by IL-17 and NETs, keratinocyte → Th17 by CCL20). "
            f"With {product.label}: {text} Right: steady-state keratinocytes against IL-17 per "
            "T cell in the Shmarov 2022 model."
        )
        return Readout(text, alt)

    dynamic = [*arrows.values(), *marks.values(), title, marker_h, marker_p, cursor]
    return Scene(figure, dynamic, draw)


def _notes() -> str:
    return (
        "Arrows and MSC evidence come from the course knowledge base (interaction notes, setting "
        "and references are listed in the readout). Which arrow a finding cuts is <b>our "
        "interpretation</b>. Right panel: the skin-circuit model of Shmarov et al. 2022 "
        "[shmarov2022] has T cells as its only IL-17 source; representing extra IL-17 from "
        "neutrophils and mast cells [lin2011] as more IL-17 per T cell (il172) is <b>our "
        "interpretation</b>, and the slider values are illustrative."
    )


def explore_mechanisms() -> Explorer:
    """Return the MSC-mechanism explorer for the neutrophil loop.

    Controls: ``product`` (a key of :data:`PRODUCTS`) and ``il17_factor`` (IL-17 per T cell,
    standing for extra IL-17 from neutrophils and mast cells; our interpretation). The readout
    names each arrow the product weakens or strengthens, with its evidence and setting, and
    which steady states the model has at the chosen IL-17 level.

    Examples
    --------
    >>> explorer = explore_mechanisms()
    >>> explorer.controls["product"].value = "exosomes"
    """
    scene = _scene()
    return Explorer(
        title="Which arrows does an MSC product cut?",
        controls=_controls(),
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=lambda values: None,  # everything is precomputed; drawing reads the tables
        draw=scene.draw,
        solve_keys=(),
        notes=_notes(),
    )
