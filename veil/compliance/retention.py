"""`veil retention purge`: enforce the retention declared in YAML (`retention_days` + `retention_column` on a
source table), in the raw files and in every derived Spark table partitioned by the same column, then rebuild
the models and re-export PostgreSQL so aggregates and exports forget the expired rows too.

In the raw files, expired date partitions are removed whole (the raw events are partitioned by event_date); a
declaration on a column that is not a partition column rewrites the Parquet files without the expired rows.
A partitioned derived table (fct_events by month, the stream's events by day) loses every partition all of
whose rows are expired; the rebuild rewrites the partitions holding both expired and current rows.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.audit import record_event
from veil.compliance.holdings import DERIVED_SCHEMAS, STREAM_SCHEMAS, spark_tables
from veil.compliance.receipts import Receipt, StoreCheck
from veil.errors import VeilError
from veil.ids import new_id
from veil.jobs import rebuild_and_export
from veil.settings import settings
from veil.warehouse.parquet_files import rewrite_without
from veil.warehouse.postgres import connect
from veil.warehouse.project import load_manifest, node_meta, project_sources
from veil.warehouse.spark import drop_partitions_where


@dataclass(frozen=True)
class Rule:
    table: str  # raw table name (source table of source `app`)
    column: str
    days: int

    def cutoff(self, as_of: dt.date) -> dt.date:
        """Rows with column < cutoff are expired."""
        return as_of - dt.timedelta(days=self.days)


def rules(manifest: dict | None = None) -> list[Rule]:
    out = []
    for source in project_sources(manifest or load_manifest()):
        meta = node_meta(source)
        if source["source_name"] == "app" and meta.get("retention_days"):
            if not meta.get("retention_column"):
                raise VeilError(f"source app.{source['name']} declares retention_days without retention_column")
            out.append(Rule(source["name"], meta["retention_column"], int(meta["retention_days"])))
    return out


def _purge_raw(folder: Path, rule: Rule, cutoff: dt.date) -> int:
    """Remove expired rows from a raw table's files; returns rows removed."""
    removed = 0
    partitions = sorted(folder.glob(f"{rule.column}=*"))
    if partitions:
        for part in partitions:
            if dt.date.fromisoformat(part.name.split("=", 1)[1]) < cutoff:
                removed += sum(pq.ParquetFile(f).metadata.num_rows for f in part.glob("*.parquet"))
                shutil.rmtree(part)
        return removed
    for path in sorted(folder.rglob("*.parquet")):
        removed += rewrite_without(path, lambda table: pc.less(pc.cast(table.column(rule.column), "date32"), cutoff))
    return removed


def _partitioned_with(spark: Any, column: str) -> list[str]:
    """Partitioned Spark tables (derived and streamed) that hold `column`."""
    return [
        relation
        for relation, columns in spark_tables(spark, (*DERIVED_SCHEMAS, *STREAM_SCHEMAS))
        if column in columns and any(c.isPartition for c in spark.catalog.listColumns(relation))
    ]


def _expired_query(relation: str, column: str, cutoff: dt.date) -> str:
    return f"select count(*) from {relation} where {column} < date'{cutoff}'"


def purge(spark: Any, as_of: dt.date | None = None) -> Receipt:
    """Remove expired rows everywhere; returns a receipt with rows removed and a verification per store."""
    started = time.perf_counter()
    as_of = as_of or settings().current_date()
    active = rules()
    cutoffs = {f"raw.{rule.table}": rule.cutoff(as_of) for rule in active}
    removed: list[tuple[str, str, dt.date, int]] = []  # (spark relation, column, cutoff, rows)
    for rule in active:
        cutoff = rule.cutoff(as_of)
        rows = _purge_raw(settings().raw_dir / rule.table, rule, cutoff)
        spark.sql(f"refresh table raw.{rule.table}")
        if rows:
            spark.sql(f"alter table raw.{rule.table} recover partitions")
        removed.append((f"raw.{rule.table}", rule.column, cutoff, rows))
        for relation in _partitioned_with(spark, rule.column):
            expired = int(spark.sql(_expired_query(relation, rule.column, cutoff)).collect()[0][0])
            drop_partitions_where(spark, relation, f"max({rule.column}) < date'{cutoff}'")
            removed.append((relation, rule.column, cutoff, expired))
    exported = rebuild_and_export(spark)  # rewrites the partitions holding expired and current rows

    stores = []
    for relation, column, cutoff, rows in removed:
        query = _expired_query(relation, column, cutoff)
        stores.append(StoreCheck(f"spark:{relation}", rows, query, int(spark.sql(query).collect()[0][0])))
    if exported:
        with connect() as conn:
            for rule in active:  # every exported table (marts, API inputs) dated by the rule's column
                for schema, table in conn.execute(
                    "select table_schema, table_name from information_schema.columns "
                    "where table_schema || '.' || table_name = any(%s) and column_name = %s",
                    (list(exported), rule.column),
                ).fetchall():
                    query = _expired_query(f'{schema}."{table}"', f'"{rule.column}"', rule.cutoff(as_of))
                    stores.append(
                        StoreCheck(f"postgresql:{schema}.{table}", None, query, conn.execute(query).fetchone()[0])
                    )
    receipt = Receipt(
        "retention_purge",
        new_id(),
        stores,
        round(time.perf_counter() - started, 1),
        as_of=as_of,
        cutoffs=cutoffs,
    )
    receipt.audit_head = record_event(
        "retention_purge",
        {
            "as_of": as_of.isoformat(),
            "cutoffs": {k: v.isoformat() for k, v in cutoffs.items()},
            "all_zero": receipt.all_zero,
            "rows_removed": receipt.removed_by_store(),
        },
    )
    return receipt
