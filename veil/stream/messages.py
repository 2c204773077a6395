"""The event message on the topic: a JSON object per event, keyed by the user id, with the raw events
table's columns (event_ts as ISO 8601 UTC). The one place that writes and reads it.

A message the ingest cannot turn into a row of the raw events' shape is *malformed*, with a reason:
`malformed_json` (not a JSON object), `missing_field:<name>` (a contract field absent) or
`bad_value:<name>` (a field of the wrong type). Null values are not malformed: staging's validation
quarantines them exactly as in batch.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any

import msgspec
import pyarrow as pa

FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("event_id", pa.int64()),
    ("user_id", pa.int64()),
    ("session_id", pa.int64()),
    ("event_ts", pa.timestamp("us", tz="UTC")),
    ("event_type", pa.string()),
    ("page_url", pa.string()),
    ("search_query", pa.string()),
    ("product_id", pa.string()),
    ("revenue", pa.float64()),
    ("currency", pa.string()),
    ("device", pa.string()),
    ("os", pa.string()),
    ("browser", pa.string()),
    ("user_agent", pa.string()),
    ("referrer", pa.string()),
    ("ip_address", pa.string()),
    ("country", pa.string()),
    ("gpc", pa.bool_()),
)
"""The raw events table's columns (without its event_date partition), in its order."""

REQUIRED = ("event_id", "user_id", "event_ts", "event_type")
"""Fields every message must carry (possibly as null)."""

KAFKA_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("kafka_partition", pa.int32()),
    ("kafka_offset", pa.int64()),
    ("kafka_ts", pa.timestamp("us", tz="UTC")),
    ("problem", pa.string()),
    ("value_length", pa.int32()),
)
"""Where a message came from, and why it cannot be a row (None when it can)."""

SCHEMA = pa.schema([*KAFKA_FIELDS, *FIELDS])

SPARK_TYPES = {
    pa.int32(): "int",
    pa.int64(): "bigint",
    pa.float64(): "double",
    pa.string(): "string",
    pa.bool_(): "boolean",
    pa.timestamp("us", tz="UTC"): "timestamp",
}
FIELDS_DDL = ", ".join(f"{name} {SPARK_TYPES[t]}" for name, t in FIELDS)
"""The raw events' columns as a Spark DDL string."""
SPARK_DDL = ", ".join([*(f"{name} {SPARK_TYPES[t]}" for name, t in KAFKA_FIELDS), FIELDS_DDL])
"""SCHEMA as a Spark DDL string (the data source's schema)."""


class Event(msgspec.Struct):
    """The message contract, checked by msgspec while it parses: the REQUIRED fields must be present (null
    allowed), every field must have its type (an integer is an integer, not a string or a boolean), event_ts
    an RFC 3339 time with its offset. Unknown fields are ignored."""

    event_id: int | None
    user_id: int | None
    event_ts: Annotated[dt.datetime, msgspec.Meta(tz=True)] | None
    event_type: str | None
    session_id: int | None = None
    page_url: str | None = None
    search_query: str | None = None
    product_id: str | None = None
    revenue: float | None = None
    currency: str | None = None
    device: str | None = None
    os: str | None = None
    browser: str | None = None
    user_agent: str | None = None
    referrer: str | None = None
    ip_address: str | None = None
    country: str | None = None
    gpc: bool | None = None


_DECODE = msgspec.json.Decoder(Event).decode
_ENCODER = msgspec.json.Encoder()
_MISSING = re.compile(r"missing required field `(\w+)`")
_AT = re.compile(r"at `\$\.(\w+)`")


def encode(row: dict[str, Any]) -> bytes:
    """One event (raw column name → value; event_ts a datetime or epoch microseconds) as the message value
    (UTF-8 JSON; event_ts RFC 3339 in UTC)."""
    ts = row.get("event_ts")
    if isinstance(ts, int):
        row = {**row, "event_ts": dt.datetime.fromtimestamp(ts / 1_000_000, dt.UTC)}
    elif isinstance(ts, dt.datetime) and ts.tzinfo is not None and ts.utcoffset():
        row = {**row, "event_ts": ts.astimezone(dt.UTC)}
    return _ENCODER.encode(row)


def _problem(value: bytes, error: msgspec.MsgspecError) -> str:
    """The reason for a message msgspec refused: its error names the field; missing fields are all listed."""
    if isinstance(error, msgspec.ValidationError):
        if _MISSING.search(str(error)):
            present = json.loads(value)
            return "missing_field:" + ",".join(name for name in REQUIRED if name not in present)
        if field := _AT.search(str(error)):
            return f"bad_value:{field.group(1)}"
    return "malformed_json"  # not JSON, or JSON but not an object


def decode_event(value: bytes | None) -> tuple[Event | None, str | None]:
    """(the event, None) or (None, the reason the message is malformed)."""
    if not value:
        return None, "malformed_json"
    try:
        return _DECODE(value), None
    except msgspec.MsgspecError as error:
        return None, _problem(value, error)


def decode(value: bytes | None) -> tuple[dict[str, Any] | None, str | None]:
    """(the event's fields by name, None) or (None, the reason the message is malformed)."""
    event, problem = decode_event(value)
    return (msgspec.structs.asdict(event) if event else None), problem


def record_batch(messages: list[tuple[int, int, int, bytes | None]]) -> pa.RecordBatch:
    """(partition, offset, timestamp ms, value) messages as one batch of SCHEMA: typed fields for the
    well-formed ones, the reason and the value's length (never the value) for the others."""
    decoded = [decode_event(m[3]) for m in messages]
    columns: dict[str, list[Any]] = {
        "kafka_partition": [m[0] for m in messages],
        "kafka_offset": [m[1] for m in messages],
        "kafka_ts": [m[2] * 1000 for m in messages],
        "problem": [problem for _, problem in decoded],
        "value_length": [len(m[3]) if m[3] else 0 for m in messages],
    }
    events = [event for event, _ in decoded]
    for name, _ in FIELDS:
        columns[name] = [getattr(e, name, None) for e in events]
    return pa.RecordBatch.from_pydict(columns, schema=SCHEMA)
