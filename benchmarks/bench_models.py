"""How fast, and how exact, are the models? (A benchmark, not a test.)

For each scenario: the time of one simulation with the models package (cold cache: the cache is
cleared before every repeat), the same scenario run by libroadrunner from the authors' SBML
(model already loaded; load time reported separately), and the naive fixed-step RK4 solver
(``simulate_skin_fixed_step``, dt = 0.001 day, one run). Also the largest relative difference
from roadrunner over all ten variables and all output times.

Run: ``.venv/bin/python benchmarks/bench_models.py [--repeats 20]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sbml_reference import (  # noqa: E402
    SKIN_SBML,
    make_runner,
    sbml_names,
    simulate,
    with_msc_exposure,
)

from mscpso_edu.models import (  # noqa: E402
    STATE_NAMES,
    ConstantEffect,
    DCStimulus,
    MSCTherapy,
    UVBCourse,
    simulate_skin,
    simulate_skin_fixed_step,
    skin_circuit,
)

NAMES = sbml_names(SKIN_SBML)
NEVER = 1e9


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        skin_circuit._simulate_cached.cache_clear()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _scenarios():
    # The SBML's own events put a DC stimulus at day 150 (and UVB at 300 unless moved away), so
    # every scenario keeps the stimulus and the MSC course starts on day 160 in both simulators.
    msc = MSCTherapy("fewer_th17", 0.8, doses=5, interval_days=7, first_day=160, half_life_days=3)

    def onset_runner():
        runner = make_runner(SKIN_SBML)
        runner[NAMES["time_uvb"]] = NEVER
        return runner, [(180, {})]

    def uvb_runner():
        return make_runner(SKIN_SBML), [(420, {})]

    def constant_runner():
        runner = make_runner(SKIN_SBML)
        runner[NAMES["time_uvb"]] = NEVER
        return runner, [(200, {}), (228, {"il232": 0.5}), (380, {"il232": 1.0})]

    def msc_runner():
        import roadrunner

        runner = roadrunner.RoadRunner(with_msc_exposure(SKIN_SBML, msc, NAMES, {"t2": 55.0}))
        runner.integrator.relative_tolerance = 1e-10
        runner.integrator.absolute_tolerance = 1e-8
        runner[NAMES["time_uvb"]] = NEVER
        return runner, [(300, {})]

    # name, our kwargs, roadrunner factory. Horizons follow the SBML's own event times.
    return [
        ("onset (DC stimulus, 180 d)", {"days": 180, "dc_stimulus": DCStimulus()}, onset_runner),
        (
            "onset + published UVB (420 d)",
            {"days": 420, "dc_stimulus": DCStimulus(), "uvb": UVBCourse.published(300)},
            uvb_runner,
        ),
        (
            "onset + il232 halved 28 d (380 d)",
            {
                "days": 380,
                "dc_stimulus": DCStimulus(),
                "therapies": (ConstantEffect("tolerogenic_dc", 0.5, 200, 28),),
            },
            constant_runner,
        ),
        (
            "onset + 5 MSC doses (300 d)",
            {"days": 300, "dc_stimulus": DCStimulus(), "therapies": (msc,)},
            msc_runner,
        ),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args(argv)

    header = (
        f"{'scenario':36} {'ours ms':>8} {'rr ms':>7} {'rr load ms':>10} "
        f"{'naive RK4 ms':>12} {'max rel diff':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, kwargs, factory in _scenarios():
        load_start = time.perf_counter()
        runner, windows = factory()
        load_ms = 1000 * (time.perf_counter() - load_start)
        rr_times = []
        for _ in range(args.repeats):
            runner.reset()
            start = time.perf_counter()
            t, reference = simulate(runner, NAMES, list(STATE_NAMES), windows)
            rr_times.append(time.perf_counter() - start)
        rr_ms = 1000 * statistics.median(rr_times)
        ours_ms = _median_ms(lambda kw=kwargs: simulate_skin(**kw), args.repeats)
        ours = simulate_skin(**kwargs, t_eval=t)
        diff = max(
            float(np.max(np.abs(getattr(ours, s) - reference[s]) / np.abs(reference[s])))
            for s in STATE_NAMES
        )
        if args.skip_naive:
            naive = "-"
        else:
            start = time.perf_counter()
            simulate_skin_fixed_step(dt=0.001, **kwargs)
            naive = f"{1000 * (time.perf_counter() - start):.0f}"
        print(f"{name:36} {ours_ms:8.1f} {rr_ms:7.1f} {load_ms:10.0f} {naive:>12} {diff:12.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
