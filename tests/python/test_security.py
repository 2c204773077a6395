"""Secrets that stay secret, least-privilege PostgreSQL roles, owner-only files, one writer at a time."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from conftest import ROOT

pytestmark = pytest.mark.e2e


def _login(pg_url: str, group: str) -> str:
    """A login role that is a member of `group` (trust auth on the test server), and its URL."""
    user = f"{group}_test_login"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"""do $$ begin
            if not exists (select 1 from pg_roles where rolname = '{user}') then
                create role {user} login;
            end if;
        end $$""")
        conn.execute(f"grant {group} to {user}")
    return pg_url.replace("postgres@", f"{user}@")


def _can_read(url: str, relation: str) -> bool:
    with psycopg.connect(url) as conn:
        try:
            conn.execute(f"select * from {relation} limit 1").fetchall()
            return True
        except psycopg.errors.InsufficientPrivilege:
            return False


@pytest.fixture(scope="module")
def logins(warehouse, pg_url):
    from veil.warehouse.roles import ANALYST, API, AUDITOR, READER

    roles = (("analyst", ANALYST), ("reader", READER), ("auditor", AUDITOR), ("api", API))
    return {name: _login(pg_url, role) for name, role in roles}


def _check_roles(logins) -> None:
    assert _can_read(logins["analyst"], "analytics.dim_users")
    assert _can_read(logins["analyst"], "analytics.rpt_users_k_anonymous")
    assert not _can_read(logins["analyst"], "audit.trail")
    assert _can_read(logins["reader"], "analytics.rpt_users_k_anonymous")
    for pseudonymous in ("analytics.dim_users", "analytics.fct_events", "analytics.rpt_partner_audience"):
        assert not _can_read(logins["reader"], pseudonymous), pseudonymous
    assert not _can_read(logins["reader"], "audit.trail")
    assert _can_read(logins["auditor"], "audit.trail")
    assert not _can_read(logins["auditor"], "analytics.dim_users")
    # the API's role: anonymous releases and the bounded inputs it noises, no pseudonymous mart, nothing raw
    assert _can_read(logins["api"], "dp_query.dp_query_user_days")
    assert _can_read(logins["api"], "analytics.rpt_users_k_anonymous")
    for private in ("analytics.dim_users", "analytics.fct_events", "analytics.rpt_partner_audience"):
        assert not _can_read(logins["api"], private), private
    for name in ("analyst", "reader", "auditor"):
        assert not _can_read(logins[name], "dp_query.dp_query_user_days"), name
    for login in logins.values():
        with psycopg.connect(login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("delete from analytics.rpt_users_k_anonymous")
        with psycopg.connect(login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("create table analytics.intruder (x int)")


def test_each_role_reads_only_its_audience_and_nobody_but_the_owner_writes(logins):
    _check_roles(logins)


def test_grants_survive_the_exports_table_swap(spark, logins, pg_url):
    from veil.warehouse.export import export_marts

    with psycopg.connect(pg_url) as conn:
        before = conn.execute("select 'analytics.dim_users'::regclass::oid").fetchone()[0]
    export_marts(spark, pg_url)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("select 'analytics.dim_users'::regclass::oid").fetchone()[0] != before  # a new table
    _check_roles(logins)


def test_files_holding_personal_data_or_secrets_are_owner_only(warehouse, home):
    loose = []
    for folder in ("warehouse", "logs", "target"):
        for path in [home / folder, *(home / folder).rglob("*")]:
            if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
                loose.append(f"{path.relative_to(home)} {oct(stat.S_IMODE(path.stat().st_mode))}")
    assert not loose, loose[:10]
    assert any((home / "warehouse" / "raw" / "users").rglob("*.parquet"))


def test_spark_writes_through_veils_local_file_system_owner_only(spark, home):
    """Spark's `file:` is veil.hadoop.NioLocalFileSystem (permissions set in-process, no forked chmod per file),
    and what it writes through it is still owner-only."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    fs = jvm.org.apache.hadoop.fs.FileSystem.get(jvm.java.net.URI("file:///"), conf)
    assert fs.getClass().getName() == "veil.hadoop.NioLocalFileSystem"
    assert fs.getRawFileSystem().getClass().getName() == "veil.hadoop.NioLocalFileSystem$Raw"
    out = home / "artifacts" / "local-fs-check"
    spark.range(40).selectExpr("id", "id % 4 as part").write.mode("overwrite").partitionBy("part").parquet(str(out))
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")}
    written = [name for name in modes if name.endswith(".parquet")]
    assert len({name.split("/")[0] for name in written}) == 4
    assert all(mode == (0o700 if (out / name).is_dir() else 0o600) for name, mode in modes.items()), modes
    assert spark.read.parquet(str(out)).count() == 40


def _sample_command_lines(proc: subprocess.Popen, needle: str) -> tuple[int, list[str]]:
    """Every process's command line, sampled until proc exits; returns (samples, lines holding the needle)."""
    samples, hits = 0, []
    while proc.poll() is None:
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    args = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                samples += 1
                if needle in args:
                    hits.append(args[:200])
        time.sleep(0.2)
    return samples, hits


def test_the_key_is_on_no_command_line_and_in_no_spark_event_log(tmp_path, pseudonym_key):
    """A Spark-using command in a process of its own (its own warehouse), with Spark's event log on: no
    process's command line and no event log line holds the key, while the key did reach Spark."""
    events = tmp_path / "spark-events"
    events.mkdir()
    env = {
        **os.environ,
        "VEIL_HOME": str(tmp_path / "home"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "PYSPARK_SUBMIT_ARGS": f"--conf spark.eventLog.enabled=true --conf spark.eventLog.compress=false "
        f"--conf spark.eventLog.dir=file://{events} pyspark-shell",
    }
    code = (
        "from veil.warehouse.spark import get_spark; s = get_spark(); "
        "k = s.sql('select pseudonym_key from veil_secrets').collect()[0][0]; "
        "s.sql('create table t using parquet as select hmac((select pseudonym_key from veil_secrets), "
        "cast(id as string)) as h from range(3)'); assert len(k) >= 16; s.stop()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    samples, hits = _sample_command_lines(proc, pseudonym_key)
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert proc.returncode == 0, output[-2000:]
    assert samples > 50 and not hits, hits
    logs = list(events.rglob("*"))
    assert any(p.is_file() for p in logs)
    for path in logs:
        if path.is_file():
            assert pseudonym_key not in path.read_text(errors="replace"), path


def test_a_second_writer_fails_at_once_naming_the_holder(warehouse, home, pg_url):
    """This test process holds the warehouse (its SparkSession); `veil export` from another process must fail
    in seconds, say who holds it, and change nothing."""
    with psycopg.connect(pg_url) as conn:
        before = conn.execute("select 'analytics.dim_users'::regclass::oid").fetchone()[0]
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "veil.cli", "export"],
        env=dict(os.environ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert time.monotonic() - started < 20
    message = result.stderr.strip().splitlines()
    assert len(message) == 1 and f"in use by pid {os.getpid()}" in message[0], result.stderr
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("select 'analytics.dim_users'::regclass::oid").fetchone()[0] == before


def test_partner_audience_ids_need_the_partners_own_key(spark, warehouse, pseudonym_key):
    """The marts hold user_key; the partner's audience_id is HMAC(partner key, user_key). Nothing computable
    from the marts and the project's files (an md5, a sha256, an HMAC under our key) gives an audience id."""
    import hashlib
    import hmac

    partner_key = os.environ["DBT_ENV_SECRET_PARTNER_KEY"]
    audience = {r[0] for r in spark.sql("select audience_id from marts.rpt_partner_audience").collect()}
    keys = [r[0] for r in spark.sql("select user_key from marts.dim_users").collect()]
    guesses = {
        f(k)
        for k in keys
        for f in (
            lambda k: hashlib.md5(k.encode()).hexdigest(),
            lambda k: hashlib.sha256(k.encode()).hexdigest(),
            lambda k: hmac.new(pseudonym_key.encode(), k.encode(), "sha256").hexdigest(),
        )
    }
    assert audience and not audience & guesses
    assert audience <= {hmac.new(partner_key.encode(), k.encode(), "sha256").hexdigest() for k in keys}


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("DBT_ENV_SECRET_PSEUDONYM_KEY", "built with another pseudonymization key"),
        ("DBT_ENV_SECRET_SUBJECT_KEY", "records its erasures under another subject key"),
    ],
)
def test_a_warehouse_built_with_another_key_refuses_to_run(tmp_path, variable, message):
    """The key ids recorded at first use: another key is refused in one line, before Spark starts."""
    home = tmp_path / "home"
    env = {**os.environ, "VEIL_HOME": str(home), "DBT_TARGET_PATH": str(tmp_path / "target")}
    code = "from veil.warehouse.keys import check_key; check_key()"
    first = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    path = home / "warehouse" / "keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = json.loads(path.read_text())
    recorded = record["pseudonym_key_id" if "PSEUDONYM" in variable else "subject_key_id"]
    assert len(recorded) == 16 and os.environ[variable] not in path.read_text()
    other = {**env, variable: "another-key-0123456789abcdef"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "veil.cli", "export"], env=other, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and time.monotonic() - started < 20
    (line,) = result.stderr.strip().splitlines()
    assert message in line and recorded in line
    assert "another-key" not in line
