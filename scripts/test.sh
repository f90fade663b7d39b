#!/usr/bin/env bash
# Sets up Berth and runs every check and test: typecheck, lint, unit tests, and the
# integration tests that drive real LXC containers and QEMU VMs through the real agent and API,
# and the browser tests of the web UI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# What was on the host before the tests is not theirs (an earlier run killed half-way, say): the
# check at the end counts only what they added.
found_before=$(bash scripts/check-leftovers.sh 2>&1 >/dev/null || true)
if [ -n "$found_before" ]; then
  echo "==> on the host before the tests (not counted against them)"
  echo "$found_before"
fi

echo "==> typecheck"
pnpm exec turbo run typecheck --output-logs=errors-only
echo "==> lint"
# A style slip fails the run at the end, but does not hide what the tests would have said.
set +e
pnpm lint
lint_status=$?
set -e

echo "==> tests"
rm -rf test-results && mkdir -p test-results
# Node 20's test runner takes file names, not globs: bash expands them.
shopt -s globstar nullglob
files=(packages/*/src/**/*.test.ts apps/*/src/**/*.test.ts apps/*/test/**/*.test.ts apps/*/scripts/*.test.mjs scripts/*.test.mjs)
# Two lanes at once, one per core, each running its files one after another. A VM under TCG
# keeps a core busy while most container files wait on LXC and the network, so the VM files go
# in lane 0 with a few container files that make it as long as the rest, in lane 1. Run serially
# the suite took ~46 min; in lanes ~29. apps/api/test/lane.ts keeps the lanes' random ports and
# subnets apart.
lane0=() lane1=()
for f in "${files[@]}"; do
  case "$f" in
    apps/*/test/*vm* | apps/agent/test/guest-images.test.ts | apps/api/test/isos.test.ts | \
      apps/api/test/recordings.test.ts | apps/api/test/storage/pools.test.ts | \
      apps/api/test/fault-drills/agent-kill.test.ts | apps/api/test/https.test.ts)
      lane0+=("$f") ;;
    *) lane1+=("$f") ;;
  esac
done
run_lane() {
  local n=$1 started=$SECONDS rc=0
  shift
  # No test may hang the run: a test or hook past 10 minutes fails instead.
  BERTH_TEST_LANE=$n node --import tsx --test --test-concurrency=1 --test-timeout=600000 \
    --test-reporter=spec --test-reporter-destination="test-results/lane$n.log" \
    --test-reporter=tap --test-reporter-destination="test-results/lane$n.tap" \
    "$@" || rc=$?
  # Said as it happens: which lane is the long one is what moving a file between them needs.
  echo "lane $n ended after $((SECONDS - started)) s (exit $rc)"
  return "$rc"
}
echo "lane 0: ${#lane0[@]} files, lane 1: ${#lane1[@]} files; each lane's report follows when both end"
lanes_started=$SECONDS
run_lane 0 "${lane0[@]}" &
lane0_pid=$!
run_lane 1 "${lane1[@]}" &
lane1_pid=$!
set +e
wait "$lane0_pid"
lane0_status=$?
wait "$lane1_pid"
lane1_status=$?
set -e
for n in 0 1; do
  echo "==> tests, lane $n"
  cat "test-results/lane$n.log"
done
echo "both lanes took $((SECONDS - lanes_started)) s"
status=$((lane0_status || lane1_status))

echo "==> browser tests (Playwright in Debian's chromium, against the real stack)"
set +e
(cd e2e && pnpm exec playwright test)
e2e_status=$?
set -e

# Each lane's TAP ends with its counts; a lane that died before writing them counts as a failure.
tap_count() { awk -v key="$1" '$1 == "#" && $2 == key { n += $3; seen++ } END { print (seen == 2 ? n : (key == "fail" ? n + 1 : n + 0)) }' test-results/lane0.tap test-results/lane1.tap; }
pass=$(tap_count pass)
fail=$(tap_count fail)
skip=$(tap_count skipped)
# Playwright's JSON report: expected = passed, unexpected = failed.
read -r e2e_pass e2e_fail e2e_skip < <(node -e '
  const s = (() => { try { return require("./test-results/e2e.json").stats; } catch { return null; } })();
  console.log(s ? `${s.expected + s.flaky} ${s.unexpected} ${s.skipped}` : "0 1 0");
')
echo "==> leftovers (tests must leave the host as they found it)"
found_after=$(bash scripts/check-leftovers.sh 2>&1 >/dev/null || true)
added=$(comm -13 <(sort <<<"$found_before") <(sort <<<"$found_after") | sed '/^$/d')
if [ -n "$added" ]; then
  echo "$added"
  leftover_status=1
else
  echo "no test leftovers on the host"
  leftover_status=0
fi

echo "berth: $((${pass:-0} + e2e_pass)) passed, $((${fail:-0} + e2e_fail)) failed, $((${skip:-0} + e2e_skip)) skipped"
[ "$lint_status" -eq 0 ] || echo "berth: lint failed (see above)"
[ "$lint_status" -eq 0 ] && [ "$status" -eq 0 ] && [ "$e2e_status" -eq 0 ] && [ "$leftover_status" -eq 0 ]
