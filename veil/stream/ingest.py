"""`veil stream ingest`: Spark Structured Streaming from the topic (veil.stream.source) into stream.events,
each micro-batch anonymized by stg_app__events' own compiled SQL (veil.stream.batch); with `--build`, the
incremental dbt build and export between ingests."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from veil.errors import VeilError
from veil.settings import settings
from veil.stream.batch import BATCH_VIEW, BatchWriter
from veil.stream.messages import FIELDS_DDL
from veil.stream.metrics import STREAM_EVENTS, STREAM_QUARANTINE, BatchMetrics


@dataclass
class IngestResult:
    batches: list[BatchMetrics]
    seconds: float
    builds: int = 0

    @property
    def read(self) -> int:
        return sum(b.read for b in self.batches)


@functools.cache
def staging_sql(spark: Any) -> str:
    """stg_app__events compiled over the micro-batch's temporary view (no key in it: the SQL reads the key
    from the session's secrets view)."""
    from veil.warehouse.dbt import invoke_dbt

    args = ["compile", "--select", "stg_app__events", "--vars", json.dumps({"veil_stream_batch": BATCH_VIEW})]
    with contextlib.redirect_stdout(io.StringIO()):  # dbt prints the compiled model; it is not the user's output
        result = invoke_dbt(["--log-level", "warn", *args], spark=spark)
    nodes = [r.node for r in result.result.results if r.node.name == "stg_app__events"]
    if not result.success or not nodes:
        raise VeilError("dbt could not compile stg_app__events for the stream: see logs/dbt.log")
    return str(nodes[0].compiled_code)


def _empty_batch(spark: Any) -> Any:
    """An empty DataFrame of the raw events' shape (the compiled SQL's input)."""
    return spark.createDataFrame([], f"{FIELDS_DDL}, event_date date")


def ensure_tables(spark: Any, sql: str) -> None:
    """stream.events (the compiled SQL's output shape, partitioned by event_date) and stream.quarantine."""
    spark.sql("create database if not exists stream")
    if not spark.catalog.tableExists(STREAM_EVENTS):
        _empty_batch(spark).createOrReplaceTempView(BATCH_VIEW)
        spark.sql(sql).where("false").write.format("parquet").partitionBy("event_date").saveAsTable(STREAM_EVENTS)
    if not spark.catalog.tableExists(STREAM_QUARANTINE):
        spark.sql(
            f"create table {STREAM_QUARANTINE} (batch_id bigint, kafka_partition int, kafka_offset bigint, "
            "kafka_ts timestamp, reason string, value_kind string, value_length int, ingested_at timestamp) "
            "using parquet"
        )


def start_query(spark: Any, writer: BatchWriter, once: bool, trigger_seconds: float, max_per_batch: int) -> Any:
    """The streaming query from the topic through `writer`, checkpointed in the stream folder."""
    from veil.stream.source import VeilKafkaSource

    cfg = settings()
    spark.dataSource.register(VeilKafkaSource)
    reader = (
        spark.readStream.format("veil_kafka")
        .option("bootstrap", cfg.kafka_bootstrap)
        .option("topic", cfg.kafka_topic)
        .option("maxPerBatch", str(max_per_batch))
        .load()
    )
    stream = reader.writeStream.foreachBatch(writer).option("checkpointLocation", str(cfg.stream_dir / "checkpoint"))
    stream = stream.trigger(availableNow=True) if once else stream.trigger(processingTime=f"{trigger_seconds} seconds")
    return stream.queryName("veil_stream_ingest").start()


def incremental_build(spark: Any, batches: list[BatchMetrics]) -> None:
    """`dbt build` of stg_app__events and everything built from it, with fct_events rewriting only the date
    partitions back to the oldest day these batches landed clean rows in; then the export of those marts."""
    from veil.warehouse.dbt import invoke_dbt
    from veil.warehouse.export import export_marts

    dates = [dt.date.fromisoformat(b.min_event_date) for b in batches if b.min_event_date]
    lookback = (dt.datetime.now(dt.UTC).date() - min(dates)).days + 1 if dates else 1
    result = invoke_dbt(
        [
            "build",
            "--select",
            "stg_app__events+",
            "stg_compliance__consent_changes+",  # consent decisions recorded since: consent at event time
            "--vars",
            json.dumps({"events_lookback_days": max(1, lookback)}),
        ],
        spark=spark,
    )
    if not result.success:
        raise VeilError("the incremental dbt build after the stream's batches failed: see logs/dbt.log")
    rebuilt = [r.node.name for r in result.result.results if r.node.resource_type == "model"]
    export_marts(spark, models=rebuilt)


def ingest(
    spark: Any,
    *,
    once: bool,
    build: bool = False,
    max_per_batch: int = 0,
    build_every: float = 60.0,
    on_batch: Callable[[BatchMetrics], None] = lambda _: None,
    stop_after: float | None = None,
) -> IngestResult:
    """Ingest until stopped (or, with `once`, until everything on the topic when it started is in). With
    `build`, an incremental build (and export) runs after the batches, every `build_every` seconds."""
    from veil.compliance.ledgers import ensure_all
    from veil.stream.broker import ensure_topic

    cfg = settings()
    partitions = ensure_topic(cfg.kafka_bootstrap, cfg.kafka_topic, cfg.kafka_partitions, cfg.kafka_retention_days)
    ensure_all(spark)
    sql = staging_sql(spark)
    ensure_tables(spark, sql)
    batches: list[BatchMetrics] = []

    def collect(m: BatchMetrics) -> None:
        batches.append(m)
        on_batch(m)

    writer = BatchWriter(spark, sql, cfg.stream_lateness_seconds, partitions, collect)
    t0 = time.perf_counter()
    builds = 0
    if not build:
        query = start_query(spark, writer, once, cfg.stream_trigger_seconds, max_per_batch)
        try:
            query.awaitTermination(stop_after) if stop_after else query.awaitTermination()
        finally:
            query.stop()
        if query.exception() is not None:
            raise VeilError(f"the stream ingest stopped: {query.exception()}")
        return IngestResult(batches, time.perf_counter() - t0)
    while True:
        started, before = time.monotonic(), len(batches)
        query = start_query(spark, writer, True, cfg.stream_trigger_seconds, max_per_batch)
        query.awaitTermination()
        if query.exception() is not None:
            raise VeilError(f"the stream ingest stopped: {query.exception()}")
        if len(batches) > before:
            incremental_build(spark, batches[before:])
            builds += 1
        if once or (stop_after is not None and time.perf_counter() - t0 >= stop_after):
            return IngestResult(batches, time.perf_counter() - t0, builds)
        time.sleep(max(0.0, build_every - (time.monotonic() - started)))
