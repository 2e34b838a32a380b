"""Run a learner's code against a key's tests: in the kernel, or isolated in another process.

A code exercise asks the learner to define a name (a function or a value) and checks it with
tests: inputs, an expected output, a tolerance and feedback for when the test fails
(:class:`CodeTest`). Two ways to run them share the comparison and the messages:

- :func:`check_in_kernel` runs the tests on an object the learner's kernel already holds. It is
  fast (no process start) and stops a call that runs past the time limit with a timer signal
  when it runs in the main thread, as a notebook cell does.
- :func:`run_isolated` and :func:`run_many` run the learner's *source code* in separate
  processes, which is what ``mscpso-edu grade`` does for every submitted exercise. A small server
  process (this file run as a script) forks one child per exercise; the child lowers its own
  limits (``RLIMIT_AS`` for memory, ``RLIMIT_CPU`` as a backstop, a wall-clock timer for the
  exercise) before it runs anything the learner wrote, and the server kills it if it has not
  answered in time. An endless loop, a crash or unbounded allocation therefore fails that
  exercise only; the server, the grader and every other student's exercises carry on.

Security model
--------------
This is **isolation from mistakes, not a sandbox against a hostile student.** The child runs as
the same user as the grader, with the same files and network; the limits stop runaway time and
memory (and files over 16 MB), and the child starts in a scratch folder with a small environment
(no tokens of the grader's), but none of this stops deliberate harm. Code written to read or
change files, to open sockets, or to fork processes of its own is not prevented. For high
stakes, grade on the hub (or another disposable machine or container) as an unprivileged user
with no access to the key or other students' files, and read suspicious submissions before
trusting their points.
"""

from __future__ import annotations

import ast
import contextlib
import json
import math
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIME_LIMIT",
    "CodeJob",
    "CodeReport",
    "CodeTest",
    "TestOutcome",
    "check_in_kernel",
    "check_source",
    "defined_names",
    "run_isolated",
    "run_many",
]

#: Seconds one test (or the learner's code itself) may run before it fails.
DEFAULT_TIME_LIMIT = 1.0
#: Megabytes of memory the learner's code may add to the isolated process.
DEFAULT_MEMORY_MB = 256
#: Megabytes the largest file the learner's code writes may reach (isolated runs).
_FILE_LIMIT_MB = 16
#: What the isolated server keeps of the grader's environment (nothing else: no tokens).
_KEPT_ENV = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "PYTHONHASHSEED", "VIRTUAL_ENV")
#: The longest text of a returned value kept in a message.
_REPR_LIMIT = 120


class _TimeUp(BaseException):
    """Raised by the timer inside the learner's code (a BaseException: ``except Exception``
    in the learner's code cannot swallow it)."""


@dataclass(frozen=True)
class CodeTest:
    """One test of a code exercise.

    Attributes
    ----------
    args, kwargs
        What the learner's function is called with (JSON values); unused for a value exercise.
    expected
        The expected result: a number, text, bool, None or a list of these (compared item by
        item); None in a copy that does not hold the key.
    tolerance, relative_tolerance
        A number passes within ``max(tolerance, relative_tolerance * |expected|)``.
    feedback
        What to tell the learner when this test fails (why the answer is probably wrong).
    """

    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    expected: Any = None
    tolerance: float = 0.0
    relative_tolerance: float = 0.0
    feedback: str = ""

    def describe(self, name: str, is_function: bool) -> str:
        """The call (or the name) this test checks, as the learner would write it."""
        if not is_function:
            return name
        parts = [repr(arg) for arg in self.args]
        parts += [f"{key}={value!r}" for key, value in self.kwargs.items()]
        return f"{name}({', '.join(parts)})"

    def as_dict(self) -> dict[str, Any]:
        """The test as JSON-ready data."""
        data = asdict(self)
        data["args"] = list(self.args)
        data["kwargs"] = dict(self.kwargs)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CodeTest:
        """Read a test written by :meth:`as_dict` (or a bank's test entry)."""
        return cls(
            args=tuple(data.get("args", ())),
            kwargs=dict(data.get("kwargs", {})),
            expected=data.get("expected"),
            tolerance=float(data.get("tolerance", 0.0)),
            relative_tolerance=float(data.get("relative_tolerance", 0.0)),
            feedback=str(data.get("feedback", "")),
        )


@dataclass(frozen=True)
class TestOutcome:
    """The result of one test: passed or not, and why not (``message``) and what to do
    (``feedback``, the bank's text)."""

    passed: bool
    message: str
    feedback: str = ""


@dataclass(frozen=True)
class CodeReport:
    """What running one exercise gave: one outcome per test, and a problem that stopped them all.

    ``problem`` is empty when the code ran; otherwise it says why no test could pass (a syntax
    error, the name not defined, the code running out of time or memory, a crash).
    """

    outcomes: tuple[TestOutcome, ...]
    problem: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        """How many tests passed."""
        return sum(outcome.passed for outcome in self.outcomes)

    @property
    def all_passed(self) -> bool:
        """True when every test passed (and there was at least one)."""
        return bool(self.outcomes) and all(outcome.passed for outcome in self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (what the progress store records)."""
        return {
            "outcomes": [asdict(outcome) for outcome in self.outcomes],
            "problem": self.problem,
            "seconds": round(self.seconds, 4),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CodeReport:
        """Read a report written by :meth:`as_dict`."""
        outcomes = tuple(TestOutcome(**outcome) for outcome in data.get("outcomes", ()))
        return cls(outcomes, str(data.get("problem", "")), float(data.get("seconds", 0.0)))

    @classmethod
    def failed(cls, tests: Sequence[CodeTest], problem: str, seconds: float = 0.0) -> CodeReport:
        """A report in which nothing ran: every test fails for ``problem``."""
        outcomes = tuple(TestOutcome(False, problem, test.feedback) for test in tests)
        return cls(outcomes, problem, seconds)


@dataclass(frozen=True)
class CodeJob:
    """One exercise to run in isolation: the learner's source, the name it must define, the
    tests, whether the name is a function (called with each test's arguments), and its own time
    limit (None: the run's)."""

    code: str
    name: str
    tests: tuple[CodeTest, ...]
    is_function: bool = True
    time_limit: float | None = None


# --- comparing a result with the expected one --------------------------------------------------


def _plain(value: Any) -> Any:
    """numpy scalars and arrays, tuples -> plain Python values that compare and print simply."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and not isinstance(value, (str, bytes)):
        try:
            value = tolist()
        except Exception:
            return value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= _REPR_LIMIT else text[: _REPR_LIMIT - 3] + "..."


def _compare(got: Any, expected: Any, test: CodeTest) -> str:
    """Return "" when ``got`` matches ``expected``, else what differs."""
    got, expected = _plain(got), _plain(expected)
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if got is expected or (type(got) is type(expected) and got == expected):
            return ""
        return f"got {_short(got)}, expected {_short(expected)}"
    if isinstance(expected, (int, float)):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return f"got {_short(got)}, expected a number near {expected!r}"
        if not math.isfinite(got):
            return f"got {got!r}, expected a finite number near {expected!r}"
        slack = max(test.tolerance, test.relative_tolerance * abs(expected))
        if abs(got - expected) <= slack + 1e-12 * max(1.0, abs(expected)):
            return ""
        within = f" (within {slack:g})" if slack else ""
        return f"got {_short(got)}, expected {expected!r}{within}"
    if isinstance(expected, list):
        if not isinstance(got, list):
            return f"got {_short(got)}, expected a list of {len(expected)} items"
        if len(got) != len(expected):
            return f"got {len(got)} items, expected {len(expected)}"
        for index, (one, want) in enumerate(zip(got, expected, strict=True)):
            differs = _compare(one, want, test)
            if differs:
                return f"item {index}: {differs}"
        return ""
    return "" if got == expected else f"got {_short(got)}, expected {_short(expected)}"


# --- running tests on an object (shared by the kernel check and the isolated child) ------------


def _with_timer(seconds: float, action: Callable[[], Any]) -> Any:
    """Run ``action`` and raise :class:`_TimeUp` after ``seconds`` (main thread only)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        return action()

    def alarm(signum: int, frame: Any) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return action()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run_tests(
    target: Any,
    name: str,
    tests: Sequence[CodeTest],
    is_function: bool,
    time_limit: float,
    started: float | None = None,
) -> tuple[TestOutcome, ...]:
    """Run every test on ``target``; all of them share ``time_limit`` seconds from ``started``."""
    outcomes = []
    if is_function and not callable(target):
        problem = (
            f"{name} is a {type(target).__name__}, not a function: define it with def {name}(...)"
        )
        return tuple(TestOutcome(False, problem, test.feedback) for test in tests)
    deadline = (time.perf_counter() if started is None else started) + time_limit
    for test in tests:
        call = test.describe(name, is_function)
        left = deadline - time.perf_counter()
        if is_function and left <= 0:
            message = f"{call} was not run: the exercise's {time_limit:g} s were used up"
            outcomes.append(TestOutcome(False, message, test.feedback))
            continue
        try:
            if is_function:
                got = _with_timer(left, lambda t=test: target(*t.args, **dict(t.kwargs)))
            else:
                got = target
        except _TimeUp:
            message = f"{call} did not finish within the exercise's {time_limit:g} s"
            outcomes.append(TestOutcome(False, message, test.feedback))
            continue
        except MemoryError:
            outcomes.append(TestOutcome(False, f"{call} ran out of memory", test.feedback))
            continue
        except Exception as error:
            message = f"{call} raised {type(error).__name__}: {_short_message(error)}"
            outcomes.append(TestOutcome(False, message, test.feedback))
            continue
        differs = _compare(got, test.expected, test)
        if differs:
            outcomes.append(TestOutcome(False, f"{call}: {differs}", test.feedback))
        else:
            outcomes.append(TestOutcome(True, f"{call} passed"))
    return tuple(outcomes)


def _short_message(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= _REPR_LIMIT else text[: _REPR_LIMIT - 3] + "..."


def check_in_kernel(
    target: Any,
    name: str,
    tests: Sequence[CodeTest],
    *,
    is_function: bool = True,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> CodeReport:
    """Run ``tests`` on an object the learner defined in this kernel.

    Parameters
    ----------
    target
        The learner's function or value.
    name
        The name the exercise asked for (used in messages).
    tests
        The key's tests.
    is_function
        Call ``target`` with each test's arguments (True) or compare it as a value (False).
    time_limit
        Seconds all the calls together may take; a timer stops a call that would run past them
        when running in the main thread.

    Returns
    -------
    CodeReport
        One outcome per test.

    Examples
    --------
    >>> report = check_in_kernel(lambda x: 2 * x, "double", [CodeTest(args=(2,), expected=4)])
    >>> report.all_passed
    True
    """
    start = time.perf_counter()
    outcomes = _run_tests(target, name, tests, is_function, time_limit)
    return CodeReport(outcomes, "", time.perf_counter() - start)


# --- the isolated child -------------------------------------------------------------------------


def check_source(
    code: str,
    name: str,
    tests: Sequence[CodeTest],
    *,
    is_function: bool = True,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> CodeReport:
    """Run ``code`` in a fresh namespace in this process, then the tests on what it defines.

    The code and the tests share ``time_limit`` seconds (a timer stops them in the main thread).
    The isolated child runs exactly this; in the kernel it is the quiz's own check.

    Examples
    --------
    >>> check_source("half = 0.5", "half", [CodeTest(expected=0.5)], is_function=False).passed
    1
    """
    start = time.perf_counter()
    try:
        compiled = compile(code, "<your code>", "exec")
    except SyntaxError as error:
        problem = f"your code has a syntax error on line {error.lineno}: {error.msg}"
        return CodeReport.failed(tests, problem)
    namespace: dict[str, Any] = {"__name__": "__learner__"}
    try:
        _with_timer(time_limit, lambda: exec(compiled, namespace))
    except _TimeUp:
        return CodeReport.failed(tests, f"your code did not finish running within {time_limit:g} s")
    except MemoryError:
        return CodeReport.failed(tests, "your code ran out of memory")
    except Exception as error:
        problem = f"your code raised {type(error).__name__}: {_short_message(error)}"
        return CodeReport.failed(tests, problem)
    if name not in namespace:
        return CodeReport.failed(tests, f"your code does not define {name}")
    outcomes = _run_tests(namespace[name], name, tests, is_function, time_limit, start)
    return CodeReport(outcomes, "", time.perf_counter() - start)


def _child_run(job: Mapping[str, Any]) -> dict[str, Any]:
    """Run one job in this (already limited) process; return the report as data."""
    tests = [CodeTest.from_dict(test) for test in job["tests"]]
    report = check_source(
        job["code"], job["name"], tests, is_function=bool(job["is_function"]),
        time_limit=float(job["time_limit"]),
    )  # fmt: skip
    return report.as_dict()


def _limit_self(memory_mb: float, cpu_seconds: float) -> None:
    """Lower this process's limits: address space (current use + ``memory_mb``) and CPU time."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[0])
    in_use = pages * os.sysconf("SC_PAGE_SIZE")
    cap = in_use + int(memory_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    used = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    cpu = math.ceil(used + cpu_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Files it writes stay small: a write past the limit fails with an OSError (the signal that
    # would otherwise kill the process is ignored).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    cap_file = _FILE_LIMIT_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (cap_file, cap_file))


def _serve(stdin: Any = None, stdout: Any = None) -> None:
    """The server loop: read one job per line, fork a limited child for it, write its report."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        stdout.write(json.dumps(_fork_one(job)) + "\n")
        stdout.flush()


def _fork_one(job: Mapping[str, Any]) -> dict[str, Any]:
    tests = [CodeTest.from_dict(test) for test in job["tests"]]
    limit = float(job["time_limit"])
    deadline_s = limit + 1.0  # the child stops itself at the limit; this is the backstop
    read_end, write_end = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: limit, run, report, leave without cleanup
        os.close(read_end)
        status = 0
        try:
            _limit_self(float(job["memory_mb"]), deadline_s)
            data = json.dumps(_child_run(job)).encode("utf-8")
        except BaseException as error:
            data = json.dumps(
                CodeReport.failed(tests, f"the test run stopped: {type(error).__name__}").as_dict()
            ).encode("utf-8")
            status = 1
        try:
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    timed_out = False
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            left = deadline_s - (time.perf_counter() - start)
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                continue
            chunk = pipe.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    seconds = time.perf_counter() - start
    if timed_out:
        problem = f"your code did not finish within {deadline_s:g} s and was stopped"
        return CodeReport.failed(tests, problem, seconds).as_dict()
    try:
        report = json.loads(b"".join(chunks).decode("utf-8"))
    except ValueError:
        if os.WIFSIGNALED(status):
            reason = signal.Signals(os.WTERMSIG(status)).name
            problem = f"your code crashed the process that ran it ({reason})"
        else:
            problem = "your code stopped the process that ran it before it could report"
        return CodeReport.failed(tests, problem, seconds).as_dict()
    report["seconds"] = round(seconds, 4)
    return report


# --- the parent's side --------------------------------------------------------------------------


def _job_line(job: CodeJob, time_limit: float, memory_mb: float) -> str:
    data = {
        "code": job.code,
        "name": job.name,
        "tests": [test.as_dict() for test in job.tests],
        "is_function": job.is_function,
        "time_limit": job.time_limit or time_limit,
        "memory_mb": memory_mb,
    }
    return json.dumps(data) + "\n"


#: Packages slow to import that the server imports once, before forking, when some job's code
#: names them: then a learner's ``import numpy`` costs each forked child nothing.
_PRELOADABLE = ("numpy", "scipy", "pandas")


def _start_server(preload: Sequence[str] = (), cwd: str | None = None) -> subprocess.Popen[str]:
    # A small environment (no tokens or passwords of the grader's), and a scratch folder as the
    # working directory, so files a learner's code writes do not land beside the grades.
    env = {key: os.environ[key] for key in _KEPT_ENV if key in os.environ}
    env.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "HOME": cwd or "/"})
    # The server is this file run as a script: it needs only the standard library, so it starts
    # without importing the course package.
    return subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), *preload],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )


def _server_worker(
    jobs: list[tuple[int, CodeJob]],
    out: list[CodeReport | None],
    time_limit: float,
    memory_mb: float,
) -> None:
    """Feed ``jobs`` to one server, one at a time; restart the server if it ever dies."""
    preload = [name for name in _PRELOADABLE if any(name in job.code for _, job in jobs)]
    scratch = tempfile.TemporaryDirectory(prefix="mscpso-code-")
    server = _start_server(preload, scratch.name)
    try:
        for index, job in jobs:
            deadline = (job.time_limit or time_limit) + 5.0
            try:
                assert server.stdin is not None and server.stdout is not None
                server.stdin.write(_job_line(job, time_limit, memory_mb))
                server.stdin.flush()
                ready, _, _ = select.select([server.stdout], [], [], deadline)
                line = server.stdout.readline() if ready else ""
                if not line:
                    raise OSError("no answer")
                out[index] = CodeReport.from_dict(json.loads(line))
            except (OSError, ValueError):
                server.kill()
                server.wait()
                out[index] = CodeReport.failed(job.tests, "the grader could not run this code")
                server = _start_server(preload, scratch.name)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        scratch.cleanup()


def run_many(
    jobs: Iterable[CodeJob],
    *,
    workers: int = 2,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_mb: float = DEFAULT_MEMORY_MB,
) -> list[CodeReport]:
    """Run many exercises, each in its own limited process; return their reports in order.

    Parameters
    ----------
    jobs
        The exercises: each learner's source code, the name, the tests.
    workers
        How many server processes run side by side (one per core is plenty).
    time_limit
        Seconds each exercise may run: the learner's code and all its tests together. A test that
        would run past them fails, and the tests after it are not run.
    memory_mb
        Megabytes each exercise may allocate beyond what the process already uses.

    Returns
    -------
    list of CodeReport
        One per job, in the order given. A job that looped, crashed or ran out of memory has a
        failed report of its own; the others are unaffected.
    """
    listed = list(jobs)
    out: list[CodeReport | None] = [None] * len(listed)
    if not listed:
        return []
    workers = max(1, min(workers, len(listed)))
    shares: list[list[tuple[int, CodeJob]]] = [[] for _ in range(workers)]
    for index, job in enumerate(listed):
        shares[index % workers].append((index, job))
    threads = [
        threading.Thread(target=_server_worker, args=(share, out, time_limit, memory_mb))
        for share in shares
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [
        report if report is not None else CodeReport.failed(job.tests, "not run")
        for report, job in zip(out, listed, strict=True)
    ]


def run_isolated(
    code: str,
    name: str,
    tests: Sequence[CodeTest],
    *,
    is_function: bool = True,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_mb: float = DEFAULT_MEMORY_MB,
) -> CodeReport:
    """Run one learner's ``code`` in a separate, limited process and test what it defines.

    See :func:`run_many` for the parameters; this runs a single job.

    Examples
    --------
    >>> code = "def double(x):\\n    return 2 * x\\n"
    >>> run_isolated(code, "double", [CodeTest(args=(2,), expected=4)]).all_passed
    True
    """
    job = CodeJob(code, name, tuple(tests), is_function)
    return run_many([job], workers=1, time_limit=time_limit, memory_mb=memory_mb)[0]


def defined_names(code: str) -> set[str]:
    """Return the names ``code`` binds at its top level (functions, classes, assignments)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


if __name__ == "__main__":  # pragma: no cover - the server process
    sys.path.pop(0)  # not this folder: the learner's imports find the environment's packages
    # Preloaded once (the names the parent passes), so a learner's `import numpy` costs a forked
    # child nothing.
    for module in sys.argv[1:]:
        with contextlib.suppress(ImportError):
            __import__(module)
    _serve()
