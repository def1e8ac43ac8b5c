"""The two reference queueing models and their exact answers (standard library only).

Both models are also bordersim scenarios, `configs/bench/mm4.toml` (model 1) and
`configs/bench/jackson.toml` (model 2); the parameters below must match those files. Times
are in minutes, rates per minute.

Model 1, M/M/4 at rho = 0.9: Poisson arrivals at 3.6/min, 4 servers, exponential service
with mean 1 min, FIFO. Measured: the mean wait in queue, whose exact value is Erlang C's.

Model 2, an open Jackson network: Poisson arrivals at 1/min into A (2 servers, exponential
service with mean 1.5 min); after A a customer goes to B with probability 0.3 (1 server,
exponential service with mean 2 min), else leaves. Measured: the mean time in system, whose
exact value follows from the product form (Jackson 1957): each station behaves as an
independent M/M/c queue fed at its total arrival rate, and Little's law adds them up.

    python3 benches/peers/reference_models.py      # prints the exact answers

Sources of the formulas: docs/sources.md, section "Queueing theory".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Station:
    """A multi-server FIFO station with exponential service."""

    servers: int
    mean_service_min: float


@dataclass(frozen=True)
class Model:
    """One reference model: Poisson arrivals into `first`, then an optional second station."""

    number: int
    arrival_rate_per_min: float
    first: Station
    # Probability of visiting `second` after `first` (0 for a single station).
    p_second: float = 0.0
    second: Station | None = None
    # What the model measures: "wait_in_queue" (first station) or "time_in_system".
    measure: str = "wait_in_queue"


MODEL_1 = Model(1, 3.6, Station(servers=4, mean_service_min=1.0))
MODEL_2 = Model(
    2,
    1.0,
    Station(servers=2, mean_service_min=1.5),
    p_second=0.3,
    second=Station(servers=1, mean_service_min=2.0),
    measure="time_in_system",
)
MODELS = {1: MODEL_1, 2: MODEL_2}


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in M/M/c (Erlang's C formula).

    `offered_load` is a = lambda / mu in erlangs and must be below `servers`. Computed
    through the Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1, which stays
    accurate for many servers, then C = c B / (c - a (1 - B)).
    """
    if not 0 <= offered_load < servers:
        raise ValueError(f"unstable queue: load {offered_load} with {servers} servers")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    return servers * blocking / (servers - offered_load * (1.0 - blocking))


def mmc_wait_in_queue(arrival_rate: float, station: Station) -> float:
    """Exact mean wait in queue Wq of M/M/c, in minutes: C(c, a) / (c mu - lambda)."""
    mu = 1.0 / station.mean_service_min
    load = arrival_rate / mu
    return erlang_c(station.servers, load) / (station.servers * mu - arrival_rate)


def exact(model: Model) -> float:
    """The exact value of what `model` measures, in minutes."""
    lam = model.arrival_rate_per_min
    wq_first = mmc_wait_in_queue(lam, model.first)
    if model.measure == "wait_in_queue":
        return wq_first
    # Jackson: station sojourn W = Wq + mean service; mean time in system is the visit-
    # weighted sum (Little's law on the whole network: L = sum of lambda_i W_i, W = L / lambda).
    time = wq_first + model.first.mean_service_min
    if model.second is not None and model.p_second > 0:
        lam_second = lam * model.p_second
        w_second = mmc_wait_in_queue(lam_second, model.second) + model.second.mean_service_min
        time += model.p_second * w_second
    return time


if __name__ == "__main__":
    for m in MODELS.values():
        print(f"model {m.number}: exact mean {m.measure.replace('_', ' ')} = {exact(m):.6f} min")
