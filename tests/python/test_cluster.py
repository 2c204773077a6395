"""Scale-out, not only up: a standalone Spark cluster on loopback (a master and one 1-core worker, started from
the PySpark wheel's own `spark-class`), `veil run` against it with VEIL_SPARK_MASTER=spark://..., the master's
JSON showing that the work ran in an executor on that worker, and every exported mart equal, row for row, to
the same `veil run` in local mode (`small_run`; same seed, same keys: this test session's)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import SHORT_LIVED_JVM, SmallRun, free_port, small_veil_run

pytestmark = pytest.mark.e2e


def _json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return dict(json.load(answer))


def _wait_for(what: str, seconds: float, probe) -> dict:
    deadline, last = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        try:
            found = probe()
            if found:
                return found
        except (OSError, ValueError) as exc:  # not listening yet, or a page without its JSON while starting
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"no {what} within {seconds} s ({last})")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, yield_cpu_to_the_shared_warehouse):
    """(master URL, master web UI URL, the worker's work dir) of a master and one worker, stopped after the
    module."""
    import pyspark

    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    logs = tmp_path_factory.mktemp("cluster")
    # the executor JVMs the worker launches inherit its environment: one build's worth of work, like the driver's
    # (conftest.SHORT_LIVED_JVM), runs cheaper without the C2 compiler
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable,
           "JAVA_TOOL_OPTIONS": SHORT_LIVED_JVM}  # fmt: skip
    port, ui = free_port(), free_port()
    master_url, ui_url = f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui}/json/"
    daemons = []
    try:
        for name, args in (
            ("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                        "--webui-port", str(ui)]),
            ("worker", ["org.apache.spark.deploy.worker.Worker", master_url, "--host", "127.0.0.1", "--cores", "1",
                        "--memory", "2g", "--webui-port", str(free_port()), "--work-dir", str(logs / "work")]),
        ):  # fmt: skip
            with open(logs / f"{name}.log", "wb") as log:
                daemons.append(subprocess.Popen([str(spark_class), *args], env=env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True))  # fmt: skip
            if name == "master":
                _wait_for("master web UI", 60, lambda: _json(ui_url))
        _wait_for("alive worker", 60, lambda: _json(ui_url).get("aliveworkers", 0) >= 1)
        yield master_url, ui_url, logs / "work"
    finally:
        for daemon in reversed(daemons):
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=30)


def _tables(url: str) -> dict[str, list[tuple]]:
    """Every exported table but the noisy DP releases, sorted (row order is not a property of a table)."""
    import psycopg

    with psycopg.connect(url) as conn:
        names = [r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'analytics' "
            "and table_name not like 'dp\\_%' order by 1").fetchall()]  # fmt: skip
        return {
            n: sorted(conn.execute(f"select * from analytics.{n}").fetchall(), key=repr)  # noqa: S608
            for n in names
        }


def test_veil_run_on_a_standalone_cluster_runs_in_the_workers_executor_and_equals_the_local_run(
    cluster, small_run: SmallRun, tmp_path, pg_url
):
    master_url, ui_url, work = cluster
    remote = small_veil_run(tmp_path / "home", pg_url, "test_cluster", VEIL_SPARK_MASTER=master_url)

    state = _json(ui_url)
    apps = [a for a in state["completedapps"] + state["activeapps"] if a["name"] == "veil"]
    assert apps, state
    worker = state["workers"][0]
    assert worker["host"] == "127.0.0.1" and worker["cores"] == 1
    assert all(a["cores"] == 1 for a in apps)  # the app had the worker's one core
    # the worker launched an executor for the app (its own JVM, logging in the worker's work dir) and that
    # executor ran the tasks
    logs = [p for a in apps for p in (work / a["id"]).glob("*/stderr")]
    assert logs, sorted(str(p) for p in work.glob("**/*"))
    assert sum(p.read_text(errors="replace").count("Running task") for p in logs) > 100
    # the keys reached the executor inside the tasks, never as a launch option or in any log of the cluster
    keys = [os.environ[f"DBT_ENV_SECRET_{k}_KEY"] for k in ("PSEUDONYM", "PARTNER", "SUBJECT")]
    for path in [*work.parent.glob("*.log"), *(p for p in work.glob("**/*") if p.is_file())]:
        text = path.read_text(errors="replace")
        assert not any(k in text for k in keys), path
    local, clustered = _tables(small_run.url), _tables(remote.url)
    assert "fct_events" in local and "dim_users" in local and len(local["fct_events"]) > 1000
    assert local.keys() == clustered.keys()
    for name in local:
        assert clustered[name] == local[name], name
