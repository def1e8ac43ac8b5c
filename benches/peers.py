#!/usr/bin/env python3
"""bordersim against SimPy on the reference models of benches/peers/, in one go.

    python3 benches/peers.py [--repeat 5] [--simpy-repeat 1] [--simpy-customers N]
                             [--python PATH] [--no-build]

Model 1 is M/M/4 at rho = 0.9 (configs/bench/mm4.toml), model 2 the two-station Jackson
network (configs/bench/jackson.toml); both tools simulate about one million customers with
statistics on. bordersim runs single-threaded (`--threads 1`), `--repeat` times back to back
(best and median reported); SimPy runs `--simpy-repeat` times (it takes ~10 s per run;
`--simpy-customers 20000` for a quick check). Prints customers and events per second, the
speed ratio and each tool's mean against the exact queueing-theory answer. Exits 2 with the
install command if SimPy is missing:

    python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install simpy==4.1.2

The SimPy models are benches/peers/simpy_models.py; their parameters and exact answers
(Erlang C, Jackson's product form) are benches/peers/reference_models.py.

Adding a case (e.g. a region equilibrium once `bordersim region` exists) is one more entry in
CASES: the bordersim arguments, how to read (customers, mean in minutes) from its JSON, and
the SimPy model number if the peers have one (None otherwise).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable

import harness
from harness import ROOT, si

sys.path.insert(0, str(harness.PEERS))
import reference_models  # noqa: E402  (benches/peers/, standard library only)


@dataclass
class Case:
    name: str
    bordersim_args: list[str]
    # (customers, mean in minutes) from bordersim's JSON report.
    read: Callable[[dict], tuple[int, float]]
    exact_min: float | None
    simpy_model: int | None
    simpy_customers: int = 1_000_000


def mm4_read(report: dict) -> tuple[int, float]:
    return report["vehicles"]["arrived"], report["stations"][0]["wait"]["mean_s"] / 60


def jackson_read(report: dict) -> tuple[int, float]:
    return report["vehicles"]["arrived"], report["system"]["time_in_system"]["mean_s"] / 60


CASES = [
    Case(
        "M/M/4 (model 1): mean wait",
        ["run", str(ROOT / "configs/bench/mm4.toml"), "--threads", "1"],
        mm4_read,
        exact_min=reference_models.exact(reference_models.MODEL_1),  # Erlang C
        simpy_model=1,
    ),
    Case(
        "Jackson (model 2): mean time in system",
        ["run", str(ROOT / "configs/bench/jackson.toml"), "--threads", "1"],
        jackson_read,
        exact_min=reference_models.exact(reference_models.MODEL_2),  # Jackson product form
        simpy_model=2,
    ),
]


@dataclass
class Result:
    tool: str
    case: str
    customers: int
    events: int
    wall_best: float
    wall_median: float
    mean_min: float
    exact_min: float | None

    @property
    def customers_per_s(self) -> float:
        return self.customers / self.wall_best

    @property
    def events_per_s(self) -> float:
        return self.events / self.wall_best

    @property
    def events_per_s_median(self) -> float:
        return self.events / self.wall_median


def run_bordersim(case: Case, repeat: int) -> Result:
    walls = []
    for _ in range(repeat):
        report, _ = harness.bordersim_json(case.bordersim_args)
        # The engine's own timing (scenario compiled, replications run, report summarised),
        # not the process's: parsing the file and starting the process are not simulation.
        walls.append(report["performance"]["wall_s"])
    customers, mean = case.read(report)
    best, median = harness.best_median(walls)
    return Result(
        "bordersim", case.name, customers, report["performance"]["events"], best, median,
        mean, case.exact_min,
    )


def run_simpy(case: Case, python: str, repeat: int, customers: int | None) -> Result:
    walls, out = [], None
    script = harness.PEERS / "simpy_models.py"
    cmd = [python, str(script), "--model", str(case.simpy_model),
           "--customers", str(customers or case.simpy_customers), "--seed", "1"]
    for _ in range(repeat):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        harness.check(proc, cmd)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        walls.append(out["wall_s"])
    best, median = harness.best_median(walls)
    return Result(
        "simpy " + out["version"], case.name, out["customers"], out["events"], best, median,
        out["mean_min"], out["exact_min"],
    )


def compare(
    repeat: int, simpy_repeat: int, python: str | None, build: bool,
    simpy_customers: int | None = None,
) -> list[dict]:
    """Runs every case on both tools; prints the table; returns one summary per case.
    `simpy_customers` overrides each case's SimPy size (None: the case's own, 1 M)."""
    if build:
        harness.build()
    simpy = harness.simpy_python(python) if any(c.simpy_model for c in CASES) else None
    rows, summaries = [], []
    for case in CASES:
        ours = run_bordersim(case, repeat)
        theirs = (
            run_simpy(case, simpy, simpy_repeat, simpy_customers) if case.simpy_model else None
        )
        for r in [ours, theirs]:
            if r is None:
                continue
            err = f"{(r.mean_min - r.exact_min) / r.exact_min:+.2%}" if r.exact_min else "-"
            rows.append([
                r.case, r.tool, f"{r.customers:,}",
                f"{r.wall_best:.3f} / {r.wall_median:.3f}",
                si(r.customers_per_s), si(r.events_per_s),
                f"{ours.events_per_s / r.events_per_s:.0f}x" if r is theirs else "",
                f"{r.mean_min:.4f}", f"{r.exact_min:.4f}" if r.exact_min else "-", err,
            ])
        summaries.append({
            "case": case.name,
            "bordersim_events_per_s_best": ours.events_per_s,
            "bordersim_events_per_s_median": ours.events_per_s_median,
            "bordersim_customers_per_s_best": ours.customers_per_s,
            "simpy_events_per_s": theirs.events_per_s if theirs else None,
            "ratio": ours.events_per_s / theirs.events_per_s if theirs else None,
            "ratio_median": ours.events_per_s_median / theirs.events_per_s if theirs else None,
            "bordersim_mean_min": ours.mean_min,
            "exact_min": case.exact_min,
        })
    print(harness.table(
        ["model", "tool", "customers", "wall s best/median", "customers/s", "events/s",
         "ratio", "mean min", "exact", "error"],
        rows,
    ))
    print("\n(rates from the best run; bordersim single-threaded, statistics on; events are "
          "arrivals + service completions for both tools)")
    return summaries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="bordersim runs per model")
    parser.add_argument("--simpy-repeat", type=int, default=1, help="SimPy runs per model")
    parser.add_argument("--simpy-customers", type=int,
                        help="SimPy customers per model (default 1,000,000; fewer for a quick check)")
    parser.add_argument("--python", help="interpreter with simpy (default /tmp/peers-venv)")
    parser.add_argument("--no-build", action="store_true", help="use the existing binary")
    args = parser.parse_args()
    compare(args.repeat, args.simpy_repeat, args.python, not args.no_build, args.simpy_customers)


if __name__ == "__main__":
    sys.exit(main())
