"""`veil export`: every model marked `meta.export` → PostgreSQL schema `analytics` (or its `meta.export_schema`:
`dp_query` for the API's contribution-bounded inputs).

Per mart, in one transaction: create a new table typed from the model's (contract-enforced) Spark schema,
COPY the mart's Parquet files into it, check the row count against Spark, index it, then swap it in for the
old one. Readers never see a half-loaded table; a failure leaves the old one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from veil.audit import record
from veil.errors import ExportError
from veil.warehouse.postgres import connect, create_and_copy, postgres_type, sql_literal
from veil.warehouse.project import exported_models, node_meta, relation_name
from veil.warehouse.roles import grant_api_input, grant_table
from veil.warehouse.spark import table_location

SCHEMA = "analytics"
API_INPUT_SCHEMA = "dp_query"
INDEXED = re.compile(r"^(user_key|session_id|event_date|period_start|cohort_month|signup_date|session_date)$")


def export_schema(node: dict) -> str:
    """The PostgreSQL schema a model is exported to."""
    return str(node_meta(node).get("export_schema", SCHEMA))


def export_table(spark: Any, conn: Any, node: dict) -> int:
    """Copy one mart into analytics.<name> (swap in one transaction); returns rows loaded."""
    relation = relation_name(node)
    name = node["alias"] or node["name"]
    meta = node_meta(node)
    schema = export_schema(node)
    fields = spark.table(relation).schema.fields
    columns = [f.name for f in fields]
    ddl = ", ".join(f'"{f.name}" {postgres_type(f.dataType.simpleString())}' for f in fields)
    expected = spark.table(relation).count()
    loading = f"{name}__loading"
    with conn.transaction(), conn.cursor() as cur:
        create_and_copy(cur, f'{schema}."{loading}"', ddl, columns, table_location(spark, relation))
        cur.execute(f'select count(*) from {schema}."{loading}"')
        loaded = cur.fetchone()[0]
        if loaded != expected:
            raise ExportError(
                f"{relation}: Spark has {expected} rows, PostgreSQL received {loaded}; "
                f"kept the previous {schema}.{name}"
            )
        for column in columns:
            if INDEXED.match(column):
                cur.execute(f'create index on {schema}."{loading}" ("{column}")')
        cur.execute(f'drop table if exists {schema}."{name}"')
        cur.execute(f'alter table {schema}."{loading}" rename to "{name}"')
        for (index,) in cur.execute(
            "select indexname from pg_indexes where schemaname = %s and tablename = %s", (schema, name)
        ).fetchall():
            cur.execute(f'alter index {schema}."{index}" rename to "{index.replace(loading, name)}"')
        if schema == API_INPUT_SCHEMA:
            grant_api_input(cur, f'{schema}."{name}"')
        else:
            grant_table(cur, f'{schema}."{name}"', anonymous=bool(meta.get("anonymous")))
        description = {"exported_at": dt.datetime.now(dt.UTC).isoformat(), "release": meta.get("release")}
        cur.execute(f'comment on table {schema}."{name}" is {sql_literal(json.dumps(description))}')
        cur.execute(f'analyze {schema}."{name}"')
    return int(loaded)


def export_marts(spark: Any, url: str | None = None) -> dict[str, int]:
    """Export every `meta.export` model; returns rows per `schema.table`."""
    report = {}
    with connect(url) as conn:
        for node in exported_models():
            report[f"{export_schema(node)}.{node['alias'] or node['name']}"] = export_table(spark, conn, node)
        record(conn, "export", {"schema": SCHEMA, "rows": report})
    return report
