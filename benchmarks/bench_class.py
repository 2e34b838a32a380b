"""Benchmark: a class of 500 synthetic students x 12 quizzes, graded end to end.

Run with ``.venv/bin/python benchmarks/bench_class.py [--students 500] [--quizzes 12]``.

It copies the course's valid banks into a temporary answer-key folder (re-using banks under new
slugs when there are fewer than 12) and writes one synthetic submission per student and quiz
(not timed). Then it runs ``mscpso-edu grade`` **as a subprocess**, exactly as an instructor
would, with every output: ``grades.csv``, the long CSV, the Canvas CSV and the HTML report with
item analysis, and times it from outside (wall clock, imports included). The split comes from the
command's own ``--timings`` line: start-up (interpreter, imports, parsing the command line: the
wall time the command did not account for), load (key banks, reading and checking every
submission file), grade, write (the three CSVs) and report.

Goal: under 3 s wall on 2 cores (issue 13).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from mscpso_edu.classroom.synthetic import synthetic_submission
from mscpso_edu.errors import CourseError
from mscpso_edu.paths import quizzes_dir
from mscpso_edu.quiz.bank import load_bank


def build_key(folder: Path, quizzes: int) -> list[Path]:
    """Copy valid course banks into ``folder``, re-used under new slugs up to ``quizzes``."""
    sources = []
    for path in sorted(quizzes_dir().glob("*.yaml")):
        try:
            load_bank(path)
        except CourseError as error:
            print(f"  (skipping a bank that does not load: {error})")
            continue
        sources.append(path)
    if not sources:
        raise SystemExit("no valid banks in quizzes/")
    written = []
    for index in range(quizzes):
        source = sources[index % len(sources)]
        if index < len(sources):
            target = folder / source.name
            target.write_bytes(source.read_bytes())
        else:
            slug = f"{50 + index:02d}_copy_of_{source.stem[3:]}"
            text = re.sub(r"(?m)^lesson: .*$", f"lesson: {slug}", source.read_text("utf-8"))
            target = folder / f"{slug}.yaml"
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--quizzes", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        key, subs, out = root / "key", root / "submissions", root / "out"
        for folder in (key, subs, out):
            folder.mkdir()
        banks = [load_bank(path) for path in build_key(key, args.quizzes)]
        rng = np.random.default_rng(2026)
        start = time.perf_counter()
        for number in range(args.students):
            ability = float(rng.normal(0.5, 1.2))
            for bank in banks:
                sub = synthetic_submission(
                    bank, f"s{number:04d}", f"learner-{number}", ability, rng
                )
                # Plain writes: each student writes their own file atomically, one fsync each;
                # 6000 fsyncs in a row would time the disk, not the course.
                (subs / f"s{number:04d}__{bank.lesson}.json").write_text(
                    json.dumps(sub, indent=2, sort_keys=True), encoding="utf-8"
                )
        generated = time.perf_counter() - start
        questions = sum(len(bank) for bank in banks)

        command = _grade_command()
        args = [
            *command, "grade", str(subs), "--key", str(key), "--out", str(out / "grades.csv"),
            "--long", str(out / "long.csv"), "--canvas", str(out / "canvas.csv"),
            "--report", str(out / "report.html"), "--timings",
        ]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, env=os.environ.copy())
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"grade exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        line = next(x for x in done.stdout.splitlines() if x.startswith("timings: "))
        steps = dict(
            (name, float(value.split()[0]))
            for name, value in (part.split(" ", 1) for part in line[9:].split(", "))
        )
        sizes = {name: (out / name).stat().st_size for name in sorted(os.listdir(out))}

    print(f"{args_students(done)} -> {len(banks)} quizzes, {questions} questions per student")
    print(f"  (generate + write submissions, not timed: {generated:.2f} s)")
    print(f"  command: {' '.join(command)} grade SUBMISSIONS --key KEY --out --long --canvas")
    print("           --report --timings   (subprocess, wall clock from outside)")
    print(f"  start-up (interpreter, imports, parser) : {wall - steps['total']:6.2f} s")
    print(f"  load (key banks, read + check files)   : {steps['load']:6.2f} s")
    print(f"  grade                                  : {steps['grade']:6.2f} s")
    print(f"  write grades, long and Canvas CSVs     : {steps['write']:6.2f} s")
    print(f"  report (item analysis, figures, HTML)  : {steps['report']:6.2f} s")
    print(f"  total, end to end                      : {wall:6.2f} s  (goal < 3 s: "
          f"{'met' if wall < 3 else 'missed'})")  # fmt: skip
    print(
        f"  CPU time of the command (user + sys)   : {cpu:6.2f} s  (machine load average "
        f"{load_before:.1f} on {os.cpu_count()} cores when it started: on a busy machine the "
        "wall time exceeds the CPU time)"
    )
    print("  outputs: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes.items()))


def args_students(done: subprocess.CompletedProcess[str]) -> str:
    """The command's own summary line (how many submissions and students it graded)."""
    return next(x for x in done.stdout.splitlines() if x.startswith("Graded "))


def _grade_command() -> list[str]:
    """``mscpso-edu`` next to this Python (the installed console script), else ``python -m``."""
    script = Path(sys.executable).with_name("mscpso-edu")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "mscpso_edu"]


if __name__ == "__main__":
    main()
