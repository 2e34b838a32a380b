"""Expensive model results are computed once per model version, and a cached one equals a fresh
computation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mscpso_edu import results_cache
from mscpso_edu.diagrams.skin import treatment_outcomes
from mscpso_edu.errors import CourseError
from mscpso_edu.models import skin_circuit


@pytest.fixture()
def count_runs(monkeypatch):
    calls = []
    original = skin_circuit.simulate_skin

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(skin_circuit, "simulate_skin", counting)
    return calls


def test_the_outcome_grid_is_computed_once_and_read_back_equal(count_runs, tmp_path, monkeypatch):
    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    grid = ("tolerogenic_dc", [0.3, 0.6, 0.9], [14, 56])
    fresh = treatment_outcomes(*grid)
    assert len(count_runs) == 6
    again = treatment_outcomes(*grid)
    assert len(count_runs) == 6  # read from the cache
    assert again.dtype == bool and again.shape == (3, 2)
    np.testing.assert_array_equal(again, fresh)
    # Another grid is another key.
    treatment_outcomes("tolerogenic_dc", [0.3], [14])
    assert len(count_runs) == 7


def test_the_shipped_defaults_recomputed_match_the_cache(tmp_path, monkeypatch):
    """The lesson's map and relapse thresholds, computed twice in fresh caches, agree."""
    for folder in ("a", "b"):
        monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path / folder))
        note = skin_circuit.relapse_comparison()
        if folder == "a":
            first = str(note)
    assert str(note) == first
    assert len(list((tmp_path / "b").glob("relapse_thresholds-*.json"))) == 1


def test_a_change_of_model_code_is_a_new_key(tmp_path, monkeypatch):
    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path / "cache"))
    code = tmp_path / "model.py"
    code.write_text("RATE = 1\n")
    computed = []

    def compute():
        computed.append(1)
        return [1, 2]

    assert results_cache.cached_result("demo", {"a": 1}, compute, extra_files=[code]) == [1, 2]
    assert results_cache.cached_result("demo", {"a": 1}, compute, extra_files=[code]) == [1, 2]
    assert len(computed) == 1
    code.write_text("RATE = 2\n")
    results_cache._file_digest.cache_clear()
    results_cache.cached_result("demo", {"a": 1}, compute, extra_files=[code])
    assert len(computed) == 2


def test_a_damaged_or_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    assert results_cache.cached_result("demo", [], lambda: {"x": 1}) == {"x": 1}
    (stored,) = tmp_path.glob("demo-*.json")
    stored.write_text("{not json")
    assert results_cache.cached_result("demo", [], lambda: {"x": 2}) == {"x": 2}
    assert json.loads(stored.read_text())["value"] == {"x": 2}
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv(results_cache.CACHE_ENV, str(blocked / "cache"))  # cannot be a folder
    assert results_cache.cached_result("demo", [], lambda: 3) == 3


def test_the_cache_folder_is_the_users_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    assert results_cache.cache_dir() == tmp_path
    monkeypatch.delenv(results_cache.CACHE_ENV)
    assert "mscpso-edu" in str(results_cache.cache_dir())


def test_knowledge_files_found_valid_are_not_validated_again(tmp_path, monkeypatch):
    """A knowledge file validated clean once is remembered; a changed one is validated again and
    its problems are reported with their lines (problems are never cached)."""
    import shutil

    from mscpso_edu import knowledge
    from mscpso_edu.knowledge import _schema

    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path / "cache"))
    calls = []
    original = _schema._schema_problems
    monkeypatch.setattr(
        _schema, "_schema_problems", lambda *args: calls.append(args[0]) or original(*args)
    )
    assert knowledge.validate() == []
    first = len(calls)
    assert first >= 10
    assert knowledge.validate() == []
    assert len(calls) == first  # every file remembered as valid
    folder = tmp_path / "kb"
    shutil.copytree(
        knowledge.DATA_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    glossary = folder / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "unexpected: 1\n", encoding="utf-8")
    for _ in range(2):
        problems = knowledge.validate(folder)
        assert any(p.path == str(glossary) and p.line for p in problems), problems


def test_a_steady_state_scan_read_back_equals_the_fresh_one(tmp_path, monkeypatch):
    """Branches with missing states (NaN) survive the cache exactly."""
    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    factors = [0.5, 1.0, 1.5, 3.0]
    fresh = skin_circuit.steady_state_branches("il172", factors)
    assert any(np.isnan(fresh.healthy)) or any(np.isnan(fresh.psoriatic))
    calls = []
    monkeypatch.setattr(skin_circuit, "_stable_pair", lambda p: calls.append(p))
    cached = skin_circuit.steady_state_branches("il172", factors)
    assert calls == []  # read, not recomputed
    for name in ("factors", "healthy", "psoriatic", "threshold"):
        np.testing.assert_array_equal(getattr(cached, name), getattr(fresh, name))


def test_the_published_steady_states_read_back_exactly(tmp_path, monkeypatch):
    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    skin_circuit.steady_states.cache_clear()
    fresh = skin_circuit.steady_states()
    skin_circuit.steady_states.cache_clear()
    monkeypatch.setattr(skin_circuit, "_brentq", lambda *a, **k: pytest.fail("recomputed"))
    cached = skin_circuit.steady_states()
    skin_circuit.steady_states.cache_clear()
    assert cached == fresh  # every variable bit for bit, and the stability flags
    assert [s.stable for s in cached] == [True, False, True]


def test_the_th17_table_read_back_equals_the_fresh_one(tmp_path, monkeypatch):
    from mscpso_edu.models import th17_treg

    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    fresh = str(th17_treg.th17_condition_table([(1, 1), (0, 1)]))
    monkeypatch.setattr(th17_treg, "simulate_th17", lambda **kw: pytest.fail("recomputed"))
    assert str(th17_treg.th17_condition_table([(1, 1), (0, 1)])) == fresh
    assert "| 1 | 1 | 0.302 | 0.078 |" in fresh


def test_a_bank_found_valid_is_not_validated_again_and_a_broken_one_always_is(
    tmp_path, monkeypatch
):
    """``quiz.progress`` reads every bank: a bank already found valid skips the schema check,
    while a broken copy is still reported with its line, however often it is read."""
    from mscpso_edu.paths import quizzes_dir
    from mscpso_edu.quiz import bank

    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path / "cache"))
    calls = []
    original = bank._validate
    monkeypatch.setattr(bank, "_validate", lambda *args: calls.append(args[2]) or original(*args))
    source = quizzes_dir() / "00_start_here.yaml"
    assert bank.read_bank(source)[1] == []
    assert len(calls) == 1
    assert bank.read_bank(source)[1] == []
    assert len(calls) == 1  # remembered as valid
    broken = tmp_path / "00_start_here.yaml"
    broken.write_text(
        source.read_text(encoding="utf-8").replace("questions:", "unexpected: 1\nquestions:", 1),
        encoding="utf-8",
    )
    for _ in range(2):
        found, problems = bank.read_bank(broken)
        assert found is None
        assert any("unexpected" in p.message and p.line for p in problems), problems
    assert len(calls) == 3  # checked afresh each time


def test_the_phase_plane_streamlines_are_streamplots_own_and_read_back_exactly(
    tmp_path, monkeypatch
):
    """The phase planes draw the streamlines ``streamplot`` traces, from the results cache."""
    from matplotlib.figure import Figure

    from mscpso_edu.diagrams import phase
    from mscpso_edu.models import bistable_core

    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    phase.core_streamlines.cache_clear()
    fresh_lines, fresh_arrows = phase.core_streamlines(0.8)
    ax = Figure().add_subplot()
    T, K, dT, dK = bistable_core.vector_field(
        None, np.linspace(0, 6000, 25), np.linspace(0, 150000, 25)
    )
    drawn = ax.streamplot(T, K / 1e3, dT, dK / 1e3, density=0.8)
    expected = drawn.lines.get_segments()
    assert len(fresh_lines) == len(expected) > 20
    for line, want in zip(fresh_lines, expected, strict=True):
        np.testing.assert_allclose(line, want)
    assert len(fresh_arrows) == len(ax.patches)
    phase.core_streamlines.cache_clear()
    monkeypatch.setattr(phase, "_trace_streamlines", lambda density: pytest.fail("recomputed"))
    lines, arrows = phase.core_streamlines(0.8)
    phase.core_streamlines.cache_clear()
    assert arrows == fresh_arrows
    for line, want in zip(lines, fresh_lines, strict=True):
        np.testing.assert_array_equal(line, want)


def test_a_random_effects_pool_reads_back_exactly(tmp_path, monkeypatch):
    """Lesson 08's pool is read back (scipy.stats takes most of a second to import)."""
    from mscpso_edu.models import appraisal

    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    effects, variances = [0.2, -0.4, 1.1], [0.3, 0.25, 0.5]
    fresh = appraisal.random_effects(effects, variances)
    assert fresh.tau2 > 0  # the root-finding branch
    lesson = appraisal.pool_response_rates()
    monkeypatch.setattr(appraisal, "_random_effects", lambda *a: pytest.fail("recomputed"))
    assert appraisal.random_effects(effects, variances) == fresh
    assert appraisal.pool_response_rates() == lesson
    with pytest.raises(CourseError):
        appraisal.random_effects([0.1, 0.2], [0.2, 0.0])  # bad input is refused, never cached


def test_a_parsed_yaml_text_reads_back_exactly_and_a_broken_one_is_refused_each_time(
    tmp_path, monkeypatch
):
    from pathlib import Path

    from mscpso_edu import yamlfile

    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    text = "a: 1\nb:\n  - x\n  - 2.5\n  - null\nc: {d: true, e: .inf}\n"
    fresh = yamlfile.compose(text, Path("f.yaml"))
    monkeypatch.setattr(yamlfile, "_compose", lambda *a: pytest.fail("parsed again"))
    assert yamlfile.compose(text, Path("f.yaml")) == fresh
    assert fresh[1][("b", 1)] == 4 and fresh[1][("c", "d")] == 6
    monkeypatch.undo()
    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    for _ in range(2):
        with pytest.raises(CourseError, match="appears twice") as error:
            yamlfile.compose("a: 1\na: 2\n", Path("g.yaml"))
        assert error.value.line == 2


def test_a_therapy_ensemble_reads_back_exactly(tmp_path, monkeypatch):
    """Lesson 07's fan of virtual patients is read back, array for array."""
    from mscpso_edu import models
    from mscpso_edu.models import ensemble

    monkeypatch.setenv(results_cache.CACHE_ENV, str(tmp_path))
    therapy = [models.ConstantEffect("tolerogenic_dc", 0.5, 0.0, 28.0)]
    ensemble._ensemble.cache_clear()
    fresh = models.therapy_ensemble(therapy, n=4, days=60.0)
    ensemble._ensemble.cache_clear()
    monkeypatch.setattr(ensemble, "_compute_ensemble", lambda *a: pytest.fail("recomputed"))
    again = models.therapy_ensemble(therapy, n=4, days=60.0)
    ensemble._ensemble.cache_clear()
    for name in ("t", "pasi", "factors", "reference"):
        np.testing.assert_array_equal(getattr(again, name), getattr(fresh, name))
    assert not again.pasi.flags.writeable
    for name in ("final_states", "no_healthy_state", "parameters", "spread", "seed", "redrawn"):
        assert getattr(again, name) == getattr(fresh, name)
    assert again.therapies == tuple(therapy)
    other = [models.ConstantEffect("tolerogenic_dc", 0.6, 0.0, 28.0)]
    with pytest.raises(pytest.fail.Exception):  # other arguments are computed, not read
        models.therapy_ensemble(other, n=4, days=60.0)
    ensemble._ensemble.cache_clear()
