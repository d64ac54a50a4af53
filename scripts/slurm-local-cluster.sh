#!/usr/bin/env bash
# A one-node Slurm cluster on localhost, for testing `run-experiment --slurm` (CI runs it; see .ci/run).
#
#   scripts/slurm-local-cluster.sh start    # prints the SLURM_CONF to export
#   scripts/slurm-local-cluster.sh status
#   scripts/slurm-local-cluster.sh stop     # cancels the jobs, then stops the daemons it started
#
# Needs root and Debian's packages: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge
# Everything (config, munge key and socket, state, spool, logs, PIDs) lives in $PRUNEBENCH_SLURM_DIR
# (default /tmp/prunebench-slurm); nothing under /etc is changed and no system service is started. Only loopback
# addresses are used (ports $PRUNEBENCH_SLURM_PORT and the next one, default 6817/6818).
set -euo pipefail

dir="${PRUNEBENCH_SLURM_DIR:-${TMPDIR:-/tmp}/prunebench-slurm}"
port="${PRUNEBENCH_SLURM_PORT:-6817}"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"

die() { echo "slurm-local-cluster: $*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }

node_idle() { [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ]; }

show_logs() {
  for f in "$dir"/log/*.log; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
}

start() {
  [ "$(id -u)" = 0 ] || die "must run as root (munged runs as the munge user, the Slurm daemons as root)"
  for c in munged slurmctld slurmd sbatch scontrol sinfo; do
    command -v "$c" >/dev/null || die "$c is missing; install: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge"
  done
  id munge >/dev/null 2>&1 || die "no munge user (the munge package creates it)"
  if alive "$dir/slurmctld.pid" || alive "$dir/slurmd.pid"; then
    up && { echo "already running; export SLURM_CONF=$conf"; return; }
    die "daemons of an earlier start are still running in $dir; run: $0 stop"
  fi
  rm -rf "$dir"
  mkdir -p "$dir"/{state,spool,log}
  chmod 755 "$dir"
  # munged refuses keys and sockets in folders others can write: its own folder, owned by munge.
  install -d -m 755 -o munge -g munge "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none
  chown munge:munge "$dir/munge/munge.key"
  chmod 400 "$dir/munge/munge.key"
  runuser -u munge -- munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" \
    || die "munged did not start: $(tail -n 5 "$dir/munge/munged.log" 2>/dev/null)"
  cp "$dir/munge/munged.pid" "$dir/munged.pid"

  local cpus
  cpus="$(nproc)"
  cat >"$conf" <<EOF
# One-node test cluster written by scripts/slurm-local-cluster.sh
ClusterName=prunebench
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.daemon.pid
SlurmdPidFile=$dir/slurmd.daemon.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
# Finished jobs leave the controller within seconds (Slurm raises 0 to its minimum, 2 s); measured when this
# setup was made: with the default (300 s) sbatch --wait could miss a failed array task.
MinJobAge=0
ReturnToService=2
MailProg=/bin/true
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

  slurmctld -D -f "$conf" >"$dir/log/slurmctld.out" 2>&1 &
  echo $! >"$dir/slurmctld.pid"
  slurmd -D -N localhost -f "$conf" >"$dir/log/slurmd.out" 2>&1 &
  echo $! >"$dir/slurmd.pid"

  for _ in $(seq 1 60); do
    if up && node_idle; then
      echo "one-node Slurm cluster up ($cpus CPUs): export SLURM_CONF=$conf"
      return
    fi
    alive "$dir/slurmctld.pid" || { show_logs; die "slurmctld exited"; }
    alive "$dir/slurmd.pid" || { show_logs; die "slurmd exited"; }
    sleep 0.5
  done
  show_logs
  stop_daemons
  die "the cluster did not come up within 30 s"
}

stop_pid() {
  local file="$1"
  alive "$file" || { rm -f "$file"; return 0; }
  local pid
  pid="$(cat "$file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
    sleep 0.25
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

stop_daemons() {
  stop_pid "$dir/slurmd.pid"
  stop_pid "$dir/slurmctld.pid"
  stop_pid "$dir/munged.pid"
}

stop() {
  [ -f "$conf" ] || { echo "no cluster in $dir"; return 0; }
  # `scontrol shutdown` would leave the jobs' processes running: cancel them first.
  if up; then
    local jobs
    jobs="$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')"
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for _ in $(seq 1 40); do
        [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break
        sleep 0.25
      done
    fi
  fi
  stop_daemons
  echo "stopped the cluster in $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if up; then echo "up: export SLURM_CONF=$conf"; sinfo; squeue; else echo "down ($dir)"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
