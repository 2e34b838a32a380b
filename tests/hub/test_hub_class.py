"""A class on a local JupyterHub, end to end.

Two students log in with the shared password, follow the nbgitpuller link that clones the course
from a bare git repository into ``~/course``, run lesson 00's quiz cell in their own kernels,
answer questions through the quiz widget (attempts land in each student's own progress store) and
hand in with ``mscpso-edu submit`` into the exchange folder; the instructor collects and grades,
and the gradebook shows both students with their scores.

Needs the ``hub`` extra (jupyterhub, nbgitpuller) and configurable-http-proxy (npm), both set up
by ``make test`` / ``.ci/run``. Only loopback traffic.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("jupyterhub")
pytest.importorskip("nbgitpuller")

from hubharness import LocalHub, _alive, chp_command, make_course_repo

from mscpso_edu.classroom.exchange import collect, setup_exchange
from mscpso_edu.cli import main
from mscpso_edu.hub import nbgitpuller_link
from mscpso_edu.quiz.bank import load_bank

pytestmark = [
    pytest.mark.hub,
    pytest.mark.slow,
    pytest.mark.skipif(chp_command() is None, reason="configurable-http-proxy not installed"),
]

QUIZ = "00_start_here"
_IL23 = load_bank(QUIZ).question("il23_source").choices
RIGHT = next(c.id for c in _IL23 if c.correct)
WRONG = next(c.id for c in _IL23 if not c.correct)
NET = next(c.id for c in load_bank(QUIZ).question("net_lesson").choices if c.correct)
# What each student answers: question id -> the value put into the widget's control.
ANSWERS = {
    "alice": {"il23_source": RIGHT, "net_lesson": NET, "th17_treg_cytokine": "TGF-beta"},
    "bob": {"il23_source": WRONG, "net_lesson": NET, "th17_treg_cytokine": "IL-4"},
}
EXPECTED_POINTS = {"alice": 3.0, "bob": 1.0}

_STUDENT_CODE = """
import json, os, subprocess, sys
widget = _
assert type(widget).__name__ == "QuizWidget", type(widget)
points = {{}}
for question, value in json.loads({answers!r}).items():
    panel = widget.panel(question)
    panel.control.value = value
    points[question] = panel.submit().points
done = subprocess.run(
    [sys.executable, "-m", "mscpso_edu", "submit", "--quiz", "{quiz}"],  # student: hub user
    capture_output=True, text=True,
)
print(json.dumps({{"points": points, "submit": done.returncode, "out": done.stdout + done.stderr,
                  "home": os.environ["MSCPSO_EDU_HOME"]}}))
"""


def _quiz_cells(notebook: dict) -> tuple[str, str]:
    """Return the lesson's import cell and its end-of-lesson quiz cell."""
    code = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    setup = next(source for source in code if source.startswith("from mscpso_edu import"))
    quiz = next(source for source in code if source.strip() == f'quiz.show("{QUIZ}")')
    return setup, quiz


def test_two_students_pull_answer_submit_and_are_graded(tmp_path: Path, repo: Path) -> None:
    _, bare = make_course_repo(repo, tmp_path / "git")
    exchange = tmp_path / "exchange"
    setup_exchange(exchange, [QUIZ])
    hub = LocalHub(tmp_path / "hub", exchange)
    try:
        hub.start()
        students = sorted(ANSWERS)
        hub.create_users(students)
        link = nbgitpuller_link(hub.url, f"file://{bare}", branch="main", lesson="00")
        query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}
        results = {}
        for name in students:
            hub.start_server(name)
            # The student logs in with the shared password and follows the link: the hub sends
            # them to their own server's nbgitpuller page (its JavaScript then runs the pull).
            session = hub.login(name)
            page = session.get(link, timeout=120)
            assert page.status_code == 200, hub.log_tail()
            assert urlsplit(page.url).path == f"/user/{name}/git-pull"
            hub.git_pull(name, query)
            lesson = hub.server_api(name, "GET", f"/contents/course/lessons/{QUIZ}.ipynb").json()
            assert lesson["type"] == "notebook"
            setup, quiz_cell = _quiz_cells(lesson["content"])
            kernel = hub.start_kernel(name)
            hub.execute(name, kernel, setup)
            hub.execute(name, kernel, quiz_cell)
            code = _STUDENT_CODE.format(answers=json.dumps(ANSWERS[name]), quiz=QUIZ)
            printed = hub.execute(name, kernel, textwrap.dedent(code))
            results[name] = json.loads(printed.strip().splitlines()[-1])
            assert results[name]["submit"] == 0, results[name]["out"]
            session.close()
    finally:
        hub.stop()

    # Every process is gone: the hub, the proxy, both servers and their kernels.
    assert hub.process is None
    survivors = [proc for proc in hub._seen.values() if _alive(proc)]
    assert not survivors, [(proc.pid, proc.name(), proc.status()) for proc in survivors]

    # The course was cloned into each student's course/ folder.
    for name in students:
        assert (hub.home(name) / "course" / "lessons" / f"{QUIZ}.ipynb").is_file()
        assert (hub.home(name) / "course" / ".git").is_dir()

    # Each student's attempts are in their own progress store, under their own learner id.
    learners = set()
    for name in students:
        home = Path(results[name]["home"])
        assert home.parent == hub.home(name)
        with sqlite3.connect(home / "progress.sqlite3") as db:
            rows = db.execute("SELECT learner, question, points FROM attempts").fetchall()
        assert {question for _, question, _ in rows} == set(ANSWERS[name])
        assert sum(points for _, _, points in rows) == EXPECTED_POINTS[name]
        learners |= {learner for learner, _, _ in rows}
    assert len(learners) == 2

    # The instructor collects the hand-ins and grades them.
    assert sorted(p.name for p in (exchange / QUIZ).iterdir()) == ["alice.json", "bob.json"]
    collected = collect(exchange, tmp_path / "collected")
    assert not collected.skipped
    grades = tmp_path / "grades.csv"
    assert main(["grade", str(tmp_path / "collected"), "--out", str(grades)]) == 0
    rows = {row["student"]: row for row in csv.DictReader(grades.open(encoding="utf-8"))}
    assert sorted(rows) == students
    for name in students:
        assert float(rows[name][QUIZ]) == EXPECTED_POINTS[name]
        assert float(rows[name]["total"]) == EXPECTED_POINTS[name]
