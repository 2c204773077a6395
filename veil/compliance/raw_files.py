"""A subject in the raw files: their rows by user_id, and their e-mail or phone in free text filed under another
id (found for access requests and verification; removed by erasure, which rewrites each Parquet file holding
them without those rows, as Parquet has no DELETE)."""

from __future__ import annotations

import bisect
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.compliance.holdings import arrow_matcher, free_text_columns
from veil.compliance.subjects import Subject
from veil.settings import settings
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


def free_text_mask(table: pa.Table, columns: list[str], contacts: tuple[str, ...]) -> pa.ChunkedArray:
    """Rows of `table` whose free-text columns contain one of the contacts (lower-cased; the match is
    case-insensitive). One regular-expression scan per column, whatever the number of contacts: RE2 matches an
    alternation of literals in one pass."""
    mask = pa.chunked_array([pa.array([False] * table.num_rows, pa.bool_())])
    if not contacts:
        return mask
    pattern = "|".join(_literal(c) for c in sorted(set(contacts)))
    for column in columns:
        text = table.column(column)
        if pa.types.is_dictionary(text.type):
            text = pc.cast(text, pa.string())
        mask = pc.or_(mask, pc.fill_null(pc.match_substring_regex(pc.utf8_lower(text), pattern), False))
    return mask


def _literal(text: str) -> str:
    """`text` as an RE2 pattern matching itself (punctuation escaped; RE2 rejects escaped letters or spaces)."""
    return "".join(f"\\{ch}" if ch in _RE2_SPECIAL else ch for ch in text)


_RE2_SPECIAL = frozenset("\\.^$|?*+()[]{}-")


def free_text_rows(subject: Subject) -> dict[str, list[dict]]:
    """Raw rows filed under another id (or none) whose free text holds the subject's e-mail or phone."""
    found: dict[str, list[dict]] = {}
    if not subject.contacts:
        return found
    own = arrow_matcher({"user_id": list(subject.user_ids)}, ["user_id"])
    for table_name, columns in free_text_columns().items():
        for path in sorted((settings().raw_dir / table_name).rglob("*.parquet")):
            names = pq.ParquetFile(path).schema_arrow.names
            table = pq.read_table(path, columns=[c for c in ("user_id", *columns) if c in names])
            mask = free_text_mask(table, columns, subject.contacts)
            if "user_id" in names and subject.user_ids:
                mask = pc.and_(mask, pc.invert(own(table)))
            if pc.any(mask).as_py():
                rows = pq.read_table(path).filter(mask).to_pylist()
                found.setdefault(f"spark:raw.{table_name} (free text)", []).extend(rows)
    return found
