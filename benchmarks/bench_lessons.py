"""How long does each lesson take to Run All in a fresh kernel? (A benchmark, not a test.)

Every lesson in ``lessons/`` is executed top to bottom with nbclient in a new kernel, as a learner's
*Run > Run All Cells* does, and its wall time is printed beside an empty notebook's (one code
cell, ``pass``), timed in the same run so both pay the same kernel start-up. Progress goes to a
temporary folder (``MSCPSO_EDU_HOME``); the figure cache (``MSCPSO_EDU_CACHE``) is kept between
runs, as a learner's is, unless ``--cold`` asks for an empty one. The package is byte-compiled
first, as a learner's first import leaves it.

Goal: each lesson <= 3x the empty notebook.

Run: ``.venv/bin/python benchmarks/bench_lessons.py [--only 03 07 ...] [--repeat 1] [--cold]
[--profile]``
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
GOAL = 3.0


def _run(notebook: nbformat.NotebookNode, cwd: Path) -> float:
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    start = time.perf_counter()
    # The kernel's own log (its TCP warning) would bury the table; errors still raise here.
    client.execute(stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _empty() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("pass"))
    return notebook


def _cell_times(notebook: nbformat.NotebookNode) -> list[tuple[float, str]]:
    """(seconds, first line) per code cell, from the execution timestamps nbclient records."""
    from datetime import datetime

    rows = []
    for cell in notebook.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type != "code" or "iopub.execute_input" not in timing:
            continue
        start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
        rows.append(((end - start).total_seconds(), cell.source.splitlines()[0][:70]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="lesson number prefixes")
    parser.add_argument("--repeat", type=int, default=1, help="runs per notebook (median)")
    parser.add_argument("--cold", action="store_true", help="start with an empty figure cache")
    parser.add_argument("--profile", action="store_true", help="print the slowest cells")
    args = parser.parse_args(argv)

    lessons = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        lessons = [path for path in lessons if path.name[:2] in args.only]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MSCPSO_EDU_HOME"] = str(Path(tmp) / "home")
        os.environ.setdefault("MPLBACKEND", "Agg")
        if args.cold:
            os.environ["MSCPSO_EDU_CACHE"] = str(Path(tmp) / "cache")
        # A learner's Python writes the package's bytecode on its first import and reuses it;
        # with PYTHONDONTWRITEBYTECODE set (some shells and CI set it) every kernel would compile
        # the whole package from source again, a cost no learner pays after the first lesson.
        import mscpso_edu

        compileall.compile_dir(Path(mscpso_edu.__file__).parent, quiet=1)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"cpus={os.cpu_count()}, load average {load}; median of {args.repeat} run(s)")
        # One untimed run first: the first kernel of a session pays one-off costs (imports read
        # from disk, caches filled) that neither the empty notebook nor a lesson should carry.
        _run(_empty(), ROOT)
        empty = statistics.median(_run(_empty(), ROOT) for _ in range(max(3, args.repeat)))
        print(f"{'notebook':<28}{'seconds':>9}{'x empty':>9}  goal (<= {GOAL:g}x)")
        print("-" * 60)
        print(f"{'(empty notebook)':<28}{empty:>9.2f}{1.0:>9.1f}")
        missed = 0
        for path in lessons:
            times = []
            for _ in range(args.repeat):
                notebook = nbformat.read(path, as_version=4)
                times.append(_run(notebook, path.parent))
            seconds = statistics.median(times)
            ratio = seconds / empty
            verdict = "met" if ratio <= GOAL else "MISSED"
            missed += verdict == "MISSED"
            print(f"{path.stem:<28}{seconds:>9.2f}{ratio:>9.1f}  {verdict}")
            if args.profile:
                for cell_seconds, line in sorted(_cell_times(notebook), reverse=True)[:4]:
                    print(f"    {cell_seconds:6.2f} s  {line}")
        print(f"{len(lessons) - missed} of {len(lessons)} lessons within {GOAL:g}x the empty one")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
