#!/usr/bin/env bash
# Run the whole suite as CI does, with the cost log on, and print where the CPU goes:
#   bash scripts/measure_ci_costs.sh [costs.jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
log=${1:-$(mktemp --suffix=.jsonl)}
rm -f "$log"
COACH_TEST_COST_LOG="$log" .venv/bin/python -m pytest -p tests.cost_log -q || true
.venv/bin/python scripts/ci_costs.py "$log"
