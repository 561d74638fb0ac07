#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ from the repository's fixtures, rule pack and fuzz/seeds/, and
# fuzz/dict/pack.dict from the rule pack's phrases (so mutations splice in real trigger words).
set -euo pipefail
cd "$(dirname "$0")"
root=..
for t in text markdown html rule_file config pipeline; do mkdir -p "corpus/$t"; done
for f in $(find $root/fixtures -name '*.txt'); do cp "$f" "corpus/text/$(basename "$f")"; done
for f in $(find $root/fixtures -name '*.md'); do cp "$f" "corpus/markdown/$(basename "$f")"; done
for f in $(find $root/fixtures -name '*.html'); do cp "$f" "corpus/html/$(basename "$f")"; done
# Pipeline inputs: a format byte (0 text, 1 Markdown, 2 HTML), then pages split by 0x1E.
i=0
for f in $(find $root/fixtures \( -name '*.txt' -o -name '*.md' -o -name '*.html' \)); do
  case $f in *.txt) b='\x00';; *.md) b='\x01';; *.html) b='\x02';; esac
  { printf "$b"; cat "$f"; } > "corpus/pipeline/$i"; i=$((i + 1))
done
{ printf '\x01'; cat $root/fixtures/cross-file/kratom-a.md; printf '\x1e'; cat $root/fixtures/cross-file/kratom-b.md; } > corpus/pipeline/cross
# Rule files: the embedded rules under user codes (so they do not clash with the pack's own).
for f in $(find $root/rules -path '*/lexicons' -prune -o -path '*/facts' -prune -o -name '*.toml' -print); do
  sed -E 's/^code = "([A-Z])([0-9]+)"/code = "U\2"/; s/^name = "/name = "user-/' "$f" > "corpus/rule_file/$(basename "$f")"
done
cp seeds/config/*.toml corpus/config/
cp $root/src/config_starter.toml corpus/config/starter.toml
sed -E 's/^# ?//' $root/src/config_starter.toml | grep -v '^rules' > corpus/config/starter-uncommented.toml
mkdir -p dict
cargo run --quiet --release --manifest-path $root/Cargo.toml --example gen_corpus -- --phrases \
  | grep -v '["\\]' | awk 'length($0) > 2 { printf "\"%s\"\n", $0 }' > dict/pack.dict
for t in text markdown html rule_file config pipeline; do echo "$t: $(ls corpus/$t | wc -l) seeds"; done
