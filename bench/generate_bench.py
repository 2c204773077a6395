"""Generator benchmark: prints seconds, rows/s and bytes per table, and peak memory, for one run.

    .venv/bin/python bench/generate_bench.py --users 1000000 --events 50000000 --workers 2

Writes into a scratch VEIL_HOME (default /tmp/veil-bench) so it never touches the project's warehouse.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path


class TreeMemory(threading.Thread):
    """Samples the summed RSS of this process and all its descendants (workers, Spark JVM) every 0.2 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self.running = True

    @staticmethod
    def _tree_rss_mb(root: int) -> float:
        parent, rss = {}, {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.parent.name)
            parent[pid], rss[pid] = int(fields[1]), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        total, stack = 0, [root]
        while stack:
            pid = stack.pop()
            total += rss.get(pid, 0)
            stack.extend(child for child, p in parent.items() if p == pid)
        return total / 2**20

    def run(self) -> None:
        while self.running:
            self.peak_mb = max(self.peak_mb, self._tree_rss_mb(os.getpid()))
            time.sleep(0.2)


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

    from veil.warehouse.generate import generate

    memory = TreeMemory()
    memory.start()
    started = time.perf_counter()
    summary = generate(users=args.users, events=args.events, seed=args.seed, workers=args.workers)
    wall = time.perf_counter() - started
    memory.running = False

    print(
        f"\ngenerator benchmark: {args.users:,} users, {args.events:,} events, {args.workers} workers, "
        f"{os.cpu_count()} cores"
    )
    print("(worker-s: generate + write time summed over worker processes; they overlap, so the sum exceeds wall)")
    print(f"{'table':<10}{'rows':>14}{'MB':>10}{'worker-s':>10}{'rows/worker-s':>15}")
    for table, rows in summary.rows.items():
        sec = summary.worker_seconds[table]
        print(f"{table:<10}{rows:>14,}{summary.bytes[table] / 2**20:>10.1f}{sec:>10.1f}{rows / sec:>15,.0f}")
    total = sum(summary.rows.values())
    sec = sum(summary.worker_seconds.values())
    print(f"{'all':<10}{total:>14,}{sum(summary.bytes.values()) / 2**20:>10.1f}{sec:>10.1f}{total / sec:>15,.0f}")
    print(f"{'all, wall':<34}{summary.seconds:>10.1f}{total / summary.seconds:>15,.0f}")
    print(f"\ngenerate + write Parquet   {summary.seconds:8.1f} s")
    print(f"register raw.* in catalog  {summary.register_seconds:8.1f} s  (JVM started during generation)")
    print(f"wall clock                 {wall:8.1f} s")
    print(f"peak memory (RSS of driver + workers + Spark JVM, sampled every 0.2 s): {memory.peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
