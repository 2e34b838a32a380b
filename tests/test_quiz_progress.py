"""``mscpso-edu progress`` and the dashboard figure."""

from __future__ import annotations

import io

import pytest
from matplotlib.figure import Figure

from mscpso_edu import cli, quiz
from mscpso_edu.quiz.store import ProgressStore


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MSCPSO_EDU_HOME", str(tmp_path))
    with ProgressStore(tmp_path / "progress.sqlite3") as store:
        store.record("ann", "00_start_here", "il23_source", "a", 1.0, 1.0, True)
        store.record("ann", "00_start_here", "il23_source", "b", 0.0, 1.0, False)
        store.record("ann", "00_start_here", "isct_criteria", ["a"], 1.0, 3.0, False)
    return tmp_path


def test_progress_prints_a_per_lesson_table(home, capsys):
    assert cli.main(["progress"]) == 0
    out = capsys.readouterr().out
    total = quiz.load_bank("00_start_here").max_points
    questions = len(quiz.load_bank("00_start_here"))
    row = next(line for line in out.splitlines() if line.startswith("00_start_here"))
    assert row.split()[:4] == ["00_start_here", f"2/{questions}", f"2/{total:g}", "3"]


def test_reset_refuses_without_a_terminal_or_yes(home, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli.main(["progress", "--reset"]) == 2
    err = capsys.readouterr().err
    assert "refusing to delete progress without confirmation" in err and "--yes" in err
    assert "Traceback" not in err
    with ProgressStore(home / "progress.sqlite3") as store:
        assert store.count() == 3


def test_reset_asks_and_respects_the_answer(home, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert cli.main(["progress", "--reset"]) == 1
    assert "Nothing deleted" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert cli.main(["progress", "--reset"]) == 0
    assert "Deleted 3 attempt(s)" in capsys.readouterr().out


def test_reset_with_yes_deletes(home, capsys):
    assert cli.main(["progress", "--reset", "--yes"]) == 0
    with ProgressStore(home / "progress.sqlite3") as store:
        assert store.count() == 0


def test_dashboard_figure_shows_the_best_share_per_lesson(home):
    drawn = quiz.progress()
    figure = drawn.fig
    assert isinstance(figure, Figure)
    # In a notebook it shows as an image that carries its alt text.
    assert 'alt="Bar chart of the best quiz score per lesson' in drawn._repr_html_()
    ax = figure.axes[0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert "00_start_here" in labels
    total = quiz.load_bank("00_start_here").max_points
    widths = [bar.get_width() for bar in ax.patches[len(labels) :]]
    assert widths[labels.index("00_start_here")] == pytest.approx(100 * 2 / total)
    assert "00_start_here 2 of" in figure.alt_text
