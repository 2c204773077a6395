"""Compliance ledgers: small pseudonymous Parquet tables kept outside the raw directory (regenerating or
reloading raw data never touches them) and registered in the Spark catalog's `compliance` schema.
dbt reads them as the `compliance` source: staging anti-joins erasures and unions consent changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.compliance.holdings import arrow_matcher
from veil.settings import settings
from veil.warehouse.parquet_files import rewrite_without

UTC_US = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Ledger:
    name: str
    schema: pa.Schema

    @property
    def table(self) -> str:
        return f"compliance.{self.name}"

    @property
    def folder(self) -> Path:
        return settings().home / "warehouse" / "compliance" / self.name

    def ensure(self, spark) -> None:
        """Create the (empty) ledger and register it, if it does not exist yet."""
        if not any(self.folder.glob("*.parquet")):
            self.folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(self.schema.empty_table(), self.folder / "empty.parquet")
        spark.sql("create database if not exists compliance")
        spark.sql(f"create table if not exists {self.table} using parquet location '{self.folder}'")

    def version(self) -> tuple[tuple[str, int, int], ...]:
        """The ledger's files (name, size, modification time): changes whenever a row is added or removed."""
        if not self.folder.exists():
            return ()
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(self.folder)))

    def append(self, spark, rows: dict[str, list], file_id: str) -> None:
        """Add rows as one new file (append-only; an existing file is never modified by an append)."""
        self.ensure(spark)
        pq.write_table(pa.table(rows, schema=self.schema), self.folder / f"{self.name}-{file_id}.parquet")
        spark.sql(f"refresh table {self.table}")

    def holds(self, subject_refs: list[str]) -> bool:
        """Whether any row of the ledger has one of these subject references."""
        match = arrow_matcher({"subject_ref": subject_refs}, ["subject_ref"])
        files = sorted(self.folder.glob("*.parquet"))
        return any(pc.any(match(pq.read_table(f, columns=["subject_ref"]))).as_py() for f in files)

    def remove_subject(self, spark, subject_refs: list[str]) -> int:
        """Rewrite the ledger without the subject's rows (erasure); returns rows removed."""
        match = arrow_matcher({"subject_ref": subject_refs}, ["subject_ref"])
        removed = sum(rewrite_without(path, match, ["subject_ref"]) for path in sorted(self.folder.glob("*.parquet")))
        if removed:
            spark.sql(f"refresh table {self.table}")
        return removed


ERASURES = Ledger(
    "erasure_ledger", pa.schema([("subject_ref", pa.string()), ("request_id", pa.string()), ("requested_at", UTC_US)])
)
"""One row per account of an erasure request, by subject reference (the subject key's HMAC of the user_id,
which never rotates). Staging drops every row of these accounts, so a reload cannot revive them."""

CONSENT_CHANGES = Ledger(
    "consent_changes",
    pa.schema(
        [
            ("consent_id", pa.int64()),
            ("user_key", pa.string()),
            ("subject_ref", pa.string()),
            ("purpose", pa.string()),
            ("status", pa.string()),
            ("source", pa.string()),
            ("recorded_at", UTC_US),
        ]
    ),
)
"""Consent decisions made through `veil consent` (preference centre, support desk, CCPA opt-out requests), by
pseudonym (re-keyed by `veil keys rotate`) and subject reference (for the erasure ledger)."""


LEDGERS = (ERASURES, CONSENT_CHANGES)


def ensure_all(spark) -> None:
    for ledger in LEDGERS:
        ledger.ensure(spark)
