"""The one Spark session configuration: the `spark` target's `server_side_parameters` in
profiles/profiles.yml, read here for the SparkSession that the generator, dbt, the export and the tests share
(and by veil.warehouse.thrift for a local Thrift server).

Session mode keeps a Derby metastore, which allows one process at a time: every command reuses the single
SparkSession of its process (`get_spark`), after taking the warehouse lock (veil.warehouse.lock). The
keys are put on the running session as a one-row temporary view, never as a launch option (PySpark puts
launch options on the JVM's command line, which every local user can read) nor as a SQL conf (Spark copies
those into event logs).
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import yaml

from veil.errors import VeilError
from veil.settings import PROJECT_ROOT, Settings, settings
from veil.warehouse import class_archive
from veil.warehouse.local_fs import build_jar

KEY_CONF = "spark.veil.pseudonym_key"
RECIPIENT_KEY_CONF = "spark.veil.recipient_key.partner"
SUBJECT_KEY_CONF = "spark.veil.subject_key"
SECRETS_VIEW = "veil_secrets"
"""The one-row temporary view holding the keys on a running session (macros/privacy/_spark_secret.sql)."""
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


def spark_conf(cfg: Settings | None = None) -> dict[str, str]:
    """The session target's launch settings, rendered with this process's settings. The key is not one of
    them: it is set on the running session (see `get_spark`)."""
    prepare_environment(cfg)
    conf = {k: render_profile_value(v) for k, v in profile_output("spark")["server_side_parameters"].items()}
    if {KEY_CONF, RECIPIENT_KEY_CONF, SUBJECT_KEY_CONF} & set(conf):
        raise VeilError(
            f"profiles.yml must not set {KEY_CONF} as a launch setting: it would be on the JVM's "
            "command line; veil sets it on the running session"
        )
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
    if not os.environ.get("VEIL_SPARK_CLASS_ARCHIVE"):
        os.environ["VEIL_SPARK_CLASS_ARCHIVE"] = cfg.spark_class_archive or class_archive.found()
    if not os.environ.get("VEIL_LOCAL_FS_JAR"):  # unset or empty: the default, as for every setting
        os.environ["VEIL_LOCAL_FS_JAR"] = cfg.local_fs_jar or _local_fs_jar()
    os.umask(0o077)  # raw Parquet, tables, metastore and logs hold personal data: owner-only (the JVM inherits it)
    (cfg.home / "warehouse").mkdir(mode=0o700, parents=True, exist_ok=True)


def _local_fs_jar() -> str:
    """veil's `file:` file system jar, or `none` (Hadoop's own, with a warning) when no JDK can build it."""
    try:
        return str(build_jar())
    except VeilError as exc:
        warnings.warn(f"{exc}: Spark keeps Hadoop's local file system (a forked chmod per file)", stacklevel=2)
        return "none"


def get_spark(cfg: Settings | None = None) -> Any:
    """The process-wide SparkSession with Hive catalog support (created on first call), with the key set on
    its SQL conf when one is configured."""
    cfg = cfg or settings()
    from pyspark.sql import SparkSession

    from veil.warehouse.keys import check_key
    from veil.warehouse.lock import hold_warehouse

    prepare_environment(cfg)
    hold_warehouse()  # before the JVM: a second writer fails here, with nothing started or written
    check_key(cfg)  # a warehouse built under other keys would bring erased people back
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf(cfg).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    register_secrets(spark, cfg)
    return spark


def register_secrets(spark: Any, cfg: Settings | None = None) -> None:
    """(Re)place the one-row view of the configured keys on the running session: a local relation built in the
    driver's JVM (PySpark's createDataFrame would make it an RDD, and every query reading a key would run a
    Spark job for its scalar subquery, ~0.2 s each)."""
    from pyspark.sql import DataFrame

    cfg = cfg or settings()
    if cfg.pseudonym_key is None:
        return
    partner = cfg.recipient_key() if cfg.partner_key is not None else None
    subject = cfg.subject_ref_key() if cfg.subject_key is not None else None
    jvm = spark.sparkContext._jvm
    values = spark.sparkContext._gateway.new_array(jvm.java.lang.Object, 3)
    values[0], values[1], values[2] = cfg.key(), partner, subject
    rows = jvm.java.util.ArrayList()
    rows.add(jvm.org.apache.spark.sql.RowFactory.create(values))
    schema = jvm.org.apache.spark.sql.types.StructType.fromDDL(
        "pseudonym_key string, partner_key string, subject_key string"
    )
    DataFrame(spark._jsparkSession.createDataFrame(rows, schema), spark).createOrReplaceTempView(SECRETS_VIEW)


def table_location(spark: Any, relation: str) -> str:
    """The storage folder of a Spark catalog table."""
    for row in spark.sql(f"describe formatted {relation}").collect():
        if row[0].strip() == "Location":
            return str(row[1].strip().removeprefix("file:"))
    raise VeilError(f"no storage location for {relation}")


def drop_partitions_where(spark: Any, relation: str, having: str) -> int:
    """Drop every partition of a partitioned Spark table whose rows satisfy the aggregate condition `having`
    (e.g. `max(event_date) < date'2026-01-01'`, or `bool_or(user_key = 'x')`); returns partitions dropped (0 for a
    table with no partition columns). A rebuild that writes no rows for a partition leaves its files: this is
    how such a partition's rows go."""
    keys = [c.name for c in spark.catalog.listColumns(relation) if c.isPartition]
    if not keys:
        return 0
    columns = ", ".join(f"`{k}`" for k in keys)
    stale = spark.sql(f"select {columns} from {relation} group by {columns} having {having}").collect()
    stale = [row for row in stale if all(row[k] is not None for k in keys)]  # a null key has no partition spec
    if stale:
        specs = ", ".join("partition (" + ", ".join(f"`{k}` = '{row[k]}'" for k in keys) + ")" for row in stale)
        spark.sql(f"alter table {relation} drop if exists {specs}")
    return len(stale)
