#!/usr/bin/env bash
# PHOLD side by side, as benches/PHOLD.md measures it: a fresh process per run, one
# warm-up run discarded, then RUNS counted runs per engine and point, engines interleaved
# run by run so they see the same machine state. Prints a markdown table of median
# events/s (min-max), the ratios of medians, and peak RSS.
#
# Usage: benches/phold-table.sh [RUNS] [N]     (defaults: 5 runs, N = 10,000,000)
set -euo pipefail
runs=${1:-5}
events=${2:-10000000}
cd "$(dirname "$0")/.."
cargo build --release --quiet -p sim-benches --bin phold-compare
bin=target/release/phold-compare
engines=(fabricsim binary-heap simcore)
points=("P1k 1000 1" "P100k 10000 10" "P1M 100000 10")
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

for point in "${points[@]}"; do
  read -r name e m <<<"$point"
  for run in $(seq 0 "$runs"); do
    for engine in "${engines[@]}"; do
      line=$("$bin" "$engine" "$e" "$m" "$events")
      # Run 0 is the warm-up.
      [ "$run" -gt 0 ] && echo "$name $engine $line" >>"$tmp"
    done
  done
done

awk -v events="$events" -v runs="$runs" '
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function minmax(list,   n, a, i, lo, hi) {
  n = split(list, a, " "); lo = a[1]; hi = a[1]
  for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
  return sprintf("%.2f-%.2f", lo / 1e6, hi / 1e6)
}
{
  point = $1; engine = $2
  for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  eps[point, engine] = eps[point, engine] " " v["events_per_s"]
  rss[point, engine] = rss[point, engine] " " v["peak_rss_kib"]
}
END {
  printf "PHOLD, N = %d events, %d counted runs per cell (fresh process each, 1 warm-up discarded), seed 42.\n\n", events, runs
  print "| pending | fabricsim M ev/s | BinaryHeap M ev/s | simcore M ev/s | fabricsim / BinaryHeap | fabricsim / simcore |"
  print "|---|---|---|---|---|---|"
  split("P1k P100k P1M", order, " ")
  for (k = 1; k <= 3; k++) {
    p = order[k]
    f = median(eps[p, "fabricsim"]); h = median(eps[p, "binary-heap"]); s = median(eps[p, "simcore"])
    printf "| %s | %.2f (%s) | %.2f (%s) | %.2f (%s) | %.2fx | %.2fx |\n", p, f / 1e6, minmax(eps[p, "fabricsim"]), h / 1e6, minmax(eps[p, "binary-heap"]), s / 1e6, minmax(eps[p, "simcore"]), f / h, f / s
  }
  print ""
  print "| peak RSS (median, KiB) | fabricsim | BinaryHeap | simcore |"
  print "|---|---|---|---|"
  for (k = 1; k <= 3; k++) {
    p = order[k]
    printf "| %s | %d | %d | %d |\n", p, median(rss[p, "fabricsim"]), median(rss[p, "binary-heap"]), median(rss[p, "simcore"])
  }
  print ""
  printf "Memory per pending event, (RSS(P1M) - RSS(P1k)) / (10^6 - 10^3), PHOLD.md method (includes per-entity counters, 8 B x 99k entities):\n"
  printf "fabricsim %.1f B, BinaryHeap %.1f B, simcore %.1f B\n", \
    (median(rss["P1M", "fabricsim"]) - median(rss["P1k", "fabricsim"])) * 1024 / 999000, \
    (median(rss["P1M", "binary-heap"]) - median(rss["P1k", "binary-heap"])) * 1024 / 999000, \
    (median(rss["P1M", "simcore"]) - median(rss["P1k", "simcore"])) * 1024 / 999000
}' "$tmp"
