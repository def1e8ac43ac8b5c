#!/usr/bin/env python3
"""How bordersim's time and memory grow with horizon (vehicles), stations, replications and
threads.

    python3 benches/scale.py [--repeat 3] [--no-build] [--quick]

Each row runs the release binary `--repeat` times back to back and reports the best and
median wall time of the whole process (parsing and report included), the nanoseconds per
event of the best run, and the peak resident memory (GNU time's maximum RSS, else Python's
`resource`). Prints a Markdown table, ready for the README.

Regions are measured too: 3 and 10 crossings for a day, and 10 crossings for a week and a
month (10 equilibrium iterations each), to show that memory does not grow with the horizon.
Adding a dimension is one more function returning rows of (dimension, value, argument list)
in SWEEPS.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import harness
from harness import ROOT

MM4 = ROOT / "configs/bench/mm4.toml"
# mm4.toml's horizon holds ~1 M customers at 3.6 per minute.
MINUTES_PER_MILLION = 277_778


def horizon_rows(quick: bool):
    sizes = [0.1, 1, 10] if quick else [0.1, 1, 10, 30]
    for millions in sizes:
        config = harness.with_horizon(
            MM4, f"{round(MINUTES_PER_MILLION * millions)}min", f"-{millions}M"
        )
        yield "horizon (M/M/4 customers)", f"{millions:g} M", [
            "run", str(config), "--threads", "1", "--replications", "1",
        ]


def tandem(stations: int) -> Path:
    """A line of `stations` two-server stations (rho = 0.75 each), ~200,000 vehicles."""
    parts = [
        "[scenario]",
        f'name = "Tandem line of {stations} stations"',
        'horizon = "200000min"',
        'warmup = "0s"',
        "replications = 1",
        "seed = 1",
        "",
        "[[classes]]",
        'id = "vehicle"',
    ]
    for i in range(stations):
        to = f"s{i + 1}" if i + 1 < stations else "exit"
        parts += [
            "",
            "[[stations]]",
            f'id = "s{i}"',
            "servers = 2",
            'service = { dist = "exponential", mean = "1.5min" }',
            f'routes = [{{ to = "{to}", p = 1 }}]',
        ]
    parts += [
        "",
        "[[sources]]",
        'id = "arrivals"',
        'class = "vehicle"',
        'rate = "1/min"',
        'entry = "s0"',
    ]
    return harness.write_temp_config("\n".join(parts) + "\n", f"tandem-{stations}")


def station_rows(quick: bool):
    for n in [1, 4, 16] if quick else [1, 4, 16, 64]:
        yield "stations (tandem line, 200 k vehicles)", str(n), [
            "run", str(tandem(n)), "--threads", "1",
        ]


def replication_rows(quick: bool):
    for r in [1, 4] if quick else [1, 4, 16]:
        yield "replications (M/M/4, 1 M customers each, 1 thread)", str(r), [
            "run", str(MM4), "--threads", "1", "--replications", str(r),
        ]


def thread_rows(quick: bool):
    for t in [1, 2]:
        yield "threads (M/M/4, 8 replications)", str(t), [
            "run", str(MM4), "--threads", str(t), "--replications", "8",
        ]


CROSSING = ROOT / "configs/regions/crossings/otay_mesa.toml"


def region(crossings: int, days: int) -> Path:
    """A region of `crossings` copies of the Otay Mesa crossing model between three zones on
    each side, each crossing nearest to some zones; about 2,600 trucks a day per crossing
    northbound and 1,500 southbound; `days` observed after a day of warm-up."""
    names = [f"x{i}" for i in range(crossings)]

    def travel(zone: int) -> str:
        # Zone z sits near crossings z, z + 3, ...: 10 min to them, more to the others.
        minutes = [10 + 15 * ((i - zone) % 3) + i for i in range(crossings)]
        return "{ " + ", ".join(f'{n} = "{m}min"' for n, m in zip(names, minutes)) + " }"

    parts = [
        "[region]",
        f'name = "Scale: {crossings} crossings, {days} days"',
        'sides = ["mx", "us"]',
        "replications = 1",
        "seed = 1",
        f'horizon = "{days + 1}d"',
        'warmup = "1d"',
        "",
        "[equilibrium]",
        "max_iterations = 10",
        "tolerance = 0.02",
        "",
        "[[classes]]",
        'id = "truck"',
        "value_of_time_per_h = 20.64",
    ]
    for side in ("mx", "us"):
        for z in range(3):
            parts += ["", "[[zones]]", f'id = "{side}{z}"', f'side = "{side}"',
                      f"travel = {travel(z)}"]
    for name in names:
        parts += ["", "[[crossings]]", f'id = "{name}"', f'file = "{CROSSING}"',
                  'directions = { mx = "northbound", us = "southbound" }']
    for z in range(3):
        for origin, destination, per_crossing in (("mx", "us", 2600), ("us", "mx", 1500)):
            parts += ["", "[[demand]]", f'from = "{origin}{z}"', f'to = "{destination}{z}"',
                      'class = "truck"', f"vehicles_per_day = {per_crossing * crossings / 3:.0f}",
                      "cargo_value = 30000"]
    return harness.write_temp_config("\n".join(parts) + "\n", f"region-{crossings}x{days}d")


def region_rows(quick: bool):
    sizes = [(3, 1), (10, 1)] if quick else [(3, 1), (10, 1), (10, 7), (10, 30)]
    for crossings, days in sizes:
        yield "region (crossings x days observed, at most 10 iterations)", f"{crossings} x {days} d", [
            "region", str(region(crossings, days)), "--max-iterations", "10",
        ]


SWEEPS = [horizon_rows, station_rows, replication_rows, thread_rows, region_rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    args = parser.parse_args()
    if not args.no_build:
        harness.build()
    rows = []
    try:
        for sweep in SWEEPS:
            for dimension, value, cmd in sweep(args.quick):
                walls, rss = [], []
                for _ in range(args.repeat):
                    report, measured = harness.bordersim_json(cmd)
                    walls.append(measured.wall_s)
                    rss.append(measured.peak_rss_mb)
                best, median = harness.best_median(walls)
                if "performance" in report:
                    events = report["performance"]["events"]
                    vehicles = f"{report['vehicles']['arrived']:,}"
                else:  # a region: every simulation of every iteration
                    events = report["events"]
                    vehicles = f"{report['simulations']} simulations"
                rows.append([
                    dimension, value, vehicles, f"{events:,}",
                    f"{best:.2f}", f"{median:.2f}", f"{best * 1e9 / events:.0f}",
                    f"{max(rss):.1f}",
                ])
                print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    finally:
        harness.cleanup_temp_configs()
    headers = ["dimension", "value", "vehicles", "events", "wall s (best)",
               "wall s (median)", "ns/event (best)", "peak RSS MB"]
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
