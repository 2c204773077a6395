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
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from veil.errors import VeilError
from veil.settings import settings

LEDGER = "compliance.erasure_ledger"
SPARK_SCHEMAS = ("staging", "intermediate", "marts", "privacy", "history")


def ledger_dir() -> Path:
    return settings().home / "warehouse" / "compliance" / "erasure_ledger"


def ensure_ledger(spark) -> None:
    """Create the (empty) erasure ledger table if it does not exist yet."""
    folder = ledger_dir()
    if not any(folder.glob("*.parquet")):
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"user_key": pa.array([], pa.string()), "request_id": pa.array([], pa.string()),
                                 "requested_at": pa.array([], pa.timestamp("us", tz="UTC"))}),
                       folder / "empty.parquet")
    spark.sql("create database if not exists compliance")
    spark.sql(f"create table if not exists {LEDGER} using parquet location '{folder}'")


def pseudonym(user_id: int) -> str:
    return hmac.new(settings().pseudonym_key().encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def resolve_subject(subject: str) -> int:
    """A user_id, or the user_id of the account with this e-mail address."""
    if subject.isdigit():
        return int(subject)
    users = ds.dataset(settings().raw_dir / "users", format="parquet")
    found = users.to_table(filter=ds.field("email") == subject, columns=["user_id"]).column("user_id").to_pylist()
    if not found:
        raise VeilError("no account with that e-mail address in raw.users (nothing to erase)")
    return int(found[0])


def _rewrite_without(folder: Path, user_id: int) -> int:
    """Rewrite every Parquet file under folder that holds rows of user_id; returns rows removed."""
    removed = 0
    for path in sorted(folder.rglob("*.parquet")):
        meta = pq.ParquetFile(path).metadata
        col = meta.schema.names.index("user_id")
        candidate = False
        for i in range(meta.num_row_groups):
            stats = meta.row_group(i).column(col).statistics
            if stats is None or not stats.has_min_max or stats.min <= user_id <= stats.max:
                candidate = True
                break
        if not candidate:
            continue
        table = pq.read_table(path)
        keep = pc.invert(pc.fill_null(pc.equal(table.column("user_id"), user_id), False))
        kept = table.filter(keep)
        if kept.num_rows == table.num_rows:
            continue
        removed += table.num_rows - kept.num_rows
        tmp = path.with_suffix(".rewrite")
        pq.write_table(kept, tmp, compression="zstd")
        tmp.replace(path)
    return removed


def _spark_tables(spark) -> list[tuple[str, list[str]]]:
    out = []
    for schema in ("raw", *SPARK_SCHEMAS):
        if not spark.catalog.databaseExists(schema):
            continue
        for t in spark.catalog.listTables(schema):
            if t.isTemporary or (t.tableType == "VIEW" and schema != "history"):
                continue
            relation = f"{schema}.{t.name}"
            out.append((relation, spark.table(relation).columns))
    return out


def _spark_condition(columns: list[str], user_id: int, user_key: str) -> str | None:
    parts = []
    if "user_id" in columns:
        parts.append(f"user_id = {user_id}")
    for c in ("user_key", "record_id"):
        if c in columns:
            parts.append(f"{c} = '{user_key}'")
    return " or ".join(parts) or None


def erase(spark, subject: str, request_id: str | None = None) -> dict:
    from veil.audit import record_event
    from veil.export import connect, export_marts
    from veil.pipeline import run_dbt

    started = time.perf_counter()
    request_id = request_id or uuid.uuid4().hex[:12]
    user_id = resolve_subject(subject)
    user_key = pseudonym(user_id)
    cfg = settings()
    ensure_ledger(spark)

    before = {}
    for relation, columns in _spark_tables(spark):
        cond = _spark_condition(columns, user_id, user_key)
        if cond:
            before[relation] = spark.sql(f"select count(*) from {relation} where {cond}").collect()[0][0]

    pq.write_table(pa.table({"user_key": [user_key], "request_id": [request_id],
                             "requested_at": pa.array([dt.datetime.now(dt.UTC)], pa.timestamp("us", tz="UTC"))}),
                   ledger_dir() / f"erasure-{request_id}.parquet")
    spark.sql(f"refresh table {LEDGER}")
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
    stores = []
    with connect() as conn:
        tables = conn.execute("""select table_schema || '.' || table_name from information_schema.columns
                                 where column_name = 'user_key' and table_schema = 'analytics'""").fetchall()
        for (relation,) in tables:
            n = conn.execute(f"delete from {relation} where user_key = %s", (user_key,)).rowcount
            conn.commit()
            query = f"select count(*) from {relation} where user_key = '{user_key}'"
            stores.append({"store": f"postgresql:{relation}", "rows_removed": n,
                           "verification": query, "result": conn.execute(query).fetchone()[0]})

    for relation, columns in _spark_tables(spark):
        cond = _spark_condition(columns, user_id, user_key)
        if not cond:
            continue
        shown = cond.replace(str(user_id), "<subject user_id>")
        stores.append({"store": f"spark:{relation}", "rows_removed": before.get(relation, 0),
                       "verification": f"select count(*) from {relation} where {shown}",
                       "result": spark.sql(f"select count(*) from {relation} where {cond}").collect()[0][0]})
    stores.append({"store": "event stream (Kafka topic)", "rows_removed": 0,
                   "verification": "not deployed in this installation", "result": 0})
    receipt = {"request_id": request_id, "subject_pseudonym": user_key,
               "completed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "seconds": round(time.perf_counter() - started, 1), "stores": stores,
               "all_zero": all(s["result"] == 0 for s in stores)}
    folder = cfg.home / "receipts"
    folder.mkdir(exist_ok=True)
    (folder / f"erasure-{request_id}.json").write_text(json.dumps(receipt, indent=2))
    record_event("erasure", {"request_id": request_id, "subject_pseudonym": user_key,
                             "rows_removed": sum(s["rows_removed"] for s in stores), "all_zero": receipt["all_zero"]})
    return receipt
