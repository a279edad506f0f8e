#!/bin/sh
# Fill fuzz/corpus/<target>/ with seed inputs taken from the repository's fixtures and packs.
# Run from the repository root: sh fuzz/seed.sh
set -eu
c=fuzz/corpus
mkdir -p $c/text $c/html $c/docx $c/xlsx $c/pack $c/config $c/baseline
n=0
seed() { # target file [prefix-byte-octal]
  n=$((n + 1))
  out="$c/$1/seed-$n"
  if [ $# -ge 3 ]; then printf "\\$3" > "$out"; cat "$2" >> "$out"; else cp "$2" "$out"; fi
}
for f in $(find fixtures -name '*.txt' -o -name '*.md'); do seed text "$f"; done
for f in $(find fixtures -name '*.html' -o -name '*.htm'); do seed html "$f"; done
for f in $(find fixtures -name '*.docx'); do
  seed docx "$f" 000
  if command -v unzip >/dev/null; then
    unzip -p "$f" word/document.xml > /tmp/gouji-seed.xml && seed docx /tmp/gouji-seed.xml 001
  fi
done
for f in $(find fixtures -name '*.xlsx'); do
  seed xlsx "$f" 000
  if command -v unzip >/dev/null; then
    unzip -p "$f" xl/worksheets/sheet1.xml > /tmp/gouji-seed.xml 2>/dev/null && seed xlsx /tmp/gouji-seed.xml 001 || true
  fi
done
cp fixtures/hostile/xlsx-fuzz-crash-43890789-sheet1-input.bin $c/xlsx/seed-hostile-cellref
for f in rules/*.toml; do seed pack "$f"; done
seed config src/config_starter.toml
for f in $(find fixtures -name '*baseline*.json'); do seed baseline "$f"; done
printf '{"version":1,"entries":[]}' > $c/baseline/seed-empty
echo "seeded $n inputs under $c"
