"""The reference models of reference_models.py written in SimPy, the most used
general-purpose discrete-event library in Python, to time bordersim against it on the same
machine, one right after the other.

    pip install simpy==4.1.2          # the version the README's figures were measured with
    python3 benches/peers/simpy_models.py --model 1 --customers 1000000 --seed 1

Written the way a SimPy user would: one process per customer, each station a
`simpy.Resource` with one slot per server (FIFO). The run lasts customers / arrival rate
minutes, so about `--customers` customers arrive. Prints one JSON line: the model, the
customers measured, the events (arrivals plus service completions, the same count as
bordersim's), the wall time of `env.run` alone (building the model and summarising are not
simulation), the rates, the measured mean and the exact one, in minutes.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path

try:
    import simpy
except ImportError:
    sys.exit(
        "error: SimPy is not installed. Install it with:\n"
        "  python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install simpy==4.1.2\n"
        "and run this script with /tmp/peers-venv/bin/python."
    )

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_models import MODELS, Model, exact  # noqa: E402


class Counts:
    """What a run observed: one value per measured customer, and the events simulated."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.events = 0


def simulate(model: Model, customers: int, seed: int) -> tuple[Counts, float, float]:
    """Runs `model` for about `customers` arrivals; returns the counts, the simulated
    horizon (minutes) and the wall time of the run (seconds)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    first = simpy.Resource(env, capacity=model.first.servers)
    second = simpy.Resource(env, capacity=model.second.servers) if model.second else None
    rate_first = 1.0 / model.first.mean_service_min
    rate_second = 1.0 / model.second.mean_service_min if model.second else 0.0
    counts = Counts()

    def customer(env: simpy.Environment):
        arrived = env.now
        with first.request() as slot:
            yield slot
            if model.measure == "wait_in_queue":
                counts.values.append(env.now - arrived)
            yield env.timeout(rng.expovariate(rate_first))
        counts.events += 1
        if second is not None and rng.random() < model.p_second:
            with second.request() as slot:
                yield slot
                yield env.timeout(rng.expovariate(rate_second))
            counts.events += 1
        if model.measure == "time_in_system":
            counts.values.append(env.now - arrived)

    def arrivals(env: simpy.Environment):
        while True:
            yield env.timeout(rng.expovariate(model.arrival_rate_per_min))
            counts.events += 1
            env.process(customer(env))

    env.process(arrivals(env))
    horizon = customers / model.arrival_rate_per_min
    start = time.perf_counter()
    env.run(until=horizon)
    return counts, horizon, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=int, choices=sorted(MODELS), default=1)
    parser.add_argument("--customers", type=int, default=1_000_000,
                        help="expected arrivals (horizon = customers / arrival rate)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    model = MODELS[args.model]
    counts, horizon, wall = simulate(model, args.customers, args.seed)
    n = len(counts.values)
    mean = sum(counts.values) / n if n else float("nan")
    reference = exact(model)
    print(json.dumps({
        "tool": "simpy",
        "version": getattr(simpy, "__version__", "unknown"),
        "python": platform.python_version(),
        "model": model.number,
        "measure": model.measure,
        "seed": args.seed,
        "horizon_min": horizon,
        "customers": n,
        "events": counts.events,
        "wall_s": wall,
        "customers_per_s": n / wall,
        "events_per_s": counts.events / wall,
        "mean_min": mean,
        "exact_min": reference,
        "rel_err": (mean - reference) / reference,
    }))


if __name__ == "__main__":
    main()
