"""The generator alone (no Spark): determinism, integrity, behaviour a skeptic would check."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest

from generator import DatasetConfig, generate_chunk, write_dataset
from generator.dirty import EVENT_DEFECTS, UNKNOWN_USER_BASE, USER_DEFECTS

SMALL = DatasetConfig(users=2_500, events=60_000, seed=11, chunk_users=1_000)


def _read(path, table):
    t = ds.dataset(path / table, format="parquet", partitioning="hive").to_table()
    t = t.select(sorted(t.column_names))
    key = "event_id" if table == "events" else ("consent_id" if table == "consents" else "user_id")
    cols = [c for c in t.column_names if c != "event_date"]
    return t.select(cols).sort_by([(key, "ascending"), ("event_ts" if table == "events" else key, "ascending")])


def test_same_seed_is_identical_whatever_the_worker_count(tmp_path):
    one = write_dataset(SMALL, tmp_path / "one", workers=1)
    two = write_dataset(SMALL, tmp_path / "two", workers=2)
    assert one.rows == two.rows
    assert one.rows["events"] == SMALL.events and one.rows["users"] == SMALL.users
    for table in ("users", "consents", "events"):
        assert _read(tmp_path / "one", table).equals(_read(tmp_path / "two", table)), table


def test_a_different_seed_gives_different_data():
    a = generate_chunk(SMALL, 0)
    b = generate_chunk(DatasetConfig(**{**SMALL.__dict__, "seed": 12}), 0)
    assert not a.users.column("email").equals(b.users.column("email"))
    assert not a.events.column("event_ts").equals(b.events.column("event_ts"))


def test_rerunning_replaces_the_dataset(tmp_path):
    write_dataset(SMALL, tmp_path / "raw", workers=1)
    smaller = DatasetConfig(users=500, events=5_000, seed=3, chunk_users=1_000)
    write_dataset(smaller, tmp_path / "raw", workers=1)
    assert ds.dataset(tmp_path / "raw" / "users").count_rows() == 500
    assert ds.dataset(tmp_path / "raw" / "events", partitioning="hive").count_rows() == 5_000
    assert [p.name for p in tmp_path.iterdir()] == ["raw"]


@pytest.fixture(scope="module")
def medium():
    """20k users and 1M events from one seed: enough for distributions to be stable."""
    cfg = DatasetConfig(users=20_000, events=1_000_000, seed=5, chunk_users=10_000, dirty_rate=0.0)
    chunks = [generate_chunk(cfg, c) for c in range(cfg.n_chunks)]
    users = pa.concat_tables([c.users for c in chunks])
    events = pa.concat_tables([c.events.cast(c.events.schema) for c in chunks]).combine_chunks()
    return cfg, users, events


def test_every_clean_event_belongs_to_an_existing_user(medium):
    _, users, events = medium
    known = pc.is_in(events.column("user_id"), value_set=users.column("user_id"))
    assert pc.all(known).as_py()


def test_top_one_percent_of_users_produce_at_least_15_percent_of_events(medium):
    _, _, events = medium
    per_user = np.bincount(events.column("user_id").to_numpy())
    per_user = np.sort(per_user[per_user > 0])[::-1]
    top = per_user[: max(1, len(per_user) // 100)].sum() / per_user.sum()
    assert top >= 0.15, top


def test_weekend_days_carry_less_volume_than_weekdays(medium):
    _, _, events = medium
    days = pc.cast(pc.cast(events.column("event_ts"), pa.timestamp("us")), pa.date32()).to_numpy().astype("int64")
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    per_day = np.bincount(days - days.min())
    dow = (np.arange(len(per_day)) + days.min() + 3) % 7
    assert per_day[dow >= 5].mean() < 0.9 * per_day[dow < 5].mean()
    assert np.isin(weekday, [5, 6]).mean() < 2 / 7


def test_funnel_narrows_page_view_then_cart_then_purchase(medium):
    _, _, events = medium
    counts = dict(
        zip(*np.unique(events.column("event_type").to_numpy(zero_copy_only=False), return_counts=True), strict=True)
    )
    assert counts["page_view"] > counts["add_to_cart"] > counts["purchase"] > 0
    sessions = pc.unique(events.column("session_id"))
    assert counts["purchase"] < 0.2 * len(sessions)


def test_conversion_differs_by_segment(medium):
    _, _, events = medium
    etype = events.column("event_type").to_numpy(zero_copy_only=False)
    device = events.column("device").to_numpy(zero_copy_only=False)
    rate = {
        d: (etype[device == d] == "purchase").sum() / (etype[device == d] == "page_view").sum()
        for d in ("desktop", "mobile")
    }
    assert rate["desktop"] > 1.3 * rate["mobile"], rate


def test_retention_decays_with_months_since_signup(medium):
    cfg, users, events = medium
    start = cfg.start_epoch
    created = pc.cast(users.column("created_at"), pa.int64()).to_numpy() // 1_000_000
    cohort_of = dict(
        zip(users.column("user_id").to_numpy(), ((created - start) // (30 * 86400)).astype(int), strict=True)
    )
    ts = pc.cast(events.column("event_ts"), pa.int64()).to_numpy() // 1_000_000
    uid = events.column("user_id").to_numpy()
    month = ((ts - start) // (30 * 86400)).astype(int)
    cohort = np.vectorize(cohort_of.get)(uid)
    # first three cohorts: share of the cohort active 1, 3 and 6 months after signup
    for c in range(3):
        size = sum(1 for v in cohort_of.values() if v == c)
        active = [len(np.unique(uid[(cohort == c) & (month == c + k)])) / size for k in (1, 3, 6)]
        assert active[0] > active[1] > active[2], (c, active)


def _rows_that_differ(a: pa.Table, b: pa.Table) -> int:
    """Rows of two same-shaped tables that differ in any column (a null against a value differs, two nulls
    do not; a NaN never equals itself)."""
    assert a.schema == b.schema and a.num_rows == b.num_rows
    differs = pa.array(np.zeros(a.num_rows, dtype=bool))
    for name in a.column_names:
        x, y = a.column(name), b.column(name)
        unequal = pc.fill_null(pc.not_equal(x, y), False)
        differs = pc.or_(differs, pc.or_(unequal, pc.xor(pc.is_null(x), pc.is_null(y))))
    return int(pc.sum(differs).as_py() or 0)


def test_dirty_rate_is_honoured_exactly():
    cfg = DatasetConfig(users=4_000, events=200_000, seed=9, dirty_rate=0.01, chunk_users=2_000)
    clean = DatasetConfig(**{**cfg.__dict__, "dirty_rate": 0.0})
    dirty_events = dirty_users = 0
    for c in range(cfg.n_chunks):
        a, b = generate_chunk(cfg, c), generate_chunk(clean, c)
        dirty_events += _rows_that_differ(a.events, b.events)
        dirty_users += _rows_that_differ(a.users, b.users)
    assert dirty_events == 2_000, dirty_events
    assert dirty_users == 40
    assert len(EVENT_DEFECTS) == 5 and len(USER_DEFECTS) == 2


def test_defects_are_the_documented_kinds():
    cfg = DatasetConfig(users=2_000, events=100_000, seed=2, dirty_rate=0.02, chunk_users=2_000)
    events = generate_chunk(cfg, 0).events
    uid = events.column("user_id")
    assert uid.null_count > 0
    assert pc.any(pc.greater_equal(uid, UNKNOWN_USER_BASE)).as_py()
    ids = events.column("event_id").to_numpy()
    assert len(ids) - len(np.unique(ids)) > 0
    assert pc.any(pc.greater(events.column("event_ts"), pa.scalar(dt.datetime(2090, 1, 1, tzinfo=dt.UTC)))).as_py()
    types = set(pc.unique(events.column("event_type").cast(pa.string())).to_pylist())
    assert types - {
        "page_view",
        "click",
        "search",
        "add_to_cart",
        "remove_from_cart",
        "purchase",
        "video_play",
        "video_complete",
        "login",
        "signup",
    }


def test_names_include_apostrophes_diacritics_and_non_latin_scripts(medium):
    _, users, _ = medium
    last = set(users.column("last_name").to_pylist())
    first = set(users.column("first_name").to_pylist())
    names = last | first
    assert any("'" in n for n in names)
    assert any(any(ch in n for ch in "äöüéèçñáíóú") for n in names)
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)
    assert len(set(users.column("locale").to_pylist())) >= 6


def test_some_search_queries_carry_the_users_own_pii(medium):
    _, users, events = medium
    queries = [q for q in events.column("search_query").to_pylist() if q]
    emails = set(users.column("email").to_pylist())
    with_email = [q for q in queries if "@" in q]
    assert 0.005 < len(with_email) / len(queries) < 0.02
    assert any(q.split(" ")[-1] in emails or q.split(" ")[1] in emails for q in with_email)
