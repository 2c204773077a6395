"""The jar of `veil.hadoop.NioLocalFileSystem` (jvm/NioLocalFileSystem.java): Hadoop's `file:` file system with
chmod done in-process. Without Hadoop's native library (the PySpark wheel has none) every file and folder Spark
writes costs a forked `chmod`; with this class a write of 365 date partitions went from 12 s to 2.8 s here.

`make install` builds the jar (`python -m veil.warehouse.local_fs`) with the JDK's javac against the wheel's own
Hadoop client jar; `spark_conf` puts it on the driver's and executors' class path and names it as
`fs.file.impl` (profiles/profiles.yml). Set VEIL_LOCAL_FS_JAR=none for Hadoop's stock class (a remote cluster
whose executors cannot read the jar's path, say).
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

SOURCE = Path(__file__).parent / "jvm" / "NioLocalFileSystem.java"


def _hadoop_jar() -> Path:
    import pyspark

    found = sorted((Path(pyspark.__file__).parent / "jars").glob("hadoop-client-api-*.jar"))
    if not found:
        raise VeilError("the PySpark wheel has no hadoop-client-api jar to compile veil's local file system against")
    return found[-1]


def jar_path() -> Path:
    """Where the jar of this source and this Hadoop lives (in the virtualenv: it is built, not kept in git)."""
    digest = hashlib.sha256(SOURCE.read_bytes() + _hadoop_jar().name.encode()).hexdigest()[:12]
    return Path(sys.prefix) / "share" / "veil" / f"veil-local-fs-{digest}.jar"


def build_jar() -> Path:
    """The jar, compiled now if this source and Hadoop version have none yet.
    Raises VeilError when no JDK (javac, jar) is on PATH."""
    target = jar_path()
    if target.exists():
        return target
    javac, jar = shutil.which("javac"), shutil.which("jar")
    if not javac or not jar:
        raise VeilError("javac and jar (a JDK, Debian's openjdk-17-jdk-headless) are needed to build " + target.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        classes = Path(tmp) / "classes"
        subprocess.run([javac, "-nowarn", "--release", "17", "-cp", str(_hadoop_jar()), "-d", str(classes),
                        str(SOURCE)], check=True, capture_output=True, text=True)  # fmt: skip
        staged = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        subprocess.run([jar, "cf", str(staged), "-C", str(classes), "."], check=True, capture_output=True)
        os.replace(staged, target)  # whole or not at all: a concurrent reader never sees half a jar
    return target


if __name__ == "__main__":
    print(build_jar())
