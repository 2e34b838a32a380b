"""How fast do the explorers answer a control change? (A benchmark, not a test.)

For each explorer: 50 control changes (a seeded random control set to a random new value each
time), timing from the ``value`` assignment to the new PNG being ready in the kernel (solve + draw
+ encode; the explorer renders synchronously). Each plan is timed twice: "live", with the caches
kept as a learner meets them (a change re-solves only the parts it affects), and "cold", with
every cache (the explorer's and the model's) cleared before each change.

In the same run, the naive way for the same 50 control settings: a new figure built from scratch
per change, saved with ``savefig(bbox_inches="tight")``, and the model solved with the models
package's fixed-small-step solver where one exists.

Goal on a 2-core machine: p95 under 100 ms per explorer, and at least 2x faster than naive.

Run: ``.venv/bin/python benchmarks/bench_explorers.py [--changes 50] [--seed 2025]
[--only NAME ...] [--save-png DIR]``
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument(
        "--naive-changes",
        type=int,
        default=5,
        help="how many of the same changes to time the naive way (it is slow)",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--only", nargs="*", default=None, help="explorer names to run")
    parser.add_argument("--save-png", type=Path, default=None, help="write each final PNG here")
    args = parser.parse_args(argv)
    if args.save_png:
        args.save_png.mkdir(parents=True, exist_ok=True)
    specs = _registry.explorer_specs()
    names = args.only or list(specs)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{args.changes} control changes per explorer ({args.naive_changes} naive); "
        f"cpus={os.cpu_count()}, load average {load}"
    )
    print("live: caches kept; cold: all caches cleared before each change; times in ms")
    header = (
        f"{'explorer':<22}{'live med':>9}{'live p95':>9}{'hits':>6}{'cold med':>9}"
        f"{'cold p95':>9}{'naive med':>10}{'naive/cold':>11}  goal (p95 < 100, >= 2x)"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for name in names:
        row = bench_one(
            name, specs[name], args.changes, args.naive_changes, args.seed, args.save_png
        )
        ratio = row.naive.median_ms / row.cold.median_ms
        if row.cold.p95_ms < 100 and ratio >= 2:
            verdict = "met (even cold)"
        elif row.live.p95_ms < 100 and ratio >= 2:
            verdict = "met live, not cold"
        else:
            verdict = "MISSED"
        failed |= verdict == "MISSED"
        print(
            f"{name:<22}{row.live.median_ms:>9.1f}{row.live.p95_ms:>9.1f}{row.cache_hits:>6}"
            f"{row.cold.median_ms:>9.1f}{row.cold.p95_ms:>9.1f}{row.naive.median_ms:>10.0f}"
            f"{ratio:>10.0f}x  {verdict}"
        )
    if args.only is None:
        failed |= _lesson_explorers(specs, args.changes, args.seed)
    return 1 if failed else 0


def _lesson_explorers(specs: dict[str, Any], changes: int, seed: int) -> bool:
    """Time every other explorer the lessons use (live, as a learner meets them).

    These work over data or over the same models, and have no naive counterpart to compare with.
    Controls that are not sliders, dropdowns or checkboxes (buttons, text) are left alone.
    """
    from mscpso_edu import widgets as course_widgets

    print()
    print("other explorers the lessons use: live timing only (ms)")
    header = f"{'explorer':<22}{'live med':>9}{'live p95':>9}  goal (p95 < 100)"
    print(header)
    print("-" * len(header))
    failed = False
    for name in course_widgets.__all__:
        factory = getattr(course_widgets, name)
        if name in specs or not callable(factory) or isinstance(factory, type):
            continue
        if name == "evidence_table":
            continue
        explorer = factory()
        if not hasattr(explorer, "controls"):
            continue
        usable = {
            key: control
            for key, control in explorer.controls.items()
            if isinstance(
                control,
                widgets.FloatSlider
                | widgets.IntSlider
                | widgets.Dropdown
                | widgets.Checkbox
                | widgets.ToggleButtons
                | widgets.RadioButtons,
            )
        }
        rng = np.random.default_rng(seed)
        keys = list(usable)
        samples = []
        for _ in range(changes):
            key = keys[rng.integers(len(keys))]
            value = _random_value(usable[key], usable[key].value, rng)
            start = time.perf_counter()
            usable[key].value = value
            samples.append(time.perf_counter() - start)
            if explorer.error.value:
                raise SystemExit(f"{name}: {key}={value!r} failed: {explorer.error.value}")
        timing = _percentiles(samples)
        verdict = "met" if timing.p95_ms < 100 else "MISSED"
        failed |= verdict == "MISSED"
        print(f"{name:<22}{timing.median_ms:>9.1f}{timing.p95_ms:>9.1f}  {verdict}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
