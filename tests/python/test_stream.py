"""The event stream against a real Kafka-protocol broker (tansu, started here): messages anonymized on arrival
by staging's own SQL, malformed and late ones accounted for, erasure and consent taking effect for later
messages, the incremental build and export picking the events up, and no raw identifier in what the stream
wrote. The exactly-once test kills an ingest process of its own mid-batch.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from veil.stream.messages import FIELDS, decode, encode, record_batch

from conftest import E2E_SEED, E2E_USERS, ROOT, SHORT_LIVED_JVM, TODAY, consent_changed, free_port

AT = dt.datetime.fromisoformat(TODAY).replace(tzinfo=dt.UTC) - dt.timedelta(hours=12)
"""Event time of the first streamed event: before the tests' fixed today, so no event is in the future."""


def _send(bootstrap: str, topic: str, rows: list[dict]) -> None:
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap})
    for row in rows:
        producer.produce(topic, key=str(row["user_id"]).encode(), value=encode(row))
    assert producer.flush(30) == 0


def _rows(spark: Any, sql: str) -> list[Any]:
    return spark.sql(sql).collect()


# --- messages: no broker needed ---------------------------------------------------------------------------


def test_a_message_keeps_every_field_and_unicode_names():
    row = {name: None for name, _ in FIELDS}
    row.update(event_id=1, user_id=2, event_ts=dt.datetime(2026, 11, 30, 1, 2, 3, 456789, tzinfo=dt.UTC))
    row.update(event_type="search", search_query="Zoë O'Brien 李", revenue=1.5, gpc=True)
    event, problem = decode(encode(row))
    assert problem is None and event == row


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b'{"event_id": 1, "user_id": 2', "malformed_json"),
        (b"[1, 2]", "malformed_json"),
        (b"", "malformed_json"),
        (b'{"event_id": 1, "user_id": 2}', "missing_field:event_ts,event_type"),
        (b'{"event_id": "x", "user_id": 2, "event_ts": null, "event_type": null}', "bad_value:event_id"),
        (b'{"event_id": 1, "user_id": 2, "event_ts": "yesterday", "event_type": "click"}', "bad_value:event_ts"),
        (b'{"event_id": 1, "user_id": 2, "event_ts": "2026-11-30T01:02:03", "event_type": "x"}', "bad_value:event_ts"),
        (b'{"event_id": true, "user_id": 2, "event_ts": null, "event_type": null}', "bad_value:event_id"),
    ],
)
def test_a_malformed_message_gets_its_reason_and_length_never_its_value(value, reason):
    batch = record_batch([(1, 42, 1_700_000_000_000, value)]).to_pylist()[0]
    assert batch["problem"] == reason
    assert batch["value_length"] == len(value)
    assert all(batch[name] is None for name, _ in FIELDS)


def test_a_batch_of_good_and_bad_messages_keeps_each_row_with_its_message():
    good = {name: None for name, _ in FIELDS} | {"event_id": 7, "user_id": 8, "event_type": "click"}
    good["event_ts"] = dt.datetime(2026, 11, 30, 1, 2, 3, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    values = [b"{", encode(good), None, encode({**good, "event_id": 9, "search_query": "Zoë O'Brien 李"})]
    rows = record_batch([(0, offset, 1_700_000_000_000, v) for offset, v in enumerate(values)]).to_pylist()
    assert [r["kafka_offset"] for r in rows] == [0, 1, 2, 3]
    assert [r["problem"] for r in rows] == ["malformed_json", None, "malformed_json", None]
    assert [r["event_id"] for r in rows] == [None, 7, None, 9]
    assert rows[1]["event_ts"] == dt.datetime(2026, 11, 29, 23, 2, 3, tzinfo=dt.UTC)
    assert rows[3]["search_query"] == "Zoë O'Brien 李"


# --- the stream into the shared warehouse ------------------------------------------------------------------


@pytest.fixture(scope="module")
def broker(home: Path) -> Any:
    from veil.stream.broker import ensure_topic, start_broker

    b = start_broker(free_port())
    ensure_topic(b.bootstrap, "app.events.test", 2, 30)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEIL_KAFKA_BOOTSTRAP", b.bootstrap)
        mp.setenv("VEIL_KAFKA_TOPIC", "app.events.test")
        mp.setenv("VEIL_STREAM_LATENESS_SECONDS", "600")
        shutil.rmtree(home / "warehouse" / "stream", ignore_errors=True)  # a checkpoint of another broker's
        yield b
    b.stop()


@pytest.fixture(scope="module")
def streamed(spark, mutable_warehouse, broker) -> dict:
    """Subject V withdraws analytics consent at W. Round A: generator events, one raw batch event replayed,
    malformed messages, and messages of V (after W) and of subject E; ingested. Round B: late events;
    ingested. Then the incremental build and export, E's erasure, and round C: E's new messages, ingested."""
    from veil.compliance.consent import record_consent
    from veil.compliance.erase import erase
    from veil.compliance.subjects import pseudonym
    from veil.stream.ingest import incremental_build, ingest
    from veil.stream.produce import produce

    topic = os.environ["VEIL_KAFKA_TOPIC"]
    replay = _rows(
        spark,
        "select r.* from raw.events r join staging.stg_app__events s on r.event_id = s.event_id "
        "where s.quarantine_reason is null and r.search_query rlike '@' and r.ip_address is not null "
        "order by r.event_id limit 1",
    )[0].asDict()
    replay.pop("event_date")
    replay["event_ts"] = replay["event_ts"].replace(tzinfo=dt.UTC)  # Spark hands back naive UTC times
    taken = consent_changed(spark)
    staged_users = {r[0] for r in _rows(spark, "select user_key from staging.stg_app__users")}
    users = [r[0] for r in _rows(spark, "select user_id from raw.users where user_id is not null order by user_id")]
    e_id, v_id = [
        uid
        for uid in users
        if pseudonym(uid) in staged_users and pseudonym(uid) not in taken and uid != replay["user_id"]
    ][:2]
    withdrawn_at = AT + dt.timedelta(minutes=1)
    record_consent(spark, str(v_id), "analytics", "withdrawn", recorded_at=withdrawn_at)

    def own(uid: int, first: int, at: dt.datetime) -> list[dict]:
        fixed = {name: None for name, _ in FIELDS} | {"event_type": "login", "country": "DE", "gpc": False}
        fixed |= {"user_id": uid, "session_id": first}
        return [fixed | {"event_id": first + i, "event_ts": at + dt.timedelta(seconds=i)} for i in range(4)]

    a = produce(broker.bootstrap, topic, 3_000, users=E2E_USERS, seed=E2E_SEED, at=AT, malformed_rate=0.02,
                late_rate=0.0, dirty_rate=0.0)  # fmt: skip
    sent_a = [replay, *own(e_id, 9 * 10**17, AT), *own(v_id, 9 * 10**17 + 10, withdrawn_at + dt.timedelta(seconds=1))]
    _send(broker.bootstrap, topic, sent_a)
    round_a = ingest(spark, once=True)
    # round B's events start where round A's did: its late ones are behind A's newest by more than the bound
    b = produce(broker.bootstrap, topic, 2_000, users=E2E_USERS, seed=E2E_SEED + 1, at=AT,
                malformed_rate=0.0, late_rate=0.05, dirty_rate=0.0)  # fmt: skip
    round_b = ingest(spark, once=True)
    incremental_build(spark, round_a.batches + round_b.batches)

    e_rows_before = _rows(spark, f"select count(*) from stream.events where user_key = '{pseudonym(e_id)}'")[0][0]
    receipt = erase(spark, str(e_id))
    sent_c = own(e_id, 9 * 10**17 + 20, AT + dt.timedelta(minutes=7))
    _send(broker.bootstrap, topic, sent_c)
    round_c = ingest(spark, once=True)
    return {
        "a": a, "b": b, "replay": replay, "rounds": [round_a, round_b, round_c], "e": e_id, "v": v_id,
        "e_rows_before": e_rows_before, "receipt": receipt, "withdrawn_at": withdrawn_at,
        "own": len(sent_a) + len(sent_c),
    }  # fmt: skip


def _batches(streamed: dict) -> list:
    return [m for r in streamed["rounds"] for m in r.batches]


def test_every_message_is_clean_quarantined_or_erased_per_batch(spark, streamed):
    batches = _batches(streamed)
    for m in batches:
        assert m.read == m.clean + m.quarantined + m.erased, m
    sent = streamed["a"].messages + streamed["b"].messages + streamed["own"]
    assert sum(m.read for m in batches) == sent
    malformed = streamed["a"].kinds["malformed_json"] + streamed["a"].kinds["missing_fields"]
    assert malformed > 0
    assert sum(m.malformed for m in batches) == malformed
    quarantine = _rows(spark, "select reason, value_length, kafka_offset from stream.quarantine")
    assert len(quarantine) == malformed
    assert {r.reason.split(":")[0] for r in quarantine} == {"malformed_json", "missing_field"}
    assert all(r.value_length > 0 and r.kafka_offset >= 0 for r in quarantine)
    assert "value" not in spark.table("stream.quarantine").columns


def test_late_events_are_counted_and_landed_as_quarantined(spark, streamed):
    produced = streamed["b"].kinds["late"]
    late = sum(m.late for m in streamed["rounds"][1].batches)
    erased = sum(m.erased for m in streamed["rounds"][1].batches)  # subjects other modules erased: never landed
    assert late > 0 and produced - erased <= late <= produced  # out-of-order ones within the bound are not late
    assert _rows(spark, "select count(*) from stream.events where quarantine_reason = 'late_event'")[0][0] == late
    quarantined = "select count(*) from privacy.quarantine where quarantine_reason = 'late_event'"
    assert _rows(spark, quarantined)[0][0] == late


def test_a_streamed_event_and_the_same_event_through_batch_staging_are_identical(spark, streamed):
    event_id = streamed["replay"]["event_id"]
    copies = _rows(spark, f"select * from staging.stg_app__events where event_id = {event_id}")
    assert len(copies) == 2  # the batch's row and the stream's
    assert copies[0].asDict() == copies[1].asDict()
    assert "<EMAIL>" in copies[0].search_query and copies[0].ip_prefix.endswith(".0/24")


def test_erasure_removes_streamed_rows_and_blocks_the_subjects_later_messages(spark, streamed):
    from veil.compliance.subjects import pseudonym

    key = pseudonym(streamed["e"])
    assert streamed["e_rows_before"] > 0
    assert _rows(spark, f"select count(*) from stream.events where user_key = '{key}'")[0][0] == 0
    assert sum(m.erased for m in streamed["rounds"][2].batches) == 4
    topic = [s for s in streamed["receipt"].stores if s.store.startswith("event stream")]
    assert len(topic) == 1 and "retention.ms" in topic[0].verification and "30 days" in topic[0].verification
    assert streamed["receipt"].derived_tables == "erased in place"
    stream_store = [s for s in streamed["receipt"].stores if s.store == "spark:stream.events"]
    assert stream_store and stream_store[0].remaining == 0


def test_withdrawn_consent_applies_to_messages_ingested_after_it(spark, streamed, pg):
    from veil.compliance.subjects import pseudonym

    key, at = pseudonym(streamed["v"]), f"timestamp'{streamed['withdrawn_at']:%Y-%m-%d %H:%M:%S}'"
    assert _rows(spark, f"select count(*) from stream.events where user_key = '{key}' and event_ts >= {at}")[0][0] >= 4
    assert (
        _rows(spark, f"select count(*) from marts.fct_events where user_key = '{key}' and event_ts >= {at}")[0][0] == 0
    )
    exported = "select count(*) from analytics.fct_events where user_key = %s and event_ts >= %s"
    assert pg.execute(exported, (key, streamed["withdrawn_at"])).fetchone()[0] == 0


def test_the_incremental_build_and_export_pick_the_stream_up(spark, streamed, pg):
    first = streamed["a"].first_event_id
    in_marts = _rows(spark, f"select count(*) from marts.fct_events where event_id >= {first}")[0][0]
    consented = _rows(
        spark,
        f"select count(*) from intermediate.int_events_consented where event_id >= {first} and has_analytics_consent",
    )[0][0]
    assert in_marts == consented > 1_000
    assert (
        pg.execute("select count(*) from analytics.fct_events where event_id >= %s", (first,)).fetchone()[0] == in_marts
    )


def test_status_reports_the_totals_as_json_on_stdout(streamed):
    done = subprocess.run([sys.executable, "-m", "veil.cli", "stream", "status", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, env=os.environ)  # fmt: skip
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    batches = _batches(streamed)
    assert status["ingested"] == sum(m.clean for m in batches)
    assert status["quarantined"] == sum(m.quarantined for m in batches)
    assert status["late"] == sum(m.late for m in batches) > 0
    assert status["lag"] == 0


def _strings_in(path: Path) -> list[str]:
    """Every string value in a Parquet file (all columns), or the file's text."""
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        return [str(v) for col in table.columns for v in col.to_pylist() if isinstance(v, str)]
    return [path.read_bytes().decode("utf-8", "replace")]


def test_no_raw_identifier_in_any_file_the_stream_wrote(spark, streamed, home):
    from confluent_kafka import Consumer, TopicPartition

    from veil.warehouse.spark import table_location

    topic = os.environ["VEIL_KAFKA_TOPIC"]
    consumer = Consumer({"bootstrap.servers": os.environ["VEIL_KAFKA_BOOTSTRAP"], "group.id": "pii-scan"})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(2)])
    sent = []
    while batch := consumer.consume(5_000, timeout=2.0):
        sent.extend(m.value() for m in batch)
    consumer.close()
    assert len(sent) == sum(m.read for m in _batches(streamed))
    events = [e for e, _ in map(decode, sent) if e is not None]
    users = {e["user_id"] for e in events if e["user_id"]}
    identifiers = {e["ip_address"] for e in events if e["ip_address"]}
    names = set()
    for r in _rows(
        spark, f"select email, phone, last_name from raw.users where user_id in ({','.join(map(str, users))})"
    ):
        identifiers |= {v for v in (r.email, r.phone) if v}
        if r.last_name and len(r.last_name) >= 5:
            names.add(r.last_name)
    assert len(identifiers) > 1_500
    files = [p for p in (home / "warehouse" / "stream").rglob("*") if p.is_file()]
    for table in ("stream.events", "stream.quarantine"):
        files += [
            p for p in Path(table_location(spark, table)).rglob("*") if p.is_file() and not p.name.startswith(".")
        ]
    assert any(p.suffix == ".parquet" for p in files) and any(p.name == "metrics.jsonl" for p in files)
    for path in files:
        text = "\n".join(_strings_in(path))
        tokens = set(re.findall(r"[^\s\"',;<>()]+@[^\s\"',;<>()]+|[0-9a-fA-F:.]{7,}", text))
        assert not tokens & identifiers, f"{path.relative_to(home)} holds a raw e-mail or IP address"
        assert not [i for i in identifiers if i.startswith("+") and i in text], f"{path.relative_to(home)}: phone"
        # free text is redacted by staging's rules (e-mail, IP, card, phone); a name typed into a search stays
        # as batch staging leaves it, so names are looked for everywhere but in search_query
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            text = "\n".join(str(v) for c in table.column_names if c != "search_query"
                             for v in table.column(c).to_pylist() if isinstance(v, str))  # fmt: skip
        assert not [n for n in names if n in text], f"{path.relative_to(home)} holds a name"


# --- exactly once across a kill -9 -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def stream_home(tmp_path_factory: Any, yield_cpu_to_the_shared_warehouse: None) -> Path:
    """An empty home of its own: the killed ingest is a Spark process with its own metastore."""
    home = tmp_path_factory.mktemp("stream") / "home"
    home.mkdir(mode=0o700)
    return home


def _batch_in_flight(checkpoint: Path) -> bool:
    planned = {p.name for p in (checkpoint / "offsets").glob("[0-9]*")}
    committed = {p.name for p in (checkpoint / "commits").glob("[0-9]*")}
    return bool(planned - committed) and len(committed) >= 2


def test_exactly_once_into_the_table_across_a_kill_of_the_ingest_mid_batch(stream_home):
    from veil.stream.broker import ensure_topic, start_broker
    from veil.stream.produce import produce

    broker = start_broker(free_port())
    try:
        ensure_topic(broker.bootstrap, "app.events", 2, 30)
        env = {**os.environ, "VEIL_HOME": str(stream_home), "DBT_TARGET_PATH": str(stream_home / "target"),
               "DBT_LOG_PATH": str(stream_home / "logs"), "VEIL_KAFKA_BOOTSTRAP": broker.bootstrap,
               "VEIL_KAFKA_TOPIC": "app.events", "VEIL_SPARK_JAVA_OPTIONS": SHORT_LIVED_JVM}  # fmt: skip
        sent = produce(broker.bootstrap, "app.events", 6_000, users=300, seed=3, at=AT, dirty_rate=0.0,
                       malformed_rate=0.01, late_rate=0.0)  # fmt: skip
        command = [sys.executable, "-m", "veil.cli", "stream", "ingest", "--once", "--max-per-batch", "1500"]
        checkpoint = stream_home / "warehouse" / "stream" / "checkpoint"
        first = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        deadline = time.monotonic() + 300
        while not _batch_in_flight(checkpoint) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert first.poll() is None, (
            "the ingest ended before it could be killed mid-batch: " + first.stdout.read()[-2000:]
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_in = max(int(p.name) for p in (checkpoint / "offsets").glob("[0-9]*"))

        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr[-3000:]
        assert f"batch {killed_in}:" in again.stdout  # the interrupted batch ran again, from its planned offsets
    finally:
        broker.stop()

    tables = stream_home / "warehouse" / "spark-warehouse" / "stream.db"
    events = pq.ParquetDataset(tables / "events").read(columns=["event_id"]).column("event_id").to_pylist()
    malformed = sent.kinds["malformed_json"] + sent.kinds["missing_fields"]
    assert malformed > 0
    assert len(events) == sent.messages - malformed
    assert len(set(events)) == len(events)
    assert pq.ParquetDataset(tables / "quarantine").read().num_rows == malformed
