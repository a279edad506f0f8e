#!/bin/sh
# Fill fuzz/corpus/<target>/ with seed inputs taken from the repository's fixtures and packs.
# Run from the repository root: sh fuzz/seed.sh
set -eu
c=fuzz/corpus
mkdir -p $c/text $c/html $c/docx $c/xlsx $c/xls $c/ods $c/pack $c/config $c/baseline
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
cat > $c/baseline/seed-entry <<'JSON'
{
  "version": 1,
  "tool": "gouji",
  "entries": [
    {
      "fingerprint": "df9c18f9e145d3be",
      "path": "fixtures/formats/seed_000.txt",
      "rule": "PROSE-TABLE",
      "scope": "第2份报告（2015年） · 「2015年,回应公众关注热点和重…」",
      "line": 53,
      "message": "a figure in the prose differs from the same figure in the report's statistics table"
    }
  ]
}
JSON
# XLS and ODS: the hand-made workbooks of gouji::fuzz::hostile_workbooks (written by a test).
if GOUJI_SAMPLES=/tmp/gouji-seed-wb cargo test -q --lib write_hostile_workbooks -- --ignored >/dev/null 2>&1; then
  for f in /tmp/gouji-seed-wb/*.xls; do seed xls "$f"; done
  for f in /tmp/gouji-seed-wb/*.ods; do seed ods "$f" 000; done
fi
echo "seeded $n inputs under $c"
