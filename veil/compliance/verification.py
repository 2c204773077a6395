"""The read-only checks that end an erasure: one verification query per store, whose result goes on the
receipt, and the access packages still held about the subject."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from veil.compliance.holdings import (
    Identifiers,
    free_text_rows,
    postgres_match,
    postgres_tables,
    spark_condition,
    spark_tables,
)
from veil.compliance.receipts import StoreCheck
from veil.compliance.subjects import Subject
from veil.settings import settings


def access_packages(folder: Path, subject_refs: tuple[str, ...]) -> list[Path]:
    """Earlier access packages about the subject's accounts (they hold a copy of their data)."""
    out = []
    for p in sorted(folder.glob("*/package.json")):
        held = json.loads(p.read_text()).get("subject", {})
        if set(held.get("subject_refs") or []) & set(subject_refs):
            out.append(p.parent)
    return out


def verify_erasure(
    spark: Any,
    conn: Any,
    ids: Identifiers,
    before_spark: dict[str, int],
    before_pg: dict[str, int],
    deleted_pg: dict[str, int],
    packages_removed: int,
    subject: Subject,
    free_text_removed: dict[str, int],
) -> list[StoreCheck]:
    """Stage 5, read-only: one check per store. Rows removed in PostgreSQL count what the re-export dropped
    too (held before the erasure began)."""
    checks = []
    for relation, columns in postgres_tables(conn).items():
        where, params = postgres_match(columns, ids)
        shown = " or ".join(f"{c} = any(<subject {c}s>)" for c in columns)
        remaining = conn.execute(f"select count(*) from {relation} where {where}", params).fetchone()[0]
        checks.append(
            StoreCheck(
                f"postgresql:{relation}",
                max(before_pg.get(relation, 0), deleted_pg.get(relation, 0)),
                f"select count(*) from {relation} where {shown}",
                remaining,
            )
        )
    conn.commit()
    for relation, columns in spark_tables(spark):
        if not (cond := spark_condition(columns, ids)):
            continue
        shown = spark_condition(columns, {c: [f"<subject {c}>"] * len(v) for c, v in ids.items()}) or cond
        remaining = spark.sql(f"select count(*) from {relation} where {cond}").collect()[0][0]
        checks.append(
            StoreCheck(
                f"spark:{relation}",
                before_spark.get(relation, 0),
                f"select count(*) from {relation} where {shown}",
                remaining,
            )
        )
    folder = settings().home / "access_requests"
    checks.append(
        StoreCheck(
            "files:access_requests/",
            packages_removed,
            "access packages whose subject reference is the subject's",
            len(access_packages(folder, subject.subject_refs)),
        )
    )
    still = free_text_rows(subject)
    for table, removed in free_text_removed.items():
        store = f"spark:raw.{table} (free text)"
        checks.append(
            StoreCheck(store, removed, "free text holding the subject's e-mail or phone", len(still.get(store, [])))
        )
    checks.append(
        StoreCheck(
            "event stream (Kafka topic)", None, "not applicable: no event stream is deployed in this installation", None
        )
    )
    return checks
