"""`veil keys rotate`: re-pseudonymize every store under a new key, retire the old one, with a receipt.

Pseudonyms (`user_key`, the partner's `audience_id` of it, the quarantine's `record_id`) are keyed hashes of
user ids, so a new key gives every person new pseudonyms everywhere at once; the old ones become unlinkable
when the old key is gone. The steps, under the warehouse lock:

1. A new key is written to `<key dir>/pseudonym.key.next` (0600) and the warehouse's key record marks the
   rotation as under way: every other command refuses to run until it finishes, and running `veil keys
   rotate` again resumes it (each step below can run twice).
2. The old → new pseudonym of every user id in the raw tables (computed in this process, kept in memory).
3. Stores that are not rebuilt from raw data are re-keyed through that mapping: the consent ledger and the
   append-only history log in Spark; every PostgreSQL table outside `audit` / `privacy_budget` that the
   export does not replace (the postgres target's models and ledger copies); the access packages.
4. The session switches to the new key; `dbt build` rebuilds every derived table (each records the new key
   id in its `veil.key_id` property) and the marts are exported again (their comment carries the key id).
5. Every store is checked for any pseudonym of the old key: the receipt lists each store, rows re-keyed, the
   check and its count. Then the new key replaces `pseudonym.key`, the record retires the old id, and the
   rotation goes to the audit trail.

Compliance records do not change: the erasure ledger, receipts and the audit trail name subjects by their
subject reference (the subject key's HMAC), which a rotation leaves as it is, so erasures made before a
rotation keep applying after it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from veil.audit import record_event
from veil.compliance.holdings import DERIVED_SCHEMAS, postgres_tables, spark_tables
from veil.compliance.ledgers import CONSENT_CHANGES
from veil.compliance.receipts import write_document
from veil.errors import VeilError
from veil.settings import PSEUDONYM_KEY_ENV, settings
from veil.warehouse.dbt import run_dbt
from veil.warehouse.export import export_marts
from veil.warehouse.keys import (
    PSEUDONYM_KEY_FILE,
    key_id,
    now,
    read_record,
    rotation_running,
    write_owner_only,
    write_record,
)
from veil.warehouse.postgres import connect

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


@dataclass
class RotationReceipt:
    request_id: str
    old_key_id: str
    new_key_id: str
    accounts: int
    stores: list[Rekeyed]
    seconds: float
    completed_at: str = field(default_factory=now)
    audit_head: str | None = None

    @property
    def all_clean(self) -> bool:
        return all(s.remaining == 0 for s in self.stores)

    def to_dict(self) -> dict:
        return {**asdict(self), "all_clean": self.all_clean}


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


def _pairs(mapping: pa.Table, what: str) -> dict[str, str]:
    """old → new of one kind of pseudonym (`key` or `audience`)."""
    return dict(zip(mapping.column(f"old_{what}").to_pylist(), mapping.column(f"new_{what}").to_pylist(), strict=True))


def _rekey_consent_ledger(spark: Any, mapping: dict[str, str]) -> int:
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


def _rekey_history_log(spark: Any, new_id: str) -> int:
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
    spark.sql(f"alter table {HISTORY_LOG} set tblproperties ('veil.key_id' = '{new_id}')")
    return changed


def _postgres_mapping(conn: Any, mapping: pa.Table) -> None:
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


def _rekey_postgres(conn: Any, skip: set[str]) -> dict[str, int]:
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


def _rekey_text_files(folder: Path, replace: dict[bytes, bytes]) -> tuple[int, int]:
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


def _old_in_files(folder: Path, old: set[bytes]) -> int:
    if not folder.exists():
        return 0
    return sum(1 for p in folder.rglob("*") if p.is_file() for token in HEX64.findall(p.read_bytes()) if token in old)


def _verify(spark: Any, conn: Any, mapping: pa.Table, rekeyed: dict[str, int | None]) -> list[Rekeyed]:
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
                _old_in_files(settings().home / folder, old),
            )
        )
    return checks


def _activate(spark: Any, key: str) -> None:
    """Make `key` this process's pseudonymization key: settings, dbt's PostgreSQL options, the session."""
    from veil.warehouse.spark import prepare_environment, register_secrets

    os.environ[PSEUDONYM_KEY_ENV] = key
    prepare_environment()
    register_secrets(spark)


def rotate(spark: Any) -> RotationReceipt:
    """Rotate the pseudonymization key across every store (resuming an unfinished rotation); returns the
    written receipt."""
    started = time.perf_counter()
    cfg = settings()
    record = read_record(cfg)
    if record is None:
        raise VeilError("this warehouse has no key record yet: run `veil run` (or any Spark command) first")
    old = cfg.key()
    old_id = key_id(old)
    if old_id != record.pseudonym_key_id:
        raise VeilError(
            f"the configured key (id {old_id}) is not the warehouse's current key ({record.pseudonym_key_id}): "
            f"export the key being rotated away from, as {PSEUDONYM_KEY_ENV}"
        )
    next_path = cfg.key_dir / f"{PSEUDONYM_KEY_FILE}.next"
    if record.rotating_to:
        if not next_path.exists():
            raise VeilError(f"the rotation to key {record.rotating_to} cannot resume: {next_path} is missing")
        new = next_path.read_text().strip()
        if key_id(new) != record.rotating_to:
            raise VeilError(f"{next_path} does not hold key {record.rotating_to}; the rotation cannot resume")
    else:
        new = secrets.token_hex(32)
        write_owner_only(next_path, new + "\n")
        record.rotating_to = key_id(new)
        write_record(record, cfg)
    new_id = record.rotating_to
    request_id = uuid.uuid4().hex[:12]

    with rotation_running():
        mapping = pseudonym_mapping(old, new, cfg.recipient_key())
        spark.createDataFrame(mapping).createOrReplaceTempView(MAP_VIEW)
        by_old = _pairs(mapping, "key")
        rekeyed: dict[str, int | None] = {
            f"spark:{CONSENT_CHANGES.table}": _rekey_consent_ledger(spark, by_old),
            f"spark:{HISTORY_LOG}": _rekey_history_log(spark, new_id),
        }
        replace = {k.encode(): v.encode() for k, v in (by_old | _pairs(mapping, "audience")).items()}
        packages, _ = _rekey_text_files(cfg.home / "access_requests", replace)
        rekeyed["files:access_requests/"] = packages

        _activate(spark, new)
        if not run_dbt(["build"], spark=spark):
            raise VeilError(
                f"key rotation to {new_id}: dbt build failed (see logs/dbt.log); run `veil keys rotate` again to "
                "resume it"
            )
        exported = export_marts(spark)
        with connect() as conn:
            _postgres_mapping(conn, mapping)
            rekeyed.update((f"postgresql:{r}", n) for r, n in _rekey_postgres(conn, {f"{k}" for k in exported}).items())
            stores = _verify(spark, conn, mapping, rekeyed)
            conn.rollback()  # ends the read; the temporary mapping goes with the session
        spark.catalog.dropTempView(MAP_VIEW)

    os.replace(next_path, cfg.key_dir / PSEUDONYM_KEY_FILE)
    retired_at = now()
    record.retired.append({"key_id": old_id, "activated_at": record.activated_at, "retired_at": retired_at})
    record.pseudonym_key_id, record.activated_at, record.rotating_to = new_id, retired_at, None
    write_record(record, cfg)

    receipt = RotationReceipt(
        request_id, old_id, new_id, mapping.num_rows, stores, round(time.perf_counter() - started, 1)
    )
    receipt.audit_head = record_event(
        "key_rotation",
        {
            "request_id": request_id,
            "old_key_id": old_id,
            "new_key_id": new_id,
            "accounts": mapping.num_rows,
            "rows_rekeyed": sum(s.rows_rekeyed or 0 for s in stores),
            "all_clean": receipt.all_clean,
        },
    )
    write_document(cfg.home / "receipts", f"key-rotation-{request_id}.json", receipt.to_dict())
    return receipt
