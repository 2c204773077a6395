"""Writes chunks as Parquet (events partitioned by event date) and registers raw.* in the Spark catalog."""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from generator.dataset import DatasetConfig, generate_chunk

TABLES = ("users", "consents", "events")
PARQUET_OPTIONS = {"compression": "zstd", "use_dictionary": True}


@dataclass
class Summary:
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    bytes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    seconds: float = 0.0
    register_seconds: float = 0.0
    worker_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(TABLES, 0.0))
    """Generate + write time per table, summed over workers (they run in parallel, so this exceeds wall time)."""


def _write_chunk(cfg: DatasetConfig, chunk: int, out: Path) -> tuple[dict[str, int], dict[str, int], dict[str, float]]:
    data = generate_chunk(cfg, chunk)
    rows, size, seconds = {}, {}, dict(data.seconds)
    name = f"part-{chunk:05d}.parquet"
    for table in ("users", "consents"):
        t = time.perf_counter()
        path = out / table / name
        pq.write_table(getattr(data, table), path, **PARQUET_OPTIONS)
        rows[table], size[table] = getattr(data, table).num_rows, path.stat().st_size
        seconds[table] += time.perf_counter() - t
    t = time.perf_counter()
    events = data.events
    day = pc.cast(pc.cast(events.column("event_ts"), pa.timestamp("us")), pa.date32()).to_numpy().astype("int64")
    order = np.argsort(day, kind="stable")
    events, day = events.take(pa.array(order)), day[order]  # cheap: most columns are dictionary indices
    # large dictionaries (an IP per session, every URL and query) would be repeated in every date file:
    # store those as plain strings and let Parquet build a dictionary per file from the values it holds
    for column in ("ip_address", "page_url", "search_query"):
        events = events.set_column(
            events.schema.get_field_index(column), column, events.column(column).cast(pa.string())
        )
    cuts = np.flatnonzero(np.diff(day)) + 1
    size["events"] = 0
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(day)], strict=True):
        date = np.datetime64(int(day[lo]), "D")
        folder = out / "events" / f"event_date={date}"
        folder.mkdir(exist_ok=True)
        pq.write_table(events.slice(lo, hi - lo), folder / name, **PARQUET_OPTIONS)
        size["events"] += (folder / name).stat().st_size
    rows["events"] = events.num_rows
    seconds["events"] += time.perf_counter() - t
    return rows, size, seconds


def write_dataset(cfg: DatasetConfig, raw_dir: Path, workers: int = 1, progress=None, on_started=None) -> Summary:
    """Generate every chunk into a fresh directory, then swap it in for raw_dir (re-runs replace cleanly).

    `on_started` runs in this process while workers generate (used to start the JVM meanwhile).
    """
    started = time.perf_counter()
    staging = raw_dir.with_name(raw_dir.name + f".new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    for table in TABLES:
        (staging / table).mkdir(parents=True)
    summary = Summary()

    def collect(result):
        rows, size, seconds = result
        for t in TABLES:
            summary.rows[t] += rows[t]
            summary.bytes[t] += size[t]
            summary.worker_seconds[t] += seconds[t]
        if progress:
            progress(rows)

    chunks = range(cfg.n_chunks)
    if workers <= 1:
        if on_started:
            on_started()
        for c in chunks:
            collect(_write_chunk(cfg, c, staging))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(_write_chunk, cfg, c, staging) for c in chunks]
            if on_started:
                on_started()
            for f in futures:
                collect(f.result())
    old = raw_dir.with_name(raw_dir.name + f".old-{os.getpid()}")
    if raw_dir.exists():
        raw_dir.rename(old)
    staging.rename(raw_dir)
    shutil.rmtree(old, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    return summary


def register_tables(spark, raw_dir: Path) -> None:
    """(Re)create raw.users, raw.consents, raw.events as external Parquet tables over raw_dir."""
    spark.sql("create database if not exists raw")
    for table in TABLES:
        spark.sql(f"drop table if exists raw.{table}")
    spark.sql(f"create table raw.users using parquet location '{raw_dir / 'users'}'")
    spark.sql(f"create table raw.consents using parquet location '{raw_dir / 'consents'}'")
    spark.sql(f"create table raw.events using parquet location '{raw_dir / 'events'}'")  # partitions inferred
    spark.sql("alter table raw.events recover partitions")
