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
tap=test-results/tests.tap
# Node 20's test runner takes file names, not globs: bash expands them.
shopt -s globstar nullglob
files=(packages/*/src/**/*.test.ts apps/*/src/**/*.test.ts apps/*/test/**/*.test.ts apps/*/scripts/*.test.mjs scripts/*.test.mjs)
set +e
# No test may hang the run: a test or hook past 10 minutes fails instead.
node --import tsx --test --test-concurrency=1 --test-timeout=600000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}"
status=$?
set -e

echo "==> browser tests (Playwright in Debian's chromium, against the real stack)"
set +e
(cd e2e && pnpm exec playwright test)
e2e_status=$?
set -e

pass=$(grep -E '^# pass ' "$tap" | awk '{print $3}')
fail=$(grep -E '^# fail ' "$tap" | awk '{print $3}')
skip=$(grep -E '^# skipped ' "$tap" | awk '{print $3}')
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
