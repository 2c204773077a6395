"""dbt in this process (sharing its SparkSession) and the main job: generate → dbt build → export."""

from __future__ import annotations

import os
import re
import time

from veil.errors import ConfigError
from veil.settings import PROJECT_ROOT, settings


def dbt_environment() -> None:
    """Environment dbt needs: the project's profiles, and on PostgreSQL the key as a session setting.

    libpq reads PGOPTIONS, so the key reaches PostgreSQL's `veil.pseudonym_key` without entering SQL text.
    """
    cfg = settings()
    os.environ.setdefault("VEIL_HOME", str(cfg.home))
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_ROOT / "profiles"))
    key = cfg.pseudonym_key()
    if not re.fullmatch(r"[A-Za-z0-9_.:+/=-]+", key):
        raise ConfigError("DBT_ENV_SECRET_PSEUDONYM_KEY may hold only letters, digits and _.:+/=- "
                          "(it is passed to PostgreSQL in PGOPTIONS)")
    options = [o for o in os.environ.get("PGOPTIONS", "").split(" ") if o and "veil.pseudonym_key" not in o]
    os.environ["PGOPTIONS"] = " ".join([*[o for o in options if o != "-c"], "-c", f"veil.pseudonym_key={key}"])


def run_dbt(args: list[str], spark=None) -> bool:
    """`dbt <args>` in-process. On the Spark session target the process's SparkSession is reused."""
    return bool(invoke_dbt(args, spark).success)


def invoke_dbt(args: list[str], spark=None):
    """dbtRunner result of `dbt <args>` (for callers that read results, e.g. `dbt show`)."""
    from dbt.cli.main import dbtRunner

    dbt_environment()
    target = _target(args)
    if target == "spark":
        from veil.spark import get_spark

        spark = spark or get_spark()  # created with our settings; dbt-spark's getOrCreate() reuses it
    result = dbtRunner().invoke([*args, "--project-dir", str(PROJECT_ROOT)])
    if result.exception is not None:
        raise result.exception
    if args and args[0] in ("build", "run", "test", "snapshot", "seed"):
        _audit_dbt(args, result)
    return result


def rebuild_and_export(spark) -> dict[str, int]:
    """`dbt build` then export every mart: how a compliance change (consent, retention) reaches every store."""
    from veil.errors import VeilError
    from veil.export import export_marts

    if not run_dbt(["build"], spark=spark):
        raise VeilError("dbt build failed: see logs/dbt.log; PostgreSQL keeps the previous export")
    return export_marts(spark)


def _audit_dbt(args: list[str], result) -> None:
    """Every dbt invocation that changes or checks data is recorded (status counts, never row values)."""
    from collections import Counter

    from veil.audit import record_event

    statuses = Counter(str(r.status) for r in (getattr(result.result, "results", None) or []))
    record_event("dbt_invocation", {"args": args, "success": bool(result.success), "nodes": dict(statuses)})


def _target(args: list[str]) -> str:
    if "--target" in args:
        return args[args.index("--target") + 1]
    return os.environ.get("VEIL_TARGET", "spark")


def scan_raw_sources(spark) -> int:
    """Detect personal data in every source and store the findings for privacy.pii_inventory."""
    from veil.scan import scan_sources, write_findings

    if not run_dbt(["parse"], spark=spark):  # the scan reads the sources from the manifest
        return 0
    findings = scan_sources(spark)
    count = write_findings(spark, findings)
    from veil.audit import record_event

    record_event("scan", {"relations": sorted(findings), "columns": count,
                          "personal_data_columns": sum(1 for fs in findings.values() for f in fs if f.entity)})
    return count


def run_pipeline(users: int, events: int, seed: int = 42, workers: int = 2) -> int:
    """The main job: generate → dbt build on Spark → export to PostgreSQL → a short summary."""
    from veil.export import export_marts
    from veil.generate import generate
    from veil.spark import get_spark

    stages: dict[str, float] = {}
    t = time.perf_counter()
    summary = generate(users=users, events=events, seed=seed, workers=workers, progress=True)
    stages["generate"] = time.perf_counter() - t
    spark = get_spark()
    t = time.perf_counter()
    scan_raw_sources(spark)
    stages["scan sources"] = time.perf_counter() - t
    t = time.perf_counter()
    ok = run_dbt(["build"], spark=spark)
    stages["dbt build"] = time.perf_counter() - t
    if not ok:
        print("dbt build failed: see logs/dbt.log and the output above")
        return 1
    t = time.perf_counter()
    exported = export_marts(spark)
    stages["export"] = time.perf_counter() - t

    print("\nraw tables")
    for table, rows in summary.rows.items():
        print(f"  raw.{table:<30}{rows:>14,}")
    print("exported to PostgreSQL (schema analytics)")
    for table, rows in exported.items():
        print(f"  analytics.{table:<24}{rows:>14,}")
    print("seconds per stage")
    for stage, seconds in stages.items():
        print(f"  {stage:<34}{seconds:>10.1f}")
    print("\nwhere to look:")
    print("  lineage site:  make docs   (dbt docs generate && dbt docs serve --port 8080)")
    print(f"  analysts:      psql {settings().postgres_url} -c '\\dt analytics.*'")
    return 0
