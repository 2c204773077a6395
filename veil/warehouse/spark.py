"""The one Spark session configuration: the `spark` target's `server_side_parameters` in
profiles/profiles.yml, read here for the SparkSession that the generator, dbt, the export and the tests share
(and by veil.warehouse.thrift for a local Thrift server).

Session mode keeps a Derby metastore, which allows one process at a time: every command reuses the single
SparkSession of its process (`get_spark`). The pseudonymization key is set on the live session's SQL conf
after start, never passed as a launch option (PySpark would put it on the JVM's command line).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import yaml

from veil.settings import PROJECT_ROOT, PSEUDONYM_KEY_ENV, Settings, settings

KEY_CONF = "spark.veil.pseudonym_key"
PROFILES = PROJECT_ROOT / "profiles" / "profiles.yml"


def render_profile_value(value: Any) -> str:
    """A profiles.yml value rendered as dbt renders it (`env_var(name, default)` reads the environment)."""
    import jinja2

    def env_var(name: str, default: str | None = None) -> str:
        found = os.environ.get(name, default)
        if found is None:
            raise KeyError(f"profiles.yml needs environment variable {name}")
        return found

    return jinja2.Environment().from_string(str(value)).render(env_var=env_var)


def profile_output(target: str) -> dict[str, Any]:
    """The raw (unrendered) `veil.outputs.<target>` section of profiles/profiles.yml."""
    return dict(yaml.safe_load(PROFILES.read_text())["veil"]["outputs"][target])


def spark_conf(cfg: Settings | None = None, include_key: bool = False) -> dict[str, str]:
    """The session target's Spark settings, rendered with this process's settings. The key is left out
    unless asked for: it is set on the running session (see `get_spark`)."""
    cfg = cfg or settings()
    prepare_environment(cfg)
    conf = {k: render_profile_value(v) for k, v in profile_output("spark")["server_side_parameters"].items()
            if k != KEY_CONF}
    if include_key:
        conf[KEY_CONF] = cfg.key()
    return conf


def prepare_environment(cfg: Settings | None = None) -> None:
    """Environment every Spark process of ours needs: workers on the venv's interpreter, loopback only, and the
    settings the profile reads (so plain dbt, the profile and this process agree)."""
    cfg = cfg or settings()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("VEIL_HOME", str(cfg.home))
    os.environ.setdefault("VEIL_SPARK_MASTER", cfg.spark_master)
    os.environ.setdefault("VEIL_SHUFFLE_PARTITIONS", str(cfg.shuffle_partitions))
    os.environ.setdefault("VEIL_SPARK_DRIVER_MEMORY", cfg.spark_driver_memory)
    os.environ.setdefault("VEIL_SPARK_JAVA_OPTIONS", cfg.spark_java_options)
    (cfg.home / "warehouse").mkdir(parents=True, exist_ok=True)


def get_spark(cfg: Settings | None = None) -> Any:
    """The process-wide SparkSession with Hive catalog support (created on first call), with the key set on
    its SQL conf when one is configured."""
    cfg = cfg or settings()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf(cfg).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if cfg.pseudonym_key is not None:
        spark.conf.set(KEY_CONF, cfg.key())
    return spark


def table_location(spark: Any, relation: str) -> str:
    """The storage folder of a Spark catalog table."""
    from veil.errors import VeilError

    for row in spark.sql(f"describe formatted {relation}").collect():
        if row[0].strip() == "Location":
            return str(row[1].strip().removeprefix("file:"))
    raise VeilError(f"no storage location for {relation}")
