#!/usr/bin/env bash
# Corpus benchmarks for gouji: generate corpora with gouji-gen, time `gouji check` against an
# `rg` scan of the same files (the floor of reading them), record peak RSS, time a one-report
# check, verify -j1 / -jN byte identity and recall on injected inconsistencies.
#
# usage: scripts/bench.sh [WORKDIR]          (default WORKDIR: /tmp/gouji-bench)
# env:   SIZES="1000 10000 100000"  HTML=10000  DOCX=0  RUNS=3  SEED=42
# needs: hyperfine, ripgrep (rg), GNU time (/usr/bin/time), python3
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/gouji-bench}
SIZES=${SIZES:-"1000 10000 100000"}
HTML=${HTML:-10000}
DOCX=${DOCX:-0}
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

cargo build --release --bins >&2
GOUJI=$PWD/target/release/gouji
GEN=$PWD/target/release/gouji-gen
mkdir -p "$WORK"
RESULTS=$WORK/results.tsv
printf 'corpus\tfiles\tMB\tgouji_s\trg_s\tratio\tpeak_rss_MB\trecall\n' > "$RESULTS"

corpus() { # name count formats
  local dir=$WORK/$1
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    "$GEN" --out "$dir" --count "$2" --seed "$SEED" --formats "$3" --inconsistency 0.1 >&2
    touch "$dir/.done"
  fi
  echo "$dir"
}

mean() { python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$@"; }

run() { # name count formats
  local dir; dir=$(corpus "$1" "$2" "$3")
  local h=$WORK/$1.hyperfine.json
  # -i: rg finds nothing in zipped DOCX (exit 1); its time is still the floor of reading the files.
  hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$h" \
    -n gouji "$GOUJI check --format json $dir --fail-on never -q" \
    -n rg "rg -c '$RG_PATTERN' $dir" >&2 || true
  local g r; g=$(mean "$h" 0); r=$(mean "$h" 1)
  local rss; rss=$( { /usr/bin/time -v "$GOUJI" check --format json --fail-on never "$dir" > "$WORK/$1.json"; } 2>&1 \
    | awk '/Maximum resident/ {printf "%.1f", $6/1024}')
  local recall; recall=$( (python3 scripts/recall.py "$dir" "$WORK/$1.json" || true) | tee "$WORK/$1.recall.txt" | awk '/recall:/ {print $NF}')
  local mb; mb=$(du -sm "$dir" | cut -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n' "$1" "$2" "$mb" "$g" "$r" \
    "$(python3 -c "print($g/$r)")" "$rss" "$recall" >> "$RESULTS"
}

for n in $SIZES; do run "text-$n" "$n" text; done
[ "$HTML" -gt 0 ] && run "html-$HTML" "$HTML" html
[ "$DOCX" -gt 0 ] && run "docx-$DOCX" "$DOCX" docx

# One report, including start-up.
ONE=$WORK/one
rm -rf "$ONE" && "$GEN" --out "$ONE" --count 1 --seed "$SEED" --formats text --inconsistency 0 >&2
ONE_FILE=$(ls "$ONE"/000000_*.txt)
hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/one.hyperfine.json" \
  "$GOUJI check $ONE_FILE" "$GOUJI check $PWD/fixtures/formats/seed_002.txt" >&2 || true
echo "one-report mean: $(python3 -c 'import json; print("%.1f ms" % (1000*json.load(open("'"$WORK"'/one.hyperfine.json"))["results"][0]["mean"]))')"

# -j1 and -jN give identical bytes.
first=$(echo "$SIZES" | awk '{print $1}')
"$GOUJI" check --format json -j1 "$WORK/text-$first" > "$WORK/j1.json" || true
"$GOUJI" check --format json -j"$(nproc)" "$WORK/text-$first" > "$WORK/jn.json" || true
"$GOUJI" check --format human -j1 "$WORK/text-$first" > "$WORK/j1.txt" || true
"$GOUJI" check --format human -j"$(nproc)" "$WORK/text-$first" > "$WORK/jn.txt" || true
cmp "$WORK/j1.json" "$WORK/jn.json" && cmp "$WORK/j1.txt" "$WORK/jn.txt" && echo "-j1 vs -j$(nproc): identical"

column -t "$RESULTS"
