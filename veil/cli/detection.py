"""`veil scan`: what personal data is here, classification drift, proposed YAML."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from veil.detection.classify import Finding


def format_findings(target: str, findings: list[Finding]) -> str:
    lines = [f"{target}", f"  {'column':<24}{'class':<20}{'entity':<22}{'conf':>5}  evidence"]
    for f in findings:
        ev = f.evidence
        signals = []
        if ev.get("name_hint"):
            signals.append("name")
        if "value_match_share" in ev:
            signals.append(f"values {ev['value_match_share']:.0%}")
        if "values_with_pii_share" in ev:
            signals.append(f"PII in {ev['values_with_pii_share']:.1%} of texts: {','.join(ev['span_entities'])}")
        lines.append(f"  {f.column:<24}{f.privacy:<20}{f.entity or '-':<22}{f.confidence:>5.2f}  {'; '.join(signals)}")
    return "\n".join(lines)


def cmd_scan(args: argparse.Namespace) -> int:
    from veil.detection import scan as scanner

    spark = None
    if args.check or args.propose or not (args.target and os.path.exists(args.target)):
        from veil.warehouse.spark import get_spark

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
    targets = [args.target] if args.target else scanner.catalog_tables(spark, ("raw", "marts"))
    started = time.perf_counter()
    results = {t: scanner.scan(t, spark, rows=args.sample) for t in targets}
    if args.format == "json":
        print(json.dumps({t: [f.to_dict() for f in fs] for t, fs in results.items()}, indent=2, default=str))
    else:
        for t, fs in results.items():
            print(format_findings(t, fs))
    print(
        f"scanned {sum(len(fs) for fs in results.values())} columns in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


def register(sub: Any) -> None:
    scan = sub.add_parser("scan", help="classify the columns of a table or Parquet/CSV file; check or propose YAML")
    scan.add_argument("target", nargs="?", help="schema.table, a Parquet/CSV path, or source.table with --propose")
    scan.add_argument(
        "--format", choices=["table", "json"], default="table", help="json: only JSON on stdout (timings go to stderr)"
    )
    scan.add_argument("--sample", type=int, default=2_000, help="rows sampled per table")
    scan.add_argument(
        "--check",
        action="store_true",
        help="fail on unclassified PII-looking source columns, unclassified model columns, "
        "or direct identifiers in exported marts",
    )
    scan.add_argument("--propose", action="store_true", help="show the YAML meta diff for source TARGET")
    scan.add_argument(
        "--write", action="store_true", help="scan every dbt source and store the findings for privacy.pii_inventory"
    )
    scan.set_defaults(func=cmd_scan)
