"""One writer at a time: the session-mode warehouse (Derby metastore, Parquet tables) belongs to one process.

`hold_warehouse(command)` takes an exclusive, non-blocking `flock` on `warehouse/veil.lock` and writes who
holds it (pid, the veil subcommand — never its arguments, which can name a person — and since when). A
second writer fails at once with `WarehouseLocked` naming the holder, before it starts Spark or touches a
file. The kernel drops the lock when the holder exits, however it exits, so a crash leaves no stale lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
from pathlib import Path
from typing import IO

from veil.errors import VeilError
from veil.settings import settings


class WarehouseLocked(VeilError):
    """Another process holds the warehouse."""


_held: dict[Path, IO[str]] = {}
_command = {"name": Path(sys.argv[0]).name or "python"}


def set_command(name: str) -> None:
    """The veil subcommand this process runs (what a second writer is told holds the warehouse)."""
    _command["name"] = name


def lock_path() -> Path:
    return settings().home / "warehouse" / "veil.lock"


def hold_warehouse(command: str | None = None) -> None:
    """Take the warehouse for this process (idempotent within it); raises WarehouseLocked if another has it."""
    command = command or _command["name"]
    path = lock_path()
    if path in _held:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    f = os.fdopen(fd, "r+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        text = f.read().strip()
        f.close()
        other = json.loads(text) if text else {}
        raise WarehouseLocked(
            f"the warehouse at {path.parent} is in use by pid {other.get('pid', '?')} "
            f"(veil {other.get('command', '?')}, since {other.get('since', '?')}): wait for it to finish, "
            "or stop that process; one Spark process at a time can use a session-mode warehouse"
        ) from None
    f.seek(0)
    f.truncate()
    f.write(
        json.dumps(
            {"pid": os.getpid(), "command": command, "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        )
    )
    f.flush()
    _held[path] = f  # kept open: closing it would release the lock
