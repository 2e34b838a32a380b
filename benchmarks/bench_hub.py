"""Load check for a class on one machine: N students on a local JupyterHub at once.

For each class size (default 10, then 20) this starts a throwaway hub on loopback (the same one as
``tests/hub/``: configurable-http-proxy, local spawner, homes in a temporary folder), then:

1. asks for every student's server at once and records how long each took to be ready;
2. starts a kernel per student and runs every code cell of one lesson in all kernels concurrently;
3. probes the hub's REST API every 0.2 s throughout and reports its latency (idle vs. under load);
4. measures memory per student: RSS and USS (memory unique to the process) of the single-user
   server plus its kernel, after the lesson ran.

Run (needs the ``hub`` extra and configurable-http-proxy)::

    .venv/bin/python benchmarks/bench_hub.py                # 10 then 20 students, lesson 00
    .venv/bin/python benchmarks/bench_hub.py --students 5 --lesson 03
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "hub"))

from hubharness import LocalHub, chp_command  # noqa: E402

from mscpso_edu.hub import find_lesson  # noqa: E402


class LatencyProbe(threading.Thread):
    """Time GET /hub/api/users/<name> every ``interval`` seconds until stopped."""

    def __init__(self, hub: LocalHub, name: str, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.hub, self.name, self.interval = hub, name, interval
        self.samples: list[tuple[str, float]] = []
        self.phase = "idle"
        self._stop_event = threading.Event()

    def run(self) -> None:
        headers = {"Authorization": f"token {self.hub.token}"}
        url = f"{self.hub.url}/hub/api/users/{self.name}"
        while not self._stop_event.is_set():
            began = time.perf_counter()
            try:
                requests.get(url, headers=headers, timeout=30).raise_for_status()
                self.samples.append((self.phase, time.perf_counter() - began))
            except requests.RequestException:
                self.samples.append((self.phase, float("inf")))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=40)

    def summary(self, phase: str) -> str:
        values = sorted(v for p, v in self.samples if p == phase)
        if not values:
            return "no samples"
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        return (
            f"median {1000 * statistics.median(values):.0f} ms, p95 {1000 * p95:.0f} ms, "
            f"max {1000 * values[-1]:.0f} ms ({len(values)} requests)"
        )


def lesson_code(lesson: str) -> list[str]:
    """Return the code cells of a lesson notebook."""
    notebook = json.loads((REPO / "lessons" / find_lesson(lesson)).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def run_class(size: int, lesson: str, folder: Path) -> dict:
    """Run one class size; return the measurements."""
    names = [f"student{number:03d}" for number in range(size)]
    exchange = folder / "exchange"
    exchange.mkdir(parents=True)
    hub = LocalHub(folder / "hub", exchange)
    cells = lesson_code(lesson)
    result: dict = {"students": size, "lesson": lesson}
    try:
        hub.start()
        hub.create_users([*names, "probe"])
        probe = LatencyProbe(hub, "probe")
        probe.start()
        time.sleep(3)  # idle baseline

        probe.phase = "spawning"
        available_before = psutil.virtual_memory().available
        began = time.monotonic()
        for name in names:
            hub.request_server(name)
        ready_at: dict[str, float] = {}

        def wait(name: str) -> None:
            hub.wait_ready(name, timeout=600)
            ready_at[name] = time.monotonic() - began

        with ThreadPoolExecutor(max_workers=size) as pool:
            list(pool.map(wait, names))
        result["spawn_all_s"] = time.monotonic() - began
        result["spawn_each_s"] = sorted(ready_at.values())

        probe.phase = "lesson"
        kernels = {name: hub.start_kernel(name) for name in names}
        run_times: dict[str, float] = {}

        def run(name: str) -> None:
            start = time.monotonic()
            for cell in cells:
                hub.execute(name, kernels[name], cell, timeout=900)
            run_times[name] = time.monotonic() - start

        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=size) as pool:
            list(pool.map(run, names))
        result["lesson_all_s"] = time.monotonic() - began
        result["lesson_each_s"] = sorted(run_times.values())

        probe.phase = "after"
        time.sleep(3)
        rss, uss = [], []
        for name in names:
            processes = hub.server_processes(name)
            rss.append(sum(p.memory_info().rss for p in processes) / 2**20)
            uss.append(sum(p.memory_full_info().uss for p in processes) / 2**20)
        result["rss_mib"] = rss
        result["uss_mib"] = uss
        result["processes_per_student"] = len(hub.server_processes(names[0]))
        result["available_drop_gib"] = (
            available_before - psutil.virtual_memory().available
        ) / 2**30
        probe.stop()
        result["latency"] = {
            phase: probe.summary(phase) for phase in ("idle", "spawning", "lesson")
        }
    finally:
        hub.stop()
    return result


def _spread(values: list[float], unit: str, digits: int = 1) -> str:
    return (
        f"median {statistics.median(values):.{digits}f} {unit}, "
        f"min {min(values):.{digits}f}, max {max(values):.{digits}f}"
    )


def report(result: dict) -> None:
    """Print one class size's figures."""
    print(f"== {result['students']} students, lesson {result['lesson']}")
    print(f"  all servers ready:        {result['spawn_all_s']:.1f} s")
    print(f"  each server ready after:  {_spread(result['spawn_each_s'], 's')}")
    print(f"  lesson run, all kernels:  {result['lesson_all_s']:.1f} s (concurrently)")
    print(f"  lesson run per student:   {_spread(result['lesson_each_s'], 's')}")
    print(f"  memory per student, RSS:  {_spread(result['rss_mib'], 'MiB', 0)}")
    print(f"  memory per student, USS:  {_spread(result['uss_mib'], 'MiB', 0)}")
    print(f"  processes per student:    {result['processes_per_student']} (server + kernel)")
    print(f"  available memory drop:    {result['available_drop_gib']:.2f} GiB")
    for phase, text in result["latency"].items():
        print(f"  hub API latency, {phase + ':':10s}{text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[10, 20])
    parser.add_argument("--lesson", default="00")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    if chp_command() is None:
        print("configurable-http-proxy is not installed: npm install -g configurable-http-proxy")
        return 1
    print(
        f"machine: {os.cpu_count()} CPU cores, "
        f"{psutil.virtual_memory().total / 2**30:.1f} GiB memory, Python {sys.version.split()[0]}"
    )
    results = []
    for size in args.students:
        with tempfile.TemporaryDirectory(prefix="bench-hub-") as folder:
            results.append(run_class(size, args.lesson, Path(folder)))
        report(results[-1])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
