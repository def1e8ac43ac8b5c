#!/usr/bin/env python3
"""Every speed and memory target of the README, measured side by side in one run.

    python3 benches/targets.py [--repeat 5] [--python PATH] [--no-build]

Runs, back to back on this machine:
  1. the peer comparison (benches/peers.py): M/M/4 and Jackson, bordersim single-threaded
     against SimPy; targets on events per second and on the ratio to SimPy;
  2. replications on 1 and on 2 threads (M/M/4, 8 replications): the speedup, and the JSON
     outputs compared byte for byte without their `performance` block;
  3. peak RSS of a 10-million-vehicle M/M/4 run (and of a 1-million one, for contrast);
  4. a week of configs/examples/commercial_truck_crossing.toml with 20 replications (whole
     process: parsing, simulation, report);
  5. the San Diego - Tijuana region solved to its equilibrium with 10 replications per
     crossing and iteration.
Prints one table: target, threshold, best and median measured, pass or fail. The exit status
is 1 if a target fails: timings on a shared machine are noisy, so rerun before concluding.

Adding a target is one function returning a `Target` appended to the list in `main`: see
`commercial_week`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass

import harness
import peers
from harness import ROOT

MM4 = ROOT / "configs/bench/mm4.toml"
COMMERCIAL = ROOT / "configs/examples/commercial_truck_crossing.toml"


@dataclass
class Target:
    name: str
    threshold: str
    best: str
    median: str
    passed: bool
    command: str


def peer_targets(repeat: int, python: str | None) -> list[Target]:
    summaries = peers.compare(repeat, simpy_repeat=1, python=python, build=False)
    mm4, jackson = summaries[0], summaries[1]
    cmd = "bordersim run configs/bench/{} --threads 1 --format json"
    return [
        Target(
            "mm4 events/s, 1 thread, statistics on", ">= 10 M",
            harness.si(mm4["bordersim_events_per_s_best"]),
            harness.si(mm4["bordersim_events_per_s_median"]),
            mm4["bordersim_events_per_s_best"] >= 10e6, cmd.format("mm4.toml"),
        ),
        Target(
            "mm4 speed vs SimPy 4.1", ">= 60x",
            f"{mm4['ratio']:.0f}x", f"{mm4['ratio_median']:.0f}x",
            mm4["ratio"] >= 60, "python3 benches/peers.py",
        ),
        Target(
            "jackson events/s, 1 thread", ">= 8 M",
            harness.si(jackson["bordersim_events_per_s_best"]),
            harness.si(jackson["bordersim_events_per_s_median"]),
            jackson["bordersim_events_per_s_best"] >= 8e6, cmd.format("jackson.toml"),
        ),
    ]


def thread_speedup(repeat: int) -> list[Target]:
    args = ["run", str(MM4), "--replications", "8", "--threads"]
    walls = {1: [], 2: []}
    outputs = {}
    for _ in range(repeat):
        # Alternate, so that a burst of load elsewhere hits both thread counts alike.
        for threads in (1, 2):
            report, _ = harness.bordersim_json(args + [str(threads)])
            walls[threads].append(report["performance"]["wall_s"])
            outputs[threads] = json.dumps(harness.without_performance(report), sort_keys=True)
    best = min(walls[1]) / min(walls[2])
    median = statistics.median(walls[1]) / statistics.median(walls[2])
    identical = outputs[1] == outputs[2]
    return [
        Target(
            "replications: 2 threads vs 1 (M/M/4 x 8)", ">= 1.8x", f"{best:.2f}x",
            f"{median:.2f}x", best >= 1.8,
            "bordersim run configs/bench/mm4.toml -r 8 --threads 1|2",
        ),
        Target(
            "identical output, 1 vs 2 threads", "byte-identical", str(identical),
            str(identical), identical, "JSON without `performance`, compared",
        ),
    ]


def memory() -> list[Target]:
    rows = []
    for millions in (1, 10):
        config = harness.with_horizon(
            MM4, f"{round(277_778 * millions)}min", f"-{millions}M"
        )
        report, measured = harness.bordersim_json(["run", str(config), "--threads", "1"])
        rows.append((report["vehicles"]["arrived"], measured.peak_rss_mb))
    (small_n, small_mb), (big_n, big_mb) = rows
    return [
        Target(
            f"peak RSS, {big_n / 1e6:.1f} M vehicles (1 M: {small_mb:.1f} MB)", "<= 64 MB",
            f"{big_mb:.1f} MB", f"{big_mb:.1f} MB", big_mb <= 64,
            "/usr/bin/time -v bordersim run <mm4 with horizon 2777780min>",
        )
    ]


def commercial_week(repeat: int) -> list[Target]:
    walls = []
    for _ in range(repeat):
        _, measured = harness.bordersim_json(["run", str(COMMERCIAL), "--replications", "20"])
        walls.append(measured.wall_s)
    best, median = harness.best_median(walls)
    return [
        Target(
            "commercial crossing, 1 week x 20 replications", "< 5 s", f"{best:.2f} s",
            f"{median:.2f} s", best < 5,
            "bordersim run configs/examples/commercial_truck_crossing.toml -r 20",
        )
    ]


SAN_DIEGO = ROOT / "configs/regions/san_diego_tijuana.toml"


def region_equilibrium(repeat: int) -> list[Target]:
    """The San Diego - Tijuana region (three crossings, both directions, a day observed)
    solved to its equilibrium with 10 replications per crossing and iteration."""
    walls, iterations = [], []
    for _ in range(max(1, min(repeat, 3))):
        report, measured = harness.bordersim_json(
            ["region", str(SAN_DIEGO), "--replications", "10"]
        )
        if not report["converged"]:
            sys.exit("the San Diego region did not converge: the timing would mean nothing")
        walls.append(measured.wall_s)
        iterations.append(len(report["iterations"]))
    best, median = harness.best_median(walls)
    return [
        Target(
            f"region equilibrium, 3 crossings x 2 directions, a day, 10 reps "
            f"({iterations[0]} iterations)",
            "< 60 s", f"{best:.1f} s", f"{median:.1f} s", best < 60,
            "bordersim region configs/regions/san_diego_tijuana.toml -r 10",
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--python", help="interpreter with simpy (default /tmp/peers-venv)")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        harness.build()
    try:
        targets = peer_targets(args.repeat, args.python)
        targets += thread_speedup(args.repeat)
        targets += memory()
        targets += commercial_week(args.repeat)
        targets += region_equilibrium(args.repeat)
    finally:
        harness.cleanup_temp_configs()
    print()
    print(harness.table(
        ["target", "threshold", "best", "median", "ok"],
        [[t.name, t.threshold, t.best, t.median, "yes" if t.passed else "NO"] for t in targets],
    ))
    print("\ncommands:")
    for t in targets:
        print(f"  {t.name}: {t.command}")
    return 0 if all(t.passed for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
