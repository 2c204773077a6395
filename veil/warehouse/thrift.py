"""The Spark Thrift Server path: run the same models on a server or cluster through dbt-spark `method: thrift`.

`ThriftSQL` gives the few catalog statements Veil issues itself (registering raw.* and the compliance ledgers)
the same `.sql()` call a SparkSession has. `start_local_server` starts a Thrift server from the PySpark wheel
on 127.0.0.1 with its own metastore below `home` (for trying the thrift target on one machine, and for tests).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from veil.errors import ServiceUnavailable
from veil.settings import settings
from veil.warehouse import class_archive
from veil.warehouse.spark import spark_conf


class ThriftSQL:
    """`.sql(statement)` over a HiveServer2 connection to a Spark Thrift Server; returns the rows."""

    def __init__(self, host: str | None = None, port: int | None = None, user: str | None = None) -> None:
        from pyhive import hive

        cfg = settings()
        self.host, self.port = host or cfg.thrift_host, port or cfg.thrift_port
        try:
            self.conn = hive.connect(host=self.host, port=self.port, username=user or cfg.thrift_user)
        except Exception as exc:  # thrift raises transport errors of several types
            raise ServiceUnavailable(
                f"no Spark Thrift Server answers at {self.host}:{self.port} "
                f"({type(exc).__name__}); start one or set VEIL_THRIFT_HOST/PORT"
            ) from None

    def sql(self, statement: str) -> list[tuple]:
        cur = self.conn.cursor()
        try:
            cur.execute(statement)
            return cur.fetchall() if cur.description else []
        finally:
            cur.close()

    def close(self) -> None:
        self.conn.close()


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


LOG4J2 = """\
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
# At INFO this logger writes every statement after ${...} substitution, i.e. with the pseudonymization key.
logger.statements.name = org.apache.spark.sql.hive.thriftserver.SparkExecuteStatementOperation
logger.statements.level = warn
# At INFO, when a listener is slow (a loaded machine), this logger writes the event with the session's
# properties, and the Thrift session's properties hold the key.
logger.events.name = org.apache.spark.scheduler.AsyncEventQueue
logger.events.level = warn
"""
"""Thrift server logging that keeps substituted statements and session properties (and so the key) out of the
server log. A cluster's Thrift server needs the same `logger.statements` and `logger.events` lines in its
log4j2.properties."""


def start_local_server(home: Path, port: int, timeout: float = 240) -> subprocess.Popen:
    """Start HiveThriftServer2 from the PySpark wheel on 127.0.0.1:port; returns once it accepts connections."""
    import pyspark

    spark_home = Path(pyspark.__file__).parent
    warehouse = home / "warehouse"
    warehouse.mkdir(parents=True, exist_ok=True)
    log_config = home / "log4j2.properties"
    log_config.write_text(LOG4J2)
    env = {
        **os.environ,
        "SPARK_HOME": str(spark_home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": os.environ.get("PYSPARK_PYTHON", sys.executable),
    }
    # the session target's settings (profiles.yml), with this server's own home, one core and fast JVM start
    confs = spark_conf() | {
        "spark.master": "local[1]",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.memory": "2g",
        "spark.sql.warehouse.dir": str(warehouse / "spark-warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={warehouse / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": (
            f"-XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=5 -XX:ReservedCodeCacheSize=256m "
            f"-XX:+UseSerialGC {class_archive.java_options()}-Dderby.system.home={warehouse} "
            f"-Dlog4j2.configurationFile=file:{log_config}"
        ),
        "spark.sql.shuffle.partitions": "2",
    }
    cmd = [
        str(spark_home / "bin" / "spark-submit"),
        "--class",
        "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
    ]
    for key, value in confs.items():
        cmd += ["--conf", f"{key}={value}"]
    cmd += [
        "--hiveconf",
        f"hive.server2.thrift.port={port}",
        "--hiveconf",
        "hive.server2.thrift.bind.host=127.0.0.1",
        "spark-internal",
    ]
    log = open(home / "thrift-server.log", "w")  # noqa: SIM115 (lives as long as the server)
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=home)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServiceUnavailable(
                f"the Thrift server exited with {proc.returncode}; see {home / 'thrift-server.log'}"
            )
        if _port_open("127.0.0.1", port):
            return proc
        time.sleep(1)
    proc.terminate()
    raise ServiceUnavailable(
        f"the Thrift server did not listen on port {port} within {timeout:.0f} s; see {home / 'thrift-server.log'}"
    )
