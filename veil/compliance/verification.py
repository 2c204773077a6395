"""The read-only checks that end an erasure: one verification query per store, whose result goes on each
subject's receipt, and the access packages still held about them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veil.compliance.holdings import (
    Identifiers,
    postgres_match,
    postgres_tables,
    spark_condition,
    spark_tables,
    union,
)
from veil.compliance.raw_files import free_text_rows
from veil.compliance.receipts import StoreCheck
from veil.compliance.subjects import Subject
from veil.errors import VeilError
from veil.settings import settings


def access_packages(folder: Path, subject_refs: tuple[str, ...]) -> list[Path]:
    """Earlier access packages about the subject's accounts (they hold a copy of their data)."""
    out = []
    for p in sorted(folder.glob("*/package.json")):
        held = json.loads(p.read_text()).get("subject", {})
        if set(held.get("subject_refs") or []) & set(subject_refs):
            out.append(p.parent)
    return out


@dataclass(frozen=True)
class Erased:
    """One subject of an erasure batch: what it held before, and what was removed outside the rebuild."""

    subject: Subject
    ids: Identifiers
    before_spark: dict[str, int]
    before_pg: dict[str, int]
    deleted_pg: dict[str, int]
    packages_removed: int
    free_text_removed: dict[str, int]


def _spark_count(spark: Any, relation: str, columns: list[str], ids: Identifiers) -> int:
    where = spark_condition(columns, ids)
    return int(spark.sql(f"select count(*) from {relation} where {where}").collect()[0][0]) if where else 0


def verify_erasure(spark: Any, conn: Any, batch: list[Erased]) -> list[list[StoreCheck]]:
    """Stage 5, read-only: one check per store and subject. Each store is queried once for the whole batch
    (and per subject only where something remains). Rows removed in PostgreSQL count what the re-export
    dropped too (held before the erasure began)."""
    checks: list[list[StoreCheck]] = [[] for _ in batch]
    everyone = union([e.ids for e in batch])

    def add(store: str, removed: list[int | None], verification: str, remaining: list[int | None]) -> None:
        for i, check in enumerate(checks):
            check.append(StoreCheck(store, removed[i], verification, remaining[i]))

    for relation, columns in postgres_tables(conn).items():
        where, params = postgres_match(columns, everyone)
        shown = " or ".join(f"{c} = any(<subject {c}s>)" for c in columns)
        query = f"select count(*) from {relation} where {where}"
        remaining = [0] * len(batch)  # nothing of them all together: nothing of any one (else each is counted)
        if conn.execute(query, params).fetchone()[0]:
            remaining = [conn.execute(query, postgres_match(columns, e.ids)[1]).fetchone()[0] for e in batch]
        removed = [max(e.before_pg.get(relation, 0), e.deleted_pg.get(relation, 0)) for e in batch]
        add(f"postgresql:{relation}", list(removed), f"select count(*) from {relation} where {shown}", list(remaining))
    conn.commit()
    for relation, columns in spark_tables(spark):
        if not (cond := spark_condition(columns, everyone)):
            continue
        shown = spark_condition(columns, {c: [f"<subject {c}s>"] if v else [] for c, v in everyone.items()}) or cond

        remaining = [0] * len(batch)
        if _spark_count(spark, relation, columns, everyone):
            remaining = [_spark_count(spark, relation, columns, e.ids) for e in batch]
        removed = [e.before_spark.get(relation, 0) for e in batch]
        add(f"spark:{relation}", list(removed), f"select count(*) from {relation} where {shown}", list(remaining))
    folder = settings().home / "access_requests"
    add(
        "files:access_requests/",
        [e.packages_removed for e in batch],
        "access packages whose subject reference is the subject's",
        [len(access_packages(folder, e.subject.subject_refs)) for e in batch],
    )
    together_subject = Subject(
        tuple(u for e in batch for u in e.subject.user_ids), tuple(c for e in batch for c in e.subject.contacts)
    )
    still = free_text_rows(together_subject)
    for table in batch[0].free_text_removed:
        store = f"spark:raw.{table} (free text)"
        remaining = [0] * len(batch)
        if still.get(store):
            remaining = [len(free_text_rows(e.subject).get(store, [])) for e in batch]
        add(
            store,
            [e.free_text_removed[table] for e in batch],
            "free text holding the subject's e-mail or phone",
            list(remaining),
        )
    add(
        f"event stream (Kafka topic {settings().kafka_topic})",
        [None] * len(batch),
        topic_expiry(spark),
        [None] * len(batch),
    )
    return checks


def topic_expiry(spark: Any) -> str:
    """What the receipt says of the event stream: the topic cannot be edited, so the erasure ledger keeps the
    subject's later messages out of the tables, and the topic's retention ends the messages already on it."""
    from veil.stream.broker import retention_ms
    from veil.stream.metrics import STREAM_EVENTS

    cfg = settings()
    if not spark.catalog.tableExists(STREAM_EVENTS):
        return "no event stream has been ingested in this installation"
    try:
        ms = retention_ms(cfg.kafka_bootstrap, cfg.kafka_topic)
    except VeilError:
        ms = None
    now = dt.datetime.now(dt.UTC)
    if ms is None:
        return (
            f"the erasure ledger keeps the subject's later messages out of stream.events; the broker at "
            f"{cfg.kafka_bootstrap} did not report the retention of {cfg.kafka_topic} (configured: "
            f"{cfg.kafka_retention_days} days, so messages on it now expire by "
            f"{(now + dt.timedelta(days=cfg.kafka_retention_days)).date()} if that setting holds)"
        )
    return (
        f"the erasure ledger keeps the subject's later messages out of stream.events; {cfg.kafka_topic} keeps "
        f"messages {ms / 86_400_000:g} days (retention.ms on {cfg.kafka_bootstrap}), so every message on it "
        f"now, the subject's included, is deleted by {(now + dt.timedelta(milliseconds=ms)).isoformat('T', 'seconds')}"
    )
