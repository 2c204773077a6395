"""Erasure in the raw files: each Parquet file holding a subject's rows (by user_id, or their e-mail or phone
in free text filed under another id) is rewritten without them, as Parquet has no DELETE."""

from __future__ import annotations

import bisect
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.compliance.holdings import arrow_matcher, free_text_mask
from veil.compliance.subjects import Subject
from veil.warehouse.parquet_files import remove_rows


def remove_from_raw(folder: Path, subjects: list[Subject], free_text: list[str]) -> tuple[int, list[int]]:
    """Rewrite every Parquet file under folder that holds rows of the subjects' accounts, or free text holding
    their contacts; returns (rows removed by id, rows removed by free text per subject). Only the match columns
    are read to look (without free-text columns, only files whose footer statistics leave a user_id in range),
    one scan per column for all the subjects; files are rewritten in parallel."""
    user_ids = sorted({u for s in subjects for u in s.user_ids})
    by_user_id = arrow_matcher({"user_id": user_ids}, ["user_id"])
    contacts = tuple(c for s in subjects for c in s.contacts)
    free_text = free_text if contacts else []

    def rewrite(path: Path) -> tuple[int, list[int]]:
        table = pq.read_table(path, columns=["user_id", *free_text])
        by_id = by_user_id(table)
        drop, by_text = by_id, [0] * len(subjects)
        if free_text:
            text = pc.and_(free_text_mask(table, free_text, contacts), pc.invert(by_id))
            if pc.any(text).as_py():
                held = table.filter(text)
                by_text = [_count(free_text_mask(held, free_text, s.contacts)) for s in subjects]
                drop = pc.or_(by_id, text)
        remove_rows(path, drop)
        return _count(by_id), by_text

    paths = [p for p in sorted(folder.rglob("*.parquet")) if free_text or _may_hold(p, user_ids)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = list(pool.map(rewrite, paths))
    per_subject = [sum(counts[i] for _, counts in found) for i in range(len(subjects))]
    return sum(n for n, _ in found), per_subject


def _may_hold(path: Path, sorted_ids: list[int]) -> bool:
    """Whether the footer statistics of a Parquet file leave one of these user_ids in range of a row group."""
    meta = pq.ParquetFile(path).metadata
    col = meta.schema.names.index("user_id")
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(col).statistics
        if stats is None or not stats.has_min_max:
            return True
        at = bisect.bisect_left(sorted_ids, stats.min)
        if at < len(sorted_ids) and sorted_ids[at] <= stats.max:
            return True
    return False


def _count(mask: pa.ChunkedArray) -> int:
    return pc.sum(pc.cast(mask, pa.int64())).as_py() or 0
