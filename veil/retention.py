"""`veil retention purge`: enforce the retention declared in YAML (`retention_days` + `retention_column` on a
source table), in the raw files and in every derived Spark table partitioned by the same column, then rebuild
the models and re-export PostgreSQL so aggregates and exports forget the expired rows too.

Expired date partitions are removed whole (the events are partitioned by event_date); a declaration on a
column that is not a partition column rewrites the Parquet files without the expired rows.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.errors import VeilError
from veil.holdings import DERIVED_SCHEMAS, spark_tables
from veil.manifest import load_manifest, node_meta, project_sources
from veil.parquet_files import rewrite_without
from veil.settings import settings


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


def _drop_partitions(spark, relation: str, column: str, cutoff: dt.date) -> int:
    """Drop expired partitions of a Spark table partitioned by column; returns rows dropped."""
    old = [r[0].split("=", 1)[1] for r in spark.sql(f"show partitions {relation}").collect()]
    old = [p for p in old if p != "__HIVE_DEFAULT_PARTITION__" and dt.date.fromisoformat(p) < cutoff]
    if not old:
        return 0
    rows = spark.sql(f"select count(*) from {relation} where {column} < date'{cutoff}'").collect()[0][0]
    specs = ", ".join(f"partition ({column} = date'{p}')" for p in old)
    spark.sql(f"alter table {relation} drop if exists {specs}")
    return rows


def _partitioned_by(spark, column: str) -> list[str]:
    return [relation for relation, _ in spark_tables(spark, DERIVED_SCHEMAS)
            if any(c.name == column and c.isPartition for c in spark.catalog.listColumns(relation))]


def purge(spark, as_of: dt.date | None = None, rebuild: bool = True) -> dict:
    """Remove expired rows everywhere; returns a report with rows removed and a verification per store."""
    from veil.audit import record_event
    from veil.pipeline import rebuild_and_export

    started = time.perf_counter()
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    stores, cutoffs, active = [], {}, rules()
    for rule in active:
        cutoff = rule.cutoff(as_of)
        cutoffs[f"raw.{rule.table}"] = cutoff.isoformat()
        removed = _purge_raw(settings().raw_dir / rule.table, rule, cutoff)
        spark.sql(f"refresh table raw.{rule.table}")
        if removed:
            spark.sql(f"alter table raw.{rule.table} recover partitions")
        stores.append({"store": f"spark:raw.{rule.table}", "column": rule.column, "cutoff": cutoff,
                       "rows_removed": removed})
        for relation in _partitioned_by(spark, rule.column):
            stores.append({"store": f"spark:{relation}", "column": rule.column, "cutoff": cutoff,
                           "rows_removed": _drop_partitions(spark, relation, rule.column, cutoff)})
    exported = rebuild_and_export(spark) if rebuild else {}
    for store in stores:
        query = f"select count(*) from {store['store'].split(':', 1)[1]} where {store['column']} < date'{store['cutoff']}'"
        store["verification"], store["result"] = query, spark.sql(query).collect()[0][0]
    if exported:
        from veil.export import SCHEMA, connect

        with connect() as conn:
            for rule in active:
                cutoff = rule.cutoff(as_of)
                for (table,) in conn.execute("select table_name from information_schema.columns "
                                             "where table_schema = %s and column_name = %s",
                                             (SCHEMA, rule.column)).fetchall():
                    query = f'select count(*) from {SCHEMA}."{table}" where "{rule.column}" < date \'{cutoff}\''
                    stores.append({"store": f"postgresql:{SCHEMA}.{table}", "column": rule.column, "cutoff": cutoff,
                                   "rows_removed": None, "verification": query,
                                   "result": conn.execute(query).fetchone()[0]})
    for store in stores:
        store["cutoff"] = store["cutoff"].isoformat()
    report = {"as_of": as_of.isoformat(), "cutoffs": cutoffs, "stores": stores,
              "seconds": round(time.perf_counter() - started, 1), "all_zero": all(s["result"] == 0 for s in stores)}
    record_event("retention_purge", {k: v for k, v in report.items() if k != "stores"}
                 | {"rows_removed": {s["store"]: s["rows_removed"] for s in stores}})
    return report
