"""`veil generate`: the generator's files plus raw.* in the shared Spark catalog (or the Thrift server's)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

from generator import DatasetConfig, Summary, register_tables, write_dataset
from veil.compliance.ledgers import ensure_all
from veil.errors import VeilError
from veil.settings import settings
from veil.warehouse.spark import get_spark

DEFAULT_START = dt.date(2025, 11, 1)


def catalog() -> Any:
    """Where raw.* are registered: this process's SparkSession, or the Thrift server of the thrift target."""
    if settings().target == "spark_thrift":
        from veil.warehouse.thrift import ThriftSQL

        return ThriftSQL()
    return get_spark()


def generate(
    users: int,
    events: int,
    seed: int = 42,
    workers: int = 2,
    dirty_rate: float = 0.001,
    start: dt.date = DEFAULT_START,
    days: int = 365,
    on_progress: Callable[[int], None] | None = None,
    spark: Any = None,
) -> Summary:
    """Write the dataset's Parquet files and register raw.* and the compliance ledgers; `on_progress` gets
    the number of users + events written since its last call."""
    if users < 1 or events < users:
        raise VeilError(f"--events ({events}) must be at least --users ({users}), and --users at least 1")
    if not 0 <= dirty_rate < 0.5:
        raise VeilError(f"--dirty-rate must be in [0, 0.5), got {dirty_rate}")
    cfg = DatasetConfig(users=users, events=events, seed=seed, dirty_rate=dirty_rate, start=start, days=days)
    raw_dir = settings().raw_dir
    raw_dir.parent.mkdir(parents=True, exist_ok=True)
    started: dict[str, Any] = {}

    def start_spark() -> None:  # the JVM starts in a thread while the workers generate
        if spark is None:
            thread = threading.Thread(target=lambda: started.update(spark=catalog()), daemon=True)
            thread.start()
            started["thread"] = thread

    progress = (lambda rows: on_progress(rows["users"] + rows["events"])) if on_progress else None
    summary = write_dataset(cfg, raw_dir, workers=workers, on_started=start_spark, progress=progress)
    t = time.perf_counter()
    if "thread" in started:
        started["thread"].join()
    session = spark or started.get("spark") or catalog()
    register_tables(session, raw_dir)
    ensure_all(session)
    summary.register_seconds = time.perf_counter() - t
    return summary
