#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine for sim-cli/tests/it/slurm.rs.
#
# As root: installs Debian's slurm-wlm and munge if missing, writes a minimal slurm.conf for
# this host (the node's CPUs and memory from `slurmd -C`, everything on 127.0.0.1, no
# accounting), creates the munge key, starts munged, slurmctld and slurmd, and waits until
# `sinfo` shows the node idle. Idempotent: running it again with the cluster up does nothing
# (a changed slurm.conf restarts the Slurm daemons). Stop it with ci/slurm/stop-slurm.sh.
#
# Exit codes: 0 the node is idle; 1 it could not be set up (the reason is on stderr).
set -euo pipefail

SLURM_CONF=/etc/slurm/slurm.conf
STATE_DIR=/var/spool/slurmctld
SPOOL_DIR=/var/spool/slurmd
LOG_DIR=/var/log/slurm
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_KEY=/etc/munge/munge.key
MUNGE_RUN=/run/munge
# Upper bounds: apt on a slow mirror, then the daemons coming up.
APT_TIMEOUT=${APT_TIMEOUT:-600}
IDLE_TIMEOUT=${IDLE_TIMEOUT:-60}

say() { echo "start-slurm: $*"; }
die() { echo "start-slurm: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"

# A live process by pid file.
alive() { [ -s "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

node_state() { sinfo -h -N -o '%t' 2>/dev/null | head -n 1; }

# Already up: nothing to do (unless slurm.conf would change, checked below).
installed() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
        && command -v sbatch >/dev/null && command -v sinfo >/dev/null \
        && command -v munged >/dev/null
}

if ! installed; then
    command -v apt-get >/dev/null || die "slurm-wlm/munge missing and apt-get is not available"
    say "installing slurm-wlm and munge (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt_get() { timeout "$APT_TIMEOUT" apt-get -q -o DPkg::Lock::Timeout=300 "$@" >/dev/null; }
    update() {
        apt_get update || die "apt-get update failed or timed out (no package registry reachable?)"
    }
    install() { apt_get install -y --no-install-recommends slurm-wlm munge; }
    # Refresh the lists first when they do not know the packages, and again when the
    # install fails on lists too old for the mirror.
    apt-cache show slurm-wlm munge >/dev/null 2>&1 || update
    install || { update && install; } || die "apt-get install slurm-wlm munge failed or timed out"
    installed || die "slurm-wlm installed but its programs are not on PATH"
fi

host=$(hostname -s)
[ -n "$host" ] || die "this machine has no host name"

# The node's hardware as slurmd sees it: "NodeName=vm CPUs=2 Boards=1 ... RealMemory=24037".
hw=$(slurmd -C 2>/dev/null | head -n 1)
cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
boards=$(sed -n 's/.* Boards=\([0-9]*\).*/\1/p' <<<"$hw")
sockets=$(sed -n 's/.* SocketsPerBoard=\([0-9]*\).*/\1/p' <<<"$hw")
cores=$(sed -n 's/.* CoresPerSocket=\([0-9]*\).*/\1/p' <<<"$hw")
threads=$(sed -n 's/.* ThreadsPerCore=\([0-9]*\).*/\1/p' <<<"$hw")
memory=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
[ -n "$cpus" ] && [ -n "$memory" ] || die "could not read CPUs and RealMemory from 'slurmd -C': $hw"
topology=""
if [ -n "$boards" ] && [ -n "$sockets" ] && [ -n "$cores" ] && [ -n "$threads" ]; then
    topology=" Boards=$boards SocketsPerBoard=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads"
fi

# Everything talks over 127.0.0.1: the controller and the node are this machine.
conf=$(cat <<CONF
# One-node Slurm for fabricsim's CI (written by ci/slurm/start-slurm.sh).
ClusterName=fabricsim-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$STATE_DIR
SlurmdSpoolDir=$SPOOL_DIR
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus$topology RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
)

mkdir -p /etc/slurm "$STATE_DIR" "$SPOOL_DIR" "$LOG_DIR"
conf_changed=0
if [ ! -f "$SLURM_CONF" ] || [ "$(cat "$SLURM_CONF")" != "$conf" ]; then
    printf '%s\n' "$conf" >"$SLURM_CONF"
    conf_changed=1
fi

if [ "$conf_changed" = 0 ] && alive "$CTLD_PID" && alive "$SLURMD_PID" \
    && [ "$(node_state)" = idle ]; then
    say "already running: node $host idle"
    exit 0
fi

# munge: the key, its run directory, the daemon (as the munge user, as Debian runs it).
if [ ! -s "$MUNGE_KEY" ]; then
    say "creating $MUNGE_KEY"
    mkdir -p "$(dirname "$MUNGE_KEY")"
    if command -v mungekey >/dev/null; then
        mungekey --create --keyfile="$MUNGE_KEY" --force
    else
        dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none
    fi
fi
munge_user=root
id munge >/dev/null 2>&1 && munge_user=munge
chown "$munge_user:" "$MUNGE_KEY" /etc/munge
chmod 0700 /etc/munge
chmod 0400 "$MUNGE_KEY"
mkdir -p "$MUNGE_RUN" /var/lib/munge /var/log/munge
chown "$munge_user:" "$MUNGE_RUN" /var/lib/munge /var/log/munge
chmod 0755 "$MUNGE_RUN"
if ! alive "$MUNGE_RUN/munged.pid"; then
    say "starting munged"
    rm -f "$MUNGE_RUN/munge.socket.2" "$MUNGE_RUN/munge.socket.2.lock"
    if [ "$munge_user" = root ]; then
        munged --force </dev/null >>/var/log/munge/start.log 2>&1
    else
        runuser -u munge -- munged </dev/null >>/var/log/munge/start.log 2>&1
    fi
fi
munge -n </dev/null | unmunge >/dev/null 2>&1 || die "munge does not work (see /var/log/munge/)"

# A changed configuration: restart the Slurm daemons so they read it.
if [ "$conf_changed" = 1 ]; then
    for pidfile in "$SLURMD_PID" "$CTLD_PID"; do
        if alive "$pidfile"; then
            say "restarting for the new slurm.conf: stopping pid $(cat "$pidfile")"
            kill "$(cat "$pidfile")"
            for _ in $(seq 1 50); do alive "$pidfile" || break; sleep 0.2; done
        fi
    done
fi

if ! alive "$CTLD_PID"; then
    say "starting slurmctld"
    # Daemons must not hold the caller's stdout/stderr (CI waits for those to close).
    slurmctld </dev/null >>"$LOG_DIR/slurmctld.start.log" 2>&1 \
        || die "slurmctld failed to start (see $LOG_DIR/slurmctld.log)"
fi
if ! alive "$SLURMD_PID"; then
    say "starting slurmd"
    slurmd </dev/null >>"$LOG_DIR/slurmd.start.log" 2>&1 \
        || die "slurmd failed to start (see $LOG_DIR/slurmd.log)"
fi

deadline=$((SECONDS + IDLE_TIMEOUT))
state=""
while [ "$SECONDS" -lt "$deadline" ]; do
    state=$(node_state || true)
    case "$state" in
        idle) say "node $host idle (CPUs=$cpus RealMemory=$memory MB)"; exit 0 ;;
        down*|drain*|drng*|fail*)
            scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 1
done
die "node $host not idle after ${IDLE_TIMEOUT}s (state: ${state:-none}; see $LOG_DIR/)"
