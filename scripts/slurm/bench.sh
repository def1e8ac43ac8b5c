#!/usr/bin/env bash
# bench.sh [BORDERSIM] [PLAN] [REPLICATIONS]: wall time of a plan run by `bordersim sweep
# --threads 2` on this machine against the same plan as 2 Slurm array tasks (one thread
# each) and the dependent merge, on the one-node cluster of start.sh, $RUNS runs each
# (default 5), alternating. The merged result must equal the direct one. Stops the cluster
# after, unless it was already running. Prints one line per run, with where the Slurm time
# went (from slurmctld's log: submission to the tasks' start, the tasks, the wait for the
# merge job, the merge job), then the median of each and the median ratio.
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
# Seconds since the epoch of a slurmctld log time stamp ([2026-11-30T04:50:40.883]).
stamp() { date -d "$(tr 'T' ' ' <<<"$1")" +%s.%N; }
# The time of the last log line matching $1.
logged() { stamp "$(grep -E "$1" "$SLURM_DIR/slurmctld.log" | tail -n 1 | sed 's/^\[\([^]]*\)\].*/\1/')"; }
results=$work/results
for run in $(seq 1 "${RUNS:-5}"); do
    t0=$(now)
    "$bin" sweep "$plan" -r "$reps" -j 2 --format csv --output "$work/direct.csv"
    t1=$(now)
    rm -rf "$work/out"
    "$bin" sweep "$plan" -r "$reps" -j 1 --emit slurm --shard-count 2 --out-dir "$work/out" >"$work/submit.sh"
    t2=$(now)
    submitted=$(bash "$work/submit.sh")
    array=$(sed -n 's/.*shards: job \([0-9]*\).*/\1/p' <<<"$submitted")
    merge=$(sed -n 's/.*merge: job \([0-9]*\).*/\1/p' <<<"$submitted")
    while [[ -n "$(squeue -h -j "$merge" 2>/dev/null)" ]]; do sleep 0.1; done
    t3=$(now)
    [[ -f "$work/out/result.csv" ]] || { echo "bench: no merged result" >&2; exit 1; }
    cmp -s "$work/direct.csv" "$work/out/result.csv" || { echo "bench: results differ" >&2; exit 1; }
    started=$(logged "sched: Allocate JobId=${array}_")
    ended=$(logged "_job_complete: JobId=${array}_.* done")
    merge_start=$(logged "sched: Allocate JobId=$merge ")
    merge_end=$(logged "_job_complete: JobId=$merge done")
    # awk, not bc: bc is not on a minimal Debian. One line of figures per run in $results:
    # direct, Slurm, to the tasks, tasks, to the merge, merge (seconds).
    awk "BEGIN { print $t1 - $t0, $t3 - $t2, $started - $t2, $ended - $started, $merge_start - $ended, $merge_end - $merge_start }" |
        tee -a "$results" |
        awk -v run="$run" '{ printf "run %d: sweep -j 2: %.2f s; 2 Slurm tasks + merge: %.2f s (%+.1f%%): to the tasks %.2f s, tasks %.2f s, to the merge %.2f s, merge %.2f s\n", run, $1, $2, 100 * ($2 / $1 - 1), $3, $4, $5, $6 }'
done
# The median of column $1 of $results.
median() { awk -v k="$1" '{ print $k }' "$results" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio=$(awk '{ print 100 * ($2 / $1 - 1) }' "$results" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "median: sweep -j 2 $(median 1) s; Slurm $(median 2) s; Slurm against local ${ratio}%; to the tasks $(median 3) s, tasks $(median 4) s, to the merge $(median 5) s, merge $(median 6) s"
