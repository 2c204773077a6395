"""`veil export`: every mart marked `meta.export` → PostgreSQL schema `analytics`.

Per mart, in one transaction: create a new table typed from the model's (contract-enforced) Spark schema,
COPY the mart's Parquet files into it as Arrow-written CSV, check the row count against Spark, index it,
then swap it in for the old one. Readers never see a half-loaded table; a failure leaves the old one.
"""

from __future__ import annotations

import io
import re

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds

from veil.errors import ExportError, ServiceUnavailable
from veil.manifest import exported_models
from veil.settings import settings

SCHEMA = "analytics"
BATCH_ROWS = 200_000
INDEXED = re.compile(r"^(user_key|session_id|event_date|period_start|cohort_month|signup_date|session_date)$")


def postgres_type(spark_type: str) -> str:
    """The PostgreSQL column type for a Spark SQL type name."""
    t = spark_type.lower()
    simple = {"string": "text", "bigint": "bigint", "int": "integer", "integer": "integer", "smallint": "smallint",
              "double": "double precision", "float": "real", "boolean": "boolean", "date": "date",
              "timestamp": "timestamptz", "timestamp_ntz": "timestamp"}
    if t in simple:
        return simple[t]
    if t.startswith("decimal"):
        return t.replace("decimal", "numeric")
    raise ExportError(f"no PostgreSQL type for Spark type {spark_type!r}; add it to veil.export.postgres_type")


def connect(url: str | None = None):
    import psycopg

    url = url or settings().postgres_url
    try:
        return psycopg.connect(url, connect_timeout=5)
    except psycopg.OperationalError as exc:
        host = re.sub(r"//[^@/]*@", "//", url)  # never print credentials
        raise ServiceUnavailable(
            f"PostgreSQL at {host} does not answer ({type(exc).__name__}). Start it "
            "(`pg_ctlcluster 15 main start`) or point VEIL_POSTGRES_URL at another server.") from None


def _table_location(spark, relation: str) -> str:
    rows = spark.sql(f"describe formatted {relation}").collect()
    for row in rows:
        if row[0].strip() == "Location":
            return row[1].strip().removeprefix("file:")
    raise ExportError(f"no storage location for {relation}")


def _csv_batches(location: str, columns: list[str]):
    dataset = ds.dataset(location, format="parquet", partitioning="hive", ignore_prefixes=["_", "."])
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    for batch in dataset.to_batches(columns=columns, batch_size=BATCH_ROWS):
        sink = io.BytesIO()
        pacsv.write_csv(pa.Table.from_batches([batch]), sink, options)
        yield sink.getvalue()


def create_and_copy(cur, relation: str, ddl: str, columns: list[str], location: str) -> None:
    """(Re)create relation with ddl and COPY the Parquet files at location into it (inside the caller's
    transaction, so a failure leaves whatever was there before)."""
    cur.execute(f"create schema if not exists {relation.split('.')[0]}")
    cur.execute(f"drop table if exists {relation} cascade")
    cur.execute(f"create table {relation} ({ddl})")
    quoted = ", ".join(f'"{c}"' for c in columns)
    with cur.copy(f"copy {relation} ({quoted}) from stdin (format csv)") as copy:
        for chunk in _csv_batches(location, columns):
            copy.write(chunk)


def export_table(spark, conn, node: dict) -> int:
    relation = f"{node['schema']}.{node['alias'] or node['name']}"
    name = node["alias"] or node["name"]
    fields = spark.table(relation).schema.fields
    columns = [f.name for f in fields]
    ddl = ", ".join(f'"{f.name}" {postgres_type(f.dataType.simpleString())}' for f in fields)
    expected = spark.table(relation).count()
    loading = f"{name}__loading"
    with conn.transaction(), conn.cursor() as cur:
        create_and_copy(cur, f'{SCHEMA}."{loading}"', ddl, columns, _table_location(spark, relation))
        cur.execute(f'select count(*) from {SCHEMA}."{loading}"')
        loaded = cur.fetchone()[0]
        if loaded != expected:
            raise ExportError(f"{relation}: Spark has {expected} rows, PostgreSQL received {loaded}; "
                              f"kept the previous {SCHEMA}.{name}")
        for column in columns:
            if INDEXED.match(column):
                cur.execute(f'create index on {SCHEMA}."{loading}" ("{column}")')
        cur.execute(f'drop table if exists {SCHEMA}."{name}"')
        cur.execute(f'alter table {SCHEMA}."{loading}" rename to "{name}"')
        for (index,) in cur.execute(
            "select indexname from pg_indexes where schemaname = %s and tablename = %s", (SCHEMA, name)
        ).fetchall():
            cur.execute(f'alter index {SCHEMA}."{index}" rename to "{index.replace(loading, name)}"')
        cur.execute(f'analyze {SCHEMA}."{name}"')
    return loaded


def export_marts(spark, url: str | None = None) -> dict[str, int]:
    """Export every `meta.export` model; returns rows per table."""
    nodes = exported_models()
    report = {}
    from veil.audit import record

    with connect(url) as conn:
        for node in nodes:
            report[node["alias"] or node["name"]] = export_table(spark, conn, node)
        record(conn, "export", {"schema": SCHEMA, "rows": report})
    return report
