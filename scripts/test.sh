#!/usr/bin/env bash
# Sets up Berth and runs every check and test: typecheck, lint, unit tests, and the
# integration tests that drive real LXC containers through the real agent and API.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "==> typecheck"
pnpm exec turbo run typecheck --output-logs=errors-only
echo "==> lint"
pnpm lint

echo "==> tests"
mkdir -p test-results
tap=test-results/tests.tap
# Node 20's test runner takes file names, not globs: bash expands them.
shopt -s globstar nullglob
files=(packages/*/src/**/*.test.ts apps/*/src/**/*.test.ts apps/*/test/**/*.test.ts)
set +e
node --import tsx --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}"
status=$?
set -e
pass=$(grep -E '^# pass ' "$tap" | awk '{print $3}')
fail=$(grep -E '^# fail ' "$tap" | awk '{print $3}')
skip=$(grep -E '^# skipped ' "$tap" | awk '{print $3}')
echo "berth: ${pass:-0} passed, ${fail:-0} failed, ${skip:-0} skipped"
exit $status
