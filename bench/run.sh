#!/usr/bin/env bash
# copylint benchmark: throughput per format (many files and one large file, 1 thread and all
# threads), single-page latency, peak RSS, and ripgrep counting the same phrase list.
# Corpora are generated deterministically from fixtures/ by examples/gen_corpus.rs.
# usage: bench/run.sh [MEGABYTES per corpus, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-20}
RUNS=${RUNS:-3} # runs per throughput line; the fastest counts (the machine may be shared)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet --example gen_corpus
cargo build --release --quiet
BIN=target/release/copylint
GEN=target/release/examples/gen_corpus
echo "machine: $(nproc) cores, $(uname -m); corpus: ${MB} MB per format and shape; $(date -u +%F)"
$GEN --phrases > "$WORK/phrases.txt"

# threads=1 runs on one core (`taskset`): the output is written by a second thread while the
# next window of files is linted, so RAYON_NUM_THREADS=1 alone would still use more than one core.
measure() { # label, threads, paths...  (best of $RUNS runs: the fastest time, the largest RSS)
  local label=$1 threads=$2; shift 2
  local bytes; bytes=$(du -sb "$@" | awk '{s+=$1} END {print s}')
  local pin=(); [ "$threads" = 1 ] && command -v taskset > /dev/null && pin=(taskset -c 0)
  local best="" rss=0 out secs r
  for _ in $(seq "$RUNS"); do
    out=$( { RAYON_NUM_THREADS=$threads /usr/bin/time -f "%e %M" "${pin[@]}" "$BIN" check --format json --max-file-size 1000000000 "$@" > /dev/null || true; } 2>&1 | tail -1 )
    secs=${out% *} r=${out#* }
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; fi
    [ "$r" -gt "$rss" ] && rss=$r
  done
  awk -v l="$label" -v t="$threads" -v b="$bytes" -v s="$best" -v r="$rss" \
    'BEGIN { printf "%-28s threads=%s  %7.1f MB in %6.2f s = %7.2f MB/s  peak RSS %6.1f MB\n", l, t, b/1e6, s, (s>0? b/1e6/s : 0), r/1024 }'
}

for fmt in txt md html; do
  $GEN "$WORK/$fmt-many" "$MB" "$fmt" many 2>/dev/null
  $GEN "$WORK/$fmt-one" "$MB" "$fmt" one 2>/dev/null
  measure "$fmt many files" 1 "$WORK/$fmt-many"
  measure "$fmt many files" "$(nproc)" "$WORK/$fmt-many"
  measure "$fmt one large file" 1 "$WORK/$fmt-one"
done

# Memory bound: a 100 MB corpus of small files (all threads).
if [ "${BENCH_100MB:-1}" = 1 ]; then
  $GEN "$WORK/txt-100" 100 txt many 2>/dev/null
  measure "txt 100 MB, many files" "$(nproc)" "$WORK/txt-100"
  rm -rf "$WORK/txt-100"
fi

# Rule-count scaling: the same corpus with 1,000 extra user phrase rules (--rules DIR).
$GEN --user-rules "$WORK/user-rules" 1000
# Alternating runs with and without the rules, medians: on a shared machine the speed drifts
# within minutes, and a fastest-of-N per side can pair a fast minute with a slow one.
timed() { { RAYON_NUM_THREADS=1 /usr/bin/time -f "%e" taskset -c 0 "$BIN" check --format json --max-file-size 1000000000 "$@" > /dev/null || true; } 2>&1 | tail -1; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
plain=() rules=()
for _ in $(seq "${SCALING_RUNS:-5}"); do
  plain+=("$(timed "$WORK/txt-many")")
  rules+=("$(timed --rules "$WORK/user-rules" "$WORK/txt-many")")
done
base=$(printf '%s\n' "${plain[@]}" | median); more=$(printf '%s\n' "${rules[@]}" | median)
awk -v a="$base" -v b="$more" -v n="${SCALING_RUNS:-5}" 'BEGIN { printf "1,000 extra phrase rules, txt many files, 1 thread: %.2f s -> %.2f s = %.2fx (medians of %d alternating runs)\n", a, b, (a>0? b/a : 0), n }'

page=fixtures/seeds/000_a9387f0dbda18cbe.txt
if command -v hyperfine > /dev/null; then
  hyperfine -N --warmup 3 --runs 20 -i "$BIN check $page" 2>/dev/null | grep -E "Time|Range" | sed 's/^/single 3.8 KB page: /'
else
  start=$(date +%s%N); for _ in $(seq 20); do "$BIN" check "$page" > /dev/null || true; done; end=$(date +%s%N)
  echo "single 3.8 KB page: $(( (end - start) / 20000000 )) ms per run (mean of 20)"
fi

# Start-up scale with many files (a pre-commit hook on a batch of snippets): 300 pages of one
# paragraph each, cut from the seed pages, ~100 KB in all.
mkdir -p "$WORK/short"
awk -v dir="$WORK/short" 'BEGIN { RS = "" } { p[n++] = $0 } END { for (i = 0; i < 300; i++) print p[i % n] > (dir "/p" i ".txt") }' fixtures/seeds/*.txt
if command -v hyperfine > /dev/null; then
  hyperfine -N --warmup 2 --runs 10 -i "$BIN check $WORK/short" 2>/dev/null | grep -E "Time|Range" | sed 's/^/300 one-paragraph pages: /'
fi

if command -v rg > /dev/null; then
  bytes=$(du -sb "$WORK/txt-many" | cut -f1)
  secs=$( { /usr/bin/time -f "%e" rg -c -i -F -f "$WORK/phrases.txt" "$WORK/txt-many" > /dev/null || true; } 2>&1 | tail -1 )
  awk -v b="$bytes" -v s="$secs" -v n="$(wc -l < "$WORK/phrases.txt")" \
    'BEGIN { printf "ripgrep counting %d phrases, txt many files: %.2f s = %.1f MB/s\n", n, s, (s>0? b/1e6/s : 0) }'
else
  echo "ripgrep not installed: apt-get install ripgrep for the comparison"
fi
