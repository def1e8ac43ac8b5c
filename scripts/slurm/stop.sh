#!/usr/bin/env bash
# stop.sh: stops the daemons scripts/slurm/start.sh started (by the PIDs it recorded under
# $SLURM_DIR, default /tmp/bordersim-slurm), and nothing else.
set -uo pipefail
dir=${SLURM_DIR:-/tmp/bordersim-slurm}
for d in slurmd slurmctld munged; do
    pidfile="$dir/$d.pid"
    [[ -f "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    # Only a process that is still that daemon (a PID may have been reused).
    if kill -0 "$pid" 2>/dev/null && grep -q "$d" "/proc/$pid/comm" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
done
