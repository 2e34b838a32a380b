"""How fast are code exercises checked? (A benchmark, not a test.)

Two figures (issue 18):

1. **In the kernel:** checking one exercise with :func:`mscpso_edu.quiz.coderun.check_in_kernel`
   (the learner's function already defined, every test run and compared). Goal: < 100 ms.
2. **Grading a class with isolation:** ``--students`` (500) x 4 exercises, each student's source
   run in its own forked, memory- and time-limited process by :func:`~mscpso_edu.quiz.coderun.
   run_many` with ``--workers`` (2) server processes. Goal on 2 cores: < 20 s.

The class is synthetic and seeded: most answers are right, some wrong, some raise; with
``--loops N``, N exercises loop for ever (each costs its ``--time-limit`` on one worker).

The four exercises are the course's own when the banks hold code exercises (type ``code``);
until then, four of the same shape defined here (a PASI from region scores, an ISCT verdict, the
fraction of an EV dose left after t days, a Wilson interval).

Run: ``.venv/bin/python benchmarks/bench_code_exercises.py [--students 500] [--workers 2]
[--loops 0] [--time-limit 1.0] [--seed 2026]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from mscpso_edu.quiz.coderun import CodeJob, CodeTest, check_in_kernel, run_many

# name -> (right source, wrong source, tests)
_EXERCISES: dict[str, tuple[str, str, tuple[CodeTest, ...]]] = {
    "pasi": (
        "def pasi(regions):\n"
        "    weights = {'head': 0.1, 'upper': 0.2, 'trunk': 0.3, 'lower': 0.4}\n"
        "    return sum(weights[r] * (e + i + d) * a for r, (a, e, i, d) in regions.items())\n",
        "def pasi(regions):\n"
        "    return sum((e + i + d) * a for r, (a, e, i, d) in regions.items()) / 4\n",
        (
            CodeTest(args=({"head": [2, 1, 1, 1], "upper": [0, 0, 0, 0], "trunk": [0, 0, 0, 0],
                            "lower": [0, 0, 0, 0]},), expected=0.6, tolerance=1e-6),
            CodeTest(args=({"head": [6, 4, 4, 4], "upper": [6, 4, 4, 4], "trunk": [6, 4, 4, 4],
                            "lower": [6, 4, 4, 4]},), expected=72.0, tolerance=1e-6),
        ),
    ),
    "isct_verdict": (
        "def isct_verdict(positive, negative):\n"
        "    return min(positive) >= 95 and max(negative) <= 2\n",
        "def isct_verdict(positive, negative):\n    return min(positive) >= 95\n",
        (
            CodeTest(args=([98, 97, 99], [1, 1, 0.5]), expected=True),
            CodeTest(args=([98, 97, 99], [1, 5, 0.5]), expected=False),
            CodeTest(args=([90, 97, 99], [1, 1, 0.5]), expected=False),
        ),
    ),
    "fraction_left": (
        "def fraction_left(t_days, half_life_days):\n    return 0.5 ** (t_days / half_life_days)\n",
        "def fraction_left(t_days, half_life_days):\n"
        "    return 1 - t_days / (2 * half_life_days)\n",
        (
            CodeTest(args=(1, 1), expected=0.5, tolerance=1e-9),
            CodeTest(args=(3, 1), expected=0.125, tolerance=1e-9),
            CodeTest(args=(0, 2), expected=1.0, tolerance=1e-9),
        ),
    ),
    "wilson": (
        "import math\n"
        "def wilson(k, n, z=1.959964):\n"
        "    p = k / n\n"
        "    centre = (p + z * z / (2 * n)) / (1 + z * z / n)\n"
        "    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)\n"
        "    return [centre - half, centre + half]\n",
        "import math\n"
        "def wilson(k, n):\n"
        "    p = k / n\n"
        "    half = 1.96 * math.sqrt(p * (1 - p) / n)\n"
        "    return [p - half, p + half]\n",
        (
            CodeTest(args=(8, 17), expected=[0.2617, 0.6904], tolerance=5e-4),
            CodeTest(args=(0, 5), expected=[0.0, 0.4345], tolerance=5e-4),
        ),
    ),
}  # fmt: skip

_RAISES = "def {name}(*args):\n    raise ValueError('not finished')\n"
_LOOPS = "def {name}(*args):\n    while True:\n        pass\n"


def bench_kernel(repeats: int) -> dict[str, float]:
    """Median and worst ms of checking each exercise's right answer in this process."""
    out = {}
    for name, (right, _, tests) in _EXERCISES.items():
        namespace: dict = {}
        exec(right, namespace)
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            report = check_in_kernel(namespace[name], name, tests)
            samples.append(1e3 * (time.perf_counter() - start))
            assert report.all_passed, report
        out[name] = max(samples)
        print(
            f"  kernel check {name:14s} median {statistics.median(samples):6.2f} ms, "
            f"worst {max(samples):6.2f} ms"
        )
    return out


def class_jobs(students: int, loops: int, seed: int) -> list[CodeJob]:
    """A seeded class: 75% right, 20% wrong, 5% raising; ``loops`` exercises loop for ever."""
    rng = np.random.default_rng(seed)
    jobs = []
    for _ in range(students):
        for name, (right, wrong, tests) in _EXERCISES.items():
            draw = rng.random()
            code = right if draw < 0.75 else wrong if draw < 0.95 else _RAISES.format(name=name)
            jobs.append(CodeJob(code, name, tests))
    for index in rng.choice(len(jobs), size=loops, replace=False):
        jobs[index] = CodeJob(_LOOPS.format(name=jobs[index].name), jobs[index].name,
                              jobs[index].tests)  # fmt: skip
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--loops", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    print("Checking one exercise in the kernel (goal < 100 ms):")
    worst = max(bench_kernel(args.repeats).values())
    print(f"  worst of all: {worst:.2f} ms -> {'OK' if worst < 100 else 'TOO SLOW'}")

    jobs = class_jobs(args.students, args.loops, args.seed)
    print(
        f"Grading {args.students} students x {len(_EXERCISES)} exercises = {len(jobs)} isolated "
        f"runs, {args.workers} workers, {args.loops} looping, limit {args.time_limit:g} s "
        "(goal < 20 s):"
    )
    start = time.perf_counter()
    reports = run_many(jobs, workers=args.workers, time_limit=args.time_limit)
    elapsed = time.perf_counter() - start
    passed = sum(report.all_passed for report in reports)
    stopped = sum("did not finish" in (report.outcomes[0].message if report.outcomes else "")
                  for report in reports)  # fmt: skip
    print(f"  {elapsed:.2f} s ({1e3 * elapsed / len(jobs):.2f} ms per exercise); "
          f"{passed} fully right, {stopped} stopped at the time limit "
          f"-> {'OK' if elapsed < 20 else 'TOO SLOW'}")  # fmt: skip


if __name__ == "__main__":
    main()
