"""`veil erase`: the right to be forgotten across every store, ending with a verifiable receipt.

1. The subject's reference (veil.compliance.subjects.subject_ref: the subject key's HMAC of the user_id,
   which survives key rotations) goes into the erasure ledger (`compliance.erasure_ledger`, Parquet kept
   outside the raw directory). Staging anti-joins it, so reloading old raw data cannot bring the person back.
2. Raw Parquet files holding the subject are rewritten without their rows (Parquet has no DELETE); files
   are pruned by the user_id statistics in their footers first.
3. The derived tables lose the subject (veil.compliance.incremental): the models marked `erasure: in_place`
   (each row one person's, from their rows alone) have the subject's rows deleted from their Parquet files,
   and `dbt build` runs only the other models (aggregates, releases), which read them; the marked models'
   dbt tests run again. Where the data shows a subject's rows reached other people's (a shared event id, a
   shared session, their contact in others' free text), or on a target other than Spark, the batch takes
   the full path instead: the incremental date partitions holding the subject are dropped, a full `dbt build`
   runs, and the append-only history log is rewritten without the subject. The audit entry says which.
4. The rebuilt marts (all of them on the full path) are re-exported to PostgreSQL, and every remaining row
   keyed by the pseudonym is deleted in place, one transaction per table.
5. Every store is checked with a read-only query that must now return 0; the receipt lists each store, rows
   removed and the query. The event stream is not part of this deployment and is reported as such.

Requests erased together (`erase_many`: the privacy worker's queue, `veil erase --subjects-file`) share
stages 1-5, so a hundred erasures cost about one rebuild; each still gets its own receipt.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from typing import Any

from veil.audit import check_no_personal_data, record_event
from veil.compliance.holdings import (
    Identifiers,
    free_text_columns,
    identifiers,
    postgres_counts_by_subject,
    postgres_match,
    postgres_tables,
    spark_counts_by_subject,
    union,
)
from veil.compliance.incremental import ErasurePlan, clear_incremental_partitions, plan_erasure, remove_in_place
from veil.compliance.ledgers import CONSENT_CHANGES, ERASURES, ensure_all
from veil.compliance.raw_files import remove_from_raw
from veil.compliance.receipts import Receipt, write_receipt
from veil.compliance.subjects import Subject, resolve_subject
from veil.compliance.verification import Erased, access_packages, verify_erasure
from veil.errors import VeilError
from veil.ids import new_id
from veil.settings import settings
from veil.stream.metrics import STREAM_EVENTS
from veil.warehouse.dbt import REBUILD, run_dbt
from veil.warehouse.export import export_marts
from veil.warehouse.postgres import connect

RAW_TABLES = ("users", "consents", "events")
HISTORY_LOG = "history.users_history_log"


def _remove_from_sources(spark: Any, batch: list[tuple[str, Subject]]) -> list[dict[str, int]]:
    """Stages 1-2: the ledger entries, the consent ledger and the raw files; returns free-text rows removed
    per raw table, per subject."""
    refs = [(request_id, ref) for request_id, subject in batch for ref in subject.subject_refs]
    if refs:
        now = dt.datetime.now(dt.UTC)
        ERASURES.append(
            spark,
            {
                "subject_ref": [ref for _, ref in refs],
                "request_id": [request_id for request_id, _ in refs],
                "requested_at": [now] * len(refs),
            },
            batch[0][0] if len(batch) == 1 else f"batch-{batch[0][0]}-{len(batch)}",
        )
        CONSENT_CHANGES.remove_subject(spark, [r for _, r in refs])
    free_text = free_text_columns()
    subjects = [subject for _, subject in batch]
    removed_text: list[dict[str, int]] = [{} for _ in batch]
    for table in RAW_TABLES:
        _, by_text = remove_from_raw(settings().raw_dir / table, subjects, free_text.get(table, []))
        if table in free_text:
            for held, n in zip(removed_text, by_text, strict=True):
                held[table] = n
        spark.sql(f"refresh table raw.{table}")
    return removed_text


def _rebuild(spark: Any, everyone: Identifiers, plan: ErasurePlan, request_ids: str) -> None:
    """Stage 3: the derived tables without the subjects, in place or by a full build (see the plan). The
    stream's staged events go first, in place: stg_app__events adds them to the raw events."""
    if spark.catalog.tableExists(STREAM_EVENTS):
        remove_in_place(spark, (STREAM_EVENTS,), everyone)
    if plan.in_place:
        remove_in_place(spark, plan.in_place_relations, everyone)
        steps = [["build", "--select", *plan.rebuilt], plan.check]
    else:
        clear_incremental_partitions(spark, everyone)
        steps = [REBUILD]
    for args in steps:
        if not run_dbt(args, spark=spark):
            raise VeilError(
                f"erasure {request_ids}: dbt {args[0]} failed after the raw rewrite; the ledger entries stand, "
                "re-run `veil dbt build` and `veil export`"
            )
    if not plan.in_place and spark.catalog.tableExists(HISTORY_LOG):
        remove_in_place(spark, (HISTORY_LOG,), everyone)


def _erase_postgres(conn: Any, batch: list[tuple[str, Subject]], ids: list[Identifiers]) -> list[dict[str, int]]:
    """Stage 4 (after the re-export): delete the subjects from every PostgreSQL table that can hold them — the
    exported marts, and where the project runs on the postgres target, its raw copies and models. Returns rows
    deleted per table, per subject."""
    if conn.execute("select to_regclass('compliance.erasure_ledger')").fetchone()[0]:
        with conn.transaction():  # the postgres target's staging anti-joins this ledger too
            for request_id, subject in batch:
                for ref in subject.subject_refs:
                    conn.execute(
                        "insert into compliance.erasure_ledger (subject_ref, request_id, requested_at) "
                        "values (%s, %s, now())",
                        (ref, request_id),
                    )
    everyone = union(ids)
    tables = postgres_tables(conn)
    held = {}
    for relation, columns in tables.items():
        where, params = postgres_match(columns, everyone)
        if conn.execute(f"select exists (select from {relation} where {where})", params).fetchone()[0]:
            held[relation] = columns
    deleted = postgres_counts_by_subject(conn, ids, held)
    for relation, columns in held.items():
        where, params = postgres_match(columns, everyone)
        with conn.transaction():
            conn.execute(f"delete from {relation} where {where}", params)
    with connect(autocommit=True) as maintenance:  # deleted tuples stay in the table files until VACUUM
        for relation in held:
            maintenance.execute(f"vacuum {relation}")
    return deleted


def erase(spark: Any, subject: str | Subject, request_id: str | None = None, record_only: bool = False) -> Receipt:
    """Erase every account a subject names from every store, and their e-mail or phone from free text filed
    under other ids; returns the written receipt. An unknown subject is refused with nothing written, unless
    `record_only` keeps the request on file (a user_id's pseudonym still enters the ledger, so the account
    can never be loaded later)."""
    subject_ = resolve_subject(subject, must_exist=not record_only)
    return erase_many(spark, [(request_id or new_id(), subject_)])[0]


def erase_many(spark: Any, batch: list[tuple[str, Subject]]) -> list[Receipt]:
    """Erase several requests' subjects (request id, resolved subject) together: one raw rewrite, one `dbt
    build`, one export and one verification pass over every store for them all, then one receipt per request
    (its own rows removed and checks; where requests share an account, its rows count on the first). Every
    stage can run again, so a batch interrupted anywhere is resumed by erasing it again."""
    started = time.perf_counter()
    for request_id, _ in batch:  # the audit entry written at the end would refuse it: refuse it before any store
        check_no_personal_data({"request_id": request_id})
    ids = [identifiers(subject) for _, subject in batch]
    ensure_all(spark)
    with connect() as conn:
        before_pg = postgres_counts_by_subject(conn, ids)
    before_spark = spark_counts_by_subject(spark, ids)

    resumed = ERASURES.holds([ref for _, subject in batch for ref in subject.subject_refs])
    free_text_removed = _remove_from_sources(spark, batch)
    names = ", ".join(request_id for request_id, _ in batch[:3]) + (f" (+{len(batch) - 3})" if len(batch) > 3 else "")
    everyone = union(ids)
    plan = plan_erasure(spark, everyone, sum(n for held in free_text_removed for n in held.values()), resumed)
    _rebuild(spark, everyone, plan, names)
    export_marts(spark, models=list(plan.rebuilt) if plan.in_place else None)
    packages = []
    for _, subject in batch:
        packages.append(access_packages(settings().home / "access_requests", subject.subject_refs))
        for package in packages[-1]:
            shutil.rmtree(package, ignore_errors=True)
    with connect() as conn:
        deleted_pg = _erase_postgres(conn, batch, ids)
        erased = [
            Erased(s, ids[i], before_spark[i], before_pg[i], deleted_pg[i], len(packages[i]), free_text_removed[i])
            for i, (_, s) in enumerate(batch)
        ]
        checks = verify_erasure(spark, conn, erased)

    seconds = round(time.perf_counter() - started, 1)
    receipts = []
    for (request_id, subject), stores in zip(batch, checks, strict=True):
        receipt = Receipt(
            "erasure",
            request_id,
            stores,
            seconds,
            subject_refs=list(subject.subject_refs),
            batch_size=len(batch),
            derived_tables=plan.derived_tables,
        )
        receipt.audit_head = record_event(
            "erasure",
            {
                "request_id": request_id,
                "subject_refs": list(subject.subject_refs),
                "accounts": len(subject.user_ids),
                "rows_removed": receipt.rows_removed,
                "all_zero": receipt.all_zero,
                "batch_size": len(batch),
                "derived_tables": plan.derived_tables,
            },
        )
        write_receipt(receipt, settings().home / "receipts")
        receipts.append(receipt)
    return receipts
