"""`veil erase`: the right to be forgotten across every store, ending with a verifiable receipt.

1. The subject's pseudonym goes into the erasure ledger (`compliance.erasure_ledger`, Parquet kept outside
   the raw directory). Staging anti-joins it, so reloading old raw data cannot bring the person back.
2. Raw Parquet files holding the subject are rewritten without their rows (Parquet has no DELETE); files
   are pruned by the user_id statistics in their footers first.
3. `dbt build` rebuilds every derived Spark table and aggregate; the append-only history log is rewritten
   without the subject.
4. The marts are re-exported to PostgreSQL, and any remaining row keyed by the pseudonym is deleted.
5. Every store is checked with a read-only query that must now return 0; the receipt lists each store, rows
   removed and the query. The event stream is not part of this deployment and is reported as such.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.audit import record_event
from veil.compliance.holdings import (
    Identifiers,
    identifiers,
    postgres_counts,
    postgres_match,
    postgres_tables,
    spark_condition,
    spark_counts,
    spark_tables,
)
from veil.compliance.ledgers import CONSENT_CHANGES, ERASURES, ensure_all
from veil.compliance.receipts import Receipt, StoreCheck, write_receipt
from veil.compliance.subjects import pseudonym, resolve_subject
from veil.errors import VeilError
from veil.settings import settings
from veil.warehouse.dbt import run_dbt
from veil.warehouse.export import export_marts
from veil.warehouse.parquet_files import rewrite_without
from veil.warehouse.postgres import connect

RAW_TABLES = ("users", "consents", "events")
HISTORY_LOG = "history.users_history_log"


def _rewrite_raw(folder: Path, user_id: int) -> int:
    """Rewrite every Parquet file under folder that holds rows of user_id; returns rows removed. Files whose
    footer statistics rule the user_id out are not read."""
    removed = 0
    for path in sorted(folder.rglob("*.parquet")):
        meta = pq.ParquetFile(path).metadata
        col = meta.schema.names.index("user_id")
        if any(
            (stats := meta.row_group(i).column(col).statistics) is None
            or not stats.has_min_max
            or stats.min <= user_id <= stats.max
            for i in range(meta.num_row_groups)
        ):
            removed += rewrite_without(path, lambda table: pc.equal(table.column("user_id"), user_id))
    return removed


def _remove_from_sources(spark: Any, user_id: int, user_key: str, request_id: str) -> None:
    """Stages 1-2: the ledger entry, the consent ledger and the raw files."""
    ERASURES.append(
        spark,
        {"user_key": [user_key], "request_id": [request_id], "requested_at": [dt.datetime.now(dt.UTC)]},
        request_id,
    )
    CONSENT_CHANGES.remove_subject(spark, user_key)
    for table in RAW_TABLES:
        _rewrite_raw(settings().raw_dir / table, user_id)
        spark.sql(f"refresh table raw.{table}")


def _rebuild(spark: Any, user_key: str, request_id: str) -> None:
    """Stage 3: every derived table, and the append-only history log without the subject."""
    if not run_dbt(["build"], spark=spark):
        raise VeilError(
            f"erasure {request_id}: dbt build failed after the raw rewrite; the ledger entry stands, "
            "re-run `veil dbt build` and `veil export`"
        )
    if spark.catalog.tableExists(HISTORY_LOG):
        spark.sql(f"drop table if exists {HISTORY_LOG}__erasing")
        spark.sql(
            f"create table {HISTORY_LOG}__erasing using parquet as "
            f"select * from {HISTORY_LOG} where user_key != '{user_key}'"
        )
        spark.sql(f"insert overwrite table {HISTORY_LOG} select * from {HISTORY_LOG}__erasing")
        spark.sql(f"drop table {HISTORY_LOG}__erasing")


def _erase_postgres(conn: Any, ids: Identifiers, request_id: str) -> dict[str, int]:
    """Stage 4 (after the re-export): delete the subject from every PostgreSQL table that can hold them — the
    exported marts, and where the project runs on the postgres target, its raw copies and models. Returns rows
    deleted per table."""
    if conn.execute("select to_regclass('compliance.erasure_ledger')").fetchone()[0]:
        with conn.transaction():  # the postgres target's staging anti-joins this ledger too
            conn.execute(
                "insert into compliance.erasure_ledger (user_key, request_id, requested_at) values (%s, %s, now())",
                (ids["user_key"], request_id),
            )
    deleted = {}
    for relation, columns in postgres_tables(conn).items():
        where, params = postgres_match(columns, ids)
        with conn.transaction():
            deleted[relation] = conn.execute(f"delete from {relation} where {where}", params).rowcount
    with connect(autocommit=True) as maintenance:  # deleted tuples stay in the table files until VACUUM
        for relation in (r for r, n in deleted.items() if n):
            maintenance.execute(f"vacuum {relation}")
    return deleted


def _access_packages(folder: Path, user_key: str) -> list[Path]:
    """Earlier access packages about the subject (they hold a copy of their data)."""
    return [
        p.parent
        for p in sorted(folder.glob("*/package.json"))
        if json.loads(p.read_text()).get("subject", {}).get("pseudonym") == user_key
    ]


def _verify(
    spark: Any,
    conn: Any,
    ids: Identifiers,
    before_spark: dict[str, int],
    before_pg: dict[str, int],
    deleted_pg: dict[str, int],
    packages_removed: int,
) -> list[StoreCheck]:
    """Stage 5, read-only: one check per store. Rows removed in PostgreSQL count what the re-export dropped
    too (held before the erasure began)."""
    checks = []
    for relation, columns in postgres_tables(conn).items():
        where, params = postgres_match(columns, ids)
        shown = " or ".join(
            f"{c} = " + ("<subject user_id>" if c == "user_id" else f"'{v}'")
            for c, v in zip(columns, params, strict=True)
        )
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
        shown = spark_condition(columns, {**ids, "user_id": "<subject user_id>"}) or cond
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
            "access packages whose subject pseudonym is the subject's",
            len(_access_packages(folder, str(ids["user_key"]))),
        )
    )
    checks.append(
        StoreCheck(
            "event stream (Kafka topic)", None, "not applicable: no event stream is deployed in this installation", None
        )
    )
    return checks


def erase(spark: Any, subject: str, request_id: str | None = None) -> Receipt:
    """Erase one subject from every store; returns the written receipt."""
    started = time.perf_counter()
    request_id = request_id or uuid.uuid4().hex[:12]
    user_id = resolve_subject(subject)
    user_key = pseudonym(user_id)
    ids = identifiers(user_id, user_key)
    ensure_all(spark)
    with connect() as conn:
        before_pg = postgres_counts(conn, ids)
    before_spark = spark_counts(spark, ids)

    _remove_from_sources(spark, user_id, user_key, request_id)
    _rebuild(spark, user_key, request_id)
    export_marts(spark)
    packages = _access_packages(settings().home / "access_requests", user_key)
    for package in packages:
        shutil.rmtree(package)
    with connect() as conn:
        deleted_pg = _erase_postgres(conn, ids, request_id)
        stores = _verify(spark, conn, ids, before_spark, before_pg, deleted_pg, len(packages))

    receipt = Receipt(
        "erasure", request_id, stores, round(time.perf_counter() - started, 1), subject_pseudonym=user_key
    )
    receipt.audit_head = record_event(
        "erasure",
        {
            "request_id": request_id,
            "subject_pseudonym": user_key,
            "rows_removed": receipt.rows_removed,
            "all_zero": receipt.all_zero,
        },
    )
    write_receipt(receipt, settings().home / "receipts")
    return receipt
