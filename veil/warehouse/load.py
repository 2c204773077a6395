"""`veil load-postgres`: copy the raw Parquet tables and the compliance ledgers into PostgreSQL (schemas `raw`
and `compliance`), so the same dbt project builds on the `postgres` target — the path for teams whose raw
data already lives in PostgreSQL, and how the test suite proves the models run there.
"""

from __future__ import annotations

from veil.compliance.ledgers import LEDGERS
from veil.errors import VeilError
from veil.settings import settings
from veil.warehouse.postgres import connect, create_and_copy, parquet_dataset, table_schema

RAW_TABLES = ("users", "consents", "events")


def load_raw(url: str | None = None) -> dict[str, int]:
    """(Re)create raw.users, raw.consents, raw.events and the compliance ledgers in PostgreSQL; rows per table."""
    cfg = settings()
    tables = {f"raw.{t}": cfg.raw_dir / t for t in RAW_TABLES}
    tables |= {ledger.table: ledger.folder for ledger in LEDGERS}
    loaded = {}
    with connect(url) as conn:
        for relation, folder in tables.items():
            if not folder.exists():
                raise VeilError(f"{folder} does not exist: run `veil generate` first")
            schema = table_schema(parquet_dataset(str(folder)).schema)
            with conn.transaction(), conn.cursor() as cur:
                create_and_copy(cur, relation, schema, str(folder))
                loaded[relation] = cur.execute(f"select count(*) from {relation}").fetchone()[0]
    return loaded
