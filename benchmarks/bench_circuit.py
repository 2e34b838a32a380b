"""How long does a circuit figure take, as a lesson shows it? (A benchmark, not a test.)

Every circuit figure the lessons draw (``diagrams.circuit``, ``circuit_layer``, ``msc_sketch``,
read from the notebooks' code cells with their own arguments) is built and then rendered the way a
notebook displays it (``diagrams.show``: PNG inside an ``<img alt=...>``). For each, the median over
the repeats of the build time and the display time; then the sum over all figures of all lessons.
The functions of ``diagrams.core`` are timed, so every repeat draws: the public functions read a
figure already shown back from the figure cache (``diagrams.cached``), which this does not time.

Run: ``MPLBACKEND=Agg .venv/bin/python benchmarks/bench_circuit.py [--repeats 5] [--full-views]``
(``--full-views`` drops ``lesson=``, to compare with versions of the package before lesson views.)
"""

from __future__ import annotations

import argparse
import statistics
import time

import matplotlib

matplotlib.use("Agg")


from mscpso_edu import diagrams, knowledge, paths
from mscpso_edu.lessons import package_calls

FUNCTIONS = {"circuit", "circuit_layer", "msc_sketch"}


def lesson_figures() -> list[tuple[str, str, list, dict]]:
    """(lesson slug, function, args, kwargs) for every circuit figure in the lessons."""
    return [
        (slug, name, args, kwargs)
        for slug in knowledge.LESSON_SLUGS
        for name, args, kwargs in package_calls(
            paths.lessons_dir() / f"{slug}.ipynb", "diagrams", FUNCTIONS
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--full-views", action="store_true", help="ignore lesson= (draw all cells)")
    options = parser.parse_args()
    diagrams.show(diagrams.core.circuit_layer(0))  # warm up: imports, fonts, the knowledge base
    total_build = total_show = 0.0
    print(f"{'lesson':20s} {'figure':48s} {'build ms':>9s} {'show ms':>8s}")
    for slug, name, args, kwargs in lesson_figures():
        if options.full_views:
            kwargs = {k: v for k, v in kwargs.items() if k != "lesson"}
        builds, shows = [], []
        for _ in range(options.repeats):
            start = time.perf_counter()
            drawn = getattr(diagrams.core, name)(*args, **kwargs)  # drawn, not read back
            built = time.perf_counter()
            diagrams.show(drawn)
            shown = time.perf_counter()
            builds.append(built - start)
            shows.append(shown - built)
        build, show = statistics.median(builds), statistics.median(shows)
        total_build += build
        total_show += show
        call = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        print(f"{slug:20s} {f'{name}({call})':48.48s} {build * 1e3:9.0f} {show * 1e3:8.0f}")
    print(
        f"all lesson circuit figures: build {total_build * 1e3:.0f} ms + show "
        f"{total_show * 1e3:.0f} ms = {(total_build + total_show) * 1e3:.0f} ms"
    )


if __name__ == "__main__":
    main()
