#!/usr/bin/env bash
# Corpus benchmarks for gouji: generate corpora with gouji-gen, time `gouji check` against an
# `rg` scan of the same files (the floor of reading them), record peak RSS, time a one-report
# check, verify -j1 / -jN byte identity and recall on injected inconsistencies.
#
# Also: degraded text (the stream reader, `--degrade`), series for the rules across reports,
# the one-line prose stress input against the same text split into lines, and (with valgrind)
# instruction counts per report, which other jobs on the machine do not disturb.
#
# usage: scripts/bench.sh [WORKDIR]          (default WORKDIR: /tmp/gouji-bench)
# env:   SIZES="1000 10000 100000"  HTML=10000  DOCX=0  DEGRADED=10000  SERIES=1000 (bodies × 10
#        years)  REAL=4000 (the real text reports of CORPUS copied to about that many files)
#        STRESS=1500000 (bytes)  RUNS=3  SEED=42  CALLGRIND=1
#        CORPUS=../shared/corpus (its seeds/ and crawl/ text reports, or fixtures/ without it)
#        BIGPAGE=60000000 (bytes; one HTML page of ~2,000 reports: time and peak RSS; default 0)
#        BASE=/path/to/older/gouji: time it too, in the same hyperfine runs (before/after)
#        GOUJI=/path/to/gouji GEN=/path/to/gouji-gen: use these binaries (no build)
# needs: hyperfine, ripgrep (rg), GNU time (/usr/bin/time), python3; valgrind for CALLGRIND=1
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/gouji-bench}
SIZES=${SIZES:-"1000 10000 100000"}
HTML=${HTML:-10000}
DOCX=${DOCX:-0}
DEGRADED=${DEGRADED:-10000}
SERIES=${SERIES:-1000}
REAL=${REAL:-4000}
CORPUS=${CORPUS:-../shared/corpus}
STRESS=${STRESS:-1500000}
CALLGRIND=${CALLGRIND:-1}
RUNS=${RUNS:-3}
SEED=${SEED:-42}

# --- Series mode: rules across reports -------------------------------------------------------
# usage: scripts/bench.sh --series [WORKDIR]
# env:   BODIES=10000  YEARS=10  RUNS=3  SEED=42
# One gouji-gen series corpus (BODIES bodies × YEARS consecutive years, 10% of the series with a
# restated carry-over), checked with and without `--no-cross`, the two runs alternating: wall and
# user time, peak RSS, breaks found and findings across reports outside the broken reports.
# needs: GNU time (/usr/bin/time), python3
if [ "${1:-}" = "--series" ]; then
  WORK=${2:-/tmp/gouji-bench}
  BODIES=${BODIES:-10000} YEARS=${YEARS:-10}
  cargo build --release --bins >&2
  dir=$WORK/series-${BODIES}x${YEARS}
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    target/release/gouji-gen --out "$dir" --count "$BODIES" --series "$YEARS" --seed "$SEED" \
      --inconsistency 0.1 >&2
    touch "$dir/.done"
  fi
  files=$(find "$dir" -name '*.txt' | wc -l)
  printf 'files\tcross\twall_s\tuser_s\tpeak_rss_MB\tbreaks_found\tother_across\n'
  for run in $(seq "$RUNS"); do
    for mode in on off; do
      flag=(); [ "$mode" = off ] && flag=(--no-cross)
      out=$WORK/series-$mode.json
      stats=$( { /usr/bin/time -f '%e %U %M' target/release/gouji check --no-config --format json \
        --fail-on never "${flag[@]}" "$dir" > "$out"; } 2>&1 | tail -1)
      read -r wall user rss <<< "$stats"
      found=$(python3 - "$dir/series-breaks.jsonl" "$out" <<'PY'
import json, sys
breaks = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
across = [f for f in json.load(open(sys.argv[2], encoding="utf-8"))["findings"] if "-X-" in f["rule"]]
hit = sum(any(f["path"].endswith(b["file"]) and f["operands"][0]["key"] == b["key"]
              and any(o.get("file") for o in f["operands"]) for f in across) for b in breaks)
broken = {b["file"] for b in breaks}
other = sum(not any(f["path"].endswith(b) for b in broken) for f in across)
print(f"{hit}/{len(breaks)}\t{other}")
PY
)
      printf '%s\t%s\t%s\t%s\t%.1f\t%s\n' "$files" "$mode" "$wall" "$user" \
        "$(python3 -c "print($rss/1024)")" "$found"
    done
  done
  exit 0
fi
# ----------------------------------------------------------------------------------------------
RG_PATTERN='本年新收|结转下年度|收到申请数'

# GOUJI=/path/to/gouji (and GEN=…) use given binaries instead of building these.
if [ -z "${GOUJI:-}" ]; then
  cargo build --release --bins >&2
fi
GOUJI=${GOUJI:-$PWD/target/release/gouji}
GEN=${GEN:-$PWD/target/release/gouji-gen}
mkdir -p "$WORK"
RESULTS=$WORK/results.tsv
printf 'corpus\tfiles\tMB\tgouji_s\trg_s\tratio\tbase_s\tpeak_rss_MB\trecall\tMIr_per_report\tbase_MIr\n' > "$RESULTS"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)" > "$WORK/load.txt"

corpus() { # name count formats [extra gouji-gen arguments]
  local dir=$WORK/$1
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    "$GEN" --out "$dir" --count "$2" --seed "$SEED" --formats "$3" --inconsistency 0.1 "${@:4}" >&2
    touch "$dir/.done"
  fi
  echo "$dir"
}

median() { python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$@"; }

# The report files of a corpus (series put each body's reports in a folder of its own).
reports() { find "$1" -type f \( -name '*.txt' -o -name '*.html' -o -name '*.docx' \) | LC_ALL=C sort; }

# Instructions per report (callgrind, -j1, the first 20 files of a corpus, start-up included
# once and subtracted with a run on one file).
instr() { # binary dir
  [ "$CALLGRIND" = 1 ] && command -v valgrind > /dev/null || { echo "-"; return; }
  local sample=$WORK/sample; rm -rf "$sample"; mkdir -p "$sample"
  local i=0 f
  for f in $(reports "$2" | head -20); do cp "$f" "$sample/$i-$(basename "$f")"; i=$((i + 1)); done
  local one; one=$(find "$sample" -type f | LC_ALL=C sort | head -1)
  count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" check --format json \
    -j1 --fail-on never "$2" 2>&1 >/dev/null | awk '/Collected/ {print $NF}'; }
  local all first; all=$(count "$1" "$sample"); first=$(count "$1" "$one")
  python3 -c "print('%.2f' % (($all - $first) / 19 / 1e6))"
}

# Real text: every text report of the shared corpus (seeds, crawl; the repository's fixtures
# when the corpus is not there) copied round-robin to about REAL files.
real_corpus() { # count
  local dir=$WORK/real-$1
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    local src=()
    mapfile -t src < <(find "$CORPUS/seeds" "$CORPUS/crawl" -maxdepth 1 -name '*.txt' 2>/dev/null | LC_ALL=C sort)
    [ "${#src[@]}" -gt 0 ] || mapfile -t src < <(find fixtures/formats fixtures/crawl -name '*.txt' | LC_ALL=C sort)
    local i
    for ((i = 0; i < $1; i++)); do
      local f=${src[i % ${#src[@]}]}
      cp "$f" "$dir/$(printf '%06d' "$i")-$(basename "$f")"
    done
    touch "$dir/.done"
  fi
  echo "$dir"
}

run() { # name count formats [extra gouji-gen arguments]
  measure "$1" "$(corpus "$@")"
}

measure() { # name dir
  local dir=$2
  local h=$WORK/$1.hyperfine.json
  # -i: rg finds nothing in zipped DOCX (exit 1); its time is still the floor of reading the files.
  local base=()
  [ -n "${BASE:-}" ] && base=(-n base "$BASE check --format json $dir --fail-on never -q")
  hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$h" \
    -n gouji "$GOUJI check --format json $dir --fail-on never -q" \
    -n rg "rg -c '$RG_PATTERN' $dir" "${base[@]}" >&2 || true
  local g r b=-; g=$(median "$h" 0); r=$(median "$h" 1)
  [ -n "${BASE:-}" ] && b=$(median "$h" 2)
  local rss; rss=$( { /usr/bin/time -v "$GOUJI" check --format json --fail-on never "$dir" > "$WORK/$1.json"; } 2>&1 \
    | awk '/Maximum resident/ {printf "%.1f", $6/1024}')
  # Recall only where the generator wrote a manifest of what it injected (not the real corpus
  # or the series, whose breaks are counted by --series).
  local recall=
  if [ -f "$dir/manifest.jsonl" ]; then
    recall=$( (python3 scripts/recall.py "$dir" "$WORK/$1.json" || true) | tee "$WORK/$1.recall.txt" | awk '/recall:/ {print $NF}')
  fi
  local mb; mb=$(du -sm "$dir" | cut -f1)
  local files; files=$(reports "$dir" | wc -l)
  local bi=-; [ -n "${BASE:-}" ] && bi=$(instr "$BASE" "$dir")
  printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\n' "$1" "$files" "$mb" "$g" "$r" \
    "$(python3 -c "print($g/$r)")" "$b" "$rss" "${recall:--}" "$(instr "$GOUJI" "$dir")" "$bi" >> "$RESULTS"
}

for n in $SIZES; do run "text-$n" "$n" text; done
[ "$REAL" -gt 0 ] && measure "real-$REAL" "$(real_corpus "$REAL")"
[ "$HTML" -gt 0 ] && run "html-$HTML" "$HTML" html
[ "$DOCX" -gt 0 ] && run "docx-$DOCX" "$DOCX" docx
# Degraded text: every crawl/converter degradation, read by the stream reader.
[ "$DEGRADED" -gt 0 ] && run "degraded-$DEGRADED" "$DEGRADED" text --degrade D1,D2,D4,D6,D8,D10
# Series of ten years per body: the rules across reports keep and relate their figures.
[ "$SERIES" -gt 0 ] && run "series-$SERIES" "$SERIES" text --series 10

# Stress: one line of prose sentences with figures, against the same text split into lines
# (reading time must stay linear: the one line at most ~2x the split text).
if [ "$STRESS" -gt 0 ]; then
  python3 scripts/oneline.py /work/shared/corpus/crawl "$WORK/stress" "$STRESS" >&2 \
    || python3 scripts/oneline.py fixtures/crawl "$WORK/stress" "$STRESS" >&2
  hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$WORK/stress.hyperfine.json" \
    -n oneline "$GOUJI check --format json --fail-on never $WORK/stress/oneline.txt" \
    -n split "$GOUJI check --format json --fail-on never $WORK/stress/split.txt" \
    ${BASE:+-n base-oneline "$BASE check --format json --fail-on never $WORK/stress/oneline.txt"} \
    >&2 || true
  o=$(median "$WORK/stress.hyperfine.json" 0); s=$(median "$WORK/stress.hyperfine.json" 1)
  echo "stress ($STRESS bytes): one line $o s, split $s s, ratio $(python3 -c "print('%.2f' % ($o/$s))")"
  [ -n "${BASE:-}" ] && echo "stress, base binary, one line: $(median "$WORK/stress.hyperfine.json" 2) s"
fi

# One report, including start-up.
ONE=$WORK/one
rm -rf "$ONE" && "$GEN" --out "$ONE" --count 1 --seed "$SEED" --formats text --inconsistency 0 >&2
ONE_FILE=$(ls "$ONE"/000000_*.txt)
hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/one.hyperfine.json" \
  "$GOUJI check $ONE_FILE" "$GOUJI check $PWD/fixtures/formats/seed_002.txt" \
  ${BASE:+"$BASE check $ONE_FILE"} >&2 || true
echo "one-report median (generated, seed 002[, base]): $(python3 -c 'import json; print(", ".join("%.1f ms" % (1000*r["median"]) for r in json.load(open("'"$WORK"'/one.hyperfine.json"))["results"]))')"

# -j1 and -jN give identical bytes.
first=$(echo "$SIZES" | awk '{print $1}')
"$GOUJI" check --format json -j1 "$WORK/text-$first" > "$WORK/j1.json" || true
"$GOUJI" check --format json -j"$(nproc)" "$WORK/text-$first" > "$WORK/jn.json" || true
"$GOUJI" check --format human -j1 "$WORK/text-$first" > "$WORK/j1.txt" || true
"$GOUJI" check --format human -j"$(nproc)" "$WORK/text-$first" > "$WORK/jn.txt" || true
cmp "$WORK/j1.json" "$WORK/jn.json" && cmp "$WORK/j1.txt" "$WORK/jn.txt" && echo "-j1 vs -j$(nproc): identical"

# --- HTML and DOCX reading (issue 18): one big page, DOCX against unzip | rg -----------------
# BIGPAGE=60000000 (bytes, 0 = skip): one HTML page holding ~2,000 reports (scripts/bigpage.py),
# checked once: wall, user time and peak RSS (and the BASE binary's, when given).
# With DOCX > 0: the DOCX corpus against `unzip -p FILE word/document.xml | rg`, one unzip per
# file, the floor of reading the XML that rg alone cannot see inside the zip.
html_docx_bench() {
  if [ "${BIGPAGE:-0}" -gt 0 ]; then
    local src; src=$(corpus "bigpage-src" 2500 text)
    local page=$WORK/bigpage/page.html
    if [ ! -f "$page" ] || [ "$(stat -c %s "$page")" -lt "$BIGPAGE" ]; then
      mkdir -p "$WORK/bigpage"
      python3 scripts/bigpage.py "$src" "$page" "$BIGPAGE" >&2
    fi
    local bin label
    for label in gouji ${BASE:+base}; do
      bin=$GOUJI; [ "$label" = base ] && bin=$BASE
      /usr/bin/time -f '%e %U %M' "$bin" check --format json --fail-on never -j1 "$page" \
        > "$WORK/bigpage-$label.json" 2> "$WORK/bigpage-$label.time" || true
      read -r wall user rss < <(tail -1 "$WORK/bigpage-$label.time")
      echo "big page ($(stat -c %s "$page") bytes, $label): wall ${wall} s, user ${user} s, peak RSS $(python3 -c "print('%.0f' % ($rss/1024))") MB"
    done
  fi
  if [ "$DOCX" -gt 0 ] && command -v unzip > /dev/null; then
    local dir=$WORK/docx-$DOCX
    hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$WORK/docx-unzip.hyperfine.json" \
      -n gouji "$GOUJI check --format json $dir --fail-on never -q" \
      -n unzip-rg "sh -c 'for f in $dir/*.docx; do unzip -p \"\$f\" word/document.xml; done | rg -c \"$RG_PATTERN\"'" \
      >&2 || true
    local g u; g=$(median "$WORK/docx-unzip.hyperfine.json" 0); u=$(median "$WORK/docx-unzip.hyperfine.json" 1)
    echo "docx-$DOCX: gouji $g s, unzip -p | rg $u s, ratio $(python3 -c "print('%.1f' % ($g/$u))")"
  fi
}
html_docx_bench

echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/load.txt"
cat "$WORK/load.txt"
column -t "$RESULTS"
