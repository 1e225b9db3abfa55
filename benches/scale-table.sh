#!/usr/bin/env bash
# The scaling table of benches/README.md: `fabricsim bench scale` (the gigawatt scenario
# scaled to a fleet size) at 10k, 100k and 1M accelerators over 1 week, 1 month and 1 year,
# each in a fresh process (peak RSS is the process's), RUNS times, median wall time.
# Usage: benches/scale-table.sh [RUNS]   (default 3; builds the release binary first)
set -euo pipefail
runs=${1:-3}
cd "$(dirname "$0")/.."
cargo build --release --quiet -p sim-cli
bin=target/release/fabricsim
echo "| accelerators | horizon | events | run s (median of $runs) | µs per event | peak RSS MiB | est. events | est. memory MiB | jobs | services |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in 10000 100000 1000000; do
  for h in 7d 30d 365d; do
    walls=()
    for _ in $(seq "$runs"); do
      line=$("$bin" bench scale --accelerators "$n" --horizon "$h")
      walls+=("$(sed -E 's/.* run_s=([0-9.]+).*/\1/' <<<"$line")")
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    get() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$line"; }
    accel=$(sed -E 's/^accelerators=([0-9]+).*/\1/' <<<"$line")
    events=$(get events)
    rss=$(get peak_rss_kib)
    printf '| %s | %s | %s | %s | %.2f | %.0f | %s | %s | %s | %s |\n' \
      "$accel" "$h" "$events" "$median" "$(awk -v w="$median" -v e="$events" 'BEGIN {print w * 1e6 / e}')" \
      "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" "$(get est_events)" "$(get est_memory_mib)" \
      "$(get jobs)" "$(get services)"
  done
done
