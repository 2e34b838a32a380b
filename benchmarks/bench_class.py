"""Benchmark: a class of 500 synthetic students x 12 quizzes, graded end to end.

Run with ``.venv/bin/python benchmarks/bench_class.py [--students 500] [--quizzes 12]``.

It copies the course's valid banks into a temporary answer-key folder (re-using banks under new
slugs when there are fewer than 12), writes one synthetic submission per student and quiz, then
times what ``mscpso-edu grade`` does: read and verify every submission, grade it with the key,
and write ``grades.csv``, the long CSV, the Canvas CSV and the HTML report with item analysis.
Goal: grading plus outputs in under 10 seconds (nbgrader runs a kernel per notebook, about a
second or more each).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from mscpso_edu.classroom.analysis import report_html
from mscpso_edu.classroom.gradebook import canvas_csv, grades_csv, long_csv
from mscpso_edu.classroom.grading import grade_submissions
from mscpso_edu.classroom.synthetic import synthetic_submission
from mscpso_edu.errors import CourseError
from mscpso_edu.fileio import atomic_write_text
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

        start = time.perf_counter()
        run = grade_submissions([subs], key)
        graded = time.perf_counter() - start
        start = time.perf_counter()
        for name, writer in (
            ("grades.csv", grades_csv),
            ("long.csv", long_csv),
            ("canvas.csv", canvas_csv),
        ):
            atomic_write_text(out / name, writer(run))
        csvs = time.perf_counter() - start
        start = time.perf_counter()
        atomic_write_text(out / "report.html", report_html(run))
        report = time.perf_counter() - start

    total = graded + csvs + report
    responses = args.students * questions
    print(f"{args.students} students x {len(banks)} quizzes ({questions} questions per student)")
    print(f"  generate + write submissions : {generated:6.2f} s")
    print(
        f"  read, verify and grade       : {graded:6.2f} s "
        f"({len(run.graded)} graded, {len(run.skipped)} skipped, "
        f"{responses / graded:,.0f} responses/s)"
    )
    print(f"  grades, long and Canvas CSVs : {csvs:6.2f} s")
    print(f"  HTML report + item analysis  : {report:6.2f} s")
    print(f"  grade + outputs              : {total:6.2f} s")
    overall = total + generated
    print(
        f"  total with generation        : {overall:6.2f} s  (goal < 10 s: "
        f"{'met' if overall < 10 else 'missed'})"
    )


if __name__ == "__main__":
    main()
