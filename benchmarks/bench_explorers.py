"""How fast does every explorer answer a control change? (A benchmark, not a test.)

For every explorer in ``mscpso_edu.widgets.EXPLORERS``, each control is walked across its range
(a slider through ``--steps`` evenly spaced values from its minimum to its maximum, a dropdown or
toggle through every option, a checkbox on and off), starting from the explorer's defaults, and
each change is timed from the ``value`` assignment to the new PNG being ready in the kernel
(solve + draw + encode; the explorer renders synchronously). Caches are kept as a learner meets
them, but a walk visits values it has not shown before, so most changes are solved afresh.

With ``--naive``, the five model explorers are also timed the naive way for comparison (a new
figure per change, ``savefig(bbox_inches="tight")``, the fixed-small-step solver where one
exists), with every cache cleared before each change ("cold").

Goal on a 2-core machine: p95 under 100 ms per explorer (goal 50 ms).

Run: ``.venv/bin/python benchmarks/bench_explorers.py [--steps 12] [--only NAME ...] [--naive]
[--changes 50] [--seed 2025] [--save-png DIR]``
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as widgets
import numpy as np

from mscpso_edu.style import course_style
from mscpso_edu.widgets import _registry


@dataclass
class Timing:
    median_ms: float
    p95_ms: float


def _percentiles(samples: list[float]) -> Timing:
    ms = np.asarray(samples) * 1e3
    return Timing(float(np.median(ms)), float(np.percentile(ms, 95)))


def _random_value(control: widgets.ValueWidget, current: Any, rng: np.random.Generator) -> Any:
    """A value for ``control`` in its range, different from ``current``."""
    for _ in range(100):
        if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
            value = not current
        elif isinstance(control, widgets.Dropdown | widgets.ToggleButtons | widgets.RadioButtons):
            options = [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
            value = options[rng.integers(len(options))]
        elif isinstance(control, widgets.IntSlider):
            value = int(rng.integers(control.min, control.max + 1))
        else:
            steps = round((control.max - control.min) / control.step)
            value = round(control.min + control.step * int(rng.integers(steps + 1)), 10)
        if value != current:
            return value
    return current


def _plan(explorer: widgets.Widget, changes: int, seed: int) -> list[tuple[str, Any]]:
    """A reproducible list of (control name, new value) pairs, fixed before any is applied."""
    rng = np.random.default_rng(seed)
    names = list(explorer.controls)
    state = dict(explorer.values)
    plan = []
    for _ in range(changes):
        name = names[rng.integers(len(names))]
        value = _random_value(explorer.controls[name], state[name], rng)
        state[name] = value
        plan.append((name, value))
    return plan


@dataclass
class Row:
    live: Timing
    cache_hits: int
    cold: Timing
    naive: Timing


def _time_plan(explorer, spec, plan, cold: bool) -> tuple[list[float], list[dict[str, Any]]]:
    samples: list[float] = []
    states: list[dict[str, Any]] = []
    for control_name, value in plan:
        if cold:
            explorer.clear_caches()
            for clear in spec.model_caches:
                clear()
        start = time.perf_counter()
        explorer.controls[control_name].value = value
        samples.append(time.perf_counter() - start)
        if explorer.error.value:
            raise SystemExit(f"{control_name}={value!r} failed: {explorer.error.value}")
        states.append(dict(explorer.values))
    return samples, states


def bench_one(
    name: str,
    spec: _registry.ExplorerSpec,
    changes: int,
    naive_changes: int,
    seed: int,
    save: Path | None,
) -> Row:
    """Time one explorer three ways over the same planned control changes."""
    # Live: caches kept, as a learner meets them (a change re-solves only what it affects).
    explorer = spec.factory()
    if explorer.error.value:
        raise SystemExit(f"{name}: starts with an error: {explorer.error.value}")
    for clear in spec.model_caches:
        clear()
    plan = _plan(explorer, changes, seed)
    live, states = _time_plan(explorer, spec, plan, cold=False)
    hits = explorer.cache.hits
    if save is not None:
        (save / f"{name}.png").write_bytes(explorer.png)
    # Cold: every cache cleared before each change, so everything shown is solved again.
    cold, _ = _time_plan(spec.factory(), spec, plan, cold=True)

    naive: list[float] = []
    for values in states[:naive_changes]:
        start = time.perf_counter()
        result = spec.naive_solve(values)
        with course_style():
            scene = spec.scene()
            scene.draw(result, values)
            buffer = io.BytesIO()
            scene.figure.savefig(buffer, format="png", bbox_inches="tight")
        naive.append(time.perf_counter() - start)
    return Row(_percentiles(live), hits, _percentiles(cold), _percentiles(naive))


def _walk_values(control: widgets.ValueWidget, steps: int) -> list[Any]:
    """The values a walk across ``control``'s range visits, in order."""
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return [not control.value, control.value]
    if isinstance(control, widgets.Dropdown | widgets.ToggleButtons | widgets.RadioButtons):
        options = [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
        return [value for value in options if value != control.value]
    if isinstance(control, widgets.IntSlider):
        grid = np.unique(np.linspace(control.min, control.max, steps).round().astype(int))
        return [int(v) for v in grid if v != control.value]
    count = round((control.max - control.min) / control.step)
    indices = np.unique(np.linspace(0, count, steps).round().astype(int))
    grid = [round(control.min + control.step * int(i), 10) for i in indices]
    return [v for v in grid if v != control.value]


@dataclass
class Walk:
    timing: Timing
    changes: int
    worst_ms: float
    worst: str


def walk(factory, steps: int) -> Walk:
    """Walk every control of a fresh explorer across its range; time each change."""
    explorer = factory()
    if explorer.error.value:
        raise SystemExit(f"starts with an error: {explorer.error.value}")
    samples: list[float] = []
    worst = (0.0, "")
    for name, control in explorer.controls.items():
        explorer.reset()
        for value in _walk_values(control, steps):
            start = time.perf_counter()
            control.value = value
            elapsed = time.perf_counter() - start
            if explorer.error.value:
                raise SystemExit(f"{name}={value!r} failed: {explorer.error.value}")
            samples.append(elapsed)
            worst = max(worst, (elapsed, f"{name}={value!r}"))
    return Walk(_percentiles(samples), len(samples), worst[0] * 1e3, worst[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=12, help="values per slider walk")
    parser.add_argument("--only", nargs="*", default=None, help="explorer names to run")
    parser.add_argument("--naive", action="store_true", help="also compare with the naive way")
    parser.add_argument("--changes", type=int, default=50, help="random changes (--naive)")
    parser.add_argument(
        "--naive-changes",
        type=int,
        default=5,
        help="how many of the same changes to time the naive way (it is slow)",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--save-png", type=Path, default=None, help="write each final PNG here")
    args = parser.parse_args(argv)
    from mscpso_edu.widgets import EXPLORERS

    names = args.only or list(EXPLORERS)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"every control walked across its range ({args.steps} values per slider); "
          f"cpus={os.cpu_count()}, load average {load}; times in ms")  # fmt: skip
    header = (
        f"{'explorer':<22}{'changes':>8}{'median':>8}{'p95':>8}{'worst':>8}  worst change"
        "  goal (p95 < 100, goal < 50)"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for name in names:
        result = walk(EXPLORERS[name], args.steps)
        verdict = (
            "met (< 50)"
            if result.timing.p95_ms < 50
            else "met (< 100)"
            if result.timing.p95_ms < 100
            else "MISSED"
        )
        failed |= verdict == "MISSED"
        print(
            f"{name:<22}{result.changes:>8}{result.timing.median_ms:>8.1f}"
            f"{result.timing.p95_ms:>8.1f}{result.worst_ms:>8.0f}  {result.worst}  {verdict}"
        )
    if args.naive:
        failed |= _naive(args)
    return 1 if failed else 0


def _naive(args: argparse.Namespace) -> bool:
    """The model explorers against the naive way, over random changes (live and cold)."""
    if args.save_png:
        args.save_png.mkdir(parents=True, exist_ok=True)
    specs = _registry.explorer_specs()
    print()
    print(f"{args.changes} random changes; live: caches kept; cold: all caches cleared first")
    header = (
        f"{'explorer':<22}{'live med':>9}{'live p95':>9}{'hits':>6}{'cold med':>9}"
        f"{'cold p95':>9}{'naive med':>10}{'naive/cold':>11}  goal (>= 2x faster than naive)"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for name, spec in specs.items():
        if args.only and name not in args.only:
            continue
        row = bench_one(name, spec, args.changes, args.naive_changes, args.seed, args.save_png)
        ratio = row.naive.median_ms / row.cold.median_ms
        verdict = "met" if ratio >= 2 else "MISSED"
        failed |= verdict == "MISSED"
        print(
            f"{name:<22}{row.live.median_ms:>9.1f}{row.live.p95_ms:>9.1f}{row.cache_hits:>6}"
            f"{row.cold.median_ms:>9.1f}{row.cold.p95_ms:>9.1f}{row.naive.median_ms:>10.0f}"
            f"{ratio:>10.0f}x  {verdict}"
        )
    return failed


if __name__ == "__main__":
    sys.exit(main())
