"""Explore the human studies of MSCs and MSC products in psoriasis, and tabulate them.

Everything shown comes from :func:`mscpso_edu.knowledge.clinical_studies`: the explorer filters
the published studies by MSC source, product, route and evidence level, and draws how many people
each study treated and what PASI outcome it reported. Studies that do not match a filter stay on
the figure in pale grey, so the learner sees how little is left after each filter.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.lines import Line2D

from .. import knowledge
from ..knowledge import ClinicalStudy
from ..knowledge.therapy import therapy_data
from ..style import OKABE_ITO, course_style
from ._base import Explorer, Readout, Scene, dropdown, new_figure

__all__ = [
    "EVIDENCE_LABELS",
    "PRODUCT_LABELS",
    "ROUTE_GROUPS",
    "StudyTable",
    "evidence_table",
    "explore_evidence",
    "matching",
    "pasi_improvement",
    "route_groups",
]

#: Evidence levels in words, weakest design first, and study products in words: one wording for
#: the whole course, kept in ``knowledge/therapy.yaml``.
EVIDENCE_LABELS: Mapping[str, str] = therapy_data().evidence_labels
PRODUCT_LABELS: Mapping[str, str] = therapy_data().study_product_labels
#: Route groups, matched on words in each study's route description.
ROUTE_GROUPS: dict[str, tuple[str, ...]] = {
    "intravenous": ("intravenous",),
    "injected into the skin": ("subcutaneous", "intradermal", "intralesional"),
    "topical": ("topical", "ointment"),
}
_NOT_STATED = "route not stated"
_ALL = "__all__"
_LEVEL_COLOURS = {
    "case_report": OKABE_ITO["orange"],
    "single_arm_trial": OKABE_ITO["blue"],
    "dose_finding": OKABE_ITO["reddish_purple"],
    "healthy_volunteer_safety": OKABE_ITO["bluish_green"],
}
_FADED = "#DDDDDD"


def route_groups(study: ClinicalStudy) -> frozenset[str]:
    """Return the route groups a study used (a study may use more than one).

    Examples
    --------
    >>> from mscpso_edu import knowledge
    >>> studies = {s.id: s for s in knowledge.load().clinical_studies}
    >>> sorted(route_groups(studies["bajouri2023_trial"]))  # subcutaneous into plaques
    ['injected into the skin']
    >>> sorted(route_groups(studies["ahn2021_case"]))  # the abstract gives no route
    ['route not stated']
    """
    text = (study.route or "").casefold()
    found = {group for group, words in ROUTE_GROUPS.items() if any(w in text for w in words)}
    return frozenset(found or {_NOT_STATED})


def pasi_improvement(study: ClinicalStudy) -> float | None:
    """Return the percentage fall in PASI a study reported, or None if it gave no PASI pair."""
    if study.pasi_before is None or study.pasi_after is None or study.pasi_before <= 0:
        return None
    return 100.0 * (study.pasi_before - study.pasi_after) / study.pasi_before


def _source_name(source: str | None) -> str:
    if source is None:
        return "not stated"
    return knowledge.load().msc_sources[source].name


def _cite(study: ClinicalStudy) -> str:
    return knowledge.cite_study(study)


@dataclass(frozen=True)
class StudyTable:
    """A table of clinical studies that shows itself as Markdown (or HTML) in a notebook.

    Attributes
    ----------
    header : tuple of str
        Column names.
    rows : tuple of tuple of str
        One row per study, as text.
    sources : tuple of str
        Per row, the study's own words as an HTML ``<details>`` element ("What the paper says",
        :func:`mscpso_edu.knowledge.support_details`); shown as a last column in the HTML table.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    sources: tuple[str, ...] = ()

    def to_markdown(self) -> str:
        """Return the table as a Markdown pipe table."""
        return str(knowledge.markdown_table(self.header, self.rows))

    def to_html(self) -> str:
        """Return the table as an HTML ``<table>`` in a keyboard-scrollable region.

        The table is wider than a notebook column; the region that scrolls it can take focus and
        has a name, so keyboard and screen-reader users can scroll it too (axe-core's
        scrollable-region-focusable).
        """
        header = self.header + (("What the paper says",) if self.sources else ())
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in header)
        sources = self.sources or ("",) * len(self.rows)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row)
            + (f"<td style='text-align:left;min-width:14em'>{source}</td>" if self.sources else "")
            + "</tr>"
            for row, source in zip(self.rows, sources, strict=True)
        )  # fmt: skip
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        return (
            '<div role="region" aria-label="Table of clinical studies" tabindex="0" '
            f'style="overflow-x:auto;max-width:100%">{table}</div>'
        )

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_markdown()

    def __len__(self) -> int:
        return len(self.rows)


def evidence_table(studies: Iterable[ClinicalStudy] | None = None) -> StudyTable:
    """Tabulate clinical studies from the knowledge base, one row each, oldest first.

    Published studies get their design, source, product, route, size, dose, follow-up,
    outcome, adverse events and registry; registry entries without results get only their id.
    Missing values read "not reported".

    Parameters
    ----------
    studies
        Studies from :func:`mscpso_edu.knowledge.clinical_studies` (default: every study).

    Returns
    -------
    StudyTable
        Shows as a table in a notebook; ``.rows`` holds the text.
    """
    chosen = list(knowledge.load().clinical_studies if studies is None else studies)
    if chosen and all(not s.published for s in chosen):
        rows = tuple(
            (s.registry or s.id, EVIDENCE_LABELS[s.evidence], s.note or "")
            for s in sorted(chosen, key=lambda s: s.registry or s.id)
        )
        return StudyTable(("Registry id", "Status", "Registered design"), rows)

    def text(value: Any) -> str:
        return "not reported" if value is None else str(value)

    rows = []
    sources = []
    for s in sorted(chosen, key=lambda s: (s.year or 9999, s.first_author or "")):
        if not s.published:
            continue
        sources.append(knowledge.support_details(s.support, "quotes") if s.support else "")
        size = text(s.n)
        if s.n_completed is not None:
            size += f" ({s.n_completed} completed)"
        rows.append(
            (
                _cite(s),
                EVIDENCE_LABELS[s.evidence],
                _source_name(s.source),
                PRODUCT_LABELS.get(s.product or "", text(s.product)),
                text(s.route),
                size,
                text(s.dose),
                text(s.follow_up),
                text(s.outcome),
                text(s.adverse_events),
                s.registry or "none given",
            )
        )
    header = ("Study", "Design", "MSC source", "Product", "Route", "n", "Dose", "Follow-up",
              "Main outcome", "Adverse events", "Registry")  # fmt: skip
    return StudyTable(header, tuple(rows), tuple(sources) if any(sources) else ())


# --------------------------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------------------------


def _published() -> list[ClinicalStudy]:
    studies = [s for s in knowledge.load().clinical_studies if s.published and s.n is not None]
    return sorted(studies, key=lambda s: (s.year or 0, s.first_author or ""))


def _options(values: Iterable[str | None], label: Any, everything: str) -> list[tuple[str, str]]:
    seen = list(dict.fromkeys(values))
    return [(everything, _ALL)] + [(label(v), v if v is not None else "none") for v in seen]


def _controls(studies: Sequence[ClinicalStudy]) -> dict[str, Any]:
    routes = [g for s in studies for g in sorted(route_groups(s))]
    return {
        "source": dropdown(
            "MSC source", _options((s.source for s in studies), _source_name, "all sources"), _ALL
        ),
        "product": dropdown(
            "Product",
            _options((s.product for s in studies), lambda p: PRODUCT_LABELS[p], "all products"),
            _ALL,
        ),
        "route": dropdown("Route", _options(routes, str, "all routes"), _ALL),
        "evidence": dropdown(
            "Evidence level",
            _options((s.evidence for s in studies), lambda e: EVIDENCE_LABELS[e], "all levels"),
            _ALL,
        ),
    }


def matching(studies: Sequence[ClinicalStudy], values: dict[str, Any]) -> list[ClinicalStudy]:
    """Return the studies that pass the explorer's filters (``"__all__"`` passes everything)."""

    def keep(study: ClinicalStudy) -> bool:
        source = study.source if study.source is not None else "none"
        if values["source"] != _ALL and source != values["source"]:
            return False
        if values["product"] != _ALL and study.product != values["product"]:
            return False
        if values["route"] != _ALL and values["route"] not in route_groups(study):
            return False
        return values["evidence"] == _ALL or study.evidence == values["evidence"]

    return [s for s in studies if keep(s)]


def _scene(studies: Sequence[ClinicalStudy]) -> Scene:
    names = [f"{_cite(s)}" for s in studies]
    y = list(range(len(studies)))[::-1]
    n_max = max(s.n or 0 for s in studies)
    with course_style():
        figure = new_figure(8.6, 0.42 * len(studies) + 1.9, ncols=2,
                            gridspec_kw={"width_ratios": [1.3, 1]})  # fmt: skip
        size_ax, outcome_ax = figure.axes
        bars = size_ax.barh(y, [s.n for s in studies], height=0.62)
        completed = size_ax.barh(
            y, [s.n_completed or 0 for s in studies], height=0.62, fill=False, hatch="///",
            edgecolor="white", linewidth=0,
        )  # fmt: skip
        counts = [
            size_ax.text((s.n or 0) + 0.3, yy, str(s.n), va="center", fontsize=8)
            for s, yy in zip(studies, y, strict=True)
        ]
        size_ax.set_yticks(y, names)
        size_ax.set_xlim(0, n_max * 1.2)
        size_ax.set_xlabel("Participants treated (hatched: completed the protocol)")
        size_ax.set_title("How many people?", fontsize=10)

        markers, notes = [], []
        for study, yy in zip(studies, y, strict=True):
            improvement = pasi_improvement(study)
            if improvement is not None:
                (mark,) = outcome_ax.plot([improvement], [yy], "o", ms=8)
                note = f"PASI {study.pasi_before:g} to {study.pasi_after:g}"
            elif study.responders is not None and study.n:
                (mark,) = outcome_ax.plot([100.0 * study.responders / study.n], [yy], "s", ms=8)
                note = f"{study.responders}/{study.n} responders"
            else:
                (mark,) = outcome_ax.plot([0.0], [yy], "x", ms=7)
                note = "no PASI number"
            markers.append(mark)
            x = mark.get_xdata()[0]
            notes.append(
                outcome_ax.text(x + 3 if x < 60 else x - 3, yy + 0.28, note, fontsize=7.5,
                                ha="left" if x < 60 else "right")
            )  # fmt: skip
        outcome_ax.set_xlim(-5, 105)
        outcome_ax.set_ylim(size_ax.get_ylim())
        outcome_ax.set_yticks(y, [""] * len(y))
        outcome_ax.set_xlabel("Reported outcome (%)")
        outcome_ax.set_title("What was reported?", fontsize=10)
        outcome_ax.legend(
            handles=[
                Line2D([], [], marker="o", ls="", color="black", label="% PASI fall (one patient)"),
                Line2D([], [], marker="s", ls="", color="black",
                       label="% of patients with >=40% PASI fall"),
                Line2D([], [], marker="x", ls="", color="black", label="no PASI number reported"),
            ],
            loc="lower right", fontsize=7, framealpha=0.9,
        )  # fmt: skip
        level_handles = [
            Line2D([], [], marker="s", ls="", ms=9, color=_LEVEL_COLOURS[level],
                   label=therapy_data().evidence_short[level])
            for level in dict.fromkeys(s.evidence for s in studies)
        ]  # fmt: skip
        size_ax.legend(handles=level_handles, loc="upper right", fontsize=7, framealpha=0.9)

    def draw(shown: tuple[str, ...], values: dict[str, Any]) -> Readout:
        for study, bar, done, count, mark, note in zip(
            studies, bars, completed, counts, markers, notes, strict=True
        ):
            on = study.id in shown
            colour = _LEVEL_COLOURS[study.evidence] if on else _FADED
            bar.set_color(colour)
            done.set_edgecolor("white" if on else _FADED)
            count.set_color("black" if on else _FADED)
            mark.set_color(colour if on else _FADED)
            note.set_color("black" if on else _FADED)
        picked = [s for s in studies if s.id in shown]
        total = sum(s.n or 0 for s in picked)
        if picked:
            levels: dict[str, int] = {}
            for s in picked:
                label = therapy_data().evidence_short[s.evidence]
                levels[label] = levels.get(label, 0) + 1
            level_text = ", ".join(f"{count} {name}" for name, count in levels.items())
            text = (
                f"{len(picked)} of {len(studies)} published studies match, {total} participants "
                f"in all (largest study: {max(s.n or 0 for s in picked)}). Designs: {level_text}. "
                "None of them is randomised or has a control group."
            )
        else:
            text = "No published study matches these filters."
        described = "; ".join(
            f"{_cite(s)}: {s.n} participants, {EVIDENCE_LABELS[s.evidence]}" for s in picked
        )
        alt = (
            f"Two panels over {len(studies)} published studies; {len(picked)} highlighted by the "
            f"filters, the rest greyed out. Left: participants per study. Right: PASI outcome "
            f"where one was reported. Highlighted: {described or 'none'}."
        )
        return Readout(text, alt)

    dynamic = [*bars, *completed, *counts, *markers, *notes]
    return Scene(figure, dynamic, draw)


def explore_evidence() -> Explorer:
    """Return the evidence explorer: filter the human studies and see their size and outcome.

    Controls: ``source``, ``product``, ``route`` and ``evidence`` (each ``"__all__"`` or one
    value). The left panel shows participants per study (hatched: completed the protocol), the
    right panel the PASI result each study reported (one patient's % fall, the share of
    responders, or none). Non-matching studies turn pale grey. Registered trials without results
    are listed in the notes.

    Returns
    -------
    Explorer
        The widget.
    """
    studies = _published()
    scene = _scene(studies)
    registered = [s.registry for s in knowledge.load().clinical_studies if not s.published]
    controls = _controls(studies)
    notes = (
        "All data: the course knowledge base (clinical_studies.yaml), with each study's own "
        f"reference. Not drawn: {len(registered)} registered trials with no published results "
        f"({', '.join(html.escape(r or '') for r in registered)}). Outcomes are as reported: "
        "PASI changes in case reports come from single patients; Cheng 2022 counted patients "
        "with at least 40% PASI improvement."
    )

    def solve(values: dict[str, Any]) -> tuple[str, ...]:
        return tuple(s.id for s in matching(studies, values))

    return Explorer(
        title="Human studies of MSCs and MSC products in psoriasis",
        controls=controls,
        figure=scene.figure,
        dynamic_artists=scene.dynamic_artists,
        solve=solve,
        draw=scene.draw,
        notes=notes,
    )
