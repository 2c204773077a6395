"""The one Spark session configuration shared by the generator, dbt (profiles/profiles.yml) and tests.

Session mode keeps a Derby metastore, which allows one process at a time: the generator, `dbtRunner` and
the export reuse the single SparkSession of the current process (`get_spark`).
"""

from __future__ import annotations

import os
import sys

from veil.settings import PSEUDONYM_KEY_ENV, Settings, settings

JAVA_OPTIONS = os.environ.get("VEIL_SPARK_JAVA_OPTIONS", "-XX:+UseParallelGC")


def spark_conf(cfg: Settings | None = None) -> dict[str, str]:
    """Spark settings; profiles/profiles.yml `server_side_parameters` mirrors these (tested)."""
    cfg = cfg or settings()
    conf = {
        "spark.master": cfg.spark_master,
        "spark.app.name": "veil",
        "spark.sql.warehouse.dir": str(cfg.warehouse_dir),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={cfg.metastore_dir};create=true"
        ),
        "spark.driver.extraJavaOptions": f"{JAVA_OPTIONS} -Dderby.system.home={cfg.home / 'warehouse'}",
        "spark.sql.shuffle.partitions": str(cfg.shuffle_partitions),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": os.environ.get("VEIL_SPARK_DRIVER_MEMORY", "6g"),
        "spark.sql.ansi.enabled": "false",
    }
    key = os.environ.get(PSEUDONYM_KEY_ENV)
    if key:
        conf["spark.veil.pseudonym_key"] = key
    return conf


def prepare_environment(cfg: Settings | None = None) -> None:
    """Environment every Spark process of ours needs: workers on the venv's interpreter, loopback only."""
    cfg = cfg or settings()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("VEIL_HOME", str(cfg.home))
    (cfg.home / "warehouse").mkdir(parents=True, exist_ok=True)


def get_spark(cfg: Settings | None = None):
    """The process-wide SparkSession with Hive catalog support (created on first call)."""
    cfg = cfg or settings()
    prepare_environment(cfg)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf(cfg).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
