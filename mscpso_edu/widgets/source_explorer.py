"""Weigh MSC sources: measured facts on one side, illustrative scores on the other.

The left panel and the notes hold only facts from the knowledge base, each with its reference:
how many people with psoriasis were treated with each source's product
(:func:`mscpso_edu.knowledge.clinical_studies`), the tissue-factor ranking of the sources
(fact ``tissue_factor_rank``, Hoang 2024, measured in culture) and the cited notes of
``msc_sources.yaml``. The right panel is a **teaching device**: 0-3 scores that turn those
facts (and the harvest descriptions) into points, weighted by sliders. The scores and weights
are ILLUSTRATIVE, chosen by us, and are labelled so on the figure.
"""

from __future__ import annotations

import html
from typing import Any

from .. import knowledge
from ..errors import CourseError
from ..style import OKABE_ITO, course_style
from ._base import Explorer, Readout, Scene, dropdown, float_slider, new_figure

__all__ = [
    "CRITERIA",
    "ILLUSTRATIVE_SCORES",
    "SOURCES",
    "explore_sources",
    "patients_by_source",
    "weighted_scores",
]

#: The sources compared (those with human psoriasis data and a tissue-factor rank).
SOURCES: tuple[str, ...] = ("bone_marrow", "adipose", "umbilical_cord", "gingiva")

#: Criteria: label and what the illustrative score is based on.
CRITERIA: dict[str, tuple[str, str]] = {
    "harvest": (
        "ease of harvest",
        "from the harvest descriptions in msc_sources.yaml: marrow aspiration is invasive, "
        "lipoaspiration and a gum biopsy are minor, cord is birth tissue",
    ),
    "clotting": (
        "low tissue factor (blood compatibility)",
        "from the ranking adipose and umbilical cord highest, then dental pulp, bone marrow "
        "lowest, measured in culture (tissue_factor_rank, Hoang 2024); gingiva is counted as "
        "dental (our mapping)",
    ),
    "evidence": (
        "human psoriasis evidence",
        "from the number of patients treated in the knowledge base's studies, scaled so the "
        "best-studied source scores 3",
    ),
}

#: ILLUSTRATIVE 0-3 scores (not measurements): see CRITERIA for what each is based on. The
#: evidence score is computed from the knowledge base by :func:`_evidence_scores`.
ILLUSTRATIVE_SCORES: dict[str, dict[str, float]] = {
    "harvest": {"bone_marrow": 1.0, "adipose": 2.0, "umbilical_cord": 3.0, "gingiva": 2.0},
    "clotting": {"bone_marrow": 3.0, "adipose": 1.0, "umbilical_cord": 1.0, "gingiva": 2.0},
}
_TF_WORDS = {3.0: "lowest TF", 2.0: "lower TF", 1.0: "high TF"}
_COLOURS = {
    "harvest": OKABE_ITO["sky_blue"],
    "clotting": OKABE_ITO["bluish_green"],
    "evidence": OKABE_ITO["orange"],
}


def patients_by_source() -> dict[str, int]:
    """Return how many people with psoriasis each source's products treated (knowledge base).

    Healthy volunteers are not counted.
    """
    counts = {source: 0 for source in SOURCES}
    for study in knowledge.load().clinical_studies:
        if (
            study.published
            and study.source in counts
            and study.evidence != ("healthy_volunteer_safety")
        ):
            counts[study.source] += study.n or 0
    return counts


def _evidence_scores() -> dict[str, float]:
    counts = patients_by_source()
    top = max(counts.values()) or 1
    return {source: 3.0 * count / top for source, count in counts.items()}


def weighted_scores(weights: dict[str, float]) -> dict[str, dict[str, float]]:
    """Return each source's illustrative score per criterion, times that criterion's weight.

    Parameters
    ----------
    weights
        Criterion name (a key of :data:`CRITERIA`) to a weight in [0, 1].

    Returns
    -------
    dict
        ``{source: {criterion: weighted score}}``; sum a source's values for its total.
    """
    unknown = set(weights) - set(CRITERIA)
    if unknown:
        raise CourseError(f"unknown criteria {sorted(unknown)}; use {sorted(CRITERIA)}")
    scores = {**ILLUSTRATIVE_SCORES, "evidence": _evidence_scores()}
    return {
        source: {c: weights.get(c, 0.0) * scores[c][source] for c in CRITERIA} for source in SOURCES
    }


def _name(source: str) -> str:
    return knowledge.load().msc_sources[source].name.split(" /")[0]


def _notes_html(source: str) -> str:
    kb = knowledge.load()
    entry = kb.msc_sources[source]
    facts = "".join(
        f"<li>{html.escape(text)} [{', '.join(knowledge.cite(r) for r in refs)}]</li>"
        for text, refs in entry.notes
    )
    rank = kb.facts["tissue_factor_rank"]
    basis = "".join(
        f"<li><b>{html.escape(label)}</b>: {html.escape(why)}</li>"
        for label, why in CRITERIA.values()
    )
    return (
        f"<b>MEASURED, cited: {html.escape(entry.name)}</b><ul><li>Harvest: "
        f"{html.escape(entry.harvest)}</li>{facts}<li>{html.escape(rank.statement)} "
        f"[{', '.join(knowledge.cite(r) for r in rank.refs)}]</li></ul>"
        "<b>ILLUSTRATIVE scores</b> (ours, 0-3; not measured):<ul>" + basis + "</ul>"
    )


def _scene() -> Scene:
    counts = patients_by_source()
    y = list(range(len(SOURCES)))[::-1]
    names = [_name(s) for s in SOURCES]
    with course_style():
        figure = new_figure(8.6, 3.3, ncols=2, gridspec_kw={"width_ratios": [1, 1.3]})
        fact_ax, score_ax = figure.axes
        fact_ax.barh(y, [counts[s] for s in SOURCES], color="#777777", height=0.6)
        for source, yy in zip(SOURCES, y, strict=True):
            tf = _TF_WORDS[ILLUSTRATIVE_SCORES["clotting"][source]]
            people = f"{counts[source]} patient{'' if counts[source] == 1 else 's'}"
            fact_ax.text(counts[source] + 0.4, yy, f"{people}; {tf}", va="center", fontsize=8)
        fact_ax.set_yticks(y, names)
        fact_ax.set_xlim(0, max(counts.values()) * 2.0)
        fact_ax.set_xlabel("People with psoriasis treated (knowledge base)")
        fact_ax.set_title("MEASURED (cited)", fontsize=10)

        bars: dict[str, Any] = {}
        for criterion, (label, _why) in CRITERIA.items():
            bars[criterion] = score_ax.barh(
                y, [0] * len(y), height=0.6, color=_COLOURS[criterion], hatch="//",
                edgecolor="white", label=label,
            )  # fmt: skip
        totals = [score_ax.text(0, yy, "", va="center", fontsize=8) for yy in y]
        score_ax.set_yticks(y, [""] * len(y))
        score_ax.set_xlim(0, 3 * len(CRITERIA) * 1.15)
        score_ax.set_xlabel("Weighted score (0-3 per criterion)")
        score_ax.set_title("ILLUSTRATIVE scores (not measured)", fontsize=10)
        score_ax.legend(loc="lower right", fontsize=7, framealpha=0.9)

    def draw(result: dict[str, dict[str, float]], values: dict[str, Any]) -> Readout:
        for index, source in enumerate(SOURCES):
            left = 0.0
            for criterion in CRITERIA:
                bar = bars[criterion][index]
                bar.set_x(left)
                bar.set_width(result[source][criterion])
                left += result[source][criterion]
            totals[index].set_position((left + 0.1, y[index]))
            totals[index].set_text(f"{left:.1f}")
        total = {s: sum(result[s].values()) for s in SOURCES}
        ranking = sorted(SOURCES, key=lambda s: -total[s])
        order = " > ".join(f"{_name(s)} {total[s]:.1f}" for s in ranking)
        text = f"Illustrative ranking with these weights: {order}."
        alt = (
            "Left: people with psoriasis treated per MSC source from the knowledge base ("
            + ", ".join(f"{_name(s)} {counts[s]}" for s in SOURCES)
            + "), with tissue-factor rank. Right, labelled illustrative: stacked weighted scores "
            + ", ".join(f"{_name(s)} {total[s]:.1f}" for s in SOURCES)
            + "."
        )
        return Readout(text, alt, notes=_notes_html(values["source"]))

    dynamic = [bar for group in bars.values() for bar in group] + totals
    return Scene(figure, dynamic, draw)


def explore_sources() -> Explorer:
    """Return the MSC-source trade-off explorer.

    Controls: ``harvest``, ``clotting`` and ``evidence`` weights (0-1) and ``source`` (whose
    cited facts the notes list). The left panel is measured and cited; the right panel stacks
    ILLUSTRATIVE 0-3 scores times the weights, so the learner sees that a ranking of sources
    depends on what one values.

    Returns
    -------
    Explorer
        The widget.
    """
    controls = {
        name: float_slider(f"Weight: {label}", 1.0, 0.0, 1.0, 0.25)
        for name, (label, _why) in CRITERIA.items()
    }
    controls["source"] = dropdown(
        "Show the cited facts for", [(_name(s), s) for s in SOURCES], "bone_marrow"
    )
    scene = _scene()
    return Explorer(
        title="MSC sources: measured facts and an illustrative trade-off",
        controls=controls,
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=lambda values: weighted_scores(values),
        draw=scene.draw,
        solve_keys=tuple(CRITERIA),
    )
