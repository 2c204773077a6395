"""PostgreSQL: connections, the Spark and Arrow type mapping, and bulk loads with COPY.

Every PostgreSQL table Veil writes (exported marts, raw copies for the postgres target, DP releases) goes
through `create_and_copy`, inside the caller's transaction.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds

from veil.errors import ExportError, ServiceUnavailable
from veil.settings import settings

BATCH_ROWS = 200_000


def redact_url(url: str) -> str:
    """A connection URL without its credentials, for messages."""
    return re.sub(r"//[^@/]*@", "//", url)


def connect(url: str | None = None, autocommit: bool = False) -> Any:
    """A psycopg connection to `url` (default VEIL_POSTGRES_URL); a one-line error names the fix."""
    import psycopg

    url = url or settings().postgres_url
    try:
        return psycopg.connect(url, connect_timeout=5, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ServiceUnavailable(
            f"PostgreSQL at {redact_url(url)} refused the connection ({reason}). Start it "
            "(`pg_ctlcluster 15 main start`) or point VEIL_POSTGRES_URL at another server."
        ) from None


SPARK_TO_POSTGRES = {
    "string": "text",
    "bigint": "bigint",
    "int": "integer",
    "integer": "integer",
    "smallint": "smallint",
    "double": "double precision",
    "float": "real",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamptz",
    "timestamp_ntz": "timestamp",
}


def postgres_type(spark_type: str) -> str:
    """The PostgreSQL column type for a Spark SQL type name."""
    t = spark_type.lower()
    if t in SPARK_TO_POSTGRES:
        return SPARK_TO_POSTGRES[t]
    if t.startswith("decimal"):
        return t.replace("decimal", "numeric")
    raise ExportError(f"no PostgreSQL type for Spark type {spark_type!r}; add it to veil.warehouse.postgres")


def arrow_postgres_type(t: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type (raw Parquet files)."""
    if pa.types.is_dictionary(t):
        return arrow_postgres_type(t.value_type)
    for check, name in (
        (pa.types.is_string, "text"),
        (pa.types.is_large_string, "text"),
        (pa.types.is_int64, "bigint"),
        (pa.types.is_int32, "integer"),
        (pa.types.is_int16, "smallint"),
        (pa.types.is_int8, "smallint"),
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_floating, "double precision"),
        (pa.types.is_date, "date"),
    ):
        if check(t):
            return name
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_decimal(t):
        return f"numeric({t.precision}, {t.scale})"
    raise ExportError(f"no PostgreSQL type for Arrow type {t}; add it to veil.warehouse.postgres")


def parquet_dataset(location: str) -> ds.Dataset:
    """The Parquet files below `location` (hive partitions; Spark's `_` and `.` files ignored)."""
    return ds.dataset(location, format="parquet", partitioning="hive", ignore_prefixes=["_", "."])


def csv_batches(location: str, columns: list[str]) -> Iterator[bytes]:
    """The Parquet files at `location` as CSV chunks for COPY (Arrow writes them; no Python loop per row)."""
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    for batch in parquet_dataset(location).to_batches(columns=columns, batch_size=BATCH_ROWS):
        sink = io.BytesIO()
        pacsv.write_csv(pa.Table.from_batches([batch]), sink, options)
        yield sink.getvalue()


def create_and_copy(cur: Any, relation: str, ddl: str, columns: list[str], location: str) -> None:
    """(Re)create relation with ddl and COPY the Parquet files at location into it (inside the caller's
    transaction, so a failure leaves whatever was there before)."""
    cur.execute(f"create schema if not exists {relation.split('.')[0]}")
    cur.execute(f"drop table if exists {relation} cascade")
    cur.execute(f"create table {relation} ({ddl})")
    quoted = ", ".join(f'"{c}"' for c in columns)
    with cur.copy(f"copy {relation} ({quoted}) from stdin (format csv)") as copy:
        for chunk in csv_batches(location, columns):
            copy.write(chunk)


def sql_literal(text: str) -> str:
    """A string as a PostgreSQL literal, for the statements that take no parameters (COMMENT ON)."""
    return "'" + text.replace("'", "''") + "'"
