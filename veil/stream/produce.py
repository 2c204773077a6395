"""`veil stream produce`: the product's side of the stream. Sends the generator's events (the same users as
the batch dataset of the same seed, the same dirty-row kinds at the same rate) as JSON messages keyed by user
id, re-timed to arrive now, plus what only a stream has: malformed JSON, messages missing contract fields,
events out of order (within the lateness bound) and late events (beyond it).

Event and session ids are moved above the batch generator's range, by a base taken from the clock, so two
runs never reuse an id.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from generator import DatasetConfig, generate_chunk
from veil.errors import VeilError
from veil.stream.messages import FIELDS, encode

STREAM_KINDS = ("malformed_json", "missing_fields", "late", "out_of_order")
ID_BASE = 10**15
"""Stream event and session ids start here (batch ids stay below 10^14)."""


@dataclass
class Produced:
    """What a produce run sent."""

    messages: int
    seconds: float
    kinds: Counter[str] = field(default_factory=Counter)
    """Messages per deliberate defect (batch kinds are not counted here: staging finds them)."""
    first_event_id: int = 0

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def _events(n: int, users: int, seed: int, dirty_rate: float) -> list[dict]:
    """n generator events of the dataset (users, seed), chunk by chunk, as rows of raw column → value."""
    if users < 1 or n < 1:
        raise VeilError(f"--events ({n}) and --users ({users}) must be at least 1")
    cfg = DatasetConfig(users=users, events=max(n, users), seed=seed, dirty_rate=dirty_rate)
    rows: list[dict] = []
    for chunk in range(cfg.n_chunks):
        table = generate_chunk(cfg, chunk).events.select([name for name, _ in FIELDS])
        rows.extend(table.to_pylist())
        if len(rows) >= n:
            break
    return rows[:n]


def produce(
    bootstrap: str,
    topic: str,
    events: int,
    *,
    users: int,
    seed: int = 42,
    rate: float | None = None,
    at: dt.datetime | None = None,
    dirty_rate: float = 0.001,
    malformed_rate: float = 0.001,
    late_rate: float = 0.001,
    lateness_seconds: int = 600,
    first_event_id: int | None = None,
    on_sending: Callable[[int], None] = lambda _: None,
) -> Produced:
    """Send `events` messages (at most `rate` per second; None: as fast as the broker takes them) whose
    event times start at `at` (default now) and advance with the wall clock. `on_sending(n)` is called
    when the events are generated, just before the first is sent."""
    from confluent_kafka import KafkaException, Producer

    rows = _events(events, users, seed, dirty_rate)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
    kind = np.full(len(rows), "", dtype=object)
    for name, share in zip(STREAM_KINDS, (malformed_rate / 2, malformed_rate / 2, late_rate, 0.01), strict=True):
        pick = rng.random(len(rows)) < share
        kind[pick & (kind == "")] = name
    delay = rng.uniform(0, 1.0, len(rows))  # client-side buffering: up to a second behind the clock
    disorder = rng.uniform(0, lateness_seconds / 2, len(rows))  # out of order, still within the bound
    behind = lateness_seconds + rng.uniform(60, 3600, len(rows))  # late: beyond the bound
    base = first_event_id if first_event_id is not None else ID_BASE + int(time.time() - 1.7e9) * 10**8
    on_sending(len(rows))
    start_wall = time.time()
    start_ts = (at or dt.datetime.now(dt.UTC)).timestamp()
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "enable.idempotence": True, "acks": "all"})
    errors: list[str] = []

    def delivered(err, _msg) -> None:
        if err is not None:
            errors.append(str(err))

    kinds: Counter[str] = Counter()
    new_ids: dict[str, dict[int, int]] = {"event_id": {}, "session_id": {}}
    t0 = time.perf_counter()
    future_us = 3_000_000_000 * 1_000_000  # generator's future-timestamp defect rows keep their time
    for i, row in enumerate(rows):
        if rate:
            ahead = i / rate - (time.perf_counter() - t0)
            if ahead > 0:
                time.sleep(ahead)
        now = start_ts + (time.time() - start_wall)
        k = kind[i]
        for name, seen in new_ids.items():  # renumbered from base, a repeated id (a duplicate) repeated
            if row[name] is not None:
                row[name] = base + seen.setdefault(row[name], len(seen))
        original = row["event_ts"]
        if original is None or original.timestamp() * 1_000_000 < future_us:
            offset = delay[i] + (disorder[i] if k == "out_of_order" else 0) + (behind[i] if k == "late" else 0)
            row["event_ts"] = dt.datetime.fromtimestamp(now - offset, dt.UTC)
        value = encode(row)
        if k == "malformed_json":
            value = value[: max(1, len(value) // 2)]
        elif k == "missing_fields":
            value = encode({n: v for n, v in row.items() if n not in ("event_ts", "event_type")})
        if k:
            kinds[k] += 1
        key = str(row["user_id"]).encode() if row["user_id"] is not None else None
        while True:
            try:
                producer.produce(topic, value=value, key=key, on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.05)
            except KafkaException as exc:
                raise VeilError(f"could not send to {topic} at {bootstrap}: {exc}") from None
        if i % 10_000 == 0:
            producer.poll(0)
    left = producer.flush(60)
    if left or errors:
        raise VeilError(
            f"{left + len(errors)} of {len(rows)} messages were not acknowledged by {bootstrap}"
            + (f" (first error: {errors[0]})" if errors else "")
        )
    return Produced(len(rows), time.perf_counter() - t0, kinds, base)
