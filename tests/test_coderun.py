"""Isolated grading of code: each exercise runs in its own limited process.

What a grader would check: a right answer passes and a wrong one fails with the test's feedback;
code that raises, loops for ever, allocates without bound or crashes its process fails that
exercise only, within the limit, and the exercises after it are graded as usual.
"""

from __future__ import annotations

import time

import pytest

from mscpso_edu.quiz.coderun import (
    CodeJob,
    CodeReport,
    CodeTest,
    check_in_kernel,
    defined_names,
    run_isolated,
    run_many,
)

LIMIT = 0.3
TESTS = (
    CodeTest(args=(2.0,), expected=4.0, tolerance=0.01, feedback="Double the input."),
    CodeTest(args=(), kwargs={"x": -1.5}, expected=-3.0, tolerance=0.01),
)
RIGHT = "def double(x):\n    return 2 * x\n"
WRONG = "def double(x):\n    return x + 2\n"
RAISES = "def double(x):\n    return x / 0\n"
LOOPS = "def double(x):\n    while True:\n        pass\n"
ALLOCATES = (
    "def double(x):\n    hoard = []\n    while True:\n        hoard.append(bytearray(20_000_000))\n"
)
C_LOOP = "def double(x):\n    return sum(range(10**12))\n"  # a C loop: no signal stops it
CRASHES = "import ctypes\ndef double(x):\n    return ctypes.string_at(0)\n"


def _job(code: str) -> CodeJob:
    return CodeJob(code, "double", TESTS)


def test_right_and_wrong_solutions_are_told_apart_with_the_tests_feedback():
    right, wrong = run_many([_job(RIGHT), _job(WRONG)], time_limit=LIMIT)
    assert right.all_passed and right.passed == 2 and right.problem == ""
    assert wrong.passed == 1  # x + 2 happens to give 4 for 2, not -3 for -1.5
    failed = wrong.outcomes[1]
    assert (
        not failed.passed
        and failed.message == "double(x=-1.5): got 0.5, expected -3.0 (within 0.01)"
    )
    assert wrong.outcomes[0].passed


def test_code_that_raises_fails_each_test_and_says_what_it_raised():
    report = run_isolated(RAISES, "double", TESTS, time_limit=LIMIT)
    assert report.passed == 0
    assert (
        report.outcomes[0].message == "double(2.0) raised ZeroDivisionError: float division by zero"
    )
    assert report.outcomes[0].feedback == "Double the input."


def test_an_endless_loop_fails_within_the_limit_and_the_next_student_is_unaffected():
    start = time.perf_counter()
    looping, after = run_many([_job(LOOPS), _job(RIGHT)], workers=1, time_limit=LIMIT)
    elapsed = time.perf_counter() - start
    assert [o.message for o in looping.outcomes] == [
        "double(2.0) did not finish within the exercise's 0.3 s",
        "double(x=-1.5) was not run: the exercise's 0.3 s were used up",
    ]
    assert looping.seconds < LIMIT + 0.5
    assert after.all_passed
    assert elapsed < LIMIT + 3  # the loop stopped at the limit, plus starting the process


def test_a_loop_no_signal_can_stop_is_killed_and_costs_that_exercise_only():
    stuck, after = run_many([_job(C_LOOP), _job(RIGHT)], workers=1, time_limit=LIMIT)
    assert stuck.passed == 0 and "was stopped" in stuck.problem
    assert stuck.seconds < LIMIT + 2
    assert after.all_passed


def test_unbounded_allocation_runs_out_of_memory_in_its_own_process():
    hoarder, after = run_many(
        [_job(ALLOCATES), _job(RIGHT)], workers=1, time_limit=5.0, memory_mb=200
    )
    assert hoarder.outcomes[0].message == "double(2.0) ran out of memory"
    assert hoarder.passed == 0
    assert after.all_passed


def test_a_crash_of_the_process_fails_that_exercise_and_not_the_others():
    crashed, after = run_many([_job(CRASHES), _job(RIGHT)], workers=1, time_limit=LIMIT)
    assert crashed.passed == 0 and "crashed the process" in crashed.problem
    assert after.all_passed


def test_syntax_errors_missing_names_and_top_level_loops_are_reported_plainly():
    syntax, missing, top_loop, not_callable = run_many(
        [
            _job("def double(x) return 2 * x"),
            _job("def triple(x):\n    return 3 * x\n"),
            _job("while True:\n    pass\n"),
            _job("double = 4\n"),
        ],
        time_limit=LIMIT,
    )
    assert syntax.problem.startswith("your code has a syntax error on line 1")
    assert missing.problem == "your code does not define double"
    assert top_loop.problem == "your code did not finish running within 0.3 s"
    assert not_callable.outcomes[0].message.startswith("double is a int, not a function")


def test_values_lists_and_numpy_results_compare_with_tolerance():
    value = CodeTest(expected=[0.5, 1.0], tolerance=0.001)
    ok, short = run_many(
        [
            CodeJob(
                "import numpy as np\nrates = np.array([0.5, 1.0004])\n", "rates", (value,), False
            ),
            CodeJob("rates = [0.5]\n", "rates", (value,), False),
        ],
        time_limit=LIMIT,
    )
    assert ok.all_passed
    assert short.outcomes[0].message == "rates: got 1 items, expected 2"


def test_kernel_check_stops_a_loop_in_the_main_thread_and_is_fast():
    namespace: dict = {}
    exec(LOOPS, namespace)
    report = check_in_kernel(namespace["double"], "double", TESTS[:1], time_limit=LIMIT)
    assert report.outcomes[0].message == "double(2.0) did not finish within the exercise's 0.3 s"
    exec(RIGHT, namespace)
    report = check_in_kernel(namespace["double"], "double", TESTS)
    assert report.all_passed and report.seconds < 0.1


def test_reports_round_trip_and_defined_names_are_found():
    report = run_isolated(WRONG, "double", TESTS, time_limit=LIMIT)
    assert CodeReport.from_dict(report.as_dict()).outcomes == report.outcomes
    assert defined_names("import math\ndef f(x):\n    y = 1\nz, w = 1, 2\n") == {"f", "z", "w"}
    assert CodeTest.from_dict(TESTS[1].as_dict()) == TESTS[1]


@pytest.mark.parametrize("workers", [1, 2])
def test_many_jobs_keep_their_order_across_workers(workers):
    jobs = [_job(RIGHT if index % 3 else WRONG) for index in range(9)]
    reports = run_many(jobs, workers=workers, time_limit=LIMIT)
    assert [r.all_passed for r in reports] == [bool(index % 3) for index in range(9)]


def test_the_child_writes_in_a_scratch_folder_with_small_files_and_no_grader_secrets(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRADER_TOKEN", "secret")
    code = (
        "import os\n"
        "open('note.txt', 'w').write('hi')\n"
        "def probe(x):\n"
        "    if x == 'token':\n"
        "        return os.environ.get('GRADER_TOKEN', 'absent')\n"
        "    with open('big.bin', 'wb') as out:\n"
        "        out.write(bytes(20 * 1024 * 1024))\n"
        "    return 'wrote'\n"
    )
    tests = (
        CodeTest(args=("token",), expected="absent"),
        CodeTest(args=("big",), expected="wrote"),
    )
    report = run_isolated(code, "probe", tests, time_limit=5.0)
    assert report.outcomes[0].passed
    assert report.outcomes[1].message.startswith("probe('big') raised OSError")  # over 16 MB
    assert not (tmp_path / "note.txt").exists()
