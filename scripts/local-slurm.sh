#!/usr/bin/env bash
# A one-node Slurm cluster on loopback, for the tests and for trying `pipeline submit` on one machine.
#   scripts/local-slurm.sh start DIR   installs slurmctld/slurmd/munge when missing (Debian, as root),
#                                      starts munged, slurmctld and slurmd with DIR/slurm.conf, and
#                                      prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/local-slurm.sh stop DIR    stops the daemons started from DIR
#   scripts/local-slurm.sh install     only installs the packages when missing (.ci/run calls it)
# The config (written below; from the project's cluster notes): select/cons_tres by core, no accounting, job ends
# logged to DIR/jobcomp.log, requeued jobs wait 10 s (cred_expire) rather than 120.
set -euo pipefail
usage="usage: local-slurm.sh start|stop DIR, or local-slurm.sh install"
cmd=${1:?$usage}

install() {   # $1: where apt's log goes
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null && return 0
  [[ $(id -u) == 0 ]] || { echo "local-slurm: slurmctld, slurmd, slurm-client and munge are missing and installing them needs root" >&2; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge >"$1" 2>&1 \
    || { apt-get update -q >>"$1" 2>&1 && apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge >>"$1" 2>&1; } \
    || { echo "local-slurm: apt-get could not install slurm (see $1)" >&2; return 1; }
}

if [[ $cmd == install ]]; then install "${TMPDIR:-/tmp}/local-slurm-apt.log"; exit; fi
[[ $cmd == start || $cmd == stop ]] && [[ $# == 2 ]] || { echo "$usage" >&2; exit 2; }
dir=$(mkdir -p "${2:?$usage}" && cd "$2" && pwd)
conf=$dir/slurm.conf

stop() {
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
    if [[ -f $pidfile ]]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
  done
}

if [[ $cmd == stop ]]; then stop; exit 0; fi

install "$dir/apt.log"

# munged: one per machine, shared by every cluster started here.
if ! pgrep -x munged >/dev/null; then
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
  [[ -f /etc/munge/munge.key ]] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  runuser -u munge -- munged
fi

stop
host=$(hostname -s)
# Ports of this cluster's own (a second cluster on the machine, or a real one, keeps its own): free ones, chosen at random.
port() { local p; while :; do p=$((20000 + RANDOM % 20000)); ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && { echo $p; return; }; done; }
ctld_port=$(port); slurmd_port=$(port)
node=$(slurmd -C | head -1)   # NodeName=<host> CPUs=... RealMemory=...
mkdir -p "$dir/state" "$dir/spool"
cat >"$conf" <<CONF
ClusterName=local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=cred_expire=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
MinJobAge=300
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf
slurmctld -f "$conf"
slurmd -f "$conf"
for _ in $(seq 60); do
  if sinfo -h -o %T 2>/dev/null | grep -qx idle; then echo "export SLURM_CONF=$conf"; exit 0; fi
  sleep 0.5
done
echo "local-slurm: the node did not come up idle in 30 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2
sinfo >&2 || true
exit 1
