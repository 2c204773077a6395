"""`veil erase`: the right to be forgotten across every store, ending with a verifiable receipt.

1. The subject's reference (veil.compliance.subjects.subject_ref: the subject key's HMAC of the user_id,
   which survives key rotations) goes into the erasure ledger (`compliance.erasure_ledger`, Parquet kept
   outside the raw directory). Staging anti-joins it, so reloading old raw data cannot bring the person back.
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
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.audit import record_event
from veil.compliance.holdings import (
    Identifiers,
    free_text_columns,
    free_text_mask,
    identifiers,
    postgres_counts,
    postgres_match,
    postgres_tables,
    spark_counts,
)
from veil.compliance.ledgers import CONSENT_CHANGES, ERASURES, ensure_all
from veil.compliance.receipts import Receipt, write_receipt
from veil.compliance.subjects import Subject, resolve_subject
from veil.compliance.verification import access_packages, verify_erasure
from veil.errors import VeilError
from veil.settings import settings
from veil.warehouse.dbt import run_dbt
from veil.warehouse.export import export_marts
from veil.warehouse.parquet_files import rewrite_without
from veil.warehouse.postgres import connect

RAW_TABLES = ("users", "consents", "events")
HISTORY_LOG = "history.users_history_log"


def _rewrite_raw(folder: Path, subject: Subject, free_text: list[str]) -> tuple[int, int]:
    """Rewrite every Parquet file under folder that holds rows of the subject's accounts, or free text holding
    their contacts; returns (rows removed by id, rows removed by free text). Without free-text columns, files
    whose footer statistics rule every user_id out are not read."""
    by_id = by_text = 0
    ids = pa.array(subject.user_ids, pa.int64())
    for path in sorted(folder.rglob("*.parquet")):
        meta = pq.ParquetFile(path).metadata
        col = meta.schema.names.index("user_id")
        if not free_text and not any(
            (stats := meta.row_group(i).column(col).statistics) is None
            or not stats.has_min_max
            or any(stats.min <= u <= stats.max for u in subject.user_ids)
            for i in range(meta.num_row_groups)
        ):
            continue

        def matches_id(table: pa.Table) -> pa.ChunkedArray:
            return pc.fill_null(pc.is_in(table.column("user_id"), ids), False)

        by_id += rewrite_without(path, matches_id)
        if free_text and subject.contacts:
            by_text += rewrite_without(path, lambda t: free_text_mask(t, free_text, subject.contacts))
    return by_id, by_text


def _remove_from_sources(spark: Any, subject: Subject, request_id: str) -> dict[str, int]:
    """Stages 1-2: the ledger entries, the consent ledger and the raw files; returns free-text rows removed
    per raw table."""
    refs = list(subject.subject_refs)
    if refs:
        now = dt.datetime.now(dt.UTC)
        ERASURES.append(
            spark,
            {"subject_ref": refs, "request_id": [request_id] * len(refs), "requested_at": [now] * len(refs)},
            request_id,
        )
        CONSENT_CHANGES.remove_subject(spark, refs)
    free_text = free_text_columns()
    removed_text = {}
    for table in RAW_TABLES:
        _, by_text = _rewrite_raw(settings().raw_dir / table, subject, free_text.get(table, []))
        if table in free_text:
            removed_text[table] = by_text
        spark.sql(f"refresh table raw.{table}")
    return removed_text


def _rebuild(spark: Any, user_keys: tuple[str, ...], request_id: str) -> None:
    """Stage 3: every derived table, and the append-only history log without the subject."""
    if not run_dbt(["build"], spark=spark):
        raise VeilError(
            f"erasure {request_id}: dbt build failed after the raw rewrite; the ledger entry stands, "
            "re-run `veil dbt build` and `veil export`"
        )
    if spark.catalog.tableExists(HISTORY_LOG) and user_keys:
        keys = ", ".join(f"'{k}'" for k in user_keys)
        spark.sql(f"drop table if exists {HISTORY_LOG}__erasing")
        spark.sql(
            f"create table {HISTORY_LOG}__erasing using parquet as "
            f"select * from {HISTORY_LOG} where user_key not in ({keys})"
        )
        spark.sql(f"insert overwrite table {HISTORY_LOG} select * from {HISTORY_LOG}__erasing")
        spark.sql(f"drop table {HISTORY_LOG}__erasing")


def _erase_postgres(conn: Any, ids: Identifiers, subject: Subject, request_id: str) -> dict[str, int]:
    """Stage 4 (after the re-export): delete the subject from every PostgreSQL table that can hold them — the
    exported marts, and where the project runs on the postgres target, its raw copies and models. Returns rows
    deleted per table."""
    if conn.execute("select to_regclass('compliance.erasure_ledger')").fetchone()[0]:
        with conn.transaction():  # the postgres target's staging anti-joins this ledger too
            for ref in subject.subject_refs:
                conn.execute(
                    "insert into compliance.erasure_ledger (subject_ref, request_id, requested_at) "
                    "values (%s, %s, now())",
                    (ref, request_id),
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


def erase(spark: Any, subject: str | Subject, request_id: str | None = None, record_only: bool = False) -> Receipt:
    """Erase every account a subject names from every store, and their e-mail or phone from free text filed
    under other ids; returns the written receipt. An unknown subject is refused with nothing written, unless
    `record_only` keeps the request on file (a user_id's pseudonym still enters the ledger, so the account
    can never be loaded later)."""
    started = time.perf_counter()
    request_id = request_id or uuid.uuid4().hex[:12]
    subject_ = resolve_subject(subject, must_exist=not record_only)
    ids = identifiers(subject_)
    ensure_all(spark)
    with connect() as conn:
        before_pg = postgres_counts(conn, ids)
    before_spark = spark_counts(spark, ids)

    free_text_removed = _remove_from_sources(spark, subject_, request_id)
    _rebuild(spark, subject_.user_keys, request_id)
    export_marts(spark)
    packages = access_packages(settings().home / "access_requests", subject_.subject_refs)
    for package in packages:
        shutil.rmtree(package)
    with connect() as conn:
        deleted_pg = _erase_postgres(conn, ids, subject_, request_id)
        stores = verify_erasure(
            spark, conn, ids, before_spark, before_pg, deleted_pg, len(packages), subject_, free_text_removed
        )

    receipt = Receipt(
        "erasure",
        request_id,
        stores,
        round(time.perf_counter() - started, 1),
        subject_refs=list(subject_.subject_refs),
    )
    receipt.audit_head = record_event(
        "erasure",
        {
            "request_id": request_id,
            "subject_refs": list(subject_.subject_refs),
            "accounts": len(subject_.user_ids),
            "rows_removed": receipt.rows_removed,
            "all_zero": receipt.all_zero,
        },
    )
    write_receipt(receipt, settings().home / "receipts")
    return receipt
