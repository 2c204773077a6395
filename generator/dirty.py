"""Dirty rows at a configurable rate, so the warehouse's quarantine path is exercised.

Rows are corrupted in place (never added), so the totals asked for are the totals written.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EVENT_DEFECTS = ("null_user_id", "unknown_user_id", "unknown_event_type", "future_timestamp", "duplicate_event_id")
UNKNOWN_TYPES = ("", "clik", "pageview", "unknown")  # sorted
USER_DEFECTS = ("malformed_email", "malformed_phone")
FUTURE_TS_US = 4_070_908_800 * 1_000_000  # 2099-01-01: no clock reaches it
UNKNOWN_USER_BASE = 9_000_000_000_000


def _pick(rng, n: int, rate: float, exclude_first: bool = False) -> np.ndarray:
    k = int(round(n * rate))
    lo = 1 if exclude_first else 0
    return np.sort(rng.choice(np.arange(lo, n), size=min(k, n - lo), replace=False)) if k else np.array([], int)


def _set(col: pa.Array, idx: np.ndarray, values) -> pa.Array:
    mask = np.zeros(len(col), dtype=bool)
    mask[idx] = True
    if not isinstance(values, pa.Array):
        values = pa.array(values, type=col.type)
    return pc.replace_with_mask(col, pa.array(mask), values)


def _set_dictionary(col: pa.DictionaryArray, idx: np.ndarray, values: np.ndarray) -> pa.DictionaryArray:
    """Dictionary column with col[idx] = values (new values are appended to the dictionary)."""
    dictionary = pa.concat_arrays([col.dictionary, pa.array(UNKNOWN_TYPES)])
    codes = col.indices.to_numpy(zero_copy_only=False).copy()
    codes[idx] = len(col.dictionary) + np.searchsorted(np.array(UNKNOWN_TYPES), values, sorter=None)
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), dictionary)


def corrupt_events(rng: np.random.Generator, events: pa.Table, rate: float) -> pa.Table:
    if rate <= 0 or events.num_rows < 2:
        return events
    idx = _pick(rng, events.num_rows, rate, exclude_first=True)
    kind = rng.integers(0, len(EVENT_DEFECTS), len(idx))
    cols = {name: events.column(name).combine_chunks() for name in ("user_id", "event_type", "event_ts")}

    i = idx[kind == 0]
    cols["user_id"] = _set(cols["user_id"], i, pa.nulls(len(i), pa.int64()))
    i = idx[kind == 1]
    cols["user_id"] = _set(cols["user_id"], i, UNKNOWN_USER_BASE + rng.integers(0, 10**9, len(i)))
    i = idx[kind == 2]
    cols["event_type"] = _set_dictionary(cols["event_type"], i, rng.choice(UNKNOWN_TYPES, len(i)))
    i = idx[kind == 3]
    cols["event_ts"] = _set(
        cols["event_ts"], i, pa.array(FUTURE_TS_US + rng.integers(0, 10**12, len(i)), pa.timestamp("us", tz="UTC"))
    )
    # duplicate: a whole earlier clean row delivered twice (at-least-once delivery); copying only rows
    # that are not corrupted themselves keeps one quarantined row per corrupted row
    i = idx[kind == 4]
    out = events
    for name, column in cols.items():
        out = out.set_column(out.schema.get_field_index(name), name, column)
    if len(i):
        clean = np.ones(out.num_rows, dtype=bool)
        clean[idx] = False
        untouched = np.flatnonzero(clean)  # sorted; row 0 is never picked
        before = np.searchsorted(untouched, i) - 1
        src = untouched[np.maximum(before - rng.integers(0, 50, len(i)), 0)]
        take_idx = np.arange(out.num_rows)
        take_idx[i] = src
        out = out.take(pa.array(take_idx))
    return out


def corrupt_users(rng: np.random.Generator, users: pa.Table, rate: float) -> pa.Table:
    if rate <= 0:
        return users
    idx = _pick(rng, users.num_rows, rate)
    kind = rng.integers(0, len(USER_DEFECTS), len(idx))
    email, phone = users.column("email").combine_chunks(), users.column("phone").combine_chunks()
    i = idx[kind == 0]
    broken = pc.replace_substring(email.take(pa.array(i, pa.int64())), "@", " at ")
    email = _set(email, i, broken)
    i = idx[kind == 1]
    phone = _set(phone, i, pc.replace_substring_regex(phone.take(pa.array(i, pa.int64())), r"[0-9]{2}$", "x1"))
    users = users.set_column(users.column_names.index("email"), "email", email)
    return users.set_column(users.column_names.index("phone"), "phone", phone)
