"""Shared helpers of the benchmark scripts (peers.py, scale.py, targets.py).

Standard library only. Every measurement runs the release binary as a child process, back
to back, and reports the best and the median of the repeats: on a shared 2-core machine the
best run is the one least disturbed by other work, the median says how typical it is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The release binary: $BORDERSIM_BIN if set, else where `cargo build --release` puts it
# (under $CARGO_TARGET_DIR when that is set, relative to the repository root as for the
# cargo commands run here).
BINARY = Path(
    os.environ.get("BORDERSIM_BIN")
    or ROOT / os.environ.get("CARGO_TARGET_DIR", "target") / "release" / "bordersim"
)
# The peer models (SimPy) of the reference queues, run beside bordersim by peers.py.
PEERS = ROOT / "benches" / "peers"
DEFAULT_PYTHON = "/tmp/peers-venv/bin/python"
SIMPY_INSTALL = (
    "python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install simpy==4.1.2"
)
GNU_TIME = "/usr/bin/time"


def build() -> None:
    """Builds the release binary (a no-op when it is up to date)."""
    print("building the release binary ...", file=sys.stderr, flush=True)
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "-p", "bordersim-cli"], cwd=ROOT, check=True
    )


@dataclass
class Measured:
    """One child process: its standard output, wall time and peak resident memory."""

    stdout: str
    wall_s: float
    peak_rss_mb: float


def run_measured(cmd: list[str]) -> Measured:
    """Runs `cmd` and measures its wall time and peak RSS: with GNU time if present, else
    through a fresh Python child whose `resource` children's maximum is this command alone."""
    if os.path.exists(GNU_TIME):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
            proc = subprocess.run(
                [GNU_TIME, "-f", "%e %M", "-o", report.name, *cmd],
                capture_output=True,
                text=True,
            )
            check(proc, cmd)
            elapsed, max_kb = report.read().split()[-2:]
            return Measured(proc.stdout, float(elapsed), int(max_kb) / 1024)
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:])\n"
        "w = time.perf_counter() - t\n"
        "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(f'{w} {kb}', file=sys.stderr)\n"
        "sys.exit(p.returncode)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True
    )
    check(proc, cmd)
    elapsed, max_kb = proc.stderr.split()[-2:]
    return Measured(proc.stdout, float(elapsed), int(max_kb) / 1024)


def check(proc: subprocess.CompletedProcess, cmd: list[str]) -> None:
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")


def bordersim_json(args: list[str]) -> tuple[dict, Measured]:
    """Runs `bordersim <args> --format json` and parses its output."""
    measured = run_measured([str(BINARY), *args, "--format", "json"])
    return json.loads(measured.stdout), measured


def best_median(values: list[float], higher_is_better: bool = False) -> tuple[float, float]:
    best = max(values) if higher_is_better else min(values)
    return best, statistics.median(values)


def with_horizon(config: Path, horizon: str, name_suffix: str = "") -> Path:
    """A temporary copy of `config` with another `horizon` (warm-up unchanged)."""
    text = config.read_text()
    text, n = re.subn(r'(?m)^horizon\s*=\s*"[^"]*"', f'horizon = "{horizon}"', text, count=1)
    if n != 1:
        sys.exit(f"{config}: no `horizon = \"...\"` line to replace")
    return write_temp_config(text, config.stem + name_suffix)


def write_temp_config(text: str, stem: str) -> Path:
    directory = Path(tempfile.gettempdir()) / f"bordersim-bench-{os.getpid()}"
    directory.mkdir(exist_ok=True)
    path = directory / f"{stem}.toml"
    path.write_text(text)
    return path


def cleanup_temp_configs() -> None:
    shutil.rmtree(Path(tempfile.gettempdir()) / f"bordersim-bench-{os.getpid()}", ignore_errors=True)


def without_performance(report: dict) -> dict:
    """A JSON report without its wall-clock block: what must be identical across threads."""
    return {k: v for k, v in report.items() if k != "performance"}


def simpy_python(requested: str | None) -> str:
    """The Python interpreter with SimPy, or a clear exit saying how to install it."""
    candidates = [requested] if requested else [DEFAULT_PYTHON, sys.executable]
    for python in candidates:
        if python and (shutil.which(python) or os.path.exists(python)):
            probe = subprocess.run(
                [python, "-c", "import simpy"], capture_output=True, text=True
            )
            if probe.returncode == 0:
                return python
    print(
        "error: SimPy is not installed (tried: "
        + ", ".join(c for c in candidates if c)
        + ").\nInstall it with:\n  "
        + SIMPY_INSTALL
        + "\nor pass --python PATH to an interpreter that has simpy 4.1.",
        file=sys.stderr,
    )
    sys.exit(2)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table, columns right-aligned except the first."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    lines = []
    for i, row in enumerate([headers, *rows]):
        cells = [
            str(c).ljust(w) if j == 0 else str(c).rjust(w)
            for j, (c, w) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join(cells))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def si(x: float) -> str:
    """3 significant digits with k/M suffixes: 12.3M, 86.1k."""
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"
