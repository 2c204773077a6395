"""Shared fixtures: one SparkSession, one small warehouse built end to end, a real PostgreSQL.

The `warehouse` fixture runs the real path — generate → dbt build on Spark → export to PostgreSQL — in this
process (Derby allows one Spark process per metastore). Modules that change the warehouse (consent,
retention, erasure) take `mutable_warehouse`, which marks it changed; the next module asking for
`warehouse` gets it rebuilt from scratch first. The changing modules share one changed warehouse: each
chooses subjects that the others leave alone (no consent change recorded, not erased), so it needs the
warehouse built, not pristine. So every module runs alone and in any order; the collection order below
(changing modules last, in CHANGING_MODULES order) only saves rebuilds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# `make test` runs two pytest-xdist workers (gw0, gw1): each has a home and a test database of its own
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_TEST_SERVER_URL = os.environ.get("VEIL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
TEST_POSTGRES_URL = f"{_TEST_SERVER_URL}_{WORKER}" if WORKER else _TEST_SERVER_URL
E2E_USERS, E2E_EVENTS, E2E_SEED = 3_000, 150_000, 7
E2E_DIRTY_RATE = 0.01
TODAY = "2026-12-01"
CHANGING_MODULES = (
    "test_warehouse_compliance.py",
    "test_privacy_api.py",
    "test_warehouse_erasure.py",
    "test_stream.py",
)


def pytest_configure(config: Any) -> None:
    base = Path(config.rootpath) / ".pytest-warehouse" / WORKER  # (WORKER is "" without xdist)
    os.environ["VEIL_HOME"] = str(base)
    os.environ["DBT_TARGET_PATH"] = str(base / "target")
    os.environ["DBT_LOG_PATH"] = str(base / "logs")
    os.environ["VEIL_POSTGRES_URL"] = TEST_POSTGRES_URL
    os.environ["VEIL_SPARK_MASTER"] = "local[2]"
    os.environ["VEIL_TODAY"] = TODAY  # a fixed clock: no result depends on the day the tests run
    os.environ["PYSPARK_PYTHON"] = sys.executable
    # a fresh key per test session, long and unusual enough that finding it anywhere is meaningful
    os.environ["DBT_ENV_SECRET_PSEUDONYM_KEY"] = "veilTestKey" + secrets.token_hex(16)
    os.environ["DBT_ENV_SECRET_PARTNER_KEY"] = "veilPartnerKey" + secrets.token_hex(16)
    os.environ["DBT_ENV_SECRET_SUBJECT_KEY"] = "veilSubjectKey" + secrets.token_hex(16)
    os.environ["VEIL_KEY_DIR"] = str(base / "keys")  # `veil keys rotate` writes here, never to the checkout's .veil


SHARED_WAREHOUSE_FIXTURES = {"spark", "_shared"}
OWN_PROCESS_FIXTURES = {"small_run", "cluster", "thrift", "stream_home"}


@pytest.hookimpl(tryfirst=True)  # before xdist's worker reads the xdist_group marks
def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Modules that change the shared warehouse run last (a speed-up only: see the module docstring).

    Under `pytest -n 2 --dist loadgroup` (`make test`) the tests of this process's Spark warehouse run in one
    worker (one Spark process per metastore), and the tests that start Spark processes of their own (`veil run`
    on a small warehouse and on a standalone cluster, the killed privacy worker, the Thrift server) in one group
    beside it; every other module is one unit of work, wherever a worker is free."""
    last = {name: i + 1 for i, name in enumerate(CHANGING_MODULES)}
    items.sort(key=lambda item: last.get(item.path.name, 0))
    for item in items:
        names = set(item.fixturenames)
        if names & SHARED_WAREHOUSE_FIXTURES:
            item.add_marker(pytest.mark.xdist_group("shared_warehouse"))
        elif names & OWN_PROCESS_FIXTURES:
            item.add_marker(pytest.mark.xdist_group("own_spark_processes"))


def free_port() -> int:
    """A loopback port free now (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def veil_server(pg_url: str) -> Iterator[str]:
    """`veil serve` in a subprocess on a free loopback port; yields its base URL. Its output (which must
    never hold personal data) is kept in .pytest-warehouse/artifacts/serve-<port>.log."""
    import httpx

    port = free_port()
    log_path = ROOT / ".pytest-warehouse" / "artifacts" / f"serve-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "veil.cli", "serve", "--port", str(port)],
            env={**os.environ, "VEIL_POSTGRES_URL": pg_url}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None:
                    pytest.fail(f"veil serve exited: {log_path.read_text()}")
                time.sleep(0.5)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = len(terminalreporter.stats.get("skipped", []))
    terminalreporter.write_line(f"veil: {skipped} test(s) skipped")
    if skipped and os.environ.get("CI") == "true":
        terminalreporter.write_line("veil: CI=true and a test skipped: a service or setup step is missing (see -ra)")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter and reporter.stats.get("skipped") and os.environ.get("CI") == "true" and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture(scope="session")
def home() -> Path:
    return Path(os.environ["VEIL_HOME"])


@pytest.fixture(scope="session")
def pseudonym_key() -> str:
    return os.environ["DBT_ENV_SECRET_PSEUDONYM_KEY"]


def prepare_test_database(url: str) -> None:
    """Create the test database (from the server's `postgres` database) if it is missing, empty it of every
    schema an earlier session left, and create pgcrypto.
    Raises psycopg.OperationalError when the server does not answer or refuses the login."""
    import psycopg

    dbname = url.rsplit("/", 1)[1]
    try:
        conn = psycopg.connect(url, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        if f'database "{dbname}" does not exist' not in str(exc):
            raise
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3, autocommit=True) as admin:
            admin.execute(f'create database "{dbname}"')
        conn = psycopg.connect(url, connect_timeout=3, autocommit=True)
    with conn:
        # what an earlier test session left (built under its own keys) is not this session's: start empty
        for (schema,) in conn.execute(
            "select nspname from pg_namespace where nspname not in ('public', 'information_schema') "
            "and nspname not like 'pg\\_%'"
        ).fetchall():
            conn.execute(f'drop schema "{schema}" cascade')
        # the postgres dbt target's on-run-start creates pgcrypto; `dbt show` runs no hooks, so do it here too
        conn.execute("create extension if not exists pgcrypto")


@dataclasses.dataclass(frozen=True)
class SmallRun:
    """A warehouse `veil run` built in a home and PostgreSQL database of its own (for tests that need a Spark
    process of their own: one per session-mode warehouse, and this test session's holds the shared one)."""

    home: Path
    url: str
    env: dict


SMALL_RUN = ("--users", "300", "--events", "6000", "--seed", "11", "--workers", "1")
SHORT_LIVED_JVM = "-XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=5 -XX:+UseParallelGC"
"""Driver JVM options of the `veil` processes a test starts for one build (`veil run`, the privacy worker; the
local Thrift server has its own, alike). Without the C2 compiler a cold JVM's one build took 61 s and 90
CPU-seconds here, against 67 s and 121 with it: the cores go to the other test worker instead. (A long-lived
session, as this process's, builds faster with C2 from its second build on: 33 s against 57.) Compiling only
methods called 5x as often as by default cut the CPU of a `dbt build` of the small warehouse further (C1-only:
113-127 CPU-s without, 92 with; a long-lived session is slower with it, see the README). Spark executes the same
plans either way."""


def small_veil_run(home: Path, pg_url: str, database: str, **extra_env: str) -> SmallRun:
    """`veil run` at 300 users / 6,000 events (seed 11) into `home` and PostgreSQL database `database`."""
    import psycopg

    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    server = pg_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"drop database if exists {database} with (force)")
    url = f"{server}/{database}"
    prepare_test_database(url)
    env = {**os.environ, "VEIL_HOME": str(home), "VEIL_POSTGRES_URL": url,
           "DBT_TARGET_PATH": str(home / "target"), "DBT_LOG_PATH": str(home / "logs"),
           "VEIL_SPARK_JAVA_OPTIONS": SHORT_LIVED_JVM, **extra_env}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "veil.cli", "run", *SMALL_RUN], cwd=ROOT, env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return SmallRun(home, url, env)


@pytest.fixture(scope="session")
def yield_cpu_to_the_shared_warehouse() -> None:
    """Under xdist, the worker running the tests that start Spark processes of their own lowers its priority
    (and so theirs) once: the other worker's shared warehouse is the longer path through the run, and on two
    cores the two contend."""
    if WORKER:
        os.nice(10)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: Any, pg_url: str, yield_cpu_to_the_shared_warehouse: None) -> SmallRun:
    """The local small warehouse. test_cluster.py compares its marts before test_privacy_worker.py erases
    from it (modules run in name order)."""
    return small_veil_run(tmp_path_factory.mktemp("small") / "home", pg_url, "test_small_run")


@pytest.fixture(scope="session")
def pg_url() -> str:
    import psycopg

    try:
        prepare_test_database(TEST_POSTGRES_URL)
    except psycopg.OperationalError as exc:
        cause = str(exc).strip().splitlines()[-1].strip() if str(exc).strip() else type(exc).__name__
        pytest.skip(
            f"PostgreSQL at {TEST_POSTGRES_URL} is not usable ({cause}): start it with "
            "`pg_ctlcluster 15 main start` or set VEIL_TEST_POSTGRES_URL to a server the tests may use"
        )
    return TEST_POSTGRES_URL


@pytest.fixture(scope="session")
def spark(home: Path) -> Any:
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True, mode=0o700)
    from veil.warehouse.spark import get_spark

    session = get_spark()
    yield session
    session.stop()


class SharedWarehouse:
    """The state of the one warehouse of this test session: built, and whether a module changed it."""

    def __init__(self, spark: Any, pg_url: str, home: Path) -> None:
        self.spark, self.pg_url, self.home = spark, pg_url, home
        self.info: dict | None = None
        self.changed = False

    def _reset(self) -> None:
        for db in self.spark.catalog.listDatabases():
            if db.name != "default":
                self.spark.sql(f"drop database if exists {db.name} cascade")
        for folder in (
            "warehouse/raw",
            "warehouse/compliance",
            "warehouse/spark-warehouse",
            "warehouse/stream",
            "receipts",
            "access_requests",
        ):
            shutil.rmtree(self.home / folder, ignore_errors=True)

    def pristine(self) -> dict:
        """Generate a small dataset, `dbt build` it on Spark, export the marts to PostgreSQL (again, from
        nothing, if a module changed it)."""
        if self.info is not None and not self.changed:
            return self.info
        from veil.jobs import scan_raw_sources
        from veil.warehouse.dbt import run_dbt
        from veil.warehouse.export import export_marts
        from veil.warehouse.generate import generate

        if self.info is not None:
            self._reset()
        summary = generate(
            users=E2E_USERS, events=E2E_EVENTS, seed=E2E_SEED, workers=1, dirty_rate=E2E_DIRTY_RATE, spark=self.spark
        )
        scan_raw_sources(self.spark)
        assert run_dbt(["build"], spark=self.spark), "dbt build failed: see .pytest-warehouse/logs/dbt.log"
        exported = export_marts(self.spark, self.pg_url)
        self.info, self.changed = {"summary": summary, "exported": exported}, False
        return self.info

    def built(self) -> dict:
        """The warehouse as it is (built, and changed or not by other changing modules)."""
        return self.info if self.info is not None else self.pristine()


def consent_changed(spark: Any) -> set[str]:
    """Pseudonyms of the users with a consent change on record: another changing module's subjects."""
    from veil.compliance.ledgers import CONSENT_CHANGES

    if not spark.catalog.tableExists(CONSENT_CHANGES.table):
        return set()
    return {r[0] for r in spark.sql(f"select distinct user_key from {CONSENT_CHANGES.table}").collect()}


@pytest.fixture(scope="session")
def _shared(spark: Any, pg_url: str, home: Path) -> SharedWarehouse:
    return SharedWarehouse(spark, pg_url, home)


@pytest.fixture(scope="module")
def warehouse(_shared: SharedWarehouse) -> dict:
    """The warehouse as generated and built, unchanged."""
    return _shared.pristine()


@pytest.fixture(scope="module")
def mutable_warehouse(_shared: SharedWarehouse) -> dict:
    """The warehouse for a module that changes it (consent, retention, erasure), as the changing modules before
    it left it: such a module picks subjects nobody else changed. Later `warehouse` modules get it rebuilt."""
    info = _shared.built()
    _shared.changed = True
    return info


@pytest.fixture()
def pg(pg_url: str) -> Any:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        yield conn
