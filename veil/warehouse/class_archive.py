"""A class-data-sharing archive of the classes a Spark driver of ours loads (JDK AppCDS): every later JVM maps
them ready-parsed instead of loading and verifying them from the jars again.

Measured here (a fresh warehouse, `get_spark()` then a first metastore query, a table and an HMAC query): the
session came up in 5.2-5.8 s instead of 10.6-11.0 s, the whole sequence in ~11 s instead of ~18 s.

`make install` builds the archive (`python -m veil.warehouse.class_archive`) by running a small workload in a
JVM started with `-XX:ArchiveClassesAtExit`; `prepare_environment` names it in VEIL_SPARK_CLASS_ARCHIVE when the
archive for this JDK and these jars exists, and the profile hands `-XX:SharedArchiveFile` to the driver.
The JVM checks the archive against its class path itself and quietly loads classes the usual way when it does
not match (a Spark cluster's executors never use it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from veil.errors import VeilError
from veil.settings import settings


def _jars() -> list[Path]:
    import pyspark

    return sorted((Path(pyspark.__file__).parent / "jars").glob("*.jar"))


def archive_path() -> Path:
    """The archive for this JDK (the `java` on PATH) and this wheel's jars, in the virtualenv."""
    java = shutil.which("java")
    if java is None:
        raise VeilError("no java on PATH: install a JDK (Debian's openjdk-17-jdk-headless)")
    real = Path(java).resolve()
    parts = [str(real), str(real.stat().st_size), str(int(real.stat().st_mtime))]
    parts += [f"{jar.name}:{jar.stat().st_size}" for jar in _jars()]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    return Path(sys.prefix) / "share" / "veil" / f"spark-classes-{digest}.jsa"


def found() -> str:
    """The archive's path when it has been built for this JDK and these jars, else `none`."""
    try:
        path = archive_path()
    except VeilError:
        return "none"
    return str(path) if path.exists() else "none"


def java_options() -> str:
    """The JVM options that map the archive `prepare_environment` chose (VEIL_SPARK_CLASS_ARCHIVE), with a
    trailing space, or nothing when it is `none` (the profile writes the same for the session's driver)."""
    path = os.environ.get("VEIL_SPARK_CLASS_ARCHIVE", "none")
    return "" if path == "none" else f"-XX:SharedArchiveFile={path} -Xlog:cds=off -Xlog:cds+dynamic=off "


def _workload() -> None:
    """What a veil command's driver does, in small: metastore, tables, partitioned Parquet, the SQL shapes of
    the models (keyed HMAC, regexes, joins, aggregates, windows); then the JVM exits and writes the archive."""
    from veil.warehouse.spark import get_spark

    spark = get_spark()
    spark.sql("create database if not exists class_archive")
    spark.range(2000).selectExpr(
        "id",
        "cast(id % 7 as string) as k",
        "lower(hex(hmac(cast('key' as binary), cast(cast(id as string) as binary)))) as h",
        "regexp_replace(cast(id as string), '[0-9]{2}', 'x') as r",
        "regexp_extract(cast(id as string), '^([0-9])', 1) as e",
        "date_sub(current_date(), cast(id % 3 as int)) as d",
    ).write.mode("overwrite").partitionBy("d").saveAsTable("class_archive.t")
    spark.sql("describe table extended class_archive.t").collect()
    spark.sql("show table extended in class_archive like '*'").collect()
    spark.sql(
        "select k, count(*), count(distinct h), approx_count_distinct(h), percentile_approx(id, 0.5), sum(id) "
        "from class_archive.t group by k"
    ).collect()
    spark.sql(
        "select a.k, b.h, row_number() over (partition by a.k order by a.id) as n from class_archive.t as a "
        "join class_archive.t as b on a.id = b.id left anti join class_archive.t as c on a.h = c.r"
    ).collect()
    spark.sql("insert overwrite table class_archive.t partition (d) select * from class_archive.t where id < 10")
    spark.sql("select * from class_archive.t where d = current_date()").toPandas()
    gateway = spark.sparkContext._gateway
    spark.stop()
    if getattr(gateway, "proc", None) is not None:  # wait for the JVM: it writes the archive as it exits
        gateway.proc.stdin.close()
        gateway.proc.wait(timeout=300)


def build_archive() -> Path:
    """The archive, built now (~1 min here) if this JDK and these jars have none yet."""
    target = archive_path()
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    with tempfile.TemporaryDirectory(prefix="veil-class-archive-") as home:
        options = f"{settings().spark_java_options} -XX:ArchiveClassesAtExit={staged} -Xlog:cds=off"
        env = {**os.environ, "VEIL_HOME": home, "VEIL_SPARK_JAVA_OPTIONS": options, "VEIL_SPARK_CLASS_ARCHIVE": "none"}
        for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
            env.pop(name, None)
        run = subprocess.run(
            [sys.executable, "-m", "veil.warehouse.class_archive", "--workload"],
            env=env,
            capture_output=True,
            text=True,
        )
    if run.returncode != 0 or not staged.exists():
        staged.unlink(missing_ok=True)
        raise VeilError(f"could not build the Spark class archive:\n{run.stderr[-2000:]}")
    os.replace(staged, target)  # whole or not at all
    return target


if __name__ == "__main__":
    if sys.argv[1:] == ["--workload"]:
        _workload()
    else:
        print(build_archive())
