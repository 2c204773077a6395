"""Shared fixtures: one SparkSession, one small warehouse built end to end, a real PostgreSQL.

The session-scoped `warehouse` fixture runs the real path once — generate → dbt build on Spark →
export to PostgreSQL — in this process (Derby allows one Spark process per metastore).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_POSTGRES_URL = os.environ.get("VEIL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
E2E_USERS, E2E_EVENTS, E2E_SEED = 3_000, 150_000, 7
E2E_DIRTY_RATE = 0.01


def pytest_configure(config):
    base = Path(config.rootpath) / ".pytest-warehouse"
    os.environ["VEIL_HOME"] = str(base)
    os.environ["DBT_TARGET_PATH"] = str(base / "target")
    os.environ["DBT_LOG_PATH"] = str(base / "logs")
    os.environ["VEIL_POSTGRES_URL"] = TEST_POSTGRES_URL
    os.environ["VEIL_SPARK_MASTER"] = "local[2]"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    # a fresh key per test session, long and unusual enough that finding it anywhere is meaningful
    os.environ["DBT_ENV_SECRET_PSEUDONYM_KEY"] = "veilTestKey" + secrets.token_hex(16)


@pytest.fixture(scope="session")
def home() -> Path:
    return Path(os.environ["VEIL_HOME"])


@pytest.fixture(scope="session")
def pseudonym_key() -> str:
    return os.environ["DBT_ENV_SECRET_PSEUDONYM_KEY"]


@pytest.fixture(scope="session")
def pg_url() -> str:
    import psycopg

    try:
        # the postgres dbt target's on-run-start creates pgcrypto; `dbt show` runs no hooks, so do it here too
        with psycopg.connect(TEST_POSTGRES_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("create extension if not exists pgcrypto")
    except psycopg.OperationalError:
        pytest.skip(f"PostgreSQL does not answer at {TEST_POSTGRES_URL}: start it "
                    "(pg_ctlcluster 15 main start) or set VEIL_TEST_POSTGRES_URL")
    return TEST_POSTGRES_URL


@pytest.fixture(scope="session")
def spark(home):
    import shutil

    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    from veil.spark import get_spark

    session = get_spark()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def warehouse(spark, pg_url):
    """Generate a small dataset, `dbt build` it on Spark, export the marts to PostgreSQL."""
    from veil.export import export_marts
    from veil.generate import generate
    from veil.pipeline import run_dbt, scan_raw_sources

    summary = generate(users=E2E_USERS, events=E2E_EVENTS, seed=E2E_SEED, workers=1,
                       dirty_rate=E2E_DIRTY_RATE, spark=spark)
    scan_raw_sources(spark)
    assert run_dbt(["build"], spark=spark), "dbt build failed: see .pytest-warehouse/logs/dbt.log"
    exported = export_marts(spark, pg_url)
    return {"summary": summary, "exported": exported}


@pytest.fixture()
def pg(pg_url):
    import psycopg

    with psycopg.connect(pg_url) as conn:
        yield conn
