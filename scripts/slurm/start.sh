#!/usr/bin/env bash
# start.sh: a one-node Slurm cluster on this machine, for testing `bordersim sweep --emit
# slurm` (scripts/slurm/test-sweep.sh). Installs slurmctld, slurmd, slurm-client and munge
# from Debian packages if missing (as root), writes its configuration and state under
# $SLURM_DIR (default /tmp/bordersim-slurm) and starts munged, slurmctld and slurmd there,
# recording their PIDs. Idempotent: daemons it started that still run are left running.
# scripts/slurm/stop.sh stops only those. Prints the line to source: export SLURM_CONF=...
set -euo pipefail

dir=${SLURM_DIR:-/tmp/bordersim-slurm}
mkdir -p "$dir"/state "$dir"/spool "$dir"/munge
chmod 700 "$dir"/munge

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
    ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    # A fresh machine may have no package lists yet.
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurmctld slurmd slurm-client munge >/dev/null
fi

running() { [[ -f "$dir/$1.pid" ]] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

host=$(hostname -s)
cpus=$(nproc)
cat >"$dir/slurm.conf" <<CONF
ClusterName=bordersim
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket.2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MinJobAge=2
ReturnToService=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"

if ! running munged; then
    # Its own key, socket and files: another munged on this machine is left alone.
    [[ -f "$dir/munge/munge.key" ]] || dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
    chmod 400 "$dir/munge/munge.key"
    munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket.2" \
        --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/seed"
fi
running slurmctld || slurmctld -f "$SLURM_CONF"
running slurmd || slurmd -f "$SLURM_CONF"

# Ready when the node takes jobs.
for _ in $(seq 1 100); do
    if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
        echo "export SLURM_CONF=$SLURM_CONF"
        exit 0
    fi
    sleep 0.2
done
echo "start.sh: the Slurm node did not come up; see $dir/*.log" >&2
exit 1
