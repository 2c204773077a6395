"""`veil stream status`: what the ingest has done since the topic's start (from its per-batch metrics) and
how far behind the topic it is (the broker's end offsets against the positions the batches reached)."""

from __future__ import annotations

from dataclasses import dataclass

from veil.errors import VeilError
from veil.settings import settings
from veil.stream.metrics import BatchMetrics, read_metrics


@dataclass(frozen=True)
class StreamStatus:
    topic: str
    bootstrap: str
    batches: int
    read: int
    ingested: int
    """Clean events landed."""
    quarantined: int
    """Malformed messages, late events and events staging's validation refused."""
    malformed: int
    late: int
    invalid: int
    erased: int
    lag: int | None
    """Messages on the topic not yet ingested (None: the broker did not answer)."""
    events_per_second: float
    """Messages read per second of batch time, over the last 20 batches."""
    last_batch_seconds: float | None
    last_batch_at: str | None
    latency_p50_ms: int | None
    latency_p95_ms: int | None
    """Broker timestamp to visible in stream.events, over every batch."""

    def as_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def latency_percentile(batches: list[BatchMetrics], q: float) -> int | None:
    """The q-quantile (0..1) of the per-message latencies the batches recorded (100 ms resolution)."""
    counts: dict[int, int] = {}
    for b in batches:
        for ms, n in b.latency_ms:
            counts[ms] = counts.get(ms, 0) + n
    total = sum(counts.values())
    if not total:
        return None
    seen = 0
    for ms in sorted(counts):
        seen += counts[ms]
        if seen >= q * total:
            return ms
    return max(counts)


def positions(batches: list[BatchMetrics]) -> dict[int, int]:
    out: dict[int, int] = {}
    for b in batches:
        for p, o in b.positions.items():
            out[int(p)] = max(out.get(int(p), 0), o)
    return out


def stream_status() -> StreamStatus:
    from veil.stream.broker import end_offsets, topics

    cfg = settings()
    batches = read_metrics()
    lag = None
    try:
        partitions = topics(cfg.kafka_bootstrap, timeout=3.0).get(cfg.kafka_topic)
        if partitions:
            at = positions(batches)
            ends = end_offsets(cfg.kafka_bootstrap, cfg.kafka_topic, partitions, at)
            lag = sum(max(0, end - at.get(p, 0)) for p, end in ends.items())
    except VeilError:
        pass
    recent = batches[-20:]
    busy = sum(b.seconds for b in recent)
    return StreamStatus(
        topic=cfg.kafka_topic,
        bootstrap=cfg.kafka_bootstrap,
        batches=len(batches),
        read=sum(b.read for b in batches),
        ingested=sum(b.clean for b in batches),
        quarantined=sum(b.quarantined for b in batches),
        malformed=sum(b.malformed for b in batches),
        late=sum(b.late for b in batches),
        invalid=sum(b.invalid for b in batches),
        erased=sum(b.erased for b in batches),
        lag=lag,
        events_per_second=round(sum(b.read for b in recent) / busy, 1) if busy else 0.0,
        last_batch_seconds=batches[-1].seconds if batches else None,
        last_batch_at=batches[-1].finished_at if batches else None,
        latency_p50_ms=latency_percentile(batches, 0.5),
        latency_p95_ms=latency_percentile(batches, 0.95),
    )
