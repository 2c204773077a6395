"""Re-keying the stores a rotation does not rebuild from raw data, and the check that no old pseudonym is left
(veil.compliance.rotation runs them). The old → new mapping is computed in this process from the raw user ids
and lives only in memory, in a temporary Spark view and a temporary PostgreSQL table."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from veil.compliance.holdings import DERIVED_SCHEMAS, postgres_tables, spark_tables
from veil.compliance.ledgers import CONSENT_CHANGES
from veil.settings import settings

HISTORY_LOG = "history.users_history_log"
MAP_VIEW = "veil_rotation_map"
PSEUDONYM_COLUMNS = {"user_key": "old_key", "record_id": "old_key", "audience_id": "old_audience"}
"""Columns holding a pseudonym of the rotated key, and the mapping column their old values are in."""
HEX64 = re.compile(rb"[0-9a-f]{64}")


@dataclass(frozen=True)
class Rekeyed:
    """One store after the rotation: rows re-keyed through the mapping (None: rebuilt or re-exported from the
    raw data), the check and the rows still holding a pseudonym of the old key."""

    store: str
    rows_rekeyed: int | None
    verification: str
    remaining: int


def hex_hmac(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def pseudonym_mapping(old: str, new: str, partner: str) -> pa.Table:
    """old_key → new_key (and the partner's audience ids of both) for every user id in the raw tables."""
    raw = settings().raw_dir
    ids: set[int] = set()
    for table in ("users", "consents", "events"):
        if (raw / table).exists():
            column = ds.dataset(raw / table, format="parquet", partitioning="hive").to_table(columns=["user_id"])
            ids.update(u for u in pc.unique(column.column("user_id").combine_chunks()).to_pylist() if u is not None)
    text = [str(u) for u in sorted(ids)]
    old_keys = [hex_hmac(old, t) for t in text]
    new_keys = [hex_hmac(new, t) for t in text]
    return pa.table(
        {
            "old_key": old_keys,
            "new_key": new_keys,
            "old_audience": [hex_hmac(partner, k) for k in old_keys],
            "new_audience": [hex_hmac(partner, k) for k in new_keys],
        }
    )


def pairs(mapping: pa.Table, what: str) -> dict[str, str]:
    """old → new of one kind of pseudonym (`key` or `audience`)."""
    return dict(zip(mapping.column(f"old_{what}").to_pylist(), mapping.column(f"new_{what}").to_pylist(), strict=True))


def rekey_consent_ledger(spark: Any, mapping: dict[str, str]) -> int:
    """Rewrite the consent ledger's files with new pseudonyms; returns rows changed."""
    changed = 0
    for path in sorted(CONSENT_CHANGES.folder.glob("*.parquet")):
        table = pq.read_table(path)
        keys = table.column("user_key").to_pylist()
        rekeyed = [mapping.get(k, k) for k in keys]
        n = sum(a != b for a, b in zip(keys, rekeyed, strict=True))
        if n:
            i = table.schema.get_field_index("user_key")
            table = table.set_column(i, "user_key", pa.array(rekeyed, pa.string()))
            tmp = path.with_name(path.name + ".rekeying")
            pq.write_table(table, tmp)
            os.replace(tmp, path)
            changed += n
    if changed:
        spark.sql(f"refresh table {CONSENT_CHANGES.table}")
    return changed


def rekey_history_log(spark: Any) -> int:
    """Rewrite the append-only history log with new pseudonyms (its change hash does not include the
    pseudonym, so the next build appends no false change); returns rows changed."""
    if not spark.catalog.tableExists(HISTORY_LOG):
        return 0
    changed = int(
        spark.sql(f"select count(*) from {HISTORY_LOG} where user_key in (select old_key from {MAP_VIEW})").collect()[
            0
        ][0]
    )
    if changed:
        columns = ", ".join(
            "coalesce(m.new_key, l.user_key) as user_key" if c == "user_key" else f"l.`{c}`"
            for c in spark.table(HISTORY_LOG).columns
        )
        spark.sql(f"drop table if exists {HISTORY_LOG}__rekeying")
        spark.sql(
            f"create table {HISTORY_LOG}__rekeying using parquet as select {columns} "
            f"from {HISTORY_LOG} as l left join {MAP_VIEW} as m on l.user_key = m.old_key"
        )
        spark.sql(f"insert overwrite table {HISTORY_LOG} select * from {HISTORY_LOG}__rekeying")
        spark.sql(f"drop table {HISTORY_LOG}__rekeying")
    return changed


def postgres_mapping(conn: Any, mapping: pa.Table) -> None:
    """The mapping as a temporary table of this session (gone when the session ends)."""
    conn.execute(
        f"create temporary table {MAP_VIEW} (old_key text primary key, new_key text, old_audience text, "
        "new_audience text)"
    )
    with conn.cursor() as cur, cur.copy(f"copy {MAP_VIEW} from stdin") as copy:
        for row in zip(*(mapping.column(c).to_pylist() for c in mapping.column_names), strict=True):
            copy.write_row(row)
    conn.execute(f"create index on {MAP_VIEW} (old_audience)")
    conn.execute(f"analyze {MAP_VIEW}")


def rekey_postgres(conn: Any, skip: set[str]) -> dict[str, int]:
    """Re-key every PostgreSQL table that can hold a pseudonym, except those the export just replaced."""
    changed = {}
    for relation, columns in postgres_tables(conn).items():
        if relation in skip:
            continue
        n = 0
        with conn.transaction():
            for column in (c for c in columns if c in PSEUDONYM_COLUMNS):
                old = PSEUDONYM_COLUMNS[column]
                new = old.replace("old_", "new_")
                n += conn.execute(
                    f'update {relation} as t set "{column}" = m.{new} from {MAP_VIEW} as m where t."{column}" = m.{old}'
                ).rowcount
        changed[relation] = n
    return changed


def rekey_text_files(folder: Path, replace: dict[bytes, bytes]) -> tuple[int, int]:
    """Replace old pseudonyms in every file under folder; returns (files changed, pseudonyms replaced)."""
    files = replaced = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []:
        data = path.read_bytes()
        count = 0

        def swap(match: re.Match[bytes]) -> bytes:
            nonlocal count
            new = replace.get(match.group(0))
            if new is None:
                return match.group(0)
            count += 1
            return new

        out = HEX64.sub(swap, data)
        if count:
            tmp = path.with_name(path.name + ".rekeying")
            tmp.write_bytes(out)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
            files += 1
            replaced += count
    return files, replaced


def old_in_files(folder: Path, old: set[bytes]) -> int:
    if not folder.exists():
        return 0
    return sum(1 for p in folder.rglob("*") if p.is_file() for token in HEX64.findall(p.read_bytes()) if token in old)


def verify(spark: Any, conn: Any, mapping: pa.Table, rekeyed: dict[str, int | None]) -> list[Rekeyed]:
    """Count, in every store, the rows still holding a pseudonym of the old key."""
    checks = []
    for relation, columns in spark_tables(spark, (*DERIVED_SCHEMAS, "compliance")):
        present = [c for c in columns if c in PSEUDONYM_COLUMNS]
        if not present:
            continue
        where = " or ".join(f"`{c}` in (select {PSEUDONYM_COLUMNS[c]} from {MAP_VIEW})" for c in present)
        remaining = int(spark.sql(f"select count(*) from {relation} where {where}").collect()[0][0])
        shown = " or ".join(f"{c} in (<old-key {PSEUDONYM_COLUMNS[c].removeprefix('old_')}s>)" for c in present)
        checks.append(
            Rekeyed(
                f"spark:{relation}",
                rekeyed.get(f"spark:{relation}"),
                f"select count(*) from {relation} where {shown}",
                remaining,
            )  # fmt: skip
        )
    for relation, columns in postgres_tables(conn).items():
        present = [c for c in columns if c in PSEUDONYM_COLUMNS]
        if not present:
            continue
        where = " or ".join(f'"{c}" in (select {PSEUDONYM_COLUMNS[c]} from {MAP_VIEW})' for c in present)
        remaining = conn.execute(f"select count(*) from {relation} where {where}").fetchone()[0]
        shown = " or ".join(f"{c} in (<old-key {PSEUDONYM_COLUMNS[c].removeprefix('old_')}s>)" for c in present)
        checks.append(
            Rekeyed(
                f"postgresql:{relation}",
                rekeyed.get(f"postgresql:{relation}"),
                f"select count(*) from {relation} where {shown}",
                remaining,
            )  # fmt: skip
        )
    old = {k.encode() for c in ("old_key", "old_audience") for k in mapping.column(c).to_pylist()}
    for folder in ("access_requests", "receipts", "logs"):
        checks.append(
            Rekeyed(
                f"files:{folder}/",
                rekeyed.get(f"files:{folder}/"),
                "64-hex-digit tokens that are old-key pseudonyms",
                old_in_files(settings().home / folder, old),
            )
        )
    return checks
