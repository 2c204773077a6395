"""API latency: p50/p95/p99 and requests/s for cached releases and for on-demand DP queries, against a real
`veil serve` on 127.0.0.1 over the PostgreSQL that `make run` (or `veil run`) filled. Prints a table.

    make run USERS=1000000 EVENTS=50000000
    .venv/bin/python bench/api_bench.py --requests 400 --concurrency 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _measure(send, jobs: list, concurrency: int) -> tuple[list[float], float]:
    def timed(job) -> float:
        t = time.perf_counter()
        r = send(job)
        r.raise_for_status()
        return (time.perf_counter() - t) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(timed, jobs))
    return latencies, len(jobs) / (time.perf_counter() - started)


def _row(name: str, latencies: list[float], rate: float) -> str:
    q = statistics.quantiles(latencies, n=100)
    return f"{name:<40}{len(latencies):>8}{q[49]:>10.1f}{q[94]:>10.1f}{q[98]:>10.1f}{rate:>10.1f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    import psycopg

    from veil.api.keys import create_key
    from veil.settings import settings

    with psycopg.connect(settings().postgres_url) as conn:
        users = conn.execute("select count(*) from analytics.dim_users").fetchone()[0]
        days = conn.execute("select count(*) from dp_query.dp_query_user_days").fetchone()[0]
        lo, hi = conn.execute("select min(event_date), max(event_date) from dp_query.dp_query_user_days").fetchone()
    port = _port()
    server = subprocess.Popen(
        [sys.executable, "-m", "veil.cli", "serve", "--port", str(port)], cwd=ROOT, env=os.environ.copy()
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        with psycopg.connect(settings().postgres_url) as conn:
            _, token = create_key(conn, "bench", 1e9, rate_per_minute=10**6)
        client = httpx.Client(timeout=120, headers={"Authorization": f"Bearer {token}"})
        client.get(f"{base}/api/v1/releases/funnel_steps").raise_for_status()  # warm the cache

        def release(_: int) -> httpx.Response:
            return client.get(f"{base}/api/v1/releases/funnel_steps")

        def query(body: dict) -> httpx.Response:
            return client.post(f"{base}/api/v1/query", json=body)

        n = args.requests
        shapes = [(["active_users"], ["date"]), (["events", "conversions"], ["week"]), (["revenue"], ["country"]),
                  (["active_users"], ["device"]), (["page_views"], ["month"])]  # fmt: skip
        bodies = []
        for i in range(n):
            metrics, dims = shapes[i % len(shapes)]
            end = hi - dt.timedelta(days=i // len(shapes))  # every query distinct: a new answer, new noise
            start = max(lo, end - dt.timedelta(days=27))
            bodies.append({"metrics": metrics, "dimensions": dims, "date_range": [str(start), str(end)],
                           "epsilon": 0.1})  # fmt: skip
        print(f"\nAPI latency on {users:,} users ({days:,} bounded user-days), {args.concurrency} concurrent clients")
        print(f"{'request':<40}{'n':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'req/s':>10}")
        print(_row("GET release (cached)", *_measure(release, list(range(n)), args.concurrency)))
        print(_row("POST query (new: SQL + noise + charge)", *_measure(query, bodies, args.concurrency)))
        print(_row("POST query (repeat: cached answer)", *_measure(query, bodies, args.concurrency)))
    finally:
        server.terminate()
        server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
