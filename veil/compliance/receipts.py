"""Receipts of compliance operations (erasure, retention purge): what each store held, what was removed, the
query that checked it afterwards and its result. One shape, written by one function."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

ReceiptKind = Literal["erasure", "retention_purge"]


@dataclass(frozen=True)
class StoreCheck:
    """One store after the operation: rows removed (None: not counted), the verification query and the rows
    it still finds (None: the store does not apply to this installation)."""

    store: str
    rows_removed: int | None
    verification: str
    remaining: int | None

    @property
    def clean(self) -> bool:
        return self.remaining in (0, None)


@dataclass
class Receipt:
    kind: ReceiptKind
    request_id: str
    stores: list[StoreCheck]
    seconds: float
    completed_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    subject_refs: list[str] = field(default_factory=list)  # veil.compliance.subjects.subject_ref, per account
    as_of: dt.date | None = None
    cutoffs: dict[str, dt.date] = field(default_factory=dict)
    audit_head: str | None = None
    batch_size: int = 1  # requests erased together with this one (one rebuild, one receipt each)
    derived_tables: str | None = None  # an erasure's path: "erased in place", or "rebuilt: <why>"

    @property
    def all_zero(self) -> bool:
        return all(s.clean for s in self.stores)

    @property
    def rows_removed(self) -> int:
        return sum(s.rows_removed or 0 for s in self.stores)

    def removed_by_store(self) -> dict[str, int | None]:
        return {s.store: s.rows_removed for s in self.stores}

    def to_dict(self) -> dict:
        out = asdict(self)
        out["as_of"] = self.as_of.isoformat() if self.as_of else None
        out["all_zero"] = self.all_zero
        out["rows_removed"] = self.rows_removed
        return out


def write_receipt(receipt: Receipt, folder: Path) -> Path:
    """receipts/<kind>-<request_id>.json, in an owner-only folder; returns its path."""
    return write_document(folder, f"{receipt.kind.replace('_', '-')}-{receipt.request_id}.json", receipt.to_dict())


def write_document(folder: Path, name: str, document: dict) -> Path:
    """A JSON document in an owner-only folder; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / name
    path.write_text(json.dumps(document, indent=2, default=str))
    return path
