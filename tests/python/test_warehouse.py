"""End to end on a small dataset: generate → dbt build on Spark → export to PostgreSQL, then checks."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from veil.warehouse.dbt import invoke_dbt, run_dbt
from veil.warehouse.export import export_schema
from veil.warehouse.project import exported_models

from conftest import E2E_DIRTY_RATE, E2E_EVENTS, E2E_USERS

pytestmark = pytest.mark.e2e
EMAIL_SHAPE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
SPARK_SCHEMAS = ("staging", "intermediate", "marts", "privacy", "history")
OUTPUT_SCHEMAS = ("marts", "history")


def _count(spark, sql: str) -> int:
    return spark.sql(sql).collect()[0][0]


def test_raw_rows_reconcile_with_clean_plus_quarantined(spark, warehouse):
    for table, clean in (
        ("users", "staging.stg_app__users"),
        ("consents", "staging.stg_app__consents"),
        ("events", "intermediate.int_events_validated"),
    ):
        raw = _count(spark, f"select count(*) from raw.{table}")
        good = _count(spark, f"select count(*) from {clean} where quarantine_reason is null")
        bad = _count(spark, f"select count(*) from privacy.quarantine where source_table = '{table}'")
        assert raw == good + bad, (table, raw, good, bad)
        assert raw == warehouse["summary"].rows[table]


def test_quarantine_holds_every_defect_kind_at_the_generated_rate(spark, warehouse):
    reasons = {
        r[0]: r[1] for r in spark.sql("select quarantine_reason, count(*) from privacy.quarantine group by 1").collect()
    }
    for reason in (
        "null_user_id",
        "unknown_user_id",
        "unknown_event_type",
        "future_event_ts",
        "duplicate_event_id",
        "malformed_email",
        "malformed_phone",
    ):
        assert reasons.get(reason, 0) > 0, (reason, reasons)
    events = sum(
        n
        for r, n in reasons.items()
        if r in ("null_user_id", "unknown_user_id", "unknown_event_type", "future_event_ts", "duplicate_event_id")
    )
    assert events == round(E2E_EVENTS * E2E_DIRTY_RATE)
    assert reasons["malformed_email"] + reasons["malformed_phone"] == round(E2E_USERS * E2E_DIRTY_RATE)


def test_names_round_trip_through_spark_unchanged(spark, warehouse, home):
    parquet = ds.dataset(home / "warehouse" / "raw" / "users").to_table(columns=["user_id", "first_name", "last_name"])
    expected = set(zip(*(parquet.column(c).to_pylist() for c in ("user_id", "first_name", "last_name")), strict=True))
    got = {tuple(r) for r in spark.sql("select user_id, first_name, last_name from raw.users").collect()}
    assert got == expected
    last_names = {r[2] for r in got}
    assert any("'" in n for n in last_names)  # O'Brien, O'Connor ...
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in last_names)  # 李, 王 ...


def test_pseudonyms_match_python_hmac_on_spark(spark, warehouse, pseudonym_key):
    rows = spark.sql("select user_id from raw.users where user_id is not null order by user_id limit 25").collect()
    keys = {r[0] for r in spark.sql("select user_key from staging.stg_app__users").collect()}
    for (user_id,) in rows:
        expected = hmac.new(pseudonym_key.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
        assert expected in keys


def _show(sql: str, target: str) -> str:
    result = invoke_dbt(["show", "--inline", sql, "--target", target, "--output", "json", "--log-format", "json"])
    assert result.success, target
    return result.result.results[0].agate_table.rows[0][0]


def test_same_value_pseudonymizes_identically_on_spark_postgres_and_python(
    spark, warehouse, pseudonym_key, monkeypatch, pg_url
):
    monkeypatch.setenv("VEIL_PGDATABASE", pg_url.rsplit("/", 1)[1])
    value = "Zoë O'Brien 李"
    sql = 'select {{ veil.pseudonymize(veil.sql_string("' + value + '")) }} as k'
    python = hmac.new(pseudonym_key.encode(), value.encode(), hashlib.sha256).hexdigest()
    assert _show(sql, "spark") == python
    assert _show(sql, "postgres") == python


def test_privacy_macros_equal_expected_on_postgres(warehouse, monkeypatch, pg_url):
    monkeypatch.setenv("VEIL_PGDATABASE", pg_url.rsplit("/", 1)[1])
    assert run_dbt(["build", "--target", "postgres", "--select", "tag:macros"])


def _raw_pii(spark) -> set[str]:
    rows = spark.sql("""select email, phone, ip_address, street_address, concat(first_name, ' ', last_name)
                        from raw.users""").collect()
    values = {v for row in rows for v in row if v}
    values |= {r[0] for r in spark.sql("select distinct ip_address from raw.events").collect() if r[0]}
    return values


def test_no_raw_personal_data_in_any_spark_output_table(spark, warehouse):
    pii = _raw_pii(spark)
    checked = 0
    for schema in SPARK_SCHEMAS:  # every schema dbt builds, staging and intermediate included
        for table in [r.tableName for r in spark.sql(f"show tables in {schema}").collect() if not r.isTemporary]:
            df = spark.table(f"{schema}.{table}")
            for field in df.schema.fields:
                if field.dataType.simpleString() != "string":
                    continue
                values = {r[0] for r in df.select(field.name).distinct().collect() if r[0]}
                leaked = values & pii
                assert not leaked, f"{schema}.{table}.{field.name} holds raw personal data ({len(leaked)} values)"
                assert not any(EMAIL_SHAPE.search(v) for v in values), f"{schema}.{table}.{field.name}: e-mail"
                checked += 1
    assert checked > 60


def test_no_raw_personal_data_in_postgres_analytics(spark, warehouse, pg):
    pii = _raw_pii(spark)
    columns = pg.execute("""select table_name, column_name from information_schema.columns
                            where table_schema = 'analytics' and data_type = 'text'""").fetchall()
    assert len(columns) > 10
    for table, column in columns:
        values = {r[0] for r in pg.execute(f'select distinct "{column}" from analytics."{table}"') if r[0]}
        assert not values & pii, f"analytics.{table}.{column} holds raw personal data"
        assert not any(EMAIL_SHAPE.search(v) for v in values), f"analytics.{table}.{column}: e-mail"


EXPECTED_POSTGRES_TYPES = {
    "string": "text",
    "bigint": "bigint",
    "int": "integer",
    "double": "double precision",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp with time zone",
    "decimal(14,2)": "numeric(14,2)",
    "decimal(18,2)": "numeric(18,2)",
}
"""Spark type of a mart column -> the PostgreSQL type an analyst should find (written out by hand)."""


def test_export_row_counts_and_types_match_spark(spark, warehouse, pg):
    exported = warehouse["exported"]
    assert {
        "analytics.dim_users",
        "analytics.fct_events",
        "analytics.fct_sessions",
        "analytics.rpt_active_users",
        "analytics.rpt_funnel_conversion",
        "analytics.rpt_retention_cohorts",
        "analytics.rpt_revenue",
    } <= set(exported)
    for node in exported_models():
        name, schema = node["name"], export_schema(node)
        spark_df = spark.table(f"{node['schema']}.{name}")
        rows = exported[f"{schema}.{name}"]
        assert pg.execute(f"select count(*) from {schema}.{name}").fetchone()[0] == spark_df.count() == rows
        pg_types = dict(
            pg.execute(
                """select attname, format_type(atttypid, atttypmod) from pg_attribute
            where attrelid = %s::regclass and attnum > 0 and not attisdropped""",
                (f"{schema}.{name}",),
            ).fetchall()
        )
        for field in spark_df.schema.fields:
            assert pg_types[field.name] == EXPECTED_POSTGRES_TYPES[field.dataType.simpleString()], (name, field.name)


def test_interrupted_export_keeps_the_previous_table(spark, warehouse, pg, monkeypatch):
    import veil.warehouse.export as export
    import veil.warehouse.postgres as postgres

    before = pg.execute("select count(*) from analytics.rpt_revenue").fetchone()[0]
    node = next(n for n in exported_models() if n["name"] == "rpt_revenue")
    real = postgres.copy_chunks

    def interrupted(location, schema):
        chunks = real(location, schema)
        yield next(chunks)  # the header
        yield next(chunks)  # the first batch
        raise RuntimeError("connection lost mid-copy")

    monkeypatch.setattr(postgres, "copy_chunks", interrupted)
    with export.connect() as conn, pytest.raises(RuntimeError):
        export.export_table(spark, conn, node)
    assert pg.execute("select count(*) from analytics.rpt_revenue").fetchone()[0] == before
    assert not pg.execute("select to_regclass('analytics.rpt_revenue__loading')").fetchone()[0]


def test_an_export_that_fails_midway_changes_no_table(spark, warehouse, pg, monkeypatch):
    """All marts of a run are swapped in together: a failure at the last model leaves every table as it was,
    with no loading copy behind; a complete export then gives every table the same run id."""
    import veil.warehouse.export as export

    def runs() -> dict:
        rows = pg.execute(
            """select n.nspname || '.' || c.relname, obj_description(c.oid, 'pg_class') from pg_class as c
               join pg_namespace as n on n.oid = c.relnamespace
               where n.nspname in ('analytics', 'dp_query') and c.relkind = 'r'"""
        ).fetchall()
        pg.commit()
        return dict(rows)

    before = runs()
    last = exported_models()[-1]["name"]
    real = export.load_table

    def killed_at_the_last(spark, conn, node):
        if node["name"] == last:
            raise RuntimeError("killed")
        return real(spark, conn, node)

    monkeypatch.setattr(export, "load_table", killed_at_the_last)
    with pytest.raises(RuntimeError, match="killed"):
        export.export_marts(spark)
    assert runs() == before
    monkeypatch.undo()
    report = export.export_marts(spark)
    after = runs()
    assert not [t for t in after if t.endswith("__loading")]
    run_ids = {json.loads(after[t])["run_id"] for t in report}
    assert len(run_ids) == 1
    schema_run = pg.execute("select obj_description('analytics'::regnamespace, 'pg_namespace')").fetchone()[0]
    assert json.loads(schema_run)["run_id"] in run_ids


def warehouse_target(spark) -> str:
    import os

    return os.environ["DBT_TARGET_PATH"]


def _decisions(spark, purpose: str) -> dict[str, list[tuple]]:
    """Each user's (recorded_at, consent_id, status) for one purpose, read from the raw files and the ledger and
    keyed by the pseudonym Python's hmac gives: an independent re-derivation, not the models' consent tables."""
    from veil.compliance.subjects import pseudonym

    found: dict[str, list[tuple]] = {}
    for user_id, consent_id, status, recorded_at in spark.sql(
        f"select user_id, consent_id, status, recorded_at from raw.consents where purpose = '{purpose}' "
        "and user_id is not null and consent_id is not null and status is not null and recorded_at is not null"
    ).collect():
        found.setdefault(pseudonym(user_id), []).append((recorded_at, consent_id, status))
    for key, consent_id, status, recorded_at in spark.sql(
        f"select user_key, consent_id, status, recorded_at from compliance.consent_changes where purpose = '{purpose}'"
    ).collect():
        found.setdefault(key, []).append((recorded_at, consent_id, status))
    return {k: sorted(v) for k, v in found.items()}


def _granted_at(history: list[tuple], when) -> bool:
    import bisect

    i = bisect.bisect_right([h[0] for h in history], when)
    return i > 0 and history[i - 1][2] == "granted"


def test_every_analytics_event_had_analytics_consent_at_its_time(spark, warehouse):
    history = _decisions(spark, "analytics")
    events = spark.sql("select user_key, event_ts from marts.fct_events").collect()
    leaked = [e for e in events if not _granted_at(history.get(e.user_key, []), e.event_ts)]
    assert events and not leaked, f"{len(leaked)} of {len(events)} events lacked consent at their time"
    # and the filter is doing something: clean events of the same users without consent were left out
    clean = spark.sql("select count(*) from intermediate.int_events_validated where quarantine_reason is null")
    assert clean.collect()[0][0] > len(events)


def test_tables_shared_with_third_parties_hold_no_opted_out_user(spark, warehouse):
    from veil.compliance.subjects import partner_pseudonym, pseudonym
    from veil.warehouse.project import load_manifest

    shared = [
        n
        for n in load_manifest()["nodes"].values()
        if n["resource_type"] == "model" and (n["config"].get("meta") or {}).get("shared_with_third_parties")
    ]
    assert [n["name"] for n in shared] == ["rpt_partner_audience"]
    # opted out, from the raw data: a CCPA opt-out or GPC consent record, or a GPC signal on any event
    opted_out = {
        pseudonym(r[0])
        for r in spark.sql(
            "select distinct user_id from raw.consents where source in ('ccpa_opt_out', 'gpc') and user_id is not null "
            "union select distinct user_id from raw.events where gpc and user_id is not null"
        ).collect()
    }
    sale = _decisions(spark, "sale_or_share")
    allowed = {partner_pseudonym(k) for k, h in sale.items() if h[-1][2] == "granted" and k not in opted_out}
    audience = {r[0] for r in spark.sql("select audience_id from marts.rpt_partner_audience").collect()}
    assert audience and opted_out  # both sides non-empty on this data
    assert audience <= allowed, f"{len(audience - allowed)} audience members without a current, un-opted-out consent"


def test_user_history_log_appends_only_changes(spark, warehouse):
    before = _count(spark, "select count(*) from history.users_history_log")
    assert before == _count(spark, "select count(*) from marts.dim_users")
    assert run_dbt(["build", "--select", "users_history_log"])
    assert _count(spark, "select count(*) from history.users_history_log") == before  # nothing changed
    current = _count(spark, "select count(*) from history.dim_users_history where is_current")
    assert current == _count(spark, "select count(distinct user_key) from history.users_history_log")


def test_docs_generate_and_the_key_is_written_nowhere(spark, warehouse, home, pseudonym_key):
    assert run_dbt(["docs", "generate"])
    target = Path(warehouse_target(spark))
    assert (target / "index.html").exists() and (target / "catalog.json").exists()
    catalog = json.loads((target / "catalog.json").read_text())
    assert any(k.endswith("fct_events") for k in catalog["nodes"])
    import os

    needles = [pseudonym_key.encode(), os.environ["DBT_ENV_SECRET_PARTNER_KEY"].encode()]
    scanned = 0
    for path in home.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(n in content for n in needles), f"a key found in {path}"
            scanned += 1
    assert scanned > 100
    compiled = [p for p in (target / "compiled").rglob("*.sql") if p.is_file()]
    assert any("hmac((select pseudonym_key from veil_secrets)" in p.read_text() for p in compiled)
    assert any("hmac((select partner_key from veil_secrets)" in p.read_text() for p in compiled)


def test_a_corrupt_raw_file_is_refused_in_one_line_before_any_model_is_touched(spark, warehouse, home):
    from veil.errors import VeilError

    bad = home / "warehouse" / "raw" / "events" / "zz-corrupt.parquet"
    bad.write_bytes(b"PAR1 this is not a Parquet file")
    try:
        with pytest.raises(VeilError) as info:
            run_dbt(["build", "-s", "stg_app__events"], spark=spark)
    finally:
        bad.unlink()
    message = str(info.value)
    assert "\n" not in message and "raw/events/zz-corrupt.parquet" in message and "nothing was built" in message


def test_a_build_that_fails_keeps_the_previous_table(spark, warehouse, home):
    """A raw file that opens but holds a column of the wrong type fails the model mid-build: the staging table
    built before must still be there, whole (dbt-spark's own materialization dropped it first)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    before = spark.table("staging.stg_app__events").count()
    path = next((home / "warehouse" / "raw" / "events").rglob("*.parquet"))  # in a partition's folder
    source = pq.read_table(path).slice(0, 100)
    wrong = source.set_column(
        source.column_names.index("user_id"), "user_id", pa.array(["not a number"] * source.num_rows)
    )
    damaged = path.parent / "zz-wrong-type.parquet"
    pq.write_table(wrong, damaged)
    spark.sql("refresh table raw.events")
    try:
        assert not run_dbt(["run", "-s", "stg_app__events"], spark=spark)
    finally:
        damaged.unlink()
        spark.sql("refresh table raw.events")
    spark.sql("refresh table staging.stg_app__events")
    assert spark.table("staging.stg_app__events").count() == before
    assert not spark.catalog.tableExists("staging.stg_app__events__dbt_building")
    assert run_dbt(["run", "-s", "stg_app__events"], spark=spark)  # the failed build's leftovers do not block the next
    assert spark.table("staging.stg_app__events").count() == before


def test_an_incremental_table_built_with_other_partitions_is_built_again_in_full(spark, warehouse):
    """A warehouse built before fct_events moved from day to month partitions: the next build drops the old
    table and builds it in full (dbt's insert_overwrite would fail on it), with the same rows."""
    relation = "marts.fct_events"

    def partition_columns() -> list[str]:
        return [c.name for c in spark.catalog.listColumns(relation) if c.isPartition]

    def checksum() -> tuple:
        return tuple(spark.sql(f"select count(*), sum(xxhash64(*)) from {relation}").collect()[0])

    assert partition_columns() == ["event_month"]
    before = checksum()
    old = spark.table(relation).drop("event_month").localCheckpoint()  # read before the table's files go
    spark.sql(f"drop table {relation}")
    old.write.partitionBy("event_date").format("parquet").saveAsTable(relation)
    assert partition_columns() == ["event_date"]
    assert run_dbt(["run", "-s", "fct_events"], spark=spark)
    assert partition_columns() == ["event_month"]
    assert checksum() == before
