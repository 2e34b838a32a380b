"""The lessons' figures are drawn once per version of the course, then read back as images."""

from __future__ import annotations

import pytest

from mscpso_edu import diagrams
from mscpso_edu.diagrams import cached, core
from mscpso_edu.errors import CourseError


@pytest.fixture()
def counted(monkeypatch):
    """Count the real drawings of ``course_map`` behind the public (cached) function."""
    calls = []
    original = core.course_map

    def drawing(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    drawing.__qualname__ = original.__qualname__
    drawing.__module__ = original.__module__
    monkeypatch.setattr(diagrams, "course_map", cached.cached_figure(drawing))
    return calls


def test_a_figure_shown_once_is_read_back_without_drawing(counted):
    first = diagrams.course_map(highlight="03_keratinocytes")
    html = diagrams.show(first).data
    assert len(counted) == 1
    again = diagrams.course_map(highlight="03_keratinocytes")
    assert diagrams.show(again).data == html  # same image, same alt text
    assert again.alt_text == first.alt_text
    assert len(counted) == 1  # read back, not drawn
    assert isinstance(again, diagrams.Drawn)
    assert again.fig.axes  # asking for the figure draws it
    assert len(counted) == 2


def test_different_arguments_are_different_figures(counted):
    one = diagrams.show(diagrams.course_map(highlight="03_keratinocytes")).data
    other = diagrams.show(diagrams.course_map(highlight="05_dendritic_cells")).data
    assert one != other
    assert len(counted) == 2


def test_a_figure_changed_before_it_is_shown_is_not_stored(counted):
    changed = diagrams.course_map(highlight="03_keratinocytes")
    changed.ax.set_title("changed by the learner")
    diagrams.show(changed)
    plain = diagrams.course_map(highlight="03_keratinocytes")
    assert len(counted) == 2  # drawn again: the changed image was not kept
    assert diagrams.show(plain).data != diagrams.show(changed).data


def test_a_bad_argument_fails_at_the_call_even_after_good_ones_were_stored(counted):
    diagrams.show(diagrams.course_map(highlight="03_keratinocytes"))
    with pytest.raises(CourseError):
        diagrams.course_map(highlight="no_such_lesson")


def test_axes_and_objects_are_not_cached(counted):
    given = core.new_axes(None, (6, 4))[1]
    drawn = diagrams.course_map(ax=given)
    assert drawn.ax is given
    assert type(drawn) is diagrams.Drawn
    assert cached._digest([object()]) is None
    assert cached._digest({"a": given}) is None
    assert cached._digest([1, 2.5, "x", None, (True,), {"a": [1]}])


def test_arguments_are_named_exactly():
    import numpy as np

    from mscpso_edu.models import appraisal

    assert cached._digest((1,)) != cached._digest([1]) != cached._digest([1.0])
    big = np.linspace(0, 1, 5000)
    nudged = big.copy()
    nudged[2500] += 1e-12  # invisible in a repr of the array, not in its digest
    assert cached._digest(big) != cached._digest(nudged)
    assert cached._digest(big.astype(np.float32)) != cached._digest(big)
    pooled = appraisal.pool_response_rates()
    assert cached._digest(pooled) == cached._digest(appraisal.pool_response_rates())
    other = appraisal.random_effects([0.1, 0.5], [0.2, 0.3])
    assert cached._digest(pooled.meta) != cached._digest(other)


def test_a_new_version_of_the_course_draws_afresh(counted, monkeypatch):
    diagrams.show(diagrams.course_map(highlight="03_keratinocytes"))
    monkeypatch.setattr(cached, "_package_digest", lambda: "another version")
    diagrams.show(diagrams.course_map(highlight="03_keratinocytes"))
    assert len(counted) == 2


def test_the_package_digest_changes_with_any_package_file(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("y: 1\n", encoding="utf-8")
    monkeypatch.setattr(cached, "_PACKAGE", tmp_path)
    cached._package_digest.cache_clear()
    before = cached._package_digest()
    (tmp_path / "b.yaml").write_text("y: 2\n", encoding="utf-8")
    cached._package_digest.cache_clear()
    after = cached._package_digest()
    cached._package_digest.cache_clear()
    assert before != after


def test_an_unwritable_cache_only_costs_speed(counted, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("MSCPSO_EDU_CACHE", str(blocked / "cache"))
    html = diagrams.show(diagrams.course_map(highlight="03_keratinocytes")).data
    assert diagrams.show(diagrams.course_map(highlight="03_keratinocytes")).data == html
    assert len(counted) == 2


def test_the_progress_view_reads_its_images_back_until_the_learner_answers(monkeypatch):
    from mscpso_edu import quiz
    from mscpso_edu.quiz import dashboard
    from mscpso_edu.quiz.store import ProgressStore

    renders = []
    original = core.to_png
    monkeypatch.setattr(
        core, "to_png", lambda drawn, **kw: renders.append(drawn.alt_text[:30]) or original(drawn)
    )
    first = quiz.progress()._repr_html_()
    assert len(renders) == 2  # score bars and mastery map
    assert quiz.progress()._repr_html_() == first
    assert len(renders) == 2  # both read back
    with ProgressStore() as store:
        store.record("ann", "00_start_here", "il23_source", "a", 1.0, 1.0, True)
    after = quiz.progress()
    assert after._repr_html_() != first
    assert len(renders) == 4  # new scores, new estimates: both drawn
    assert "00_start_here 1 of" in after.alt_text
    assert dashboard.progress_rows(ProgressStore())[0].attempts == 1


def test_images_of_other_versions_of_the_course_are_deleted(counted, monkeypatch, tmp_path):
    monkeypatch.setenv("MSCPSO_EDU_CACHE", str(tmp_path))
    cached._prune.cache_clear()
    monkeypatch.setattr(cached, "_package_digest", lambda: "a" * 64)
    diagrams.show(diagrams.course_map(highlight="03_keratinocytes"))
    other = tmp_path / "unrelated-result.json"
    other.write_text("{}", encoding="utf-8")
    assert len(list(tmp_path.glob("figure-*.json"))) == 1
    cached._prune.cache_clear()  # a new process, after the course changed
    monkeypatch.setattr(cached, "_package_digest", lambda: "b" * 64)
    diagrams.show(diagrams.course_map(highlight="03_keratinocytes"))
    cached._prune.cache_clear()
    names = [path.name for path in tmp_path.glob("figure-*.json")]
    assert len(names) == 1 and names[0].startswith("figure-bbbbbbbbbbbb-")
    assert other.exists()  # only the figure cache's own files
