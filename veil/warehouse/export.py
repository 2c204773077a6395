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
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from veil.audit import record
from veil.errors import ExportError
from veil.ids import new_id
from veil.settings import settings
from veil.warehouse.postgres import connect, create_and_copy, sql_literal, table_schema
from veil.warehouse.project import exported_models, node_meta, relation_name
from veil.warehouse.roles import grant_api_input, grant_table
from veil.warehouse.spark import table_location

SCHEMA = "analytics"
API_INPUT_SCHEMA = "dp_query"
INDEXED = re.compile(r"^(user_key|session_id|event_date|period_start|cohort_month|signup_date|session_date)$")


def export_schema(node: dict) -> str:
    """The PostgreSQL schema a model is exported to."""
    return str(node_meta(node).get("export_schema", SCHEMA))


@dataclass(frozen=True)
class Loaded:
    """A model copied into `<schema>.<name>__loading`, ready to swap in."""

    node: dict
    schema: str
    name: str
    rows: int

    @property
    def loading(self) -> str:
        return f"{self.name}__loading"


def load_table(spark: Any, conn: Any, node: dict) -> Loaded:
    """Copy one model into `<schema>.<name>__loading` (its own transaction; readers never see it) and check
    its row count against Spark."""
    relation = relation_name(node)
    name, schema = node["alias"] or node["name"], export_schema(node)
    table = spark.table(relation)
    columns = table.columns
    expected = table.count()
    loading = f"{name}__loading"
    with conn.transaction(), conn.cursor() as cur:
        create_and_copy(cur, f'{schema}."{loading}"', arrow_schema(table.schema), table_location(spark, relation))
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
    return Loaded(node, schema, name, int(loaded))


def swap_in(cur: Any, table: Loaded, run: dict) -> None:
    """Replace `<schema>.<name>` by its loaded copy, with grants, description and statistics (inside the
    caller's transaction: the run's swaps commit together)."""
    schema, name, loading = table.schema, table.name, table.loading
    meta = node_meta(table.node)
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
    description = {**run, "release": meta.get("release")}
    cur.execute(f'comment on table {schema}."{name}" is {sql_literal(json.dumps(description))}')
    cur.execute(f'analyze {schema}."{name}"')


def arrow_schema(spark_schema: Any) -> pa.Schema:
    """The Arrow schema of a Spark table's rows (the contract-enforced column types), for the load."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return table_schema(to_arrow_schema(spark_schema, timezone="UTC"))


def export_table(spark: Any, conn: Any, node: dict) -> int:
    """Copy one model and swap it in; returns rows loaded."""
    table = load_table(spark, conn, node)
    with conn.transaction(), conn.cursor() as cur:
        swap_in(cur, table, _run())
    return table.rows


def _run() -> dict:
    """What an export records on its tables: the run, when, and the id of the key its pseudonyms were made with."""
    from veil.warehouse.keys import key_id

    return {
        "run_id": new_id(),
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "key_id": key_id(settings().key()),
    }


def export_marts(spark: Any, url: str | None = None, models: list[str] | None = None) -> dict[str, int]:
    """Export every `meta.export` model (or those of them named in `models`), all or nothing: each is loaded
    beside its table first, then one transaction swaps them all in, so PostgreSQL holds one run's marts, never
    a mix of two (a failure or a kill before that commit leaves every table as it was). `analytics` records
    the run it holds (its schema comment, and each table's). Returns rows per `schema.table`."""
    run = _run()
    with connect(url) as conn:
        loaded: list[Loaded] = []
        try:
            for node in exported_models():
                if models is not None and node["name"] not in models:
                    continue
                loaded.append(load_table(spark, conn, node))
            with conn.transaction(), conn.cursor() as cur:
                for table in loaded:
                    swap_in(cur, table, run)
                cur.execute(f"comment on schema {SCHEMA} is {sql_literal(json.dumps(run))}")
        except Exception:
            conn.rollback()
            with conn.transaction():  # the copies hold personal data: leave none behind
                for table in loaded:
                    conn.execute(f'drop table if exists {table.schema}."{table.loading}"')
            raise
        report = {f"{t.schema}.{t.name}": t.rows for t in loaded}
        record(conn, "export", {"schema": SCHEMA, "run_id": run["run_id"], "rows": report})
    return report
