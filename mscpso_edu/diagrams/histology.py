"""Schematic histology: normal epidermis beside a psoriatic plaque, drawn by the package.

No licensed photograph of a biopsy can be fetched where the course is built, so the course draws
one: a labelled, not-to-scale sketch of a haematoxylin-and-eosin section. It shows the features a
pathologist looks for in plaque psoriasis (Murphy et al., Clin Dermatol 2007, [murphy2007]):
psoriasiform epidermal hyperplasia (**acanthosis**) with regularly **elongated rete ridges**,
**parakeratosis** (nuclei kept in the cornified layer), loss of the granular layer, **dilated,
tortuous papillary capillaries** and neutrophils in the parakeratotic scale (**Munro
microabscesses**, [chiang2019]).

Like every diagram it takes ``ax=None``, draws inside the course style only and returns a
:class:`~mscpso_edu.diagrams.core.Drawn` with an alt text.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Ellipse, Polygon, Rectangle

from ..style import course_style
from .core import Drawn, new_axes

__all__ = ["CAPTION", "HISTOLOGY_FEATURES", "epidermis"]

#: Caption every use of the figure carries.
CAPTION = (
    "Schematic drawing, not to scale and not a photograph: the course draws it because no licensed "
    "photograph of a biopsy can be fetched here."
)

#: The psoriatic features the figure labels, in the words of its labels.
HISTOLOGY_FEATURES: tuple[str, ...] = (
    "parakeratosis",
    "Munro microabscess",
    "granular layer lost",
    "acanthosis",
    "elongated rete ridges",
    "dilated papillary capillaries",
)

# Colours of an H&E stain, toned down (the figure's meaning is carried by its labels).
_DERMIS = "#F7E1E6"
_EPIDERMIS = "#EFC6D3"
_CORNEUM = "#F4A9C0"
_NUCLEUS = "#5B3A78"
_GRANULE = "#7A4E8F"
_VESSEL = "#B2182B"
_NEUTROPHIL = "#3B2A6B"

_WIDTH = 9.0  # width of each panel (data units)
_PERIOD = 2.25  # one rete ridge and one dermal papilla in the plaque
_GAP = 2.0


def _junction(x: np.ndarray, psoriatic: bool) -> np.ndarray:
    """Height of the dermal-epidermal junction along a panel."""
    if not psoriatic:
        return 4.3 + 0.35 * np.sin(2 * np.pi * x / 3.0)
    # Long, regular rete ridges with rounded (club) tips, between tall, narrow dermal papillae
    # whose tops come close to the surface (a thin suprapapillary plate).
    d = np.abs(((x / _PERIOD) % 1.0) - 0.5)  # 0 at a ridge's centre, 0.5 at a papilla's centre
    ridge = 1.9 + 1.2 * (d / 0.33) ** 4
    wall = 3.1 + (7.9 - 3.1) * np.clip((d - 0.33) / 0.07, 0.0, 1.0) ** 0.8
    tip = 7.9 + 0.35 * (1.0 - ((0.5 - d) / 0.1) ** 2)
    return np.where(d < 0.33, ridge, np.where(d < 0.40, wall, tip))


def _panel(ax: Axes, x0: float, psoriatic: bool, rng: np.random.Generator) -> dict[str, object]:
    """Draw one panel with its left edge at ``x0``; return named artists."""
    x = np.linspace(0.0, _WIDTH, 400)
    junction = _junction(x, psoriatic)
    top = 8.9 if psoriatic else 6.1  # top of the living epidermis
    corneum_top = 10.0 if psoriatic else 6.7
    artists: dict[str, object] = {}

    ax.add_patch(Rectangle((x0, 0.0), _WIDTH, corneum_top + 0.1, facecolor=_DERMIS, lw=0))
    epidermis = Polygon(
        np.column_stack([np.r_[x0 + x, x0 + _WIDTH, x0], np.r_[junction, top, top]]),
        closed=True,
        facecolor=_EPIDERMIS,
        edgecolor="#8E5572",
        lw=1.0,
    )
    ax.add_patch(epidermis)
    artists["epidermis"] = epidermis
    corneum = Rectangle(
        (x0, top), _WIDTH, corneum_top - top, facecolor=_CORNEUM, edgecolor="#8E5572", lw=1.0
    )
    ax.add_patch(corneum)
    artists["corneum"] = corneum
    for level in np.linspace(top + 0.12, corneum_top - 0.12, 4 if psoriatic else 3):
        wave = level + 0.05 * np.sin(2 * np.pi * (x / 0.7 + level))
        ax.plot(x0 + x, wave, color="#C0708F", lw=0.6)

    # Basal cells along the junction; scattered nuclei in the spinous layer.
    for xi in np.arange(0.15, _WIDTH, 0.3):
        yi = float(np.interp(xi, x, junction)) + 0.15
        ax.add_patch(Ellipse((x0 + xi, yi), 0.16, 0.24, facecolor=_NUCLEUS, lw=0))
    for _ in range(70 if psoriatic else 30):
        xi = rng.uniform(0.2, _WIDTH - 0.2)
        low = float(np.interp(xi, x, junction)) + 0.45
        if low < top - 0.35:
            yi = rng.uniform(low, top - 0.35)
            ax.add_patch(Ellipse((x0 + xi, yi), 0.17, 0.13, facecolor=_NUCLEUS, lw=0, alpha=0.8))

    if not psoriatic:
        granules = ax.scatter(
            x0 + rng.uniform(0.1, _WIDTH - 0.1, 90),
            rng.uniform(top - 0.3, top - 0.05, 90),
            s=4,
            color=_GRANULE,
            lw=0,
        )
        artists["granular"] = granules
    else:
        # Parakeratosis: flattened nuclei kept in the cornified layer.
        for _ in range(40):
            xi, yi = rng.uniform(0.2, _WIDTH - 0.2), rng.uniform(top + 0.15, corneum_top - 0.15)
            ax.add_patch(Ellipse((x0 + xi, yi), 0.26, 0.07, facecolor=_NUCLEUS, lw=0))
        # Munro microabscess: a cluster of neutrophils in the parakeratotic scale.
        centre = np.array([x0 + 6.0, top + 0.55])
        for _ in range(16):
            offset = rng.normal(0.0, [0.22, 0.12])
            ax.scatter(*(centre + offset), s=10, color=_NEUTROPHIL, lw=0)
        artists["munro"] = centre

    # Capillaries in the dermal papillae: small in normal skin, dilated and tortuous in a plaque.
    tops = [xi for xi in np.arange(0.0, _WIDTH, 0.01) if xi > 0.1 and xi < _WIDTH - 0.1]
    heights = np.interp(tops, x, junction)
    peaks = [
        tops[i]
        for i in range(1, len(tops) - 1)
        if heights[i] >= heights[i - 1] and heights[i] > heights[i + 1]
    ]
    vessels = []
    for peak in peaks:
        tip = float(np.interp(peak, x, junction))
        if psoriatic:
            t = np.linspace(0, 1, 80)
            ys = 0.8 + (tip - 1.2) * t
            xs = peak + 0.09 * np.sin(8 * np.pi * t)
            (line,) = ax.plot(x0 + xs, ys, color=_VESSEL, lw=2.6, solid_capstyle="round")
        else:
            line = Ellipse((x0 + peak, tip - 0.45), 0.22, 0.3, facecolor=_VESSEL, lw=0)
            ax.add_patch(line)
        vessels.append(line)
    artists["vessels"] = vessels
    artists["junction"] = (x0 + x, junction)
    artists["top"], artists["corneum_top"] = top, corneum_top
    return artists


def _label(ax: Axes, text: str, point: tuple[float, float], where: tuple[float, float], ha: str):
    """A label at ``where`` with a thin leader line to ``point`` (drawn apart from the text)."""
    ax.plot(
        [point[0], where[0] + (0.15 if ha == "right" else -0.15)],
        [point[1], where[1]],
        color="#333333",
        lw=0.7,
    )
    return ax.text(*where, text, ha=ha, va="center", fontsize=8.5)


def epidermis(ax: Axes | None = None) -> Drawn:
    """Draw normal epidermis beside a psoriatic plaque, schematic and labelled.

    Returns
    -------
    Drawn
        ``artists`` has ``point_labels`` (the labels, which must not overlap), ``normal`` and
        ``psoriatic`` (the panels' artists) and ``caption``; the alt text lists every feature.

    Examples
    --------
    >>> drawn = epidermis()
    >>> "Munro microabscess" in drawn.alt_text
    True
    """
    rng = np.random.default_rng(7)  # fixed: the same drawing every time
    with course_style():
        fig, ax = new_axes(ax, (12.0, 4.9))
        ax.set_xlim(-6.8, 2 * _WIDTH + _GAP + 7.6)
        ax.set_ylim(-1.2, 11.3)
        ax.set_aspect("equal")
        ax.axis("off")
        normal = _panel(ax, 0.0, psoriatic=False, rng=rng)
        x1 = _WIDTH + _GAP
        plaque = _panel(ax, x1, psoriatic=True, rng=rng)
        ax.text(_WIDTH / 2, 10.6, "Normal epidermis", ha="center", fontsize=11, weight="bold")
        ax.text(x1 + _WIDTH / 2, 10.6, "Psoriatic plaque", ha="center", fontsize=11, weight="bold")

        jx, jy = normal["junction"]
        trough = int(np.argmin(jy[:140]))
        crest = int(np.argmax(jy[:140]))
        left = -0.4
        labels = [
            _label(ax, "stratum corneum\n(no nuclei)", (1.0, 6.45), (left, 8.6), "right"),
            _label(ax, "granular layer", (2.0, 5.95), (left, 7.1), "right"),
            _label(ax, "spinous layer", (2.2, 5.2), (left, 5.7), "right"),
            _label(ax, "basal layer", (jx[trough] + 0.1, jy[trough] + 0.2), (left, 4.1), "right"),
            _label(
                ax, "dermal papilla\nwith capillary", (jx[crest], jy[crest] - 0.45), (left, 2.3),
                "right",
            ),
            _label(ax, "dermis", (1.5, 1.0), (left, 0.4), "right"),
        ]  # fmt: skip
        px, py = plaque["junction"]
        right = x1 + _WIDTH + 0.4
        ridge = int(np.argmin(py[250:350])) + 250
        papilla = int(np.argmax(py[180:280])) + 180
        munro = plaque["munro"]
        labels += [
            _label(ax, "parakeratosis (nuclei\nkept in the scale)", (x1 + 2.0, 9.5), (right, 10.6),
                   "left"),
            _label(ax, "Munro microabscess\n(neutrophils)", tuple(munro), (right, 9.2), "left"),
            _label(ax, "granular layer lost", (x1 + 8.0, 8.85), (right, 7.9), "left"),
            _label(ax, "acanthosis\n(thick epidermis)", (x1 + 8.6, 6.0), (right, 6.5), "left"),
            _label(ax, "thin suprapapillary\nplate", (px[papilla], 8.55), (right, 5.0), "left"),
            _label(ax, "elongated rete ridges", (px[ridge], py[ridge] + 0.3), (right, 3.4),
                   "left"),
            _label(ax, "dilated papillary\ncapillaries", (px[papilla] + 0.05, 5.0), (right, 1.8),
                   "left"),
        ]  # fmt: skip
        caption = ax.text(
            (2 * _WIDTH + _GAP) / 2, -0.8, CAPTION, ha="center", va="center", fontsize=8,
            style="italic", wrap=True,
        )  # fmt: skip

    alt = (
        "Schematic drawing (not a photograph) of two skin sections side by side. Left, normal "
        "epidermis: a thin cornified layer without nuclei, a granular layer, a spinous layer and a "
        "basal layer on a gently undulating junction, with small capillaries in the dermal "
        "papillae. Right, a psoriatic plaque: acanthosis (a much thicker epidermis), elongated "
        "rete ridges reaching deep into the dermis, a thin suprapapillary plate over each tall "
        "dermal papilla, dilated papillary capillaries, no granular layer, a thick scale with "
        "parakeratosis (nuclei kept in the cornified layer) and a Munro microabscess (a cluster "
        "of neutrophils in the scale). " + CAPTION
    )
    artists = {
        "point_labels": labels,
        "normal": normal,
        "psoriatic": plaque,
        "caption": caption,
    }
    return Drawn(fig, ax, artists, alt)
