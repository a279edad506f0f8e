#!/usr/bin/env bash
# Run the shell steps of the GitHub Actions recipe in docs/ci.md, exactly as written there,
# against a throw-away git repository of reports. No network: the install steps are replaced by
# the binary from this build (GOUJI_BIN, default target/debug/gouji) and poppler must already be
# installed (.ci/run installs it). Exits non-zero, naming the scenario, when the recipe does not
# behave as docs/ci.md says.
#
# Scenarios: (1) first run, no baseline: the baseline step writes it and the check passes, with
# a SARIF file and annotations from one run; (2) a new error: exit 1, an ::error annotation and a
# SARIF result; (3) a renamed report: its accepted findings stay accepted; (4) a broken
# gouji.toml: exit 2 and a SARIF file that says why.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${GOUJI_BIN:-$root/target/debug/gouji}"
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --quiet)
fi
command -v pdftotext >/dev/null || { echo "ci-recipe: pdftotext missing (run .ci/run)"; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/repo/reports"
ln -s "$bin" "$work/bin/gouji"
export PATH="$work/bin:$PATH"
export GITHUB_STEP_SUMMARY="$work/step-summary.md"
export LANG=C.UTF-8
unset GOUJI_FORMAT

# --- the recipe's steps: `name:` and `run:` of each step between the markers -----------------
recipe="$(awk '/<!-- recipe:start -->/{on=1;next} /<!-- recipe:end -->/{on=0} on' "$root/docs/ci.md")"
[ -n "$recipe" ] || { echo "ci-recipe: no recipe between the markers in docs/ci.md"; exit 1; }

# Print the run text of the step named $1 (block scalars `run: |` included).
step() {
  printf '%s\n' "$recipe" | awk -v want="$1" '
    /^ *- / { inside = 0 }
    /^ *(- )?name: / { n = $0; sub(/^ *(- )?name: */, "", n); inside = (n == want) }
    inside && /^ *run: *\|/ { block = 1; match($0, /^ */); ind = RLENGTH + 2; next }
    inside && /^ *run: / { r = $0; sub(/^ *run: */, "", r); print r; next }
    block { if (match($0, /^ */) && RLENGTH >= ind) { print substr($0, ind + 1); next } else block = 0 }
  '
}

names="$(printf '%s\n' "$recipe" | sed -n 's/^ *- name: //p')"
for expected in "Install gouji" "Install poppler (PDF reports)" "Write the baseline on the first run" "Check reports"; do
  printf '%s\n' "$names" | grep -qxF "$expected" || { echo "ci-recipe: step '$expected' missing from docs/ci.md"; exit 1; }
done
step "Install gouji" | grep -q "cargo install" || { echo "ci-recipe: install step changed"; exit 1; }
step "Install poppler (PDF reports)" | grep -q "apt-get update" || { echo "ci-recipe: poppler step must run apt-get update first"; exit 1; }

baseline_step="$(step "Write the baseline on the first run")"
check_step="$(step "Check reports")"
[ -n "$baseline_step" ] && [ -n "$check_step" ] || { echo "ci-recipe: empty steps"; exit 1; }

run_step() { # $1 = label, $2 = script; sets rc, out, err
  set +e
  (cd "$work/repo" && bash -eo pipefail -c "$2") >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  out="$(cat "$work/out")"
  err="$(cat "$work/err")"
  echo "ci-recipe: $1: exit $rc"
}
fail() { echo "ci-recipe: FAILED: $*"; echo "--- stdout"; echo "$out"; echo "--- stderr"; echo "$err"; exit 1; }

# --- a throw-away repository of reports -------------------------------------------------------
cp "$root/fixtures/reports/f2021_huaian_2024.txt" "$work/repo/reports/huaian-2024.txt"
cp "$root/fixtures/examples/gubeikou-2017.txt" "$work/repo/reports/gubeikou-2017.txt"
cp "$root/fixtures/pdf/huaian-2024.pdf" "$work/repo/reports/huaian-2024.pdf"
(
  cd "$work/repo"
  git init -q
  git config user.email ci@example.invalid
  git config user.name ci
  git add -A
  git commit -qm reports
)

# 1. First run: the baseline is written, the gate passes, both outputs come from one run.
run_step "first run, baseline step" "$baseline_step"
[ "$rc" -eq 0 ] || fail "the baseline step"
[ -f "$work/repo/gouji-baseline.json" ] || fail "no baseline written"
grep -q '::notice::' <<<"$out" || fail "the baseline step does not say what it did"
run_step "first run, check step" "$check_step"
[ "$rc" -eq 0 ] || fail "the check step fails on the baselined repository"
grep -q '"version": "2.1.0"' "$work/repo/gouji.sarif" || fail "no SARIF log"
grep -q '"results": \[\]' "$work/repo/gouji.sarif" || fail "baselined findings in SARIF"
(cd "$work/repo" && git add gouji-baseline.json && git commit -qm baseline)

# 2. A new error: exit 1, an annotation on the line, a SARIF result.
sed -i 's/^一、本年新收政府信息公开申请数量 | 3001 |/一、本年新收政府信息公开申请数量 | 3000 |/' \
  "$work/repo/reports/huaian-2024.txt"
grep -q '| 3000 |' "$work/repo/reports/huaian-2024.txt" || fail "fixture changed: no cell to break"
run_step "new error, check step" "$check_step"
[ "$rc" -eq 1 ] || fail "a new error does not fail the gate"
grep -q '^::error file=reports/huaian-2024.txt,line=' <<<"$out" || fail "no ::error annotation"
grep -q '"ruleId": "F2021-T3-' "$work/repo/gouji.sarif" || fail "no SARIF result for the error"
grep -q 'gouji' "$GITHUB_STEP_SUMMARY" || fail "no step summary"
(cd "$work/repo" && git checkout -q -- reports/huaian-2024.txt)

# 3. A renamed report keeps its accepted findings.
(cd "$work/repo" && git mv reports/gubeikou-2017.txt reports/gubeikou-2017-final.txt)
run_step "renamed report, check step" "$check_step"
[ "$rc" -eq 0 ] || fail "a rename fails the gate"
grep -q '"path": "reports/gubeikou-2017.txt"' "$work/repo/gouji-baseline.json" ||
  fail "fixture changed: the renamed report has no baseline entries"
grep -q 'matched reports/gubeikou-2017-final.txt' <<<"$err" || fail "the move is not reported"
grep -q '"results": \[\]' "$work/repo/gouji.sarif" || fail "the renamed report's findings came back"


# 4. A broken gouji.toml: exit 2, and the SARIF file says why.
printf 'fail-on = "sometimes"\n' >"$work/repo/gouji.toml"
run_step "broken gouji.toml, check step" "$check_step"
[ "$rc" -eq 2 ] || fail "a configuration error does not exit 2"
grep -q 'toolConfigurationNotifications' "$work/repo/gouji.sarif" || fail "empty SARIF on a configuration error"
grep -q 'gouji.toml:1:11' "$work/repo/gouji.sarif" || fail "the SARIF notification does not name the place"

echo "ci-recipe: all scenarios behave as docs/ci.md says"
