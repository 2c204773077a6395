"""Warehouse commands: generate, dbt, export, load-postgres, run."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any


def _human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def _progress_bar(total: int, quiet: bool) -> Any:
    if quiet:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="rows", unit_scale=True, desc="generate")


def cmd_generate(args: argparse.Namespace) -> int:
    from veil.warehouse.generate import generate

    bar = _progress_bar(args.users + args.events, args.quiet)
    summary = generate(
        users=args.users,
        events=args.events,
        seed=args.seed,
        workers=args.workers,
        dirty_rate=args.dirty_rate,
        start=args.start,
        days=args.days,
        on_progress=bar.update if bar else None,
    )
    if bar:
        bar.close()
    print(f"{'table':<10}{'rows':>14}{'bytes':>12}")
    for table, rows in summary.rows.items():
        print(f"{table:<10}{rows:>14,}{_human_bytes(summary.bytes[table]):>12}")
    total = sum(summary.rows.values())
    print(
        f"generated {total:,} rows in {summary.seconds:.1f} s ({total / summary.seconds:,.0f} rows/s); "
        f"catalog registration {summary.register_seconds:.1f} s"
    )
    return 0


def cmd_dbt(args: argparse.Namespace) -> int:
    from veil.warehouse.dbt import run_dbt

    return 0 if run_dbt(args.dbt_args or ["build"]) else 1


def cmd_export(args: argparse.Namespace) -> int:
    from veil.warehouse.export import export_marts
    from veil.warehouse.spark import get_spark

    for table, rows in export_marts(get_spark()).items():
        print(f"{table:<42}{rows:>12,} rows")
    return 0


def cmd_load_postgres(args: argparse.Namespace) -> int:
    from veil.warehouse.load import load_raw

    for relation, rows in load_raw().items():
        print(f"  {relation:<32}{rows:>12,} rows")
    print("loaded: build the project there with `veil dbt build --target postgres` (VEIL_PG* variables)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from veil.jobs import run_pipeline
    from veil.settings import settings
    from veil.warehouse.postgres import redact_url

    bar = _progress_bar(args.users + args.events, quiet=False)

    def progress(rows: int) -> None:
        bar.update(rows)
        if bar.n >= bar.total:  # generation done: the build's own output follows
            bar.close()

    summary = run_pipeline(
        users=args.users, events=args.events, seed=args.seed, workers=args.workers, on_progress=progress
    )
    bar.close()
    if not summary.ok:
        print("dbt build failed: see logs/dbt.log and the output above")
        return 1
    print("\nraw tables")
    for table, rows in summary.raw_rows.items():
        print(f"  raw.{table:<30}{rows:>14,}")
    print("exported to PostgreSQL")
    for table, rows in summary.exported.items():
        print(f"  {table:<34}{rows:>14,}")
    if summary.published:
        print("published (differentially private, from the publication budget)")
        for name, rows in summary.published.items():
            print(f"  {'analytics.dp_' + name:<50}{rows:>10,}")
    print("seconds per stage")
    for stage, seconds in summary.seconds.items():
        print(f"  {stage:<34}{seconds:>10.1f}")
    print("\nwhere to look:")
    print("  lineage site:  make docs   (dbt docs generate && dbt docs serve --port 8080)")
    print(f"  analysts:      psql {redact_url(settings().postgres_url)} -c '\\dt analytics.*'")
    print("  dashboard:     make serve   (veil serve; then veil api-key create --analyst NAME --budget 5)")
    return 0


def register(sub: Any) -> None:
    gen = sub.add_parser("generate", help="generate synthetic users, consents and events into raw.* tables")
    gen.add_argument("--users", type=int, default=100_000)
    gen.add_argument("--events", type=int, default=5_000_000)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--workers", type=int, default=2, help="worker processes (output does not depend on it)")
    gen.add_argument("--dirty-rate", type=float, default=0.001, help="share of malformed rows (default 0.001)")
    gen.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2025, 11, 1))
    gen.add_argument("--days", type=int, default=365)
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=cmd_generate, timed=False)

    build = sub.add_parser("dbt", help="run dbt in this process, sharing its Spark session (e.g. veil dbt build)")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER)
    build.set_defaults(func=cmd_dbt)

    exp = sub.add_parser("export", help="copy every exported mart into PostgreSQL schema analytics")
    exp.set_defaults(func=cmd_export)

    lpg = sub.add_parser(
        "load-postgres",
        help="copy raw.* and the compliance ledgers into PostgreSQL (to build the project on the postgres target)",
    )
    lpg.set_defaults(func=cmd_load_postgres)

    run = sub.add_parser("run", help="generate, dbt build on Spark, export to PostgreSQL, print a summary")
    run.add_argument("--users", type=int, default=100_000)
    run.add_argument("--events", type=int, default=5_000_000)
    run.add_argument("--seed", type=int, default=42)
    run.add_argument("--workers", type=int, default=2)
    run.set_defaults(func=cmd_run)
