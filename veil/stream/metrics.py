"""What the stream ingest records: each micro-batch's counts and timings (`metrics.jsonl`, read by `veil stream
status` and the benchmark), and which batches the last build of stg_app__events took in (so an erasure knows
whether the models lag the stream)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from veil.settings import settings

STREAM_EVENTS = "stream.events"
STREAM_QUARANTINE = "stream.quarantine"


@dataclass
class BatchMetrics:
    """One micro-batch: what came in and where it went (in = clean + quarantined + erased)."""

    batch_id: int
    finished_at: str
    seconds: float
    read: int
    malformed: int
    late: int
    invalid: int
    """Rows staging's validation quarantined (null user, unknown event type, future time, ...)."""
    erased: int
    """Events of subjects in the erasure ledger: never landed."""
    clean: int
    positions: dict[str, int]
    """Partition → next offset to read after this batch (for partitions the batch read from)."""
    watermark: str | None
    min_event_date: str | None
    latency_ms: list[list[int]] = field(default_factory=list)
    """[broker-timestamp-to-visible latency rounded up to 100 ms, messages] pairs."""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds of the batch's steps: read and stage (the Kafka read, the staging SQL, the counts), write
    (Parquet to the scratch folder), commit (moves, partitions, refresh)."""

    @property
    def quarantined(self) -> int:
        return self.malformed + self.late + self.invalid


def landed_batch() -> int | None:
    """The id of the last micro-batch that landed rows (None: the stream never ran here)."""
    folder = settings().stream_dir / "state"
    ids = [int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()] if folder.exists() else []
    return max(ids) if ids else None


def _built_path() -> Path:
    return settings().stream_dir / "built.json"


def record_built(batch_id: int | None) -> None:
    """stg_app__events was built with every batch up to batch_id (veil.warehouse.dbt calls this)."""
    if batch_id is None:
        return
    path = _built_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"batch_id": batch_id}))
    os.replace(tmp, path)


def unbuilt() -> bool:
    """The stream landed rows since stg_app__events was last built: the models are behind their sources."""
    landed = landed_batch()
    if landed is None:
        return False
    path = _built_path()
    return not path.exists() or json.loads(path.read_text())["batch_id"] < landed


def metrics_path() -> Path:
    return settings().stream_dir / "metrics.jsonl"


def append_metrics(metrics: BatchMetrics) -> None:
    path = metrics_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(json.dumps(asdict(metrics)) + "\n")


def read_metrics() -> list[BatchMetrics]:
    """Every batch's metrics, once per batch id (a batch that ran again after a crash: its last record)."""
    path = metrics_path()
    if not path.exists():
        return []
    by_id: dict[int, BatchMetrics] = {}
    for line in path.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            by_id[record["batch_id"]] = BatchMetrics(**record)
    return [by_id[k] for k in sorted(by_id)]
