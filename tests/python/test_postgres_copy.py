"""The bulk load every PostgreSQL table goes through (`veil.warehouse.postgres.create_and_copy`): Parquet in
Arrow batches, encoded as COPY's binary format. Each column type the marts and raw tables use arrives with its
value unchanged, nulls and edge values included."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from veil.warehouse.postgres import arrow_postgres_type, create_and_copy, parquet_dataset, table_schema

UTC = dt.UTC
ROWS = {
    "name": ["O'Brien", "Zoë", "李", 'a "quoted", comma\nnewline\\', None],
    "n_int": pa.array([0, -2_147_483_648, 2_147_483_647, 7, None], pa.int32()),
    "n_big": pa.array([0, -(2**63), 2**63 - 1, 42, None], pa.int64()),
    "n_small": pa.array([0, -32768, 32767, 1, None], pa.int16()),
    "ratio": pa.array([0.1, -1e308, math.inf, 2.5, None], pa.float64()),
    "ratio32": pa.array([0.5, -3.0, 65536.5, 0.25, None], pa.float32()),  # exact in float32
    "flag": [True, False, True, False, None],
    "amount": pa.array(
        [Decimal("0.00"), Decimal("-123456789012.34"), Decimal("999999999999.99"), Decimal("0.05"), None],
        pa.decimal128(14, 2),
    ),
    "day": pa.array([dt.date(1969, 12, 31), dt.date(2000, 1, 1), dt.date(2026, 12, 1), dt.date(1, 1, 1), None]),
    "at": pa.array(
        [
            dt.datetime(1999, 12, 31, 23, 59, 59, 999999, UTC),
            dt.datetime(2000, 1, 1, tzinfo=UTC),
            dt.datetime(2026, 3, 29, 1, 30, 0, 123456, UTC),
            dt.datetime(1970, 1, 1, tzinfo=UTC),
            None,
        ],
        pa.timestamp("us", "UTC"),
    ),
    "local_at": pa.array(
        [dt.datetime(2026, 1, 1, 12), None, dt.datetime(1990, 6, 1), dt.datetime(2030, 1, 1), dt.datetime(2000, 1, 1)],
        pa.timestamp("ms"),
    ),
}


@pytest.fixture()
def parquet_folder(tmp_path: Path) -> Path:
    """The rows above in three hive partitions (`event_date=...`, one of them null as Spark writes it), in row
    groups smaller than one file."""
    table = pa.table(ROWS)
    for i, day in enumerate(("2026-11-30", "2026-12-01", "__HIVE_DEFAULT_PARTITION__")):
        folder = tmp_path / f"event_date={day}"
        folder.mkdir()
        pq.write_table(table, folder / "part-0.parquet", row_group_size=2)
        (folder / f".part-{i}.crc").write_bytes(b"not parquet")  # Spark's checksum files are skipped
    return tmp_path


def test_every_type_round_trips_through_binary_copy(parquet_folder, pg):
    schema = table_schema(parquet_dataset(str(parquet_folder)).schema)
    assert schema.field("event_date").type == pa.date32()  # the partition value, read as text, loads as a date
    with pg.cursor() as cur:
        create_and_copy(cur, "copy_test.every_type", schema, str(parquet_folder))
    types = dict(
        pg.execute(
            "select column_name, data_type from information_schema.columns where table_schema = 'copy_test' "
            "and table_name = 'every_type'"
        ).fetchall()
    )
    assert types["amount"] == "numeric" and types["at"] == "timestamp with time zone"
    assert types["ratio32"] == "real" and types["local_at"] == "timestamp without time zone"
    columns = ", ".join(f'"{c}"' for c in ROWS)
    loaded = pg.execute(f"select event_date, {columns} from copy_test.every_type").fetchall()
    pg.rollback()
    assert len(loaded) == 3 * len(ROWS["name"])
    table = pa.table(ROWS).to_pylist()
    for day in (dt.date(2026, 11, 30), dt.date(2026, 12, 1), None):
        got = sorted([_comparable(v) for v in row[1:]] for row in loaded if row[0] == day)
        want = sorted([_comparable(r[c]) for c in ROWS] for r in table)
        assert got == want


def _comparable(value: object) -> str:
    """A value as text both sides agree on (an aware time in UTC, whatever zone object carries it)."""
    if isinstance(value, dt.datetime) and value.tzinfo:
        return value.astimezone(UTC).isoformat()
    return repr(value)


def test_every_postgres_type_named_for_an_arrow_type_is_what_the_encoder_writes():
    """The table's column type and pgpq's binary encoding must agree, or COPY refuses the data."""
    import pgpq

    pairs = {
        pa.int16(): "Int2", pa.int32(): "Int4", pa.int64(): "Int8", pa.float32(): "Float4",
        pa.float64(): "Float8", pa.bool_(): "Bool", pa.string(): "Text", pa.date32(): "Date",
        pa.decimal128(14, 2): "Numeric", pa.timestamp("us", "UTC"): "Timestamp", pa.timestamp("us"): "Timestamp",
    }  # fmt: skip
    postgres = {"Int2": "smallint", "Int4": "integer", "Int8": "bigint", "Float4": "real",
                "Float8": "double precision", "Bool": "boolean", "Text": "text", "Date": "date",
                "Numeric": "numeric", "Timestamp": "timestamp"}  # fmt: skip
    for arrow_type, encoded in pairs.items():
        column = pgpq.ArrowToPostgresBinaryEncoder(pa.schema([("c", arrow_type)])).schema().columns[0]
        assert type(column.data_type).__name__ == encoded, arrow_type
        assert arrow_postgres_type(arrow_type).startswith(postgres[encoded]), arrow_type
