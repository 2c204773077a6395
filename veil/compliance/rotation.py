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

import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from veil import ids
from veil.audit import record_event
from veil.compliance.ledgers import CONSENT_CHANGES
from veil.compliance.receipts import write_document
from veil.compliance.rekeying import (
    HISTORY_LOG,
    MAP_VIEW,
    Rekeyed,
    pairs,
    postgres_mapping,
    pseudonym_mapping,
    rekey_consent_ledger,
    rekey_history_log,
    rekey_postgres,
    rekey_text_files,
    verify,
)
from veil.errors import VeilError
from veil.settings import PSEUDONYM_KEY_ENV, settings
from veil.warehouse.dbt import REBUILD, run_dbt
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
    request_id = ids.new_id()

    with rotation_running():
        mapping = pseudonym_mapping(old, new, cfg.recipient_key())
        spark.createDataFrame(mapping).createOrReplaceTempView(MAP_VIEW)
        by_old = pairs(mapping, "key")
        rekeyed: dict[str, int | None] = {
            f"spark:{CONSENT_CHANGES.table}": rekey_consent_ledger(spark, by_old),
            f"spark:{HISTORY_LOG}": rekey_history_log(spark),
        }
        replace = {k.encode(): v.encode() for k, v in (by_old | pairs(mapping, "audience")).items()}
        packages, _ = rekey_text_files(cfg.home / "access_requests", replace)
        rekeyed["files:access_requests/"] = packages

        _activate(spark, new)
        if not run_dbt(REBUILD, spark=spark):
            raise VeilError(
                f"key rotation to {new_id}: dbt build failed (see logs/dbt.log); run `veil keys rotate` again to "
                "resume it"
            )
        exported = export_marts(spark)
        with connect() as conn:
            postgres_mapping(conn, mapping)
            rekeyed.update((f"postgresql:{r}", n) for r, n in rekey_postgres(conn, set(exported)).items())
            conn.commit()  # the re-keyed rows; the temporary mapping stays for the check
            stores = verify(spark, conn, mapping, rekeyed)
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
