"""One micro-batch of the stream into stream.events, anonymized on arrival (the foreachBatch function).

Each micro-batch (veil.stream.source reads it at offsets Spark checkpointed first):

1. malformed messages go to stream.quarantine with the reason, partition, offset and the value's length,
   never the value;
2. the parsed events run through stg_app__events' own compiled SQL (`dbt compile` with var
   veil_stream_batch naming the batch's temporary view): the same YAML declarations and macros as batch
   staging pseudonymize, truncate, redact and drop, validate, and anti-join the erasure ledger; an event
   older than the newest event seen before this batch minus the lateness bound is landed with
   quarantine_reason `late_event`;
3. the staged rows are written to a scratch folder, then moved into stream.events' event-date partitions
   under names carrying the batch id; a batch that runs again after a crash first removes what an earlier
   attempt of it moved, so each message lands once (a reader during that window may see part of a batch);
4. the batch's counts (in = clean + quarantined + erased) go to metrics.jsonl.

Steps 1 and 2 are one Spark job: the messages stream from the reader through staging into Parquet, read once
and never cached (veil.stream.observed counts them on the way). Nothing but staged rows, offsets and counts is
written: the raw message never touches disk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from veil.compliance.ledgers import ERASURES
from veil.settings import settings
from veil.stream.messages import FIELDS
from veil.stream.metrics import STREAM_EVENTS, STREAM_QUARANTINE, BatchMetrics, append_metrics
from veil.stream.observed import LATE, arrival_counts, landed_counts, write_quarantine

BATCH_VIEW = "veil_stream_batch"
CONCURRENT_WRITERS = 8
"""Event-date partitions a task writes at once before Spark falls back to sorting its rows by date."""


class BatchWriter:
    """The foreachBatch function: one micro-batch into the tables, once (see the module docstring)."""

    def __init__(
        self,
        spark: Any,
        sql: str,
        lateness_seconds: int,
        kafka_partitions: int,
        on_batch: Callable[[BatchMetrics], None],
    ):
        from veil.warehouse.spark import table_location

        self.spark, self.sql, self.lateness = spark, sql, lateness_seconds
        self.kafka_partitions = kafka_partitions
        self.on_batch = on_batch
        self.events_dir = Path(table_location(spark, STREAM_EVENTS))
        self.quarantine_dir = Path(table_location(spark, STREAM_QUARANTINE))
        self.state_dir = settings().stream_dir / "state"
        self.scratch = settings().stream_dir / "scratch"
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.partitions = {r[0] for r in spark.sql(f"show partitions {STREAM_EVENTS}").collect()}
        self._ledger: tuple | None = None  # the erasure ledger's files when the stream's session last read them
        self._saved: tuple[int, int | None] | None = None  # (batch id, newest event µs) this writer last saved

    # the newest clean event time seen by the batches before this one: read back, so a replay decides alike
    # (the state folder is read once per process; after that, the previous batch's state is the one in memory)
    def _newest_before(self, batch_id: int) -> int | None:
        if self._saved is not None and self._saved[0] == batch_id - 1:
            return self._saved[1]
        earlier = [int(p.stem) for p in self.state_dir.glob("*.json") if p.stem.isdigit() and int(p.stem) < batch_id]
        if not earlier:
            return None
        return json.loads((self.state_dir / f"{max(earlier)}.json").read_text())["newest_event_us"]

    def _save_state(self, batch_id: int, newest_us: int | None) -> None:
        tmp = self.state_dir / f".{batch_id}.json"
        tmp.write_text(json.dumps({"newest_event_us": newest_us}))
        os.replace(tmp, self.state_dir / f"{batch_id}.json")
        self._saved = (batch_id, newest_us)

    def _remove_attempts(self, batch_id: int) -> None:
        """What an earlier attempt of this batch moved in before it was stopped (its marker says it began
        moving files: only then is the tables' folder walked)."""
        if not (self.state_dir / f"{batch_id}.moving").exists():
            return
        prefix = f"b{batch_id:012d}-"
        for folder in (self.events_dir, self.quarantine_dir):
            for path in folder.rglob(f"{prefix}*"):
                path.unlink()

    def _move_in(self, written: Path, target: Path, batch_id: int) -> list[str]:
        """Move the Parquet files Spark wrote under `written` into `target` (same partition folders), named by
        batch; returns the partition folders that received files."""
        partitions = set()
        for i, path in enumerate(sorted(written.rglob("*.parquet"))):
            relative = path.parent.relative_to(written)
            (target / relative).mkdir(parents=True, exist_ok=True)
            os.replace(path, target / relative / f"b{batch_id:012d}-{i:04d}.parquet")
            partitions.add(str(relative))
        return sorted(p for p in partitions if p != ".")

    def __call__(self, batch: Any, batch_id: int) -> None:
        from pyspark.sql import Observation
        from pyspark.sql import functions as F

        t0 = time.perf_counter()
        spark = batch.sparkSession  # the stream's own session: temporary views must be made in it
        self._remove_attempts(batch_id)
        if (ledger := ERASURES.version()) != self._ledger:  # an erasure since the last batch: read the ledger again
            spark.sql(f"refresh table {ERASURES.table}")
            self._ledger = ledger
        # a batch's events fall on a day or two: a writer per day instead of sorting the batch by day
        spark.conf.set("spark.sql.maxConcurrentOutputFileWriters", str(CONCURRENT_WRITERS))
        newest_before = self._newest_before(batch_id)
        watermark_us = newest_before - self.lateness * 1_000_000 if newest_before is not None else None
        # one Spark job reads, stages and writes the batch; what it read (per partition, arrival time and the
        # malformed messages' offsets and reasons) and what it landed are observed on the way through, so the
        # raw messages are read once and never cached
        arrivals, landed = Observation(), Observation()
        raw = batch.observe(arrivals, *arrival_counts(self.kafka_partitions))
        parsed = raw.where("problem is null").select(
            *(F.col(name) for name, _ in FIELDS), F.to_date("event_ts").alias("event_date")
        )
        parsed.createOrReplaceTempView(BATCH_VIEW)
        staged = spark.sql(self.sql)  # staging passes event_ts through: lateness is decided on its output
        if watermark_us is not None:
            late = F.when(F.col("event_ts") < F.timestamp_micros(F.lit(watermark_us)), F.lit(LATE))
            staged = staged.withColumn("quarantine_reason", F.coalesce("quarantine_reason", late))
        staged = staged.observe(landed, *landed_counts())

        scratch = self.scratch / f"b{batch_id}"
        shutil.rmtree(scratch, ignore_errors=True)
        staged.write.mode("overwrite").partitionBy("event_date").parquet(str(scratch / "events"))
        counts, seen = landed.get, arrivals.get
        read, malformed = int(seen["read"]), list(seen["malformed"] or [])
        parsed_n = read - len(malformed)
        positions = {
            str(p): int(seen[f"last_{p}"]) + 1 for p in range(self.kafka_partitions) if seen[f"last_{p}"] is not None
        }
        arrived: dict[int, int] = {}
        for bin_ in seen["arrivals"] or []:  # exact while a batch's arrivals span at most ARRIVAL_BINS buckets
            arrived[round(bin_["x"])] = arrived.get(round(bin_["x"]), 0) + int(bin_["y"])
        if malformed:
            write_quarantine(scratch / "quarantine", batch_id, malformed)
        t_written = time.perf_counter()
        (self.state_dir / f"{batch_id}.moving").touch()
        new_partitions = self._move_in(scratch / "events", self.events_dir, batch_id)
        self._move_in(scratch / "quarantine", self.quarantine_dir, batch_id)
        shutil.rmtree(scratch, ignore_errors=True)
        for partition in set(new_partitions) - self.partitions:
            key, value = partition.split("=", 1)
            spark.sql(f"alter table {STREAM_EVENTS} add if not exists partition ({key} = '{value}')")
            self.partitions.add(partition)
        for session in {spark, self.spark}:  # each session caches its own listing of the table's files
            session.sql(f"refresh table {STREAM_EVENTS}")
            if malformed:
                session.sql(f"refresh table {STREAM_QUARANTINE}")
        visible_ms = int(time.time() * 1000)
        t_visible = time.perf_counter()

        newest = max(x for x in (newest_before, counts["newest"]) if x is not None) if (
            newest_before is not None or counts["newest"] is not None
        ) else None  # fmt: skip
        self._save_state(batch_id, newest)
        (self.state_dir / f"{batch_id}.moving").unlink()
        clean, late_n, invalid = (int(counts[k] or 0) for k in ("clean", "late", "invalid"))
        latency: dict[int, int] = {}
        for bucket, n in arrived.items():
            ms = -(-(visible_ms - bucket * 100) // 100) * 100
            latency[ms] = latency.get(ms, 0) + n
        metrics = BatchMetrics(
            batch_id=batch_id,
            finished_at=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            seconds=round(time.perf_counter() - t0, 3),
            read=read,
            malformed=read - parsed_n,
            late=late_n,
            invalid=invalid,
            erased=parsed_n - clean - late_n - invalid,
            clean=clean,
            positions=positions,
            watermark=(
                dt.datetime.fromtimestamp(watermark_us / 1e6, dt.UTC).isoformat() if watermark_us is not None else None
            ),
            min_event_date=str(counts["min_date"]) if counts["min_date"] is not None else None,
            latency_ms=sorted([ms, n] for ms, n in latency.items()),
            phases={
                "read_stage_write": round(t_written - t0, 3),
                "commit": round(t_visible - t_written, 3),
            },
        )
        append_metrics(metrics)
        self.on_batch(metrics)
