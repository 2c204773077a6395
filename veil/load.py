"""`veil load-postgres`: copy the raw Parquet tables and the compliance ledgers into PostgreSQL (schemas `raw`
and `compliance`), so the same dbt project builds on the `postgres` target — the path for teams whose raw
data already lives in PostgreSQL, and how the test suite proves the models run there.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.dataset as ds

from veil.errors import VeilError
from veil.export import connect, create_and_copy
from veil.ledgers import CONSENT_CHANGES, ERASURES
from veil.settings import settings


def _pg_type(t: pa.DataType) -> str:
    if pa.types.is_dictionary(t):
        return _pg_type(t.value_type)
    for check, name in ((pa.types.is_string, "text"), (pa.types.is_large_string, "text"),
                        (pa.types.is_int64, "bigint"), (pa.types.is_int32, "integer"), (pa.types.is_int16, "smallint"),
                        (pa.types.is_int8, "smallint"), (pa.types.is_boolean, "boolean"),
                        (pa.types.is_floating, "double precision"), (pa.types.is_date, "date")):
        if check(t):
            return name
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_decimal(t):
        return f"numeric({t.precision}, {t.scale})"
    raise VeilError(f"no PostgreSQL type for Arrow type {t}; add it to veil.load._pg_type")


def load_raw(url: str | None = None) -> dict[str, int]:
    """(Re)create raw.users, raw.consents, raw.events and the compliance ledgers in PostgreSQL; rows per table."""
    cfg = settings()
    tables = {f"raw.{t}": cfg.raw_dir / t for t in ("users", "consents", "events")}
    tables |= {ledger.table: ledger.folder for ledger in (ERASURES, CONSENT_CHANGES)}
    loaded = {}
    with connect(url) as conn:
        for relation, folder in tables.items():
            if not folder.exists():
                raise VeilError(f"{folder} does not exist: run `veil generate` first")
            schema = ds.dataset(folder, format="parquet", partitioning="hive", ignore_prefixes=["_", "."]).schema
            columns = schema.names
            ddl = ", ".join(f'"{f.name}" {_pg_type(f.type)}' for f in schema)
            with conn.transaction(), conn.cursor() as cur:
                create_and_copy(cur, relation, ddl, columns, str(folder))
                for name in columns:  # hive partition values arrive as text
                    if name.endswith("_date") and _pg_type(schema.field(name).type) == "text":
                        cur.execute(f'alter table {relation} alter column "{name}" type date using "{name}"::date')
                loaded[relation] = cur.execute(f"select count(*) from {relation}").fetchone()[0]
    return loaded
