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


def _cell(value):
    """A value as both engines should agree on it: numbers to 6 decimals, timestamps in naive UTC."""
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        return round(float(value), 6)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _compared_relations() -> list[tuple[str, list[str] | None]]:
    """Every exported mart and privacy model, all columns; the DP release inputs on their exact columns only
    (their bounding ranks rows by a hash salted per dbt invocation, so the bounded columns differ by design).
    The API's inputs (dp_query_*) keep a salted sample of days per user and have no exact columns: they are
    compared by row count per user instead (test below)."""
    from veil.warehouse.project import project_models

    out: list[tuple[str, list[str] | None]] = [
        (f"marts.{n['name']}", None) for n in exported_models() if n["schema"] == "marts"
    ]
    for node in project_models():
        if node["schema"] != "privacy" or node["name"] in ("pii_inventory", "records_of_processing"):
            continue
        if node["name"].startswith("dp_query_"):
            continue
        columns = ["group_key", "exact_users", "exact_total"] if node["name"].startswith("dp_") else None
        out.append((f"privacy.{node['name']}", columns))
    return out


def test_every_mart_and_privacy_model_is_equal_cell_by_cell_on_both_engines(spark, pg_build, pg):
    compared = 0
    for relation, columns in _compared_relations():
        columns = columns or spark.table(relation).columns
        quoted = ", ".join(f"`{c}`" for c in columns)
        spark_rows = sorted(
            (tuple(_cell(v) for v in r) for r in spark.sql(f"select {quoted} from {relation}").collect()), key=repr
        )
        pg_rows = sorted(
            (
                tuple(_cell(v) for v in r)
                for r in pg.execute(f"select {', '.join(chr(34) + c + chr(34) for c in columns)} from {relation}")
            ),
            key=repr,
        )
        assert len(pg_rows) == len(spark_rows), relation
        mismatched = [(a, b) for a, b in zip(spark_rows, pg_rows, strict=True) if a != b]
        assert not mismatched, (relation, mismatched[:3])
        compared += len(spark_rows) * len(columns)
    assert compared > 100_000


def test_pseudonyms_are_identical_engine_to_engine(spark, pg_build, pg):
    spark_keys = {r[0] for r in spark.sql("select user_key from marts.dim_users").collect()}
    pg_keys = {r[0] for r in pg.execute("select user_key from marts.dim_users").fetchall()}
    assert pg_keys == spark_keys and len(spark_keys) > 1000


def test_the_api_inputs_keep_the_same_days_per_user_on_both_engines(spark, pg_build, pg):
    """Which days are kept depends on the salted rank, how many does not: min(days active, max_days)."""
    relation = "privacy.dp_query_user_days"
    spark_days = dict(spark.sql(f"select user_key, count(*) from {relation} group by 1").collect())
    pg_days = dict(pg.execute(f"select user_key, count(*) from {relation} group by 1").fetchall())
    assert spark_days == pg_days and len(spark_days) > 1000
