"""Sum a cost log written by tests/cost_log.py: CPU by cost marker and by module, and the run's wall time
against what the cores could have done. Usage: python scripts/ci_costs.py costs.jsonl [--cores 2] [--top 25]"""
from __future__ import annotations

import argparse
import json
from collections import Counter


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("log")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    rows = [json.loads(line) for line in open(args.log, encoding="utf-8") if line.strip()]
    if not rows:
        raise SystemExit(f"{args.log}: no tests logged")
    by_cost, by_module, wall_by_module = Counter(), Counter(), Counter()
    for r in rows:
        spent, module = r["cpu_s"] + r["children_cpu_s"], r["id"].split("::", 1)[0]
        by_cost[r["cost"] or "?"] += spent
        by_module[module] += spent
        wall_by_module[module] += r["wall_s"]
    span = max(r["end"] for r in rows) - min(r["end"] - r["wall_s"] for r in rows)
    seen = sum(by_cost.values())
    print(f"{len(rows)} tests; {span:.0f} s from the first start to the last end; CPU the log sees: {seen:.0f} s "
          f"of the {span * args.cores:.0f} core-seconds {args.cores} cores give in that time "
          f"(the rest: Chromium, idle waits for real time)")
    print("\nCPU s by cost marker:")
    for cost, s in by_cost.most_common():
        print(f"  {cost:9s} {s:8.0f}  {s / seen:5.0%}")
    print(f"\nThe {args.top} dearest modules (CPU s, wall s):")
    for module, s in by_module.most_common(args.top):
        print(f"  {s:7.0f} {wall_by_module[module]:7.0f}  {module}")


if __name__ == "__main__":
    main()
