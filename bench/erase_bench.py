"""Erasure benchmark: batches of 1, 10 and 100 subjects erased with `erase_many` (what `veil erase
--subjects-file` and the privacy worker run) on an existing warehouse; prints seconds and rows removed.

    make run USERS=100000 EVENTS=5000000         # the warehouse (this checkout's home)
    DBT_ENV_SECRET_...=... .venv/bin/python bench/erase_bench.py [--batches 1,10,100]

Each batch erases other people (the lowest user ids with a profile in marts.dim_users not yet erased), so the
warehouse loses 111 people by default. Every receipt must verify at 0, or the script fails. The table says
which path each batch took ("erased in place", or "rebuilt: <why>", veil.compliance.incremental).
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", default="1,10,100", help="comma-separated batch sizes")
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    from veil.compliance.erase import erase_many
    from veil.compliance.subjects import pseudonym, resolve_subject
    from veil.ids import new_id
    from veil.warehouse.spark import get_spark

    spark = get_spark()
    events = spark.table("marts.fct_events").count()
    users = spark.table("marts.dim_users").count()
    profiled = {r[0] for r in spark.sql("select user_key from marts.dim_users").collect()}
    candidates = iter(
        u
        for (u,) in spark.sql("select distinct user_id from raw.users where user_id > 0 order by 1").toLocalIterator()
        if pseudonym(u) in profiled
    )
    print(f"erasure benchmark: marts.fct_events {events:,} rows, marts.dim_users {users:,} rows")
    print(f"{'subjects':>9}{'seconds':>10}{'s/subject':>11}{'rows removed':>14}  derived tables; largest stores")
    for size in (int(n) for n in args.batches.split(",")):
        batch = [(new_id(), resolve_subject(str(next(candidates)))) for _ in range(size)]
        started = time.perf_counter()
        receipts = erase_many(spark, batch)
        seconds = time.perf_counter() - started
        if not all(r.all_zero for r in receipts):
            print(f"batch of {size}: NOT CLEAN", file=sys.stderr)
            return 1
        by_store: dict[str, int] = {}
        for receipt in receipts:
            for store, removed in receipt.removed_by_store().items():
                by_store[store] = by_store.get(store, 0) + (removed or 0)
        removed = sum(r.rows_removed for r in receipts)
        top = sorted(by_store.items(), key=lambda kv: -kv[1])[:3]
        print(  # each batch as it ends: a run at full scale takes a while
            f"{size:>9}{seconds:>10.1f}{seconds / size:>11.1f}{removed:>14,}  {receipts[0].derived_tables}; "
            + ", ".join(f"{store} {n:,}" for store, n in top),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
