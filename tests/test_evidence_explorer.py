"""The evidence explorer and study tables: driven as a learner would, checked against the data."""

from __future__ import annotations

from mscpso_edu import knowledge
from mscpso_edu.widgets.evidence_explorer import (
    evidence_table,
    explore_evidence,
    matching,
    pasi_improvement,
    route_groups,
)

ALL = "__all__"


def _published():
    return [s for s in knowledge.load().clinical_studies if s.published]


def test_every_published_study_matches_with_no_filter():
    explorer = explore_evidence()
    assert explorer.last_error is None
    total = sum(s.n for s in _published())
    assert f"{len(_published())} of {len(_published())} published studies" in explorer.readout.value
    assert f"{total} participants" in explorer.readout.value


def test_source_filter_keeps_only_that_source_and_greys_the_rest():
    explorer = explore_evidence()
    before = explorer.png
    explorer.controls["source"].value = "umbilical_cord"
    expected = [s for s in _published() if s.source == "umbilical_cord"]
    assert expected, "the knowledge base should hold umbilical-cord studies"
    assert f"{len(expected)} of {len(_published())}" in explorer.readout.value
    assert explorer.png != before
    for study in expected:
        assert knowledge.cite(study.ref) in explorer.alt_text


def test_filters_combine_and_can_leave_nothing():
    explorer = explore_evidence()
    explorer.controls["product"].value = "exosomes"
    explorer.controls["route"].value = "intravenous"
    assert "No published study matches" in explorer.readout.value
    explorer.reset()
    assert explorer.controls["product"].value == ALL


def test_route_groups_split_combined_routes():
    yao = next(s for s in _published() if s.id == "yao2021_trial")
    assert route_groups(yao) == {"intravenous"}
    bajouri = next(s for s in _published() if s.id == "bajouri2023_trial")
    assert route_groups(bajouri) == {"injected into the skin"}
    ahn = next(s for s in _published() if s.id == "ahn2021_case")  # abstract gives no route
    assert route_groups(ahn) == {"route not stated"}
    values = {"source": ALL, "product": ALL, "route": "injected into the skin", "evidence": ALL}
    assert {s.id for s in matching(_published(), values)} == {"bajouri2023_trial"}


def test_pasi_improvement_is_computed_from_the_reported_pair():
    comella = next(s for s in _published() if s.id == "comella2018_case")
    expected = 100 * (comella.pasi_before - comella.pasi_after) / comella.pasi_before
    assert pasi_improvement(comella) == expected
    assert pasi_improvement(next(s for s in _published() if s.id == "yao2021_trial")) is None


def test_tables_list_every_study_once():
    published = evidence_table(knowledge.clinical_studies(published=True))
    assert len(published) == len(_published())
    # oldest first; a study known through a review is named by its own authors and the review's
    assert [row[0] for row in published.rows[:2]] == [
        "Chen 2016, as reported by Sierra-Sánchez 2021",
        "Comella 2018",
    ]
    registered = evidence_table(knowledge.clinical_studies(published=False))
    assert {row[0] for row in registered.rows} == {
        s.registry for s in knowledge.load().clinical_studies if not s.published
    }
    markdown = published.to_markdown()
    assert markdown.count("\n") == len(published) + 1
    assert "<table>" in published._repr_html_()


def test_a_study_cited_through_a_review_shows_the_reviews_words_as_second_hand():
    chen = next(s for s in _published() if s.id == "chen2016_case")
    assert (chen.n, chen.evidence, chen.source) == (2, "case_report", "umbilical_cord")
    assert chen.support and all(item.secondhand for item in chen.support)
    assert "Chen et al., 2016" in chen.support[0].quote
    row = next(row for row in evidence_table([chen]).rows if row[0].startswith("Chen 2016"))
    assert "as reported by Sierra-Sánchez 2021" in row[0] and row[5] == "2"
