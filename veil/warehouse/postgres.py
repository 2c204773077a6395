"""PostgreSQL: connections, the Arrow type mapping, and bulk loads with binary COPY.

Every PostgreSQL table Veil writes (exported marts, raw copies for the postgres target, DP releases) goes
through `create_and_copy`, inside the caller's transaction. The Parquet files are read in Arrow batches, and
pgpq encodes each batch as COPY's binary format: no Python loop per row, no text PostgreSQL must parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pgpq
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

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


def arrow_postgres_type(t: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type: the one whose binary COPY format pgpq writes for it."""
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
        (pa.types.is_float32, "real"),
        (pa.types.is_float64, "double precision"),
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


def table_schema(schema: pa.Schema) -> pa.Schema:
    """The Arrow schema a table is loaded as: dictionary columns as their values, timestamps in microseconds
    (PostgreSQL's precision), and hive partition values named `*_date` (which Arrow reads as text) as dates."""
    fields = []
    for f in schema:
        t = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        if pa.types.is_string(t) and f.name.endswith("_date") or pa.types.is_date64(t):
            t = pa.date32()
        elif pa.types.is_timestamp(t):
            t = pa.timestamp("us", t.tz)
        fields.append(pa.field(f.name, t))
    return pa.schema(fields)


def parquet_batches(location: str, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """The rows of the Parquet files at `location`, `BATCH_ROWS` at a time, file after file, with hive
    partition values as columns. Each file is decoded a batch at a time: Arrow's dataset scanner decodes a whole
    row group, and reads ahead, which held 3.6 GiB for `fct_events` at full scale (a month's file of ~3M rows is
    one row group) against 0.7 GiB this way (README, Benchmarks)."""
    for fragment in parquet_dataset(location).get_fragments():
        partition = ds.get_partition_keys(fragment.partition_expression)  # (a null partition value is absent)
        with pq.ParquetFile(fragment.path) as file:
            stored = [c for c in columns if c in file.schema_arrow.names]
            for batch in file.iter_batches(batch_size=BATCH_ROWS, columns=stored):
                n = batch.num_rows
                arrays = [batch.column(c) if c in stored else pa.array([partition.get(c)] * n) for c in columns]
                yield pa.RecordBatch.from_arrays(arrays, names=columns)


def copy_chunks(location: str, schema: pa.Schema) -> Iterator[bytes]:
    """The Parquet files at `location` as COPY's binary format: header, one chunk per batch, trailer. Each batch
    is cast to `schema` (its columns, in its order) first."""
    encoder = pgpq.ArrowToPostgresBinaryEncoder(schema)
    yield encoder.write_header()
    for batch in parquet_batches(location, schema.names):
        yield encoder.write_batch(batch.cast(schema))
    yield encoder.finish()


def create_and_copy(cur: Any, relation: str, schema: pa.Schema, location: str) -> None:
    """(Re)create relation with the columns of `schema` (typed by `arrow_postgres_type`) and COPY the Parquet
    files at location into it (inside the caller's transaction, so a failure leaves whatever was there
    before)."""
    cur.execute(f"create schema if not exists {relation.split('.')[0]}")
    cur.execute(f"drop table if exists {relation} cascade")
    cur.execute(f"create table {relation} ({ddl(schema)})")
    quoted = ", ".join(f'"{c}"' for c in schema.names)
    with cur.copy(f"copy {relation} ({quoted}) from stdin (format binary)") as copy:
        for chunk in copy_chunks(location, schema):
            copy.write(chunk)


def ddl(schema: pa.Schema) -> str:
    """Column definitions for a table of `schema`."""
    return ", ".join(f'"{f.name}" {arrow_postgres_type(f.type)}' for f in schema)


def sql_literal(text: str) -> str:
    """A string as a PostgreSQL literal, for the statements that take no parameters (COMMENT ON)."""
    return "'" + text.replace("'", "''") + "'"
