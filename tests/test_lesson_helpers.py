"""The package helpers that lessons call to show cited data and model results as Markdown."""

from __future__ import annotations

import html
import math
import re

import matplotlib
import numpy as np
import pytest

from mscpso_edu import diagrams, knowledge, models
from mscpso_edu.diagrams import skin as skin_diagrams
from mscpso_edu.errors import CourseError
from mscpso_edu.lessons import CITATION_PATTERN

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # after the backend is chosen


def table_rows(text: str) -> list[list[str]]:
    """The body rows of a Markdown pipe table, as lists of stripped cells."""
    lines = text.splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def cited_names(text: str) -> list[str]:
    return [name for group in CITATION_PATTERN.findall(text) for name in group.split("; ")]


ALL_CITATIONS = {knowledge.cite(ref) for ref in knowledge.reference_ids()}


# --- knowledge ------------------------------------------------------------------------------


def test_markdown_table_keeps_every_cell_inside_its_column():
    table = knowledge.markdown_table(["A", "B"], [("x|y", "two\nlines"), (1, 2.5)])
    assert isinstance(table, knowledge.MarkdownText)
    assert table._repr_markdown_() == str(table)
    assert table.splitlines()[:2] == ["| A | B |", "|---|---|"]
    assert table_rows(table) == [["x/y", "two lines"], ["1", "2.5"]]


def test_interaction_list_shows_every_matching_interaction_with_citation_and_context():
    text = knowledge.interaction_list(source="MSC", target="neutrophil")
    found = knowledge.interactions(source="MSC", target="neutrophil")
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(lines) == len(found) > 0
    for line, item in zip(lines, found, strict=True):
        assert line.startswith(f"- **Neu** {item.effect}: {item.note} [")
        assert "; ".join(knowledge.cite(r) for r in item.refs) in line
    # Evidence context in words, not ids.
    assert "(in vitro)" in text and "in_vitro" not in text
    mdc = knowledge.interaction_list(source="MSC", target="mDC")
    assert "(mouse, in vitro)" in mdc and "in_vitro" not in mdc


def test_interaction_list_follows_the_order_of_the_targets_given():
    text = knowledge.interaction_list(source="MSC", target=["pDC", "mDC"])
    labels = [line.split("**")[1] for line in text.splitlines() if line.startswith("- ")]
    assert labels == ["pDC"] + ["mDC"] * len(knowledge.interactions(source="MSC", target="mDC"))


def test_interaction_list_with_no_match_says_so():
    with pytest.raises(CourseError, match="no interactions match"):
        knowledge.interaction_list(source="keratinocyte", target="msc")


def test_mediator_list_names_each_mediator_with_its_citations():
    text = knowledge.mediator_list(["ido", "tsg6"])
    assert [line for line in text.splitlines() if line.startswith("- ")] == [
        f"- **IDO**: {knowledge.load().mediators['ido'].description} [Meisel 2004]",
        f"- **TSG-6**: {knowledge.load().mediators['tsg6'].description} [Ding 2022]",
    ]
    with pytest.raises(CourseError, match="unknown mediator id 'id0'; did you mean 'ido'"):
        knowledge.mediator_list(["id0"])


def test_isct_summary_states_the_three_criteria_and_cites_them():
    text = knowledge.isct_summary()
    assert [line[:3] for line in text.splitlines() if line[:1].isdigit()] == ["1. ", "2. ", "3. "]
    assert "At least 95% of cells positive for CD105, CD73, CD90" in text
    assert "at most 2% positive for CD45, CD34" in text
    assert "osteoblasts, adipocytes, chondroblasts" in text
    assert "\n[Dominici 2006]" in text
    assert knowledge.isct_summary(naming=True).splitlines()[0].endswith("[Horwitz 2005]")


def test_isct_summary_quotes_the_criteria_and_says_when_the_cut_offs_are_unquoted():
    criteria = knowledge.load().isct_criteria
    text = knowledge.isct_summary()
    # The three criteria carry the abstract's words.
    assert "Second, MSC must express CD105, CD73 and CD90" in text
    unquoted = (
        f"the abstract names the markers but not the {criteria.min_positive_percent:g}% and "
        f"{criteria.max_negative_percent:g}% cut-offs"
    )
    if criteria.threshold_support:
        assert unquoted not in text
        assert html.escape(criteria.threshold_support[0].quote) in text
    else:
        assert unquoted in text


def test_source_notes_list_every_source_and_every_note():
    text = knowledge.source_notes()
    for source in knowledge.load().msc_sources.values():
        assert f"- **{source.name}**: {source.harvest}" in text
        for note, refs in source.notes:
            assert f"    - {note} [{'; '.join(knowledge.cite(r) for r in refs)}]" in text


def test_study_summary_gives_outcome_safety_and_note():
    text = knowledge.study_summary("cheng2022")
    study = knowledge.clinical_studies(ref="cheng2022")[0]
    assert text.startswith("**Cheng 2022**: single arm trial, 17 patients, Umbilical cord")
    assert f"- Outcome: {study.outcome}" in text
    assert f"- Safety: {study.adverse_events}" in text
    assert f"- Note: {study.note}" in text
    with pytest.raises(CourseError, match="no clinical study cites 'dominici2006'"):
        knowledge.study_summary("dominici2006")


def test_course_outline_lists_the_lessons_in_order():
    rows = table_rows(knowledge.course_outline())
    assert [row[0] for row in rows] == list(knowledge.LESSON_SLUGS)
    first = knowledge.lessons()[0]
    assert rows[0][1:] == ["Start here", str(first.minutes), first.topic]
    assert first.minutes == 40  # what lesson 00's title cell says (the linter keeps them equal)


@pytest.mark.parametrize(
    "text",
    [
        knowledge.interaction_list(source="MSC", target=["th1", "th2", "th17", "treg", "t_cell"]),
        knowledge.mediator_list(["pge2", "ido", "tgfb", "hgf", "il10", "tsg6", "hlag", "evs"]),
        knowledge.source_notes(),
        knowledge.isct_summary(),
    ],
    ids=["interactions", "mediators", "sources", "isct"],
)
def test_bracketed_citations_use_the_form_the_lesson_linter_resolves(text):
    names = cited_names(text)
    assert names and set(names) <= ALL_CITATIONS
    # Every bracket that holds a year is a citation the linter can read.
    assert len(re.findall(r"\[[^\]]*\d{4}\]", text)) == len(CITATION_PATTERN.findall(text))


# --- models ---------------------------------------------------------------------------------


def test_state_comparison_shows_the_model_steady_states():
    healthy, psoriatic = models.healthy_state(), models.psoriatic_state()
    rows = table_rows(models.state_comparison())
    assert rows[0] == ["healthy", f"{healthy.keratinocytes:,.0f}", f"{healthy.turnover_days:.1f}"]
    assert rows[1][1] == f"{psoriatic.keratinocytes:,.0f}"
    ratio = psoriatic.keratinocytes / healthy.keratinocytes
    assert rows[2][1] == f"{ratio:.1f} × more in psoriatic skin"


def test_steady_state_table_counts_stable_states_and_names_the_missing_one():
    rows = table_rows(models.steady_state_table("il172", [0.8, 1.0, 1.2]))
    healthy = models.healthy_state()
    assert [row[:2] for row in rows] == [["0.8", "2"], ["1", "2"], ["1.2", "1"]]
    assert rows[1][2] == f"{healthy.keratinocytes:,.0f}"
    # With 20% more IL-17 per T cell only the psoriatic state is left.
    assert rows[2][2] == "none" and rows[2][3] != "none"
    with pytest.raises(CourseError, match="unknown skin parameter 'il999'"):
        models.steady_state_table("il999", [1.0])


def test_steady_state_branches_agree_with_the_named_states():
    branches = models.steady_state_branches("il232", [1.0])
    assert branches.healthy[0] == pytest.approx(models.healthy_state().keratinocytes)
    assert branches.psoriatic[0] == pytest.approx(models.psoriatic_state().keratinocytes)
    assert skin_diagrams.steady_state_branches is models.steady_state_branches


def test_fixed_point_table_has_a_row_per_fixed_point():
    points = models.fixed_points()
    rows = table_rows(models.fixed_point_table())
    assert [row[0] for row in rows] == [p.kind for p in points]
    assert rows[0][3] == "none" and not math.isfinite(points[0].turnover_days)
    assert rows[-1] == ["stable", f"{points[-1].K:,.0f}", f"{points[-1].T:,.0f}", "7.0"]


def test_th17_condition_table_matches_the_simulations_and_shows_no_negative_zero():
    text = models.th17_condition_table()
    rows = table_rows(text)
    assert [row[:2] for row in rows] == [["1", "1"], ["0", "1"], ["1", "0"]]
    final = models.simulate_th17(il6=1, tgf=1).final
    assert rows[0][2:] == [f"{final['rorgt_mrna']:.3f}", f"{final['foxp3_mrna']:.3f}"]
    assert "-0.000" not in text


def test_mechanism_table_lists_every_mechanism_with_its_mapping_and_evidence():
    rows = table_rows(models.mechanism_table())
    assert [row[0] for row in rows] == [f"`{name}`" for name in models.MECHANISMS]
    for row, mechanism in zip(rows, models.MECHANISMS.values(), strict=True):
        assert row[3] == mechanism.mapping.lower()
        assert row[4] == "; ".join(knowledge.cite(r) for r in mechanism.refs)


def test_product_table_cites_sources_and_names_illustrative_settings():
    rows = {row[0]: row for row in table_rows(models.product_table())}
    assert set(rows) == set(models.PRODUCTS)
    assert rows["cells"][3].startswith("Eggenhofer 2012 (our reading)")
    assert rows["ev"][2] == "0.25" and rows["ev"][4] == "half_life_days, ec50"


def test_steady_state_plot_spans_the_factor_range_asked_for():
    drawn = diagrams.steady_state_plot("il232", factor_range=(0.6, 1.3), points=36)
    x = drawn.artists["lines"]["healthy"].get_xdata()
    assert np.allclose(x, np.linspace(0.6, 1.3, 36))
    plt.close(drawn.fig)
