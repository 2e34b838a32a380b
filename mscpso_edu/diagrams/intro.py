"""Figures for the introductory lessons (01 the disease, 02 the MSC), drawn from the knowledge base.

Re-exported by :mod:`mscpso_edu.diagrams`, whose conventions they follow: ``ax=None`` in, a
:class:`~mscpso_edu.diagrams.Drawn` out with the artists and an alt text generated from the data,
drawing only inside :func:`~mscpso_edu.style.course_style`, no pyplot state.

- :func:`prevalence`: adult prevalence by world region (Parisi 2020).
- :func:`keratinocyte_kinetics`: how psoriatic epidermis differs from normal, as fold changes
  (Weinstein 1985).
- :func:`msc_sources`: for each MSC source, which kinds of evidence the knowledge base holds.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from .. import knowledge
from ..style import OKABE_ITO, ROLE_COLOURS, course_style
from .core import Drawn, new_axes

__all__ = ["keratinocyte_kinetics", "msc_sources", "prevalence"]

# Display names for the keys of the ``prevalence_range`` fact.
_REGION_NAMES = {
    "east_asia": "East Asia",
    "australasia": "Australasia",
    "western_europe": "Western Europe",
    "north_america": "North America",
}


def prevalence(ax: Axes | None = None) -> Drawn:
    """Bar chart of adult psoriasis prevalence in the world regions the knowledge base holds.

    Values come from the fact ``prevalence_range`` (Parisi 2020), lowest to highest.

    Returns
    -------
    Drawn
        ``artists`` has ``bars`` and ``point_labels`` (one value label per bar).
    """
    fact = knowledge.fact("prevalence_range")
    values = sorted(fact.values.items(), key=lambda item: item[1])
    names = [_REGION_NAMES.get(key, key.replace("_", " ").title()) for key, _ in values]
    numbers = [float(v) for _, v in values]
    source = knowledge.cite(fact.refs[0])
    with course_style():
        fig, ax = new_axes(ax, (6.0, 2.8))
        y = np.arange(len(numbers))
        bars = ax.barh(y, numbers, color=ROLE_COLOURS["psoriatic"], height=0.6)
        ax.set_yticks(y, names)
        ax.set_xlim(0, max(numbers) * 1.25)
        ax.set_xlabel(f"Adults with psoriasis (%), {source}")
        ax.set_title("Psoriasis prevalence differs between world regions", fontsize=10)
        labels = [
            ax.text(value + max(numbers) * 0.02, yy, f"{value:.2f}%", va="center", fontsize=9)
            for value, yy in zip(numbers, y, strict=True)
        ]
    listing = ", ".join(f"{n} {v:.2f}%" for n, v in zip(names, numbers, strict=True))
    ratio = max(numbers) / min(numbers)
    alt = (
        f"Horizontal bar chart of adult psoriasis prevalence by world region ({source}): "
        f"{listing}. The highest is about {ratio:.0f} times the lowest."
    )
    return Drawn(fig, ax, {"bars": list(bars), "point_labels": labels}, alt)


# Which keratinocyte-kinetics facts to draw, the key of each value pair, and how to say it.
_KINETICS = (
    ("kc_cell_cycle", "Cell-cycle time", "{:,.0f} h"),
    ("kc_proliferative_pool", "Proliferative pool", "{:,.0f}/mm²"),
    ("kc_production", "Cells made per day", "{:,.0f}/mm²"),
)


def keratinocyte_kinetics(ax: Axes | None = None) -> Drawn:
    """Psoriatic versus normal epidermis: fold change of three kinetic measures (log scale).

    Each bar is psoriatic / normal for one fact (``kc_cell_cycle``, ``kc_proliferative_pool``,
    ``kc_production``; Weinstein 1985): below 1 means less (a shorter cycle), above 1 more.

    Returns
    -------
    Drawn
        ``artists`` has ``bars`` and ``point_labels`` (raw values, normal -> psoriatic).
    """
    rows = []
    for fact_id, name, fmt in _KINETICS:
        fact = knowledge.fact(fact_id)
        normal, psoriatic = float(fact.values["normal"]), float(fact.values["psoriatic"])
        rows.append((name, normal, psoriatic, psoriatic / normal, fmt))
    source = knowledge.cite(knowledge.fact(_KINETICS[0][0]).refs[0])
    with course_style():
        fig, ax = new_axes(ax, (6.4, 2.8))
        y = np.arange(len(rows))[::-1]
        folds = [row[3] for row in rows]
        colours = [ROLE_COLOURS["healthy"] if f < 1 else ROLE_COLOURS["psoriatic"] for f in folds]
        # Bars start at 1 (no change) so shorter and longer both read as distance from normal.
        bars = ax.barh(y, [f - 1 for f in folds], left=1, color=colours, height=0.55, log=False)
        ax.set_xscale("log")
        ax.axvline(1, color=ROLE_COLOURS["neutral"], lw=1)
        ax.set_xlim(0.03, 400)
        ax.set_yticks(y, [row[0] for row in rows])
        ax.set_xlabel(f"Psoriatic ÷ normal (log scale; 1 = no change), {source}")
        ax.set_title(
            "Psoriatic keratinocytes cycle faster and are made in far greater numbers", fontsize=10
        )
        labels = []
        for (_name, normal, psoriatic, fold, fmt), yy in zip(rows, y, strict=True):
            text = f"{fmt.format(normal)} → {fmt.format(psoriatic)} (×{fold:.2g})"
            if fold >= 1:
                labels.append(ax.text(fold * 1.15, yy, text, va="center", fontsize=8))
            else:
                labels.append(ax.text(1.15, yy, text, va="center", fontsize=8))
    parts = "; ".join(
        f"{name.lower()} {fmt.format(normal)} normal vs {fmt.format(psoriatic)} psoriatic "
        f"({fold:.2g}-fold)"
        for name, normal, psoriatic, fold, fmt in rows
    )
    alt = f"Bar chart on a log scale of psoriatic relative to normal epidermis ({source}): {parts}."
    return Drawn(fig, ax, {"bars": list(bars), "point_labels": labels}, alt)


# Evidence columns of the source comparison, from reference kinds, in order of strength.
_EVIDENCE_COLUMNS = (
    ("in_vitro", "In vitro"),
    ("mouse", "Mouse"),
    ("case_report", "Human case\nreport"),
    ("human_trial", "Human trial"),
)


def msc_sources(ax: Axes | None = None) -> Drawn:
    """Compare MSC sources by the kinds of evidence the knowledge base cites for each.

    One row per source in ``msc_sources.yaml``; one column per evidence kind (in vitro, mouse,
    human case report, human trial), taken from the kind of each reference its notes cite.
    A filled circle's number is how many references of that kind; an empty cell means none in
    the course's knowledge base (not that none exist). Reviews are left out.

    Returns
    -------
    Drawn
        ``artists`` has ``points`` and ``point_labels`` (counts), and ``marker_positions``.
    """
    kb = knowledge.load()
    sources = list(kb.msc_sources.values())
    kinds = [kind for kind, _ in _EVIDENCE_COLUMNS]
    counts = np.zeros((len(sources), len(kinds)), dtype=int)
    for row, source in enumerate(sources):
        for ref_id in dict.fromkeys(source.refs):
            kind = kb.references[ref_id].kind
            if kind in kinds:
                counts[row, kinds.index(kind)] += 1
    colours = [
        OKABE_ITO["sky_blue"],
        OKABE_ITO["orange"],
        OKABE_ITO["reddish_purple"],
        ROLE_COLOURS["msc"],
    ]
    with course_style():
        own_figure = ax is None
        fig, ax = new_axes(ax, (6.6, 3.8))
        if own_figure:
            fig.set_layout_engine("constrained")  # long source names need room on the left
        points, labels, positions = [], [], {}
        for row, source in enumerate(sources):
            yy = len(sources) - 1 - row
            for column, kind in enumerate(kinds):
                count = int(counts[row, column])
                if count == 0:
                    ax.plot(column, yy, marker=".", color="#BBBBBB", ms=4)
                    continue
                points.append(
                    ax.scatter(column, yy, s=90 + 120 * count, color=colours[column], zorder=3)
                )
                labels.append(
                    ax.text(
                        column,
                        yy,
                        str(count),
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white",
                        fontweight="bold",
                        zorder=4,
                    )
                )
                positions[f"{source.id}:{kind}"] = (column, yy)
        ax.set_xticks(range(len(kinds)), [label for _, label in _EVIDENCE_COLUMNS], fontsize=8)
        ax.set_yticks(range(len(sources)), [s.name for s in reversed(sources)], fontsize=8)
        ax.set_xlim(-0.6, len(kinds) - 0.4)
        ax.set_ylim(-0.6, len(sources) - 0.4)
        ax.tick_params(length=0)
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title("Kinds of evidence on each MSC source in this course", fontsize=10)
    phrases = []
    for row, source in enumerate(sources):
        have = [
            f"{int(counts[row, c])} {label.replace(chr(10), ' ').lower()}"
            for c, (_, label) in enumerate(_EVIDENCE_COLUMNS)
            if counts[row, c]
        ]
        phrases.append(f"{source.name}: {', '.join(have) if have else 'no primary studies'}")
    alt = (
        "Dot matrix of MSC sources (rows) against kinds of evidence (in vitro, mouse, human case "
        "report, human trial), numbers of references in the course knowledge base: "
        + "; ".join(phrases)
        + "."
    )
    return Drawn(
        fig,
        ax,
        {"points": points, "point_labels": labels, "marker_positions": positions},
        alt,
    )
