"""The `veil` command: one entry point, subcommands, heavy imports inside each command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from veil.errors import VeilError


def _human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def cmd_generate(args: argparse.Namespace) -> int:
    from veil.generate import generate

    summary = generate(users=args.users, events=args.events, seed=args.seed, workers=args.workers,
                       dirty_rate=args.dirty_rate, start=args.start, days=args.days, progress=not args.quiet)
    print(f"{'table':<10}{'rows':>14}{'bytes':>12}")
    for table, rows in summary.rows.items():
        print(f"{table:<10}{rows:>14,}{_human_bytes(summary.bytes[table]):>12}")
    total = sum(summary.rows.values())
    print(f"generated {total:,} rows in {summary.seconds:.1f} s ({total / summary.seconds:,.0f} rows/s); "
          f"catalog registration {summary.register_seconds:.1f} s")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from veil.pipeline import run_dbt

    return 0 if run_dbt(args.dbt_args or ["build"]) else 1


def cmd_export(args: argparse.Namespace) -> int:
    from veil.export import export_marts
    from veil.spark import get_spark

    report = export_marts(get_spark())
    for table, rows in report.items():
        print(f"analytics.{table:<32}{rows:>12,} rows")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from veil.pipeline import run_pipeline

    return run_pipeline(users=args.users, events=args.events, seed=args.seed, workers=args.workers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="veil", description="Privacy-first user analytics warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="generate synthetic users, consents and events into raw.* tables")
    gen.add_argument("--users", type=int, default=100_000)
    gen.add_argument("--events", type=int, default=5_000_000)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--workers", type=int, default=2, help="worker processes (output does not depend on it)")
    gen.add_argument("--dirty-rate", type=float, default=0.001, help="share of malformed rows (default 0.001)")
    gen.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2025, 11, 1))
    gen.add_argument("--days", type=int, default=365)
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=cmd_generate)

    build = sub.add_parser("dbt", help="run dbt in this process, sharing its Spark session (e.g. veil dbt build)")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER)
    build.set_defaults(func=cmd_build)

    exp = sub.add_parser("export", help="copy every exported mart into PostgreSQL schema analytics")
    exp.set_defaults(func=cmd_export)

    run = sub.add_parser("run", help="generate, dbt build on Spark, export to PostgreSQL, print a summary")
    run.add_argument("--users", type=int, default=100_000)
    run.add_argument("--events", type=int, default=5_000_000)
    run.add_argument("--seed", type=int, default=42)
    run.add_argument("--workers", type=int, default=2)
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        code = args.func(args)
    except VeilError as exc:
        print(f"veil: error: {exc}", file=sys.stderr)
        return 2
    if code == 0 and args.command != "generate":
        print(f"done in {time.perf_counter() - started:.1f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
