#!/usr/bin/env bash
# test-sweep.sh [BORDERSIM]: a sweep on a real (one-node) Slurm: the plan's shards as an
# array job of three tasks and the merge as a job depending on it, submitted by the script
# `bordersim sweep --emit slurm` prints; the merged CSV must equal the unsharded sweep's.
# Starts the cluster with start.sh (root: it may install packages) and stops it after,
# unless it was already running. Exit 0 on success.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/bordersim}")
export SLURM_DIR=${SLURM_DIR:-/tmp/bordersim-slurm}

was_running=no
if [[ -f "$SLURM_DIR/slurmctld.pid" ]] && kill -0 "$(cat "$SLURM_DIR/slurmctld.pid")" 2>/dev/null; then
    was_running=yes
fi
eval "$(scripts/slurm/start.sh)"
work=$(mktemp -d /tmp/bordersim-sweep-test.XXXXXX)
cleanup() {
    [[ $was_running == yes ]] || scripts/slurm/stop.sh
    rm -rf "$work"
}
trap cleanup EXIT

plan=configs/sweeps/exit_booths_and_scanner.toml
"$bin" sweep "$plan" -r 2 --format csv --output "$work/whole.csv"
"$bin" sweep "$plan" -r 2 --emit slurm --shard-count 3 --out-dir "$work/out" >"$work/submit.sh"
submitted=$(bash "$work/submit.sh")
echo "$submitted"
merge=$(sed -n 's/.*merge: job \([0-9]*\).*/\1/p' <<<"$submitted")
# Wait for the merge job to leave the queue. A cancelled dependent job also leaves it (and
# `sbatch --wait` would return 0 for it): the output is checked, not an exit code.
for _ in $(seq 1 600); do
    [[ -z "$(squeue -h -j "$merge" 2>/dev/null)" ]] && break
    sleep 0.5
done
if [[ ! -f "$work/out/result.csv" ]]; then
    echo "test-sweep: no merged result; logs:" >&2
    tail -n 20 "$work"/out/logs/*.log >&2 || true
    exit 1
fi
if ! cmp -s "$work/whole.csv" "$work/out/result.csv"; then
    echo "test-sweep: the merged sweep differs from the unsharded one" >&2
    diff "$work/whole.csv" "$work/out/result.csv" | head -20 >&2
    exit 1
fi
shards=$(ls "$work"/out/manifest-*.json | wc -l)
[[ $shards == 3 ]] || { echo "test-sweep: $shards manifests, expected 3" >&2; exit 1; }
echo "test-sweep: 3 Slurm array tasks and a dependent merge equal the unsharded sweep"
