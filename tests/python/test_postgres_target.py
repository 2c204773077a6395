"""The `postgres` target: the whole project (staging privacy macros, quarantine, consent, marts, releases,
data tests) builds on PostgreSQL from the same raw data, and gives the same marts as Spark."""

from __future__ import annotations

import pytest

from veil.warehouse.dbt import run_dbt
from veil.warehouse.project import exported_models

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pg_build(spark, warehouse, pg_url):
    from veil.warehouse.load import load_raw

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEIL_PGDATABASE", pg_url.rsplit("/", 1)[1])
        loaded = load_raw(pg_url)
        built = run_dbt(["build", "--target", "postgres"])
        run_dbt(["parse"], spark=spark)  # leave the manifest of the default (spark) target for later tests
    return {"loaded": loaded, "built": built}


def test_raw_data_loads_into_postgresql_unchanged(spark, pg_build, pg):
    for table in ("users", "consents", "events"):
        assert pg_build["loaded"][f"raw.{table}"] == spark.sql(f"select count(*) from raw.{table}").collect()[0][0]
    names = pg.execute("select count(*) from raw.users where last_name like '%''%'").fetchone()[0]
    assert names > 0  # O'Brien and friends survive the load


def test_dbt_build_with_every_data_test_passes_on_postgresql(pg_build):
    assert pg_build["built"], "dbt build --target postgres failed: see .pytest-warehouse/logs/dbt.log"


def test_marts_on_postgresql_equal_the_marts_on_spark(spark, pg_build, pg):
    for node in exported_models():
        name = node["name"]
        spark_rows = spark.sql(f"select count(*) from marts.{name}").collect()[0][0]
        pg_rows = pg.execute(f"select count(*) from marts.{name}").fetchone()[0]
        assert pg_rows == spark_rows, name
    spark_keys = {r[0] for r in spark.sql("select user_key from marts.dim_users").collect()}
    pg_keys = {r[0] for r in pg.execute("select user_key from marts.dim_users").fetchall()}
    assert pg_keys == spark_keys  # identical pseudonyms, engine to engine
    spark_revenue = spark.sql("select sum(revenue_usd) from marts.fct_events").collect()[0][0]
    pg_revenue = pg.execute("select sum(revenue_usd) from marts.fct_events").fetchone()[0]
    assert pg_revenue == spark_revenue
    spark_cells = {
        tuple(r)
        for r in spark.sql(
            "select cohort_month, months_since_signup, active_users from marts.rpt_retention_cohorts"
        ).collect()
    }
    pg_cells = set(
        pg.execute("select cohort_month, months_since_signup, active_users from marts.rpt_retention_cohorts").fetchall()
    )
    assert pg_cells == spark_cells
