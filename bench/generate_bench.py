"""Generator benchmark: prints seconds, rows/s and bytes per table, and peak memory, for one run.

    .venv/bin/python bench/generate_bench.py --users 1000000 --events 50000000 --workers 2

Writes into a scratch VEIL_HOME (default /tmp/veil-bench) so it never touches the project's warehouse.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path


def peak_rss_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, children


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=50_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--home", default="/tmp/veil-bench")
    args = parser.parse_args()
    os.environ["VEIL_HOME"] = args.home
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    Path(args.home).mkdir(parents=True, exist_ok=True)

    from veil.generate import generate

    started = time.perf_counter()
    summary = generate(users=args.users, events=args.events, seed=args.seed, workers=args.workers)
    wall = time.perf_counter() - started
    me, children = peak_rss_mb()

    print(f"\ngenerator benchmark: {args.users:,} users, {args.events:,} events, {args.workers} workers, "
          f"{os.cpu_count()} cores")
    print(f"{'table':<10}{'rows':>14}{'MB':>10}{'rows/s (gen)':>16}")
    for table, rows in summary.rows.items():
        print(f"{table:<10}{rows:>14,}{summary.bytes[table] / 2**20:>10.1f}{rows / summary.seconds:>16,.0f}")
    total = sum(summary.rows.values())
    print(f"{'all':<10}{total:>14,}{sum(summary.bytes.values()) / 2**20:>10.1f}{total / summary.seconds:>16,.0f}")
    print(f"\ngenerate + write Parquet   {summary.seconds:8.1f} s")
    print(f"register raw.* in catalog  {summary.register_seconds:8.1f} s  (JVM started during generation)")
    print(f"wall clock                 {wall:8.1f} s")
    print(f"peak RSS: driver {me:,.0f} MB (incl. Spark JVM: not counted, separate process), "
          f"largest worker {children:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
