"""`veil erase`: the right to be forgotten across every store, ending with a verifiable receipt.

1. The subject's pseudonym goes into the erasure ledger (`compliance.erasure_ledger`, Parquet kept outside
   the raw directory). Staging anti-joins it, so reloading old raw data cannot bring the person back.
2. Raw Parquet files holding the subject are rewritten without their rows (Parquet has no DELETE); files
   are pruned by the user_id statistics in their footers first.
3. `dbt build` rebuilds every derived Spark table and aggregate; the append-only history log is rewritten
   without the subject.
4. The marts are re-exported to PostgreSQL, and any remaining row keyed by the pseudonym is deleted.
5. Every store is checked with a query that must now return 0; the receipt lists each store, rows removed
   and the query. The event stream is not part of this deployment and is reported as such.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
import uuid
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.errors import VeilError
from veil.holdings import (DERIVED_SCHEMAS, identifiers, postgres_match, postgres_tables, spark_condition,
                           spark_tables)
from veil.ledgers import CONSENT_CHANGES, ERASURES, ensure_all
from veil.parquet_files import rewrite_without
from veil.settings import settings
from veil.subjects import pseudonym, resolve_subject

SPARK_SCHEMAS = ("raw", *DERIVED_SCHEMAS, "compliance")
"""Every Spark schema that can hold the subject (the compliance consent ledger included)."""


def _rewrite_without(folder: Path, user_id: int) -> int:
    """Rewrite every Parquet file under folder that holds rows of user_id; returns rows removed. Files whose
    footer statistics rule the user_id out are not read."""
    removed = 0
    for path in sorted(folder.rglob("*.parquet")):
        meta = pq.ParquetFile(path).metadata
        col = meta.schema.names.index("user_id")
        if any((stats := meta.row_group(i).column(col).statistics) is None or not stats.has_min_max
               or stats.min <= user_id <= stats.max for i in range(meta.num_row_groups)):
            removed += rewrite_without(path, lambda table: pc.equal(table.column("user_id"), user_id))
    return removed


def _postgres_counts(conn, ids: dict) -> dict[str, int]:
    counts = {}
    for relation, columns in postgres_tables(conn).items():
        where, params = postgres_match(columns, ids)
        counts[relation] = conn.execute(f"select count(*) from {relation} where {where}", params).fetchone()[0]
    conn.commit()
    return counts


def _erase_postgres(conn, ids: dict, request_id: str, before: dict[str, int]) -> list[dict]:
    """Delete the subject from every PostgreSQL table that can hold them: the exported marts (analytics), and,
    where the project runs on the postgres target, its raw copies and models. Returns receipt entries (rows
    removed counts what the re-export dropped too: held before the erasure began)."""
    if conn.execute("select to_regclass('compliance.erasure_ledger')").fetchone()[0]:
        with conn.transaction():  # the postgres target's staging anti-joins this ledger too
            conn.execute("insert into compliance.erasure_ledger (user_key, request_id, requested_at) "
                         "values (%s, %s, now())", (ids["user_key"], request_id))
    stores = []
    for relation, columns in postgres_tables(conn).items():
        where, params = postgres_match(columns, ids)
        with conn.transaction():
            deleted = conn.execute(f"delete from {relation} where {where}", params).rowcount
        shown = " or ".join(f"{c} = " + ("<subject user_id>" if c == "user_id" else f"'{v}'")
                            for c, v in zip(columns, params))
        stores.append({"store": f"postgresql:{relation}", "rows_removed": max(before.get(relation, 0), deleted),
                       "verification": f"select count(*) from {relation} where {shown}",
                       "result": conn.execute(f"select count(*) from {relation} where {where}", params).fetchone()[0]})
    return stores


def _remove_access_packages(folder: Path, user_key: str) -> int:
    """Delete earlier access packages about the subject (they hold a copy of their data); returns how many."""
    removed = 0
    for package in sorted(folder.glob("*/package.json")):
        if json.loads(package.read_text()).get("subject", {}).get("pseudonym") == user_key:
            shutil.rmtree(package.parent)
            removed += 1
    return removed


def erase(spark, subject: str, request_id: str | None = None) -> dict:
    from veil.audit import record_event
    from veil.export import connect, export_marts
    from veil.pipeline import run_dbt

    started = time.perf_counter()
    request_id = request_id or uuid.uuid4().hex[:12]
    user_id = resolve_subject(subject)
    user_key = pseudonym(user_id)
    cfg = settings()
    ensure_all(spark)

    ids = identifiers(user_id, user_key)
    with connect() as conn:
        before_postgres = _postgres_counts(conn, ids)
    before = {}
    for relation, columns in spark_tables(spark, SPARK_SCHEMAS):
        if cond := spark_condition(columns, ids):
            before[relation] = spark.sql(f"select count(*) from {relation} where {cond}").collect()[0][0]

    ERASURES.append(spark, {"user_key": [user_key], "request_id": [request_id],
                            "requested_at": [dt.datetime.now(dt.UTC)]}, request_id)
    CONSENT_CHANGES.remove_subject(spark, user_key)
    for table in ("users", "consents", "events"):
        _rewrite_without(cfg.raw_dir / table, user_id)
        spark.sql(f"refresh table raw.{table}")

    if not run_dbt(["build"], spark=spark):
        raise VeilError(f"erasure {request_id}: dbt build failed after the raw rewrite; the ledger entry stands, "
                        "re-run `veil dbt build` and `veil export`")
    if spark.catalog.tableExists("history.users_history_log"):
        spark.sql("drop table if exists history.users_history_log__erasing")
        spark.sql(f"create table history.users_history_log__erasing using parquet as "
                  f"select * from history.users_history_log where user_key != '{user_key}'")
        spark.sql("insert overwrite table history.users_history_log select * from history.users_history_log__erasing")
        spark.sql("drop table history.users_history_log__erasing")

    export_marts(spark)
    with connect() as conn:
        stores = _erase_postgres(conn, ids, request_id, before_postgres)

    for relation, columns in spark_tables(spark, SPARK_SCHEMAS):
        if not (cond := spark_condition(columns, ids)):
            continue
        shown = spark_condition(columns, {**ids, "user_id": "<subject user_id>"})
        stores.append({"store": f"spark:{relation}", "rows_removed": before.get(relation, 0),
                       "verification": f"select count(*) from {relation} where {shown}",
                       "result": spark.sql(f"select count(*) from {relation} where {cond}").collect()[0][0]})
    packages = _remove_access_packages(cfg.home / "access_requests", user_key)
    stores.append({"store": "files:access_requests/", "rows_removed": packages,
                   "verification": "access packages whose subject pseudonym is the subject's",
                   "result": _remove_access_packages(cfg.home / "access_requests", user_key)})
    stores.append({"store": "event stream (Kafka topic)", "rows_removed": None,
                   "verification": "not applicable: no event stream is deployed in this installation", "result": None})
    receipt = {"request_id": request_id, "subject_pseudonym": user_key,
               "completed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "seconds": round(time.perf_counter() - started, 1), "stores": stores,
               "all_zero": all(s["result"] in (0, None) for s in stores)}
    receipt["audit_head"] = record_event("erasure", {
        "request_id": request_id, "subject_pseudonym": user_key,
        "rows_removed": sum(s["rows_removed"] or 0 for s in stores), "all_zero": receipt["all_zero"]})
    folder = cfg.home / "receipts"
    folder.mkdir(exist_ok=True)
    (folder / f"erasure-{request_id}.json").write_text(json.dumps(receipt, indent=2))
    return receipt
