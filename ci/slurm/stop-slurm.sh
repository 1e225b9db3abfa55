#!/usr/bin/env bash
# Stops what ci/slurm/start-slurm.sh started: slurmd, slurmctld and munged, each by its pid
# file. Jobs still queued or running are lost with --purge, which also removes Slurm's saved
# state and spool; without it the next start-slurm.sh picks up where this one left off.
set -euo pipefail

purge=0
[ "${1:-}" = --purge ] && purge=1

say() { echo "stop-slurm: $*"; }
alive() { [ -s "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

for pidfile in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
    if alive "$pidfile"; then
        pid=$(cat "$pidfile")
        say "stopping $(cat "/proc/$pid/comm" 2>/dev/null || echo pid) ($pid)"
        kill "$pid"
        for _ in $(seq 1 50); do alive "$pidfile" || break; sleep 0.2; done
        if alive "$pidfile"; then
            say "pid $pid still running after 10 s: killing it"
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
done

if [ "$purge" = 1 ]; then
    say "removing Slurm state and spool"
    rm -rf /var/spool/slurmctld /var/spool/slurmd
fi
