#!/usr/bin/env bash
# Measure the tests that the module scan in tests/conftest.py calls fast, and print the ones that take
# 0.4 s or more (setup + call), one process (-n0), so no test waits on another: the content of
# tests/slow_tests.txt. Run on a quiet machine:
#   bash scripts/measure_test_costs.sh > tests/slow_tests.txt
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
COACH_IGNORE_SLOW_LIST=1 .venv/bin/python -m pytest -n0 -m fast -q -p no:cacheprovider --durations=0 --durations-min=0.1 \
  >"$out" 2>&1 || true
echo "# Tests measured at 0.4 s or more (call + setup) among those the module scan calls fast: marked 'slow', so"
echo "# 'pytest -m fast' stays the quick loop. Refresh with scripts/measure_test_costs.sh (prints this file)."
grep -E '^[0-9.]+s (call|setup|teardown) ' "$out" | awk '{t[$3]+=$1} END {for (k in t) if (t[k] >= 0.4) print k}' | sort
rm -f "$out"
