"""How fast are code exercises checked? (A benchmark, not a test.)

Two figures (issue 18), for the course's own code exercises (every bank question of type
``code``):

1. **In the kernel:** pressing **Check** on one exercise (a practice :class:`~mscpso_edu.quiz.
   widget.QuestionPanel` holding the worked solution: the code is run in a fresh namespace, every
   test run and compared, the feedback rendered). Goal: < 100 ms.
2. **Grading a class with isolation:** ``--students`` (500) x the exercises (4), each student's
   source run in its own forked, memory- and time-limited process by :func:`~mscpso_edu.quiz.
   coderun.run_many` with ``--workers`` (2) server processes. Every student's code is made
   distinct (a comment with their number), so nothing is deduplicated. Goal on 2 cores: < 20 s.

The class is seeded: 75% of answers are the worked solution, 20% the starter (wrong), 5% raise;
with ``--loops N``, N exercises loop for ever (each costs the exercise's time limit on a worker).

Run: ``.venv/bin/python benchmarks/bench_code_exercises.py [--students 500] [--workers 2]
[--loops 0] [--repeats 200] [--seed 2026]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from mscpso_edu import knowledge
from mscpso_edu.paths import quizzes_dir
from mscpso_edu.quiz import questions as q
from mscpso_edu.quiz.bank import load_bank
from mscpso_edu.quiz.coderun import run_many
from mscpso_edu.quiz.widget import QuestionPanel


def exercises() -> list[tuple[str, q.CodeQuestion]]:
    """Every code exercise of the course's banks, with its lesson."""
    found = []
    for path in sorted(quizzes_dir().glob("*.yaml")):
        bank = load_bank(path)
        found += [(bank.lesson, x) for x in bank.questions if isinstance(x, q.CodeQuestion)]
    return found


def bench_kernel(repeats: int) -> float:
    """Print the median and worst ms of pressing Check on each exercise; return the worst.

    The knowledge base is loaded first, as every lesson has by the time it reaches an exercise:
    the feedback cites references, and the first citation in a fresh process loads it (about
    0.4 s, the same for every question type).
    """
    knowledge.load()
    worst = 0.0
    for lesson, question in exercises():
        panel = QuestionPanel(
            question, number=1, lesson=lesson, mode="practice", learner="bench", store=None
        )
        panel.inputs["code"].value = question.solution
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            result = panel.submit()
            samples.append(1e3 * (time.perf_counter() - start))
            assert result is not None and result.correct, panel.feedback.value
        worst = max(worst, max(samples))
        print(
            f"  Check {question.id:20s} median {statistics.median(samples):6.2f} ms, "
            f"worst {max(samples):6.2f} ms"
        )
    return worst


def class_jobs(students: int, loops: int, seed: int) -> list:
    """A seeded class of isolated jobs (see the module docstring)."""
    rng = np.random.default_rng(seed)
    jobs = []
    for student in range(students):
        for _, question in exercises():
            draw = rng.random()
            if draw < 0.75:
                code = question.solution
            elif draw < 0.95:
                code = question.starter
            else:
                code = f"def {question.name}(*args):\n    raise ValueError('not finished')\n"
            jobs.append(question.job(f"# student {student}\n{code}"))
    for index in rng.choice(len(jobs), size=loops, replace=False):
        name = jobs[index].name
        looping = f"def {name}(*args):\n    while True:\n        pass\n"
        jobs[index] = type(jobs[index])(looping, name, jobs[index].tests, True, None)
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--loops", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    print("Pressing Check on one exercise in the kernel (goal < 100 ms):")
    worst = bench_kernel(args.repeats)
    print(f"  worst of all: {worst:.2f} ms -> {'OK' if worst < 100 else 'TOO SLOW'}")

    jobs = class_jobs(args.students, args.loops, args.seed)
    print(
        f"Grading {args.students} students x {len(exercises())} exercises = {len(jobs)} isolated "
        f"runs, {args.workers} workers, {args.loops} looping (goal < 20 s):"
    )
    start = time.perf_counter()
    reports = run_many(jobs, workers=args.workers)
    elapsed = time.perf_counter() - start
    passed = sum(report.all_passed for report in reports)
    stopped = sum(
        any("did not finish" in outcome.message for outcome in report.outcomes)
        for report in reports
    )
    print(
        f"  {elapsed:.2f} s ({1e3 * elapsed / len(jobs):.2f} ms per exercise); {passed} fully "
        f"right, {stopped} stopped at the time limit -> {'OK' if elapsed < 20 else 'TOO SLOW'}"
    )


if __name__ == "__main__":
    main()
