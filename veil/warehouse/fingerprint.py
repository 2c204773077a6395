"""The key a warehouse was built with, recorded as a fingerprint (a keyed hash of a constant: it identifies
the key and reveals nothing of it). Erasures are recorded as pseudonyms, so a warehouse rebuilt under another
key would match none of them and bring erased people back; every Spark command therefore refuses to run on a
warehouse whose fingerprint differs from the configured key's."""

from __future__ import annotations

import hashlib
import hmac
import os

from veil.errors import ConfigError
from veil.settings import Settings, settings

FINGERPRINT_FILE = "key.fingerprint"


def fingerprint(key: str) -> str:
    return hmac.new(key.encode(), b"veil key fingerprint v1", hashlib.sha256).hexdigest()[:16]


def check_key(cfg: Settings | None = None) -> None:
    """Record the key's fingerprint on first use of a warehouse; raise if the warehouse has another one."""
    cfg = cfg or settings()
    if cfg.pseudonym_key is None:
        return
    path = cfg.home / "warehouse" / FINGERPRINT_FILE
    current = fingerprint(cfg.key())
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(current + "\n")
        return
    recorded = path.read_text().strip()
    if recorded != current:
        raise ConfigError(
            f"the warehouse at {path.parent} was built with another pseudonymization key (fingerprint {recorded}, "
            f"the configured key's is {current}): its erasure ledger would match no one under this key and erased "
            "people would come back. Export the key it was built with (DBT_ENV_SECRET_PSEUDONYM_KEY)"
        )
