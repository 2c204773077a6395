"""The jobs that combine the warehouse's parts: the main job (generate → scan → dbt build → export) and the
rebuild-and-export that makes a compliance change (consent, retention, erasure) reach every store."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from veil.audit import record_event
from veil.errors import VeilError
from veil.warehouse.dbt import REBUILD, run_dbt
from veil.warehouse.export import export_marts


@dataclass
class RunSummary:
    """What `veil run` did: rows generated and exported, seconds per stage; `ok` false if dbt build failed."""

    ok: bool
    raw_rows: dict[str, int]
    exported: dict[str, int] = field(default_factory=dict)
    published: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def rebuild_and_export(spark: Any, changed: str | None = None) -> dict[str, int]:
    """`dbt build` then export every mart; returns rows per exported table. With `changed` (the one source
    table a change wrote to, as `schema.table`: the consent ledger), only the models built from it are built,
    with their tests, and only the marts among them exported: a consent change leaves the staging and
    validation of the events, the users and the quarantine as they were, the largest passes over the data.
    (Streamed events not built yet take the whole build.)"""
    from veil.stream.metrics import unbuilt
    from veil.warehouse.project import built_from

    models, selection = None, []
    if changed and not unbuilt():
        models = sorted(built_from(f"source.veil.{changed}"))
        selection = ["--select", f"source:{changed}+"]
    if not run_dbt([*REBUILD, *selection], spark=spark):
        raise VeilError("dbt build failed: see logs/dbt.log; PostgreSQL keeps the previous export")
    return export_marts(spark, models=models)


def publish(spark: Any, dataset: str) -> dict[str, int]:
    """The default DP releases (once per dataset) and the API's tables, so `veil serve` has a dashboard."""
    from veil.api.keys import ensure_api_schema
    from veil.releases.publish import publish_defaults
    from veil.warehouse.postgres import connect

    with connect() as conn:
        ensure_api_schema(conn)
        return publish_defaults(spark, conn, dataset)


def scan_raw_sources(spark: Any) -> int:
    """Detect personal data in every source and store the findings for privacy.pii_inventory; returns the
    number of column findings."""
    from veil.detection.scan import scan_sources, write_findings

    if not run_dbt(["parse"], spark=spark):  # the scan reads the sources from the manifest
        return 0
    findings = scan_sources(spark)
    count = write_findings(spark, findings)
    record_event(
        "scan",
        {
            "relations": sorted(findings),
            "columns": count,
            "personal_data_columns": sum(1 for fs in findings.values() for f in fs if f.entity),
        },
    )
    return count


def run_pipeline(
    users: int, events: int, seed: int = 42, workers: int = 2, on_progress: Callable[[int], None] | None = None
) -> RunSummary:
    """The main job: generate → scan the sources → dbt build on Spark → export to PostgreSQL → publish."""
    from veil.warehouse.generate import generate
    from veil.warehouse.spark import get_spark

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    generated = generate(users=users, events=events, seed=seed, workers=workers, on_progress=on_progress)
    seconds["generate"] = time.perf_counter() - t
    spark = get_spark()
    t = time.perf_counter()
    scan_raw_sources(spark)
    seconds["scan sources"] = time.perf_counter() - t
    t = time.perf_counter()
    ok = run_dbt(["build"], spark=spark)
    seconds["dbt build"] = time.perf_counter() - t
    summary = RunSummary(ok=ok, raw_rows=dict(generated.rows), seconds=seconds)
    if ok:
        t = time.perf_counter()
        summary.exported = export_marts(spark)
        seconds["export"] = time.perf_counter() - t
        t = time.perf_counter()
        summary.published = publish(spark, f"generated-u{users}-e{events}-s{seed}")
        seconds["publish releases"] = time.perf_counter() - t
    return summary
