"""`veil stream`: the local broker, the product's producer, the anonymizing ingest and its status."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
from typing import Any


def cmd_broker(args: argparse.Namespace) -> int:
    from veil.settings import settings
    from veil.stream.broker import ensure_topic, start_broker

    cfg = settings()
    broker = start_broker(args.port, args.host)
    partitions = ensure_topic(broker.bootstrap, cfg.kafka_topic, cfg.kafka_partitions, cfg.kafka_retention_days)
    print(
        f"broker listening on {broker.bootstrap} (tansu, memory storage: a restart empties it); topic "
        f"{cfg.kafka_topic} with {partitions} partitions, retention {cfg.kafka_retention_days} days\n"
        f"export VEIL_KAFKA_BOOTSTRAP={broker.bootstrap}   # Ctrl-C stops the broker",
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        broker.process.wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        broker.stop()
    return 0


def _raw_users() -> int | None:
    """Users in the generated raw dataset (its Parquet footers), so produced events belong to existing users."""
    import pyarrow.dataset as ds

    from veil.settings import settings

    folder = settings().raw_dir / "users"
    return ds.dataset(folder, format="parquet").count_rows() if folder.exists() else None


def cmd_produce(args: argparse.Namespace) -> int:
    from veil.settings import settings
    from veil.stream.broker import ensure_topic
    from veil.stream.produce import produce

    cfg = settings()
    ensure_topic(cfg.kafka_bootstrap, cfg.kafka_topic, cfg.kafka_partitions, cfg.kafka_retention_days)
    users = args.users or _raw_users() or 100_000
    at = dt.datetime.fromisoformat(args.at) if args.at else None
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    result = produce(
        cfg.kafka_bootstrap,
        cfg.kafka_topic,
        args.events,
        users=users,
        seed=args.seed,
        rate=args.rate,
        at=at,
        dirty_rate=args.dirty_rate,
        malformed_rate=args.malformed_rate,
        late_rate=args.late_rate,
        lateness_seconds=cfg.stream_lateness_seconds,
        on_sending=lambda n: print(f"generated {n:,} events; sending", file=sys.stderr, flush=True),
    )
    kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(result.kinds.items())) or "none"
    print(
        f"sent {result.messages:,} events of {users:,} users to {cfg.kafka_topic} at {cfg.kafka_bootstrap} in "
        f"{result.seconds:.1f} s ({result.rate:,.0f}/s); stream defects: {kinds}"
    )
    return 0


def _print_batch(m: Any) -> None:
    print(
        f"batch {m.batch_id}: {m.read:,} in = {m.clean:,} clean + {m.quarantined:,} quarantined "
        f"({m.malformed:,} malformed, {m.late:,} late, {m.invalid:,} invalid) + {m.erased:,} erased, "
        f"{m.seconds:.2f} s",
        flush=True,
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from veil.stream.ingest import ingest
    from veil.warehouse.spark import get_spark

    result = ingest(
        get_spark(),
        once=args.once,
        build=args.build,
        max_per_batch=args.max_per_batch,
        build_every=args.build_every,
        on_batch=_print_batch if not args.quiet else (lambda _: None),
    )
    print(
        f"ingested {sum(b.clean for b in result.batches):,} of {result.read:,} messages in "
        f"{len(result.batches)} batches ({result.seconds:.1f} s)"
        + (f"; {result.builds} incremental builds" if args.build else "")
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from veil.stream.status import stream_status

    s = stream_status()
    if args.format == "json":
        print(json.dumps(s.as_dict()))
        return 0
    lag = "broker not reachable" if s.lag is None else f"{s.lag:,} messages"
    latency = (
        f"{s.latency_p50_ms:,} ms p50, {s.latency_p95_ms:,} ms p95" if s.latency_p50_ms is not None else "no batch yet"
    )
    print(
        f"topic {s.topic} at {s.bootstrap}\n"
        f"  batches      {s.batches:,} (last {s.last_batch_at or '-'}, {s.last_batch_seconds or 0:.2f} s)\n"
        f"  read         {s.read:,}\n"
        f"  ingested     {s.ingested:,}\n"
        f"  quarantined  {s.quarantined:,} ({s.malformed:,} malformed, {s.late:,} late, {s.invalid:,} invalid)\n"
        f"  erased       {s.erased:,} (subjects in the erasure ledger: never landed)\n"
        f"  lag          {lag}\n"
        f"  throughput   {s.events_per_second:,.0f} events/s over the last batches\n"
        f"  latency      {latency} (broker to visible)"
    )
    return 0


def register(sub: Any) -> None:
    stream = sub.add_parser("stream", help="events through Kafka into the warehouse, anonymized on arrival")
    ss = stream.add_subparsers(dest="stream_command", required=True)

    b = ss.add_parser("broker", help="run a local Kafka-protocol broker (tansu) until stopped")
    b.add_argument("--port", type=int, default=9092)
    b.add_argument("--host", default="127.0.0.1")
    b.set_defaults(func=cmd_broker, timed=False)

    p = ss.add_parser("produce", help="send generator events to the topic as the product would")
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--rate", type=float, default=None, help="events per second (default: as fast as possible)")
    p.add_argument("--seed", type=int, default=42, help="the batch dataset's seed: the same users")
    p.add_argument("--users", type=int, default=None, help="default: the users of the generated raw dataset")
    p.add_argument("--at", default=None, help="event time of the first event (ISO; default now)")
    p.add_argument("--dirty-rate", type=float, default=0.001, help="batch defects (as `veil generate`)")
    p.add_argument("--malformed-rate", type=float, default=0.001, help="malformed JSON or missing fields")
    p.add_argument("--late-rate", type=float, default=0.001, help="events beyond the lateness bound")
    p.set_defaults(func=cmd_produce)

    i = ss.add_parser("ingest", help="anonymize the topic's events into stream.events (Spark Structured Streaming)")
    i.add_argument("--once", action="store_true", help="ingest what the topic holds now, then stop")
    i.add_argument("--build", action="store_true", help="run the incremental dbt build and export after batches")
    i.add_argument("--build-every", type=float, default=60.0, help="seconds between builds with --build")
    i.add_argument("--max-per-batch", type=int, default=0, help="messages per micro-batch (0: no limit)")
    i.add_argument("--quiet", action="store_true", help="no line per batch")
    i.set_defaults(func=cmd_ingest)

    s = ss.add_parser("status", help="ingested, quarantined, late, lag, throughput and latency")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.set_defaults(func=cmd_status, timed=False)
