"""Stream benchmark: sustained ingest throughput and produce-to-visible latency through a real broker.

    DBT_ENV_SECRET_PSEUDONYM_KEY=... DBT_ENV_SECRET_PARTNER_KEY=... DBT_ENV_SECRET_SUBJECT_KEY=... \\
        .venv/bin/python bench/stream_bench.py [--events 1000000] [--rate 20000] [--seconds 30]

Starts a tansu broker on a free loopback port and works in a fresh home (a temporary folder; no raw dataset
is needed: produced events name users 1..--users). Two phases, one Spark session:

1. throughput: --events generator events are produced to the topic first, then `ingest --once` takes them
   in micro-batches of --batch messages; events/s = messages / seconds of the batches (JVM start and the
   staging SQL's compilation are shown apart);
   the table lists every batch, and "sustained" is the second half of the backlog (the batches that start
   after half of the messages are in: the first batches of a fresh JVM run interpreted and C1 code);
2. latency: the continuous ingest (--trigger seconds) runs while a producer process sends --rate events/s
   for --seconds (it generates its events first; the ingest starts when it begins to send); latency = broker
   timestamp of each message to the moment its batch's files are in stream.events (per-message, 100 ms
   resolution), p50 and p95.

Where the time goes: the batches' own phases (read from Kafka, stage and write: one Spark job; commit), summed.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _phases(batches: list) -> str:
    total: dict[str, float] = {}
    for b in batches:
        for k, v in b.phases.items():
            total[k] = total.get(k, 0.0) + v
    whole = sum(total.values()) or 1.0
    return ", ".join(f"{k} {v:.1f} s ({v / whole:.0%})" for k, v in total.items())


def _second_half(batches: list) -> list:
    """The batches that start after half of the messages were in (the JIT has compiled the hot paths)."""
    total, seen, out = sum(b.read for b in batches), 0, []
    for b in batches:
        if seen >= total / 2:
            out.append(b)
        seen += b.read
    return [b for b in out if b.read]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=250_000, help="messages per micro-batch in phase 1")
    parser.add_argument("--rate", type=float, default=20_000, help="events/s sent in phase 2")
    parser.add_argument("--seconds", type=float, default=30, help="length of phase 2")
    parser.add_argument("--trigger", type=float, default=1.0, help="micro-batch interval in phase 2")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="veil-stream-bench-"))
    port = _free_port()
    os.environ.update(
        VEIL_HOME=str(home),
        DBT_TARGET_PATH=str(home / "target"),
        DBT_LOG_PATH=str(home / "logs"),
        VEIL_KAFKA_BOOTSTRAP=f"127.0.0.1:{port}",
        VEIL_STREAM_TRIGGER_SECONDS=str(args.trigger),
        PYSPARK_PYTHON=os.environ.get("PYSPARK_PYTHON", sys.executable),
    )
    from veil.settings import settings
    from veil.stream.broker import ensure_topic, start_broker
    from veil.stream.ingest import ingest
    from veil.stream.produce import produce
    from veil.stream.status import latency_percentile
    from veil.warehouse.spark import get_spark

    cfg = settings()
    broker = start_broker(port)
    try:
        ensure_topic(broker.bootstrap, cfg.kafka_topic, cfg.kafka_partitions, cfg.kafka_retention_days)
        t = time.perf_counter()
        spark = get_spark()
        jvm = time.perf_counter() - t
        sent = produce(broker.bootstrap, cfg.kafka_topic, args.events, users=args.users)
        print(f"stream benchmark: {cfg.kafka_partitions} partitions on tansu at {broker.bootstrap}, home {home}")
        print(f"produced {sent.messages:,} events in {sent.seconds:.1f} s ({sent.rate:,.0f}/s); JVM start {jvm:.1f} s")

        t = time.perf_counter()
        first = ingest(spark, once=True, max_per_batch=args.batch)
        wall = time.perf_counter() - t
        busy = sum(b.seconds for b in first.batches)
        print("\nphase 1: backlog, batch by batch")
        print(f"{'batch':>6}{'messages':>10}{'s':>7}{'events/s':>10}  phases")
        for b in first.batches:
            phases = ", ".join(f"{k} {v:.2f}" for k, v in b.phases.items())
            print(f"{b.batch_id:>6}{b.read:>10,}{b.seconds:>7.2f}{b.read / b.seconds:>10,.0f}  {phases}")
        warm = _second_half(first.batches)
        warm_s = sum(b.seconds for b in warm)
        warm_n = sum(b.read for b in warm)
        print(f"{'':>6}{'messages':>10}{'batch s':>9}{'events/s':>10}{'wall s':>8}  where the time goes")
        print(
            f"{'all':>6}{first.read:>10,}{busy:>9.1f}{first.read / busy:>10,.0f}{wall:>8.1f}  "
            f"{_phases(first.batches)} (wall adds the staging SQL's compile and the query start)"
        )
        print(
            f"{'2nd ½':>6}{warm_n:>10,}{warm_s:>9.1f}{warm_n / warm_s if warm_s else 0:>10,.0f}{'':>8}  "
            f"{_phases(warm)} (sustained: the batches after the first half of the backlog, the JVM warm)"
        )

        n = int(args.rate * args.seconds)
        producer = subprocess.Popen(
            [sys.executable, "-m", "veil.cli", "stream", "produce", "--events", str(n), "--rate", str(args.rate),
             "--users", str(args.users), "--seed", "43"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert producer.stderr is not None
        for line in producer.stderr:  # the producer generates its events first: the clock starts when it sends
            if "sending" in line:
                break
        second = ingest(spark, once=False, stop_after=args.seconds + 15)
        producer.communicate()
        live = [b for b in second.batches if b.read]
        busy = sum(b.seconds for b in live)
        p50, p95 = latency_percentile(live, 0.5), latency_percentile(live, 0.95)
        mean_batch = busy / len(live) if live else 0.0
        print(f"\nphase 2: {args.rate:,.0f} events/s for {args.seconds:.0f} s, trigger {args.trigger:g} s")
        print(f"{'messages':>10}{'batches':>9}{'mean batch s':>14}{'p50 ms':>8}{'p95 ms':>8}  where the time goes")
        print(f"{second.read:>10,}{len(live):>9}{mean_batch:>14.2f}{p50 or 0:>8,}{p95 or 0:>8,}  {_phases(live)}")
        if second.read != n:
            print(f"phase 2 ingested {second.read:,} of {n:,} messages: the stop came first", file=sys.stderr)
    finally:
        broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
