"""Key ids and the warehouse's key record.

A key id is a keyed hash of a constant: it names a key and reveals nothing of it. `warehouse/keys.json`
(0600) records the ids of the two keys a warehouse is built with — the pseudonymization key of every
analytics table (`user_key`), which `veil keys rotate` replaces, and the subject key of the compliance
records (erasure ledger, receipts, audit trail), which never rotates — with the retired ids and a rotation
under way. A warehouse rebuilt under another key would match none of its ledger entries and bring erased
people back, so every Spark command refuses a configured key whose id is not the record's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from veil.errors import ConfigError
from veil.settings import PSEUDONYM_KEY_ENV, SUBJECT_KEY_ENV, Settings, settings

KEYS_FILE = "keys.json"
PSEUDONYM_KEY_FILE = "pseudonym.key"


def key_id(key: str) -> str:
    return hmac.new(key.encode(), b"veil key fingerprint v1", hashlib.sha256).hexdigest()[:16]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class KeyRecord:
    pseudonym_key_id: str
    subject_key_id: str
    activated_at: str = field(default_factory=now)
    retired: list[dict[str, str]] = field(default_factory=list)  # key_id, activated_at, retired_at
    rotating_to: str | None = None


def record_path(cfg: Settings | None = None) -> Path:
    return (cfg or settings()).home / "warehouse" / KEYS_FILE


def read_record(cfg: Settings | None = None) -> KeyRecord | None:
    path = record_path(cfg)
    return KeyRecord(**json.loads(path.read_text())) if path.exists() else None


def write_owner_only(path: Path, text: str) -> None:
    """Replace a file atomically with an owner-only (0600) one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_record(record: KeyRecord, cfg: Settings | None = None) -> None:
    write_owner_only(record_path(cfg), json.dumps(asdict(record), indent=2) + "\n")


_rotation_running = False


@contextmanager
def rotation_running() -> Iterator[None]:
    """Within `veil keys rotate`: the key it rotates to is accepted beside the record's."""
    global _rotation_running
    _rotation_running = True
    try:
        yield
    finally:
        _rotation_running = False


def check_key(cfg: Settings | None = None) -> None:
    """Record the keys' ids on first use of a warehouse; raise, naming what to do, if a configured key is not
    the one the warehouse uses, or a rotation did not finish."""
    cfg = cfg or settings()
    if cfg.pseudonym_key is None:
        return
    current, subject = key_id(cfg.key()), key_id(cfg.subject_ref_key())
    record = read_record(cfg)
    if record is None:
        write_record(KeyRecord(current, subject), cfg)
        return
    if record.subject_key_id != subject:
        raise ConfigError(
            f"the warehouse at {record_path(cfg).parent} records its erasures under another subject key (id "
            f"{record.subject_key_id}, the configured key's is {subject}): its erasure ledger would match no one "
            f"and erased people would come back. Export the key it was built with ({SUBJECT_KEY_ENV})"
        )
    if record.rotating_to and not _rotation_running:
        raise ConfigError(
            f"a key rotation from {record.pseudonym_key_id} to {record.rotating_to} did not finish; run "
            "`veil keys rotate` to finish it (it resumes where it stopped)"
        )
    accepted = {record.pseudonym_key_id} | ({record.rotating_to} if _rotation_running and record.rotating_to else set())
    if current in accepted:
        return
    retired = next((r for r in record.retired if r["key_id"] == current), None)
    if retired:
        raise ConfigError(
            f"the configured pseudonymization key (id {current}) was retired at {retired['retired_at']}; the "
            f"warehouse now uses key {record.pseudonym_key_id}: export "
            f"{PSEUDONYM_KEY_ENV}=$(cat {cfg.key_dir / PSEUDONYM_KEY_FILE})"
        )
    raise ConfigError(
        f"the warehouse at {record_path(cfg).parent} was built with another pseudonymization key (id "
        f"{record.pseudonym_key_id}, the configured key's is {current}): its tables would not join with new "
        f"pseudonyms. Export the key it was built with ({PSEUDONYM_KEY_ENV})"
    )
