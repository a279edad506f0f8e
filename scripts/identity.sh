#!/usr/bin/env bash
# Byte-identity check for speed work: run `gouji check --format json` and
# `gouji extract --format json` over every corpus report, every fixture and a set of generated
# reports (text, HTML, DOCX, degraded text, a series for the rules across reports, and the
# one-line stress input), one output file per input.
#
# usage: scripts/identity.sh save GOUJI OUTDIR     record the outputs of binary GOUJI
#        scripts/identity.sh diff GOUJI OUTDIR     compare binary GOUJI with the recorded outputs
# env:   WORK=/tmp/gouji-identity (generated inputs, made once with target/release/gouji-gen)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=$1
BIN=$(realpath "$2")
OUT=$3
WORK=${WORK:-/tmp/gouji-identity}
GEN=${GEN:-$PWD/target/release/gouji-gen}
SHARED=${SHARED:-/work/shared/corpus}

if [ ! -f "$WORK/.done" ]; then
  rm -rf "$WORK"
  mkdir -p "$WORK"
  "$GEN" --out "$WORK/mixed" --count 300 --seed 11 --formats text,html,docx --inconsistency 0.3 >&2
  "$GEN" --out "$WORK/degraded" --count 200 --seed 12 --formats text --inconsistency 0.3 \
    --degrade D1,D2,D4,D6,D8,D10 >&2
  for d in D1 D2 D4 D6 D8 D10; do
    "$GEN" --out "$WORK/degraded-$d" --count 30 --seed 13 --formats text --inconsistency 0.3 \
      --degrade "$d" >&2
  done
  "$GEN" --out "$WORK/series" --count 20 --series 6 --seed 14 --inconsistency 0.3 >&2
  python3 scripts/oneline.py "$SHARED/crawl" "$WORK/oneline" 200000 >&2
  touch "$WORK/.done"
fi

# Every corpus and fixture file, one per line (sorted, so the list is stable).
inputs() {
  find "$SHARED" fixtures -type f \
    \( -name '*.txt' -o -name '*.html' -o -name '*.htm' -o -name '*.md' -o -name '*.docx' \
       -o -name '*.xlsx' -o -name '*.pdf' -o -name '*.bin' \) | LC_ALL=C sort
}

# Directories checked as a whole: the generated sets, and the rules across reports relate
# files of one run.
dirs() { printf '%s\n' "$SHARED/crawl" fixtures/across; find "$WORK" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort; }

run_one() { # input outfile-stem
  "$BIN" check --format json --fail-on never "$1" > "$2.check.json" 2> "$2.check.err" || true
  "$BIN" extract --format json "$1" > "$2.extract.json" 2> "$2.extract.err" || true
}

stem() { echo "$1" | sed 's|[/.]|_|g'; }

case $MODE in
  save) rm -rf "$OUT"; DEST=$OUT ;;
  diff) DEST=$(mktemp -d) ;;
  *) echo "usage: $0 save|diff GOUJI OUTDIR" >&2; exit 2 ;;
esac
mkdir -p "$DEST"
export -f run_one stem
export BIN DEST
inputs | xargs -P 2 -I{} bash -c 'run_one "{}" "$DEST/$(stem "{}")"'
while read -r d; do
  "$BIN" check --format json --fail-on never "$d" > "$DEST/dir_$(stem "$d").check.json" 2>/dev/null || true
  "$BIN" extract --format json "$d" > "$DEST/dir_$(stem "$d").extract.json" 2>/dev/null || true
done < <(dirs)
n=$(ls "$DEST" | wc -l)
if [ "$MODE" = diff ]; then
  if diff -rq "$OUT" "$DEST" > /dev/null; then
    echo "identical: $n outputs"
    rm -rf "$DEST"
  else
    diff -rq "$OUT" "$DEST" | head -20
    echo "DIFFERENT (new outputs kept in $DEST)"
    exit 1
  fi
else
  echo "saved $n outputs to $OUT"
fi
