"""Rewriting Parquet files without some rows: Parquet has no DELETE, so erasure, retention and the compliance
ledgers all remove rows by writing a file's survivors beside it and swapping it in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def rewrite_without(path: Path, drop: Callable[[pa.Table], pa.ChunkedArray], columns: list[str] | None = None) -> int:
    """Rewrite `path` without the rows where `drop(table)` is true (null counts as false); returns rows removed.
    With `columns` (all that `drop` reads), only those are read to look for a match, and the whole file only
    when there is one."""
    table = pq.read_table(path, columns=columns)
    return remove_rows(path, drop(table), table if columns is None else None)


def remove_rows(path: Path, mask: pa.ChunkedArray | pa.Array, table: pa.Table | None = None) -> int:
    """Rewrite `path` without the rows where `mask` (one entry per row of the file, null counting as false) is
    true; `table` is the file's content if already read. Returns rows removed; a file without a match is not
    touched. The file is replaced in one rename, so a reader sees the old or the new file, never half of one;
    a Hadoop checksum beside it (`.<name>.crc`, written by Spark) is removed, as it no longer matches."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return 0
    table = pq.read_table(path) if table is None else table
    kept = table.filter(pc.invert(mask))
    tmp = path.with_suffix(".rewrite")
    pq.write_table(kept, tmp, compression="zstd")
    tmp.replace(path)
    path.with_name(f".{path.name}.crc").unlink(missing_ok=True)
    return table.num_rows - kept.num_rows


def unreadable(folder: Path) -> list[tuple[Path, str]]:
    """Parquet files under folder whose footer cannot be read, with the reader's reason (first line)."""
    bad = []
    for path in sorted(folder.rglob("*.parquet")):
        try:
            pq.ParquetFile(path).metadata  # noqa: B018 (reading the footer is the check)
        except (OSError, pa.ArrowException) as exc:
            bad.append((path, str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__))
    return bad
