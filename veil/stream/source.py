"""`veil_kafka`: a PySpark streaming data source reading a Kafka topic at explicit offsets.

Offsets are `{"<partition>": <next offset>}`; Spark writes each micro-batch's planned range to its checkpoint
before the batch runs, so a restarted query re-reads exactly the same messages. Each Kafka partition (or a
slice of a long one) is one Spark task, read by `assign()` from its start offset to its end offset with no
consumer group. Rows carry their partition, offset, broker timestamp and, for a message that is not a valid
event, the reason and the value's length instead of its fields (veil.stream.messages).

Options: `bootstrap`, `topic`, `maxPerBatch` (messages per micro-batch; 0: no limit).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql.datasource import DataSource, DataSourceStreamReader, InputPartition
from pyspark.sql.streaming.datasource import ReadAllAvailable, ReadMaxRows, SupportsTriggerAvailableNow

from veil.stream.messages import SPARK_DDL, record_batch

SLICE = 200_000
"""Messages of one partition per Spark task at most (a long backlog is read by several tasks)."""
READ_BATCH = 20_000
"""Messages per Arrow batch handed to Spark."""


@dataclass
class OffsetRange(InputPartition):
    partition: int
    start: int
    end: int


class VeilKafkaSource(DataSource):
    @classmethod
    def name(cls) -> str:
        return "veil_kafka"

    def schema(self) -> str:
        return SPARK_DDL

    def streamReader(self, schema: Any) -> DataSourceStreamReader:
        return VeilKafkaReader(dict(self.options))


class VeilKafkaReader(DataSourceStreamReader, SupportsTriggerAvailableNow):
    def __init__(self, options: dict[str, str]) -> None:
        from veil.stream.broker import topics

        options = {k.lower(): v for k, v in options.items()}  # Spark hands options over case-insensitively
        self.bootstrap = options["bootstrap"]
        self.topic = options["topic"]
        self.max_per_batch = int(options.get("maxperbatch", "0"))
        self.partitions_n = topics(self.bootstrap)[self.topic]
        self.target: dict[str, int] | None = None

    def initialOffset(self) -> dict:
        return {str(p): 0 for p in range(self.partitions_n)}

    def _end(self, start: dict | None = None) -> dict[str, int]:
        from veil.stream.broker import end_offsets

        near = {int(p): int(o) for p, o in (start or {}).items()}
        return {str(p): o for p, o in end_offsets(self.bootstrap, self.topic, self.partitions_n, near).items()}

    def prepareForTriggerAvailableNow(self) -> None:
        self.target = self._end()

    def getDefaultReadLimit(self) -> Any:
        return ReadMaxRows(self.max_per_batch) if self.max_per_batch else ReadAllAvailable()

    def latestOffset(self, start: dict, limit: Any) -> dict:
        end = self.target if self.target is not None else self._end(start)
        end = {p: max(end.get(p, 0), start.get(p, 0)) for p in set(end) | set(start)}
        if isinstance(limit, ReadMaxRows):
            budget, capped = limit.max_rows, {}
            waiting = {p: end[p] - start.get(p, 0) for p in sorted(end, key=int)}
            share = max(1, budget // max(1, sum(1 for n in waiting.values() if n)))
            for p, n in waiting.items():
                take = min(n, share, budget)
                capped[p] = start.get(p, 0) + take
                budget -= take
            end = capped
        return {p: end[p] for p in sorted(end, key=int)}  # Spark compares offsets as JSON text

    def reportLatestOffset(self) -> dict | None:
        return self.target

    def partitions(self, start: dict, end: dict) -> Sequence[InputPartition]:
        out: list[InputPartition] = []
        for p in sorted(end, key=int):
            lo, hi = start.get(p, 0), end[p]
            out.extend(OffsetRange(int(p), a, min(a + SLICE, hi)) for a in range(lo, hi, SLICE))
        return out

    def read(self, partition: InputPartition) -> Iterator[Any]:
        from confluent_kafka import TopicPartition

        assert isinstance(partition, OffsetRange)
        consumer = _consumer(self.bootstrap)
        try:
            consumer.assign([TopicPartition(self.topic, partition.partition, partition.start)])
            position, pending, idle = partition.start, [], 0
            while position < partition.end:
                got = consumer.consume(num_messages=min(5_000, partition.end - position), timeout=1.0)
                if not got:
                    idle += 1
                    if idle > 30:
                        raise RuntimeError(
                            f"{self.topic}[{partition.partition}]: no message at offset {position} for 30 s "
                            f"(the range ends at {partition.end})"
                        )
                    continue
                idle = 0
                for m in got:
                    offset = m.offset()
                    if m.error() is not None or offset is None:
                        raise RuntimeError(f"{self.topic}[{partition.partition}]: {m.error()}")
                    if offset < position:
                        continue
                    if offset >= partition.end:
                        break
                    pending.append((partition.partition, offset, m.timestamp()[1], m.value()))
                    position = offset + 1
                if len(pending) >= READ_BATCH or position >= partition.end:
                    yield record_batch(pending)
                    pending = []
        except BaseException:
            _CONSUMERS.pop(self.bootstrap, None)
            consumer.close()
            raise
        consumer.unassign()  # no prefetching between tasks

    def commit(self, end: dict) -> None:
        pass


_CONSUMERS: dict[str, Any] = {}
"""One consumer per bootstrap in a Python worker, kept between tasks (Spark reuses its Python workers): a
micro-batch's read starts without a new connection to the broker."""


def _consumer(bootstrap: str) -> Any:
    from confluent_kafka import Consumer

    if bootstrap not in _CONSUMERS:
        _CONSUMERS[bootstrap] = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": "veil-ingest",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "fetch.max.bytes": 16 * 1024 * 1024,
                "max.partition.fetch.bytes": 8 * 1024 * 1024,
            }
        )
    return _CONSUMERS[bootstrap]
