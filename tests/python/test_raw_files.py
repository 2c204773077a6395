"""Erasure in raw Parquet files, without Spark: which rows go, what is counted per subject, what is left alone."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from veil.compliance.raw_files import free_text_mask, remove_from_raw
from veil.compliance.subjects import Subject


def test_free_text_matches_contacts_literally_and_case_insensitively() -> None:
    notes = pa.array(
        [
            "Call ZOË at +44 20 7946 0958 tomorrow",
            "mail a.b+c@example.com please",
            "ab+c@example.com is someone else",  # '.' is not a wildcard
            "a.b+c@exampleXcom",
            None,
            "李 wrote from A.B+C@EXAMPLE.COM",
        ]
    )
    table = pa.table({"note": notes, "other": pa.array(["x"] * 6).dictionary_encode()})
    mask = free_text_mask(table, ["note", "other"], ("a.b+c@example.com", "+44 20 7946 0958"))
    assert mask.to_pylist() == [True, True, False, False, False, True]
    assert free_text_mask(table, ["note"], ()).to_pylist() == [False] * 6


def test_raw_rewrite_removes_the_subjects_rows_and_free_text_and_counts_each(tmp_path: Path) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    pq.write_table(
        pa.table(
            {
                "user_id": pa.array([1, 2, 3, None, 5], pa.int64()),
                "note": ["mine", "reach me: o'brien@example.org", "fine", "zoe@example.com, o'brien@example.org", "ok"],
            }
        ),
        folder / "part-0.parquet",
    )
    untouched = folder / "part-1.parquet"
    pq.write_table(pa.table({"user_id": pa.array([7, 8], pa.int64()), "note": ["a", "b"]}), untouched)
    before = untouched.stat().st_mtime_ns
    subjects = [Subject((1,), ("o'brien@example.org",)), Subject((9,), ("zoe@example.com",))]

    by_id, by_text = remove_from_raw(folder, subjects, ["note"])

    assert (by_id, by_text) == (1, [2, 1])
    assert pq.read_table(folder / "part-0.parquet").column("user_id").to_pylist() == [3, 5]
    assert untouched.stat().st_mtime_ns == before
    # without free-text columns only ids count; the rows are gone, so a second pass finds none
    assert remove_from_raw(folder, [Subject((5,), ())], []) == (1, [0])
    assert remove_from_raw(folder, [Subject((5,), ())], []) == (0, [0])
