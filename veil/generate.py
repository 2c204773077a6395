"""`veil generate`: the generator's files plus raw.* in the shared Spark catalog."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

from generator import DatasetConfig, Summary, register_tables, write_dataset
from veil.errors import VeilError
from veil.settings import settings
from veil.spark import get_spark


def generate(users: int, events: int, seed: int = 42, workers: int = 2, dirty_rate: float = 0.001,
             start: dt.date = dt.date(2025, 11, 1), days: int = 365, progress: bool = False,
             spark=None) -> Summary:
    if users < 1 or events < users:
        raise VeilError(f"--events ({events}) must be at least --users ({users}), and --users at least 1")
    if not 0 <= dirty_rate < 0.5:
        raise VeilError(f"--dirty-rate must be in [0, 0.5), got {dirty_rate}")
    cfg = DatasetConfig(users=users, events=events, seed=seed, dirty_rate=dirty_rate, start=start, days=days)
    raw_dir = settings().raw_dir
    raw_dir.parent.mkdir(parents=True, exist_ok=True)

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=users + events, unit="rows", unit_scale=True, desc="generate")
    started: dict = {}

    def catalog():
        """Where raw.* are registered: this process's SparkSession, or the Thrift server of the thrift target."""
        if os.environ.get("VEIL_TARGET") == "spark_thrift":
            from veil.thrift import ThriftSQL

            return ThriftSQL()
        return get_spark()

    def start_spark() -> None:  # the JVM starts in a thread while the workers generate
        if spark is None:
            thread = threading.Thread(target=lambda: started.update(spark=catalog()), daemon=True)
            thread.start()
            started["thread"] = thread

    summary = write_dataset(cfg, raw_dir, workers=workers, on_started=start_spark,
                            progress=(lambda rows: bar.update(rows["users"] + rows["events"])) if bar else None)
    if bar:
        bar.close()
    t = time.perf_counter()
    if "thread" in started:
        started["thread"].join()
    session = spark or started.get("spark") or catalog()
    register_tables(session, raw_dir)
    from veil.ledgers import ensure_all

    ensure_all(session)
    summary.register_seconds = time.perf_counter() - t
    return summary
