#!/usr/bin/env bash
# Recall and false alarms of gouji on generated reports rendered as each degradation of
# ../spec/degradations.md (gouji-gen --degrade), per report format.
#
# usage: scripts/degrade-recall.sh [COUNT]   (after cargo build --release; default 60 per cell)
# For each degradation × format: "caught/injected" = reports with one injected break that get a
# finding at error severity (or, for D4, a warning: a failure read through a split of glued
# digits is at most a warning), and "false" = findings at error severity on consistent reports.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-60}"
gen=target/release/gouji-gen
gouji=target/release/gouji
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%-6s' "deg"
for f in F2014 F2019 F2021; do printf '%-22s' "$f caught | false"; done
echo
for d in none D1 D2 D4 D6 D8 D10; do
  printf '%-6s' "$d"
  for f in F2014 F2019 F2021; do
    args=(--count "$n" --formats text --report-formats "$f" --seed 7)
    [ "$d" != none ] && args+=(--degrade "$d")
    rm -rf "$work/b" "$work/c"
    "$gen" --out "$work/b" "${args[@]}" --inconsistency 1 >/dev/null 2>&1
    "$gen" --out "$work/c" "${args[@]}" --inconsistency 0 >/dev/null 2>&1
    least=error
    [ "$d" = D4 ] && least=warning
    caught=$({ "$gouji" check --no-config --format json "$work/b" || true; } | python3 -c "
import json,sys
d=json.load(sys.stdin); ok={'error'} | ({'warning'} if '$least'=='warning' else set())
print(len({f['path'] for f in d['findings'] if f['severity'] in ok and not f['rule'].startswith('PROSE')}))")
    false=$({ "$gouji" check --no-config --format json "$work/c" || true; } | python3 -c "
import json,sys
d=json.load(sys.stdin); print(sum(1 for f in d['findings'] if f['severity']=='error'))")
    printf '%-22s' "$caught/$n | $false"
  done
  echo
done
