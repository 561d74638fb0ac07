#!/usr/bin/env bash
# Runs fuzz targets with cargo-fuzz (stable Rust works: `-s none`, no sanitizer) for SECONDS each,
# seeding the corpora first, and appends one line per target to fuzz/runs.log:
# date, commit, target, seconds, executions, corpus size, crashes saved under fuzz/artifacts/.
# usage: fuzz/run.sh SECONDS [TARGET...]   (default: all six targets, one after another)
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}; shift
targets=${*:-text markdown html rule_file config pipeline}
[ -d corpus ] || ./seed.sh > /dev/null
commit=$(git rev-parse --short HEAD)
for t in $targets; do
  log=$(mktemp)
  cargo fuzz run -s none -O "$t" "corpus/$t" -- -max_total_time="$secs" -dict=dict/pack.dict \
    -max_len=65536 -timeout=10 -print_final_stats=1 > "$log" 2>&1 || true
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  crashes=$(find "artifacts/$t" -type f 2>/dev/null | wc -l)
  if ! grep -q 'Done [0-9]* runs' "$log"; then echo "$t: did not run:"; grep -m5 -E '^error' -A5 "$log" || tail -5 "$log"; fi
  printf '%s %s %-10s %6ss %10s execs %6s corpus %s crashes\n' "$(date -u +%FT%TZ)" "$commit" "$t" "$secs" \
    "$execs" "$(ls "corpus/$t" | wc -l)" "$crashes" | tee -a runs.log
  grep -m3 -E 'panicked|ERROR: libFuzzer' "$log" || true
  cp "$log" "last-$t.log"
done
