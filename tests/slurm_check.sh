#!/bin/bash
# Checks the README's Slurm recipe against a real Slurm on this one machine (not part of `make test`: it needs root
# and three Debian packages, and starts two daemons for a minute). A throwaway controller (slurmctld) and node
# daemon (slurmd) on localhost, no munge (auth/none), state under a temporary folder:
#   1. the README's array command, verbatim, with sbatch --test-only (paper-scale design of fig3);
#   2. fig3's jobs at a tiny size as a real job array (sbatch --wait), then --merge, compared with a serial run:
#      fig3.csv, claims.csv and the parts (less their job_seconds column) must be identical.
# Without a controller `sbatch --test-only` cannot work: it asks slurmctld whether and when the job would start
# ("Unable to contact slurm controller"), and without a slurm.conf it stops before that ("Could not establish a
# configuration source"); hence the local controller.
# Usage (from the repository root, after make): sudo apt-get install slurm-client slurmctld slurmd; tests/slurm_check.sh
set -euo pipefail
trap 'echo "slurm_check: FAILED at line $LINENO" >&2' ERR
for tool in sbatch slurmctld slurmd; do
    command -v $tool >/dev/null || { echo "slurm_check: $tool missing (apt-get install slurm-client slurmctld slurmd)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "slurm_check: run as root (slurmd launches the jobs)" >&2; exit 1; }
[ -x ./repro ] || { echo "slurm_check: build ./repro first (make)" >&2; exit 1; }
work=$(mktemp -d /tmp/repro_slurm_XXXXXX)
cat > "$work/slurm.conf" <<EOF
ClusterName=repro-check
SlurmctldHost=localhost
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=check Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF="$work/slurm.conf"
slurmctld -D > "$work/slurmctld.out" 2>&1 & ctld=$!
sleep 2
slurmd -D -N localhost > "$work/slurmd.out" 2>&1 & node=$!
trap 'kill $node $ctld 2>/dev/null; wait $node $ctld 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 30); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo

echo "== 1. the README's recipe, sbatch --test-only"
N=$(./repro fig3 --scale paper --list-jobs | wc -l)
sbatch --test-only --array=0-$((N-1)) --cpus-per-task=2 --time=04:00:00 \
       --wrap='./repro fig3 --scale paper --threads 2 --quiet --job $SLURM_ARRAY_TASK_ID'

echo "== 2. fig3 (tiny) as a real job array, merged, against the serial run"
fig="./repro fig3 --n 8 --M 200 --g-list 0.5,1,2 --ensembles 1 --M-plus 500 --iterations 1000 --probe 100"
fig="$fig --batch 16 --sampler ddim --steps 10 --eps-count 5 --threads 1 --quiet"
$fig --out "$work/serial" > /dev/null
N=$($fig --out "$work/array" --list-jobs | wc -l)
sbatch --wait --array=0-$((N-1)) --cpus-per-task=1 --time=00:10:00 --output="$work/job_%a.out" \
       --wrap="$fig --out $work/array --job \$SLURM_ARRAY_TASK_ID"
$fig --out "$work/array" --merge > /dev/null
cmp "$work/serial/fig3.csv" "$work/array/fig3.csv"
cmp "$work/serial/claims.csv" "$work/array/claims.csv"
for ((k = 0; k < N; k++)); do
    cmp <(cut -d, -f1,2,4- "$work/serial/parts/job_$k.csv") <(cut -d, -f1,2,4- "$work/array/parts/job_$k.csv")
done
echo "slurm_check: the recipe passes --test-only, and the $N-job array merged equals the serial run"
