"""The `veil` command: one entry point, subcommands, heavy imports inside each command."""

from __future__ import annotations

import argparse
import datetime as dt
import os
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


def cmd_load_postgres(args: argparse.Namespace) -> int:
    from veil.load import load_raw

    for relation, rows in load_raw().items():
        print(f"  {relation:<32}{rows:>12,} rows")
    print("loaded: build the project there with `veil dbt build --target postgres` (VEIL_PG* variables)")
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    import json as _json

    from veil import scan as scanner

    spark = None
    if args.check or args.propose or not (args.target and os.path.exists(args.target)):
        from veil.spark import get_spark

        spark = get_spark()
    if args.check:
        problems = scanner.check(spark, rows=args.sample)
        for problem in problems:
            print(f"FAIL {problem}")
        print(f"classification check: {len(problems)} problem(s)")
        return 1 if problems else 0
    if args.propose:
        diff = scanner.propose(spark, args.target, rows=args.sample)
        print(diff or f"{args.target}: the declared classification matches the scan")
        return 0
    if args.write:
        count = scanner.write_findings(spark, scanner.scan_sources(spark, rows=args.sample))
        print(f"wrote {count} column findings to {scanner.FINDINGS_TABLE} (dbt model privacy.pii_inventory reads it)")
        return 0
    targets = [args.target] if args.target else [
        f"{r.namespace}.{r.tableName}" for schema in ("raw", "marts")
        for r in spark.sql(f"show tables in {schema}").collect()]
    started = time.perf_counter()
    results = {t: scanner.scan(t, spark, rows=args.sample) for t in targets}
    if args.format == "json":
        print(_json.dumps({t: [f.to_dict() for f in fs] for t, fs in results.items()}, indent=2, default=str))
    else:
        for t, fs in results.items():
            print(scanner.format_table(t, fs))
        print(f"scanned {sum(len(fs) for fs in results.values())} columns in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from veil.dp import RELEASES, release
    from veil.export import connect
    from veil.spark import get_spark

    spark = get_spark()
    names = args.names or list(RELEASES)
    with connect() as conn:
        for name in names:
            r = release(spark, conn, name, args.epsilon, args.dataset, args.analyst)
            print(f"released analytics.dp_{name}: {r['groups_released']} of {r['groups_in']} groups, "
                  f"epsilon={r['epsilon']:g}, delta={r['delta']:g}, noise scale {r['noise_scale']:g}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from veil.audit import head, verify
    from veil.export import connect

    with connect() as conn:
        if args.action == "head":
            print(head(conn))
            return 0
        if args.action == "show":
            for row in conn.execute("select seq, recorded_at, actor, action, details from audit.trail "
                                    "order by seq desc limit %s", (args.limit,)).fetchall()[::-1]:
                print(*row, sep="  ")
            return 0
        checked, breaks = verify(conn, args.head)
    for b in breaks:
        print(f"BROKEN {b}")
    print(f"audit trail: {checked} rows checked, {'intact' if not breaks else f'{len(breaks)} break(s)'}")
    return 1 if breaks else 0


def cmd_erase(args: argparse.Namespace) -> int:
    from veil.erase import erase
    from veil.spark import get_spark

    receipt = erase(get_spark(), args.subject)
    for store in receipt["stores"]:
        if store["result"] is None:
            print(f"  {store['store']:<52}{'n/a':>8}           {store['verification']}")
        else:
            print(f"  {store['store']:<52}{store['rows_removed']:>8} removed   now {store['result']}")
    print(f"erasure {receipt['request_id']}: {'every store verified at 0' if receipt['all_zero'] else 'NOT CLEAN'}"
          f" in {receipt['seconds']} s; receipt in receipts/erasure-{receipt['request_id']}.json")
    return 0 if receipt["all_zero"] else 1


def cmd_consent(args: argparse.Namespace) -> int:
    from veil.consent import record_consent
    from veil.spark import get_spark

    spark = get_spark()
    if args.opt_out:
        purpose, status, source = "sale_or_share", "withdrawn", "ccpa_opt_out"
    else:
        purpose, status = (args.grant, "granted") if args.grant else (args.withdraw, "withdrawn")
        source = args.source
    decision = record_consent(spark, args.subject, purpose, status, source)
    print(f"recorded consent {decision['consent_id']}: {purpose} {status} ({source}) for subject "
          f"{decision['subject_pseudonym'][:12]}…")
    if args.apply:
        from veil.pipeline import rebuild_and_export

        rebuild_and_export(spark)
        print("applied: models rebuilt and marts re-exported")
    else:
        print("takes effect in the marts at the next `veil dbt build` (or pass --apply)")
    return 0


def cmd_access(args: argparse.Namespace) -> int:
    from veil.access import access
    from veil.spark import get_spark

    summary = access(get_spark(), args.subject)
    for store, rows in summary["rows"].items():
        print(f"  {store:<52}{rows:>8} rows")
    print(f"access request {summary['request_id']}: {sum(summary['rows'].values())} rows from "
          f"{len(summary['rows'])} stores in {summary['seconds']} s; package in {summary['folder']}")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from veil.retention import purge, rules
    from veil.spark import get_spark

    if args.action == "show":
        for rule in rules():
            print(f"raw.{rule.table}: {rule.days} days on {rule.column} "
                  f"(cutoff today: {rule.cutoff(dt.datetime.now(dt.UTC).date())})")
        return 0
    report = purge(get_spark(), as_of=args.as_of)
    for store in report["stores"]:
        removed = "" if store["rows_removed"] is None else f"{store['rows_removed']:>10,} removed"
        print(f"  {store['store']:<48}{removed:>18}   older than {store['cutoff']}: now {store['result']}")
    print(f"retention purge as of {report['as_of']}: "
          f"{'every store verified at 0' if report['all_zero'] else 'NOT CLEAN'} in {report['seconds']} s")
    return 0 if report["all_zero"] else 1


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

    lpg = sub.add_parser("load-postgres", help="copy raw.* and the compliance ledgers into PostgreSQL "
                                               "(to build the project on the postgres target)")
    lpg.set_defaults(func=cmd_load_postgres)

    scan = sub.add_parser("scan", help="classify the columns of a table or Parquet/CSV file; check or propose YAML")
    scan.add_argument("target", nargs="?", help="schema.table, a Parquet/CSV path, or source.table with --propose")
    scan.add_argument("--format", choices=["table", "json"], default="table")
    scan.add_argument("--sample", type=int, default=2_000, help="rows sampled per table")
    scan.add_argument("--check", action="store_true",
                      help="fail on unclassified PII-looking source columns, unclassified model columns, "
                           "or direct identifiers in exported marts")
    scan.add_argument("--propose", action="store_true", help="show the YAML meta diff for source TARGET")
    scan.add_argument("--write", action="store_true",
                      help="scan every dbt source and store the findings for privacy.pii_inventory")
    scan.set_defaults(func=cmd_scan)

    rel = sub.add_parser("release", help="differentially private releases to PostgreSQL (budget ledger enforced)")
    rel.add_argument("names", nargs="*", help="releases (default: all)")
    rel.add_argument("--epsilon", type=float, default=1.0, help="epsilon per release")
    rel.add_argument("--dataset", default="demo")
    rel.add_argument("--analyst", default=os.environ.get("USER", "analyst"))
    rel.set_defaults(func=cmd_release)

    aud = sub.add_parser("audit", help="the hash-chained audit trail: verify it, or show recent events")
    aud.add_argument("action", choices=["verify", "show", "head"])
    aud.add_argument("--head", help="verify also that this witnessed head (SEQ:HASH from `veil audit head` or a "
                                    "receipt) is still in the chain, unchanged")
    aud.add_argument("--limit", type=int, default=20)
    aud.set_defaults(func=cmd_audit)

    era = sub.add_parser("erase", help="right to be forgotten: every store, with a verified receipt")
    era.add_argument("--subject", required=True, help="user_id or e-mail address")
    era.set_defaults(func=cmd_erase)

    con = sub.add_parser("consent", help="record a consent decision for a subject (grant, withdraw, CCPA opt-out)")
    con.add_argument("--subject", required=True, help="user_id or e-mail address")
    what = con.add_mutually_exclusive_group(required=True)
    what.add_argument("--grant", metavar="PURPOSE", help="grant consent for PURPOSE")
    what.add_argument("--withdraw", metavar="PURPOSE", help="withdraw consent for PURPOSE")
    what.add_argument("--opt-out", action="store_true", help="CCPA do not sell or share (withdraws sale_or_share)")
    con.add_argument("--source", default="preference_center", help="preference_center (default), support, gpc")
    con.add_argument("--apply", action="store_true", help="rebuild the models and re-export now")
    con.set_defaults(func=cmd_consent)

    acc = sub.add_parser("access", help="access request: everything held about a subject, as JSON and CSV")
    acc.add_argument("--subject", required=True, help="user_id or e-mail address")
    acc.set_defaults(func=cmd_access)

    ret = sub.add_parser("retention", help="show the declared retention, or purge expired data everywhere")
    ret.add_argument("action", choices=["show", "purge"])
    ret.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="reference date (default today)")
    ret.set_defaults(func=cmd_retention)

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
