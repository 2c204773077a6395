"""What a micro-batch observes while its one Spark job reads, stages and writes it (`DataFrame.observe`):
what it read from the topic and what it landed. Malformed messages are observed as their position and reason
(never the value) and written to stream.quarantine from the driver."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

LATE = "late_event"
"""quarantine_reason of an event older than the watermark."""
ARRIVAL_BINS = 256
"""Arrival buckets (100 ms each) a batch's latency histogram keeps exactly; beyond, neighbouring bins merge."""


def arrival_counts(kafka_partitions: int) -> list[Any]:
    """What a batch read: messages, the last offset of each topic partition, messages per arrival bucket
    (100 ms of broker time) and, for each malformed message, where it was and why (never its value)."""
    from pyspark.sql import functions as F

    bucket = F.floor(F.unix_millis("kafka_ts") / 100)
    problem = F.col("problem")
    return [
        F.count(F.lit(1)).alias("read"),
        *(
            F.max(F.when(F.col("kafka_partition") == p, F.col("kafka_offset"))).alias(f"last_{p}")
            for p in range(kafka_partitions)
        ),
        F.histogram_numeric(bucket, F.lit(ARRIVAL_BINS)).alias("arrivals"),
        F.collect_list(
            F.when(
                problem.isNotNull(),
                F.struct(
                    "kafka_partition",
                    "kafka_offset",
                    F.unix_micros("kafka_ts").alias("kafka_us"),
                    problem,
                    "value_length",
                ),
            )
        ).alias("malformed"),
    ]


def write_quarantine(folder: Path, batch_id: int, malformed: list[Any]) -> None:
    """The batch's malformed messages as one Parquet file of stream.quarantine's columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    now = dt.datetime.now(dt.UTC)
    utc = pa.timestamp("us", tz="UTC")
    table = pa.table(
        {
            "batch_id": pa.array([batch_id] * len(malformed), pa.int64()),
            "kafka_partition": pa.array([m["kafka_partition"] for m in malformed], pa.int32()),
            "kafka_offset": pa.array([m["kafka_offset"] for m in malformed], pa.int64()),
            "kafka_ts": pa.array([m["kafka_us"] for m in malformed], pa.int64()).cast(utc),
            "reason": pa.array([m["problem"] for m in malformed], pa.string()),
            "value_kind": pa.array(["json"] * len(malformed), pa.string()),
            "value_length": pa.array([m["value_length"] for m in malformed], pa.int32()),
            "ingested_at": pa.array([now] * len(malformed), utc),
        }
    )
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "part-00000.parquet")


def landed_counts() -> list[Any]:
    """What the staged rows of a batch hold: clean, late and invalid rows, the newest clean event (µs) and the
    oldest clean event date."""
    from pyspark.sql import functions as F

    reason = F.col("quarantine_reason")
    clean = reason.isNull()
    return [
        F.count_if(clean).alias("clean"),
        F.count_if(reason == LATE).alias("late"),
        F.count_if(~clean & (reason != LATE)).alias("invalid"),
        F.max(F.when(clean, F.unix_micros("event_ts"))).alias("newest"),
        F.min(F.when(clean, F.col("event_date"))).alias("min_date"),
    ]
