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
    for schema in OUTPUT_SCHEMAS + ("privacy",):
        for table in [r.tableName for r in spark.sql(f"show tables in {schema}").collect()]:
            df = spark.table(f"{schema}.{table}")
            for field in df.schema.fields:
                if field.dataType.simpleString() != "string":
                    continue
                values = {r[0] for r in df.select(field.name).distinct().collect() if r[0]}
                leaked = values & pii
                assert not leaked, f"{schema}.{table}.{field.name} holds raw personal data ({len(leaked)} values)"
                assert not any(EMAIL_SHAPE.search(v) for v in values), f"{schema}.{table}.{field.name}: e-mail"
                checked += 1
    assert checked > 20


def test_no_raw_personal_data_in_postgres_analytics(spark, warehouse, pg):
    pii = _raw_pii(spark)
    columns = pg.execute("""select table_name, column_name from information_schema.columns
                            where table_schema = 'analytics' and data_type = 'text'""").fetchall()
    assert len(columns) > 10
    for table, column in columns:
        values = {r[0] for r in pg.execute(f'select distinct "{column}" from analytics."{table}"') if r[0]}
        assert not values & pii, f"analytics.{table}.{column} holds raw personal data"
        assert not any(EMAIL_SHAPE.search(v) for v in values), f"analytics.{table}.{column}: e-mail"


def test_export_row_counts_and_types_match_spark(spark, warehouse, pg):
    from veil.warehouse.postgres import postgres_type
    from veil.warehouse.project import exported_models

    exported = warehouse["exported"]
    assert {
        "dim_users",
        "fct_events",
        "fct_sessions",
        "rpt_active_users",
        "rpt_funnel_conversion",
        "rpt_retention_cohorts",
        "rpt_revenue",
    } <= set(exported)
    for node in exported_models():
        name = node["name"]
        spark_df = spark.table(f"{node['schema']}.{name}")
        assert pg.execute(f"select count(*) from analytics.{name}").fetchone()[0] == spark_df.count() == exported[name]
        pg_types = dict(
            pg.execute(
                """select column_name, format_type(atttypid, atttypmod) from pg_attribute
            join information_schema.columns on attname = column_name
            where attrelid = %s::regclass and table_schema = 'analytics' and table_name = %s and attnum > 0""",
                (f"analytics.{name}", name),
            ).fetchall()
        )
        for field in spark_df.schema.fields:
            assert pg_types[field.name] == postgres_type(field.dataType.simpleString()).replace(
                "timestamptz", "timestamp with time zone"
            ), (name, field.name)


def test_interrupted_export_keeps_the_previous_table(spark, warehouse, pg, monkeypatch):
    import veil.warehouse.export as export
    import veil.warehouse.postgres as postgres

    before = pg.execute("select count(*) from analytics.rpt_revenue").fetchone()[0]
    node = next(n for n in exported_models() if n["name"] == "rpt_revenue")
    real = postgres.csv_batches

    def interrupted(location, columns):
        yield next(real(location, columns))
        raise RuntimeError("connection lost mid-copy")

    monkeypatch.setattr(postgres, "csv_batches", interrupted)
    with export.connect() as conn, pytest.raises(RuntimeError):
        export.export_table(spark, conn, node)
    assert pg.execute("select count(*) from analytics.rpt_revenue").fetchone()[0] == before
    assert not pg.execute("select to_regclass('analytics.rpt_revenue__loading')").fetchone()[0]


def warehouse_target(spark) -> str:
    import os

    return os.environ["DBT_TARGET_PATH"]


def test_consent_filter_leaves_no_event_without_valid_analytics_consent(spark, warehouse):
    leaked = _count(
        spark,
        """
        select count(*) from marts.fct_events e
        join intermediate.int_events_consented c on e.event_id = c.event_id
        where not c.has_analytics_consent""",
    )
    assert leaked == 0
    withheld = _count(spark, "select count(*) from intermediate.int_events_consented where not has_analytics_consent")
    assert withheld > 0  # the filter is doing something on this data


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
    needle = pseudonym_key.encode()
    scanned = 0
    for path in home.rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes(), f"pseudonymization key found in {path}"
            scanned += 1
    assert scanned > 100
    compiled = [p for p in (target / "compiled").rglob("*.sql") if p.is_file()]
    assert any("${spark.veil.pseudonym_key}" in p.read_text() for p in compiled)


def test_tables_shared_with_third_parties_hold_no_opted_out_user(spark, warehouse):
    from veil.warehouse.project import load_manifest

    shared = [
        n
        for n in load_manifest()["nodes"].values()
        if n["resource_type"] == "model" and (n["config"].get("meta") or {}).get("shared_with_third_parties")
    ]
    assert [n["name"] for n in shared] == ["rpt_partner_audience"]
    from veil.warehouse.project import project_vars

    salt = project_vars()["partner_audience_salt"]
    leaked = _count(
        spark,
        f"""
        select count(*) from marts.rpt_partner_audience a
        join marts.dim_users u on a.audience_id = md5(concat('{salt}|', u.user_key))
        where u.user_key in (
            select user_key from intermediate.int_consent_decisions where source in ('ccpa_opt_out', 'gpc')
            union select user_key from intermediate.int_events_validated where gpc
            union select user_key from intermediate.int_consent_periods
                  where valid_to is null and not has_sale_or_share_consent)""",
    )
    assert leaked == 0
    assert _count(spark, "select count(*) from marts.rpt_partner_audience") > 0
    opted_out = _count(
        spark,
        "select count(distinct user_key) from intermediate.int_consent_decisions "
        "where source in ('ccpa_opt_out', 'gpc')",
    )
    assert opted_out > 0  # the exclusion has something to exclude on this data
