#!/usr/bin/env bash
# Alternating runs of two or more copylint binaries on one corpus: per binary, the median and the
# minimum of task-clock (CPU ms) and wall clock. On a shared machine whose speed wanders, only
# interleaved runs compare builds fairly (see docs/performance.md, "How to measure").
# usage: bench/compare.sh ROUNDS THREADS DIR BIN...   (THREADS=1 pins each run to core 0)
# needs: perf (task-clock), /usr/bin/time
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 ROUNDS THREADS DIR BIN..." >&2; exit 2; }
rounds=$1; threads=$2; dir=$3; shift 3
pin=(); [ "$threads" = 1 ] && pin=(taskset -c 0)
declare -A cpu wall
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    out=$( { RAYON_NUM_THREADS=$threads /usr/bin/time -f "W%e" perf stat -x, -e task-clock "${pin[@]}" \
      "$bin" check --format json --max-file-size 1000000000 "$dir" > /dev/null || true; } 2>&1 )
    cpu[$bin]+="$(echo "$out" | grep task-clock | cut -d, -f1) "
    wall[$bin]+="$(echo "$out" | grep '^W' | tr -d W) "
  done
done
stats() { tr ' ' '\n' | grep . | sort -n | awk -v u="$1" '{v[NR]=$1} END {printf "%s median %s min %s", u, v[int((NR+1)/2)], v[1]}'; }
for bin in "$@"; do
  echo "$bin: $(echo "${cpu[$bin]}" | stats "cpu ms") | $(echo "${wall[$bin]}" | stats "wall s")"
done
