#!/usr/bin/env bash
# bench.sh [BORDERSIM] [PLAN] [REPLICATIONS]: wall time of a plan run by `bordersim sweep
# --threads 2` on this machine against the same plan as 2 Slurm array tasks (one thread
# each) and the dependent merge, on the one-node cluster of start.sh, three runs each.
# The merged result must equal the direct one. Stops the cluster after, unless it was
# already running. Prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/bordersim}")
plan=${2:-configs/sweeps/exit_booths_and_scanner.toml}
reps=${3:-8}
export SLURM_DIR=${SLURM_DIR:-/tmp/bordersim-slurm}

was_running=no
if [[ -f "$SLURM_DIR/slurmctld.pid" ]] && kill -0 "$(cat "$SLURM_DIR/slurmctld.pid")" 2>/dev/null; then
    was_running=yes
fi
eval "$(scripts/slurm/start.sh)"
work=$(mktemp -d /tmp/bordersim-sweep-bench.XXXXXX)
cleanup() {
    [[ $was_running == yes ]] || scripts/slurm/stop.sh
    rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
for run in 1 2 3; do
    t0=$(now)
    "$bin" sweep "$plan" -r "$reps" -j 2 --format csv --output "$work/direct.csv"
    t1=$(now)
    rm -rf "$work/out"
    "$bin" sweep "$plan" -r "$reps" -j 1 --emit slurm --shard-count 2 --out-dir "$work/out" >"$work/submit.sh"
    t2=$(now)
    submitted=$(bash "$work/submit.sh")
    merge=$(sed -n 's/.*merge: job \([0-9]*\).*/\1/p' <<<"$submitted")
    while [[ -n "$(squeue -h -j "$merge" 2>/dev/null)" ]]; do sleep 0.1; done
    t3=$(now)
    [[ -f "$work/out/result.csv" ]] || { echo "bench: no merged result" >&2; exit 1; }
    cmp -s "$work/direct.csv" "$work/out/result.csv" || { echo "bench: results differ" >&2; exit 1; }
    # awk, not bc: bc is not on a minimal Debian.
    echo "run $run: sweep -j 2: $(awk "BEGIN { print $t1 - $t0 }") s; 2 Slurm tasks + merge: $(awk "BEGIN { print $t3 - $t2 }") s"
done
