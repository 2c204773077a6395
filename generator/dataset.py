"""The dataset plan: fixed-size user chunks, each seeded on its own, so output never depends on workers."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.consents import generate_consents
from generator.dirty import corrupt_events, corrupt_users
from generator.events import generate_events
from generator.users import DAY, generate_users

USER_COLUMNS = (
    "user_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "ip_address",
    "street_address",
    "city",
    "postcode",
    "region",
    "country",
    "locale",
    "date_of_birth",
    "gender",
    "created_at",
    "last_login_at",
    "account_status",
    "tier",
    "lifetime_value",
)


@dataclass(frozen=True)
class DatasetConfig:
    users: int = 100_000
    events: int = 5_000_000
    seed: int = 42
    dirty_rate: float = 0.001
    start: dt.date = dt.date(2025, 11, 1)
    days: int = 365
    chunk_users: int = 50_000
    """Users per chunk. Part of the dataset's identity, like the seed: chunks are seeded independently."""

    @property
    def start_epoch(self) -> int:
        return int(dt.datetime(self.start.year, self.start.month, self.start.day, tzinfo=dt.UTC).timestamp())

    @property
    def end_epoch(self) -> int:
        return self.start_epoch + self.days * DAY

    @property
    def n_chunks(self) -> int:
        return max(1, -(-self.users // self.chunk_users))

    def chunk_bounds(self, chunk: int) -> tuple[int, int, int, int]:
        """(first user offset, users, first event offset, events) for a chunk; events split pro rata."""
        u0 = chunk * self.chunk_users
        u1 = min(self.users, u0 + self.chunk_users)
        e0 = self.events * u0 // self.users
        e1 = self.events * u1 // self.users
        return u0, u1 - u0, e0, e1 - e0


@dataclass
class Chunk:
    users: pa.Table
    consents: pa.Table
    events: pa.Table
    seconds: dict[str, float] = field(default_factory=dict)
    """Generation time per table in this worker (users includes the locale pools on a worker's first chunk)."""


def generate_chunk(cfg: DatasetConfig, chunk: int) -> Chunk:
    rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(chunk,)))
    u0, n_users, _, n_events = cfg.chunk_bounds(chunk)
    t0 = time.perf_counter()
    users = generate_users(rng, u0 + 1, n_users, cfg.start_epoch, cfg.end_epoch, cfg.seed)
    t1 = time.perf_counter()
    events = generate_events(
        rng,
        users,
        n_events,
        first_event_id=chunk * 10**10 + 1,
        first_session_id=chunk * 10**9 + 1,
        window_end=cfg.end_epoch,
    )
    t2 = time.perf_counter()
    consents = generate_consents(rng, users, first_consent_id=chunk * 10**8 + 1)
    t3 = time.perf_counter()
    cols = dict(users.columns)
    cols["last_login_at"] = pa.array(events.last_login_at * 1_000_000, pa.timestamp("us", tz="UTC"))
    cols["lifetime_value"] = pc.round(pa.array(events.lifetime_value_usd), 2)
    user_table = pa.table({name: cols[name] for name in USER_COLUMNS})
    user_table = corrupt_users(rng, user_table, cfg.dirty_rate)
    t4 = time.perf_counter()
    event_table = corrupt_events(rng, events.table, cfg.dirty_rate)
    t5 = time.perf_counter()
    return Chunk(
        users=user_table,
        consents=consents,
        events=event_table,
        seconds={"users": t1 - t0 + t4 - t3, "events": t2 - t1 + t5 - t4, "consents": t3 - t2},
    )
