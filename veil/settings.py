"""Every knob in one typed place: each field has a default, an environment variable and a docstring.

`Settings()` reads the environment when it is made; `settings()` makes one. Secrets are `Secret`s: their
repr and str hide the value, and `Settings.__repr__` never shows them. The README's configuration table is
tested against `ENVIRONMENT` (the variable, default and docstring of every field).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from veil.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PSEUDONYM_KEY_ENV = "DBT_ENV_SECRET_PSEUDONYM_KEY"
PARTNER_KEY_ENV = "DBT_ENV_SECRET_PARTNER_KEY"
SUBJECT_KEY_ENV = "DBT_ENV_SECRET_SUBJECT_KEY"
"""The keyed-hash secrets. dbt scrubs DBT_ENV_SECRET_* from logs and only allows them in profiles.yml."""


class Secret:
    """A secret value: printed as `Secret(<n> characters)`, revealed only by `.reveal()`."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __repr__(self) -> str:
        return f"Secret({len(self._value)} characters)"

    __str__ = __repr__


def _setting(env: str, default: Any, doc: str, cast: Callable[[str], Any] = str) -> Any:
    """A field read from environment variable `env` (cast to `cast`), else `default`."""

    def read() -> Any:
        raw = os.environ.get(env)
        if raw is None or raw == "":
            return default
        try:
            return cast(raw)
        except ValueError:
            raise ConfigError(f"{env}={raw!r} is not a valid {getattr(cast, '__name__', 'value')}") from None

    return field(default_factory=read, metadata={"env": env, "doc": doc, "default": default})


@dataclass(frozen=True)
class Settings:
    home: Path = _setting(
        "VEIL_HOME", PROJECT_ROOT, "where `warehouse/` (Spark tables, metastore), logs and receipts live", Path
    )
    target: str = _setting("VEIL_TARGET", "spark", "dbt target: `spark`, `spark_thrift` or `postgres`")
    postgres_url: str = _setting(
        "VEIL_POSTGRES_URL",
        "postgresql://postgres@127.0.0.1:5432/postgres",
        "where `veil export` writes schema `analytics`",
    )
    test_postgres_url: str = _setting(
        "VEIL_TEST_POSTGRES_URL",
        "postgresql://postgres@127.0.0.1:5432/test",
        "the PostgreSQL the tests use (created by the test setup)",
    )
    spark_master: str = _setting(
        "VEIL_SPARK_MASTER", "local[2]", "Spark master in session mode (`spark://host:7077` for a standalone cluster)"
    )
    shuffle_partitions: int = _setting("VEIL_SHUFFLE_PARTITIONS", 4, "`spark.sql.shuffle.partitions`", int)
    spark_driver_memory: str = _setting("VEIL_SPARK_DRIVER_MEMORY", "6g", "`spark.driver.memory`")
    spark_java_options: str = _setting(
        "VEIL_SPARK_JAVA_OPTIONS", "-XX:+UseParallelGC", "extra JVM options of the Spark driver"
    )
    local_fs_jar: str | None = _setting(
        "VEIL_LOCAL_FS_JAR",
        None,
        "jar of Spark's `file:` file system (default: veil's, which sets permissions without forking `chmod`; "
        "`none`: Hadoop's own)",
    )
    spark_class_archive: str | None = _setting(
        "VEIL_SPARK_CLASS_ARCHIVE", None, "the Spark driver's class archive (default: `make install`'s; `none`: off)"
    )
    thrift_host: str = _setting("VEIL_THRIFT_HOST", "127.0.0.1", "Spark Thrift Server host (`spark_thrift` target)")
    thrift_port: int = _setting("VEIL_THRIFT_PORT", 10001, "Spark Thrift Server port", int)
    thrift_user: str = _setting("VEIL_THRIFT_USER", "veil", "user name sent to the Thrift server")
    pg_host: str = _setting("VEIL_PGHOST", "127.0.0.1", "host of the `postgres` dbt target")
    pg_port: int = _setting("VEIL_PGPORT", 5432, "port of the `postgres` dbt target", int)
    pg_user: str = _setting("VEIL_PGUSER", "postgres", "user of the `postgres` dbt target")
    pg_database: str = _setting("VEIL_PGDATABASE", "postgres", "database of the `postgres` dbt target")
    today: dt.date | None = _setting(
        "VEIL_TODAY",
        None,
        "a fixed `today` (ISO date) for validation, ages and retention, so runs and tests do not depend on the clock",
        dt.date.fromisoformat,
    )
    dp_budget: float = _setting("VEIL_DP_BUDGET", 10.0, "default epsilon limit per dataset and analyst", float)
    api_host: str = _setting("VEIL_API_HOST", "127.0.0.1", "address `veil serve` listens on")
    api_port: int = _setting("VEIL_API_PORT", 8000, "port `veil serve` listens on", int)
    api_postgres_url: str | None = _setting(
        "VEIL_API_POSTGRES_URL",
        None,
        "PostgreSQL URL of the API's own login (a member of `veil_api`); default VEIL_POSTGRES_URL, then "
        "`set role veil_api`",
    )
    kafka_bootstrap: str = _setting(
        "VEIL_KAFKA_BOOTSTRAP", "127.0.0.1:9092", "Kafka bootstrap servers of the event stream (`veil stream`)"
    )
    kafka_topic: str = _setting("VEIL_KAFKA_TOPIC", "app.events", "topic the product sends behaviour events to")
    kafka_partitions: int = _setting(
        "VEIL_KAFKA_PARTITIONS", 2, "partitions of the events topic when `veil stream` creates it", int
    )
    kafka_retention_days: int = _setting(
        "VEIL_KAFKA_RETENTION_DAYS", 30, "retention of the events topic when `veil stream` creates it", int
    )
    stream_lateness_seconds: int = _setting(
        "VEIL_STREAM_LATENESS_SECONDS", 600, "lateness bound: older than the newest event seen minus this is late", int
    )
    stream_trigger_seconds: float = _setting(
        "VEIL_STREAM_TRIGGER_SECONDS", 1.0, "micro-batch interval of `veil stream ingest`", float
    )
    dbt_target_path: Path | None = _setting(
        "DBT_TARGET_PATH", None, "dbt's `target/` folder (default `target` in the project)", Path
    )
    pseudonym_key: Secret | None = _setting(
        PSEUDONYM_KEY_ENV, None, "HMAC key, at least 16 characters (`make` creates `.veil/pseudonym.key`)", Secret
    )
    partner_key: Secret | None = _setting(
        PARTNER_KEY_ENV,
        None,
        "the advertising partner's own HMAC key for its audience pseudonyms (`make` creates `.veil/partner.key`)",
        Secret,
    )
    subject_key: Secret | None = _setting(
        SUBJECT_KEY_ENV,
        None,
        "HMAC key of the subject references in compliance records (erasure ledger, receipts, audit trail); never "
        "rotated with the pseudonymization key (`make` creates `.veil/subject.key`)",
        Secret,
    )
    key_dir: Path = _setting(
        "VEIL_KEY_DIR",
        PROJECT_ROOT / ".veil",
        "folder (0700) of the key files `make` creates and `veil keys rotate` replaces",
        Path,
    )
    pg_password: Secret | None = _setting("VEIL_PGPASSWORD", None, "password of the `postgres` dbt target", Secret)

    def current_date(self) -> dt.date:
        """VEIL_TODAY, else today's date in UTC."""
        return self.today or dt.datetime.now(dt.UTC).date()

    @property
    def warehouse_dir(self) -> Path:
        """Spark's managed tables (dbt models) live here."""
        return self.home / "warehouse" / "spark-warehouse"

    @property
    def raw_dir(self) -> Path:
        """Generated Parquet for the raw.* external tables."""
        return self.home / "warehouse" / "raw"

    @property
    def stream_dir(self) -> Path:
        """The stream ingest's checkpoint, batch states and metrics (no raw values: offsets and counts)."""
        return self.home / "warehouse" / "stream"

    @property
    def metastore_dir(self) -> Path:
        """Derby metastore shared by the generator, dbt and tests (one process at a time)."""
        return self.home / "warehouse" / "metastore_db"

    @property
    def manifest_path(self) -> Path:
        return (self.dbt_target_path or PROJECT_ROOT / "target") / "manifest.json"

    def key(self) -> str:
        """The secret for keyed pseudonyms. Raises with the variable to set when it is absent or short."""
        return _required_secret(self.pseudonym_key, PSEUDONYM_KEY_ENV, ".veil/pseudonym.key")

    def recipient_key(self) -> str:
        """The partner's key: a secret of its own, so no one holding the marts can compute audience ids."""
        return _required_secret(self.partner_key, PARTNER_KEY_ENV, ".veil/partner.key")

    def subject_ref_key(self) -> str:
        """The key of subject references: stable across rotations, so the erasure ledger keeps matching."""
        return _required_secret(self.subject_key, SUBJECT_KEY_ENV, ".veil/subject.key")

    def __repr__(self) -> str:  # never print secrets, nor credentials inside URLs
        return f"Settings(home={self.home}, target={self.target}, spark_master={self.spark_master})"


def _required_secret(secret: Secret | None, env: str, key_file: str) -> str:
    """A secret's value; a ConfigError naming the variable and the file `make` keeps it in when it is absent
    or shorter than 16 characters (its length is told, never its value)."""
    length = len(secret) if secret else 0
    if secret is None or length < 16:
        raise ConfigError(
            f"{env} must be set to a secret of at least 16 characters (got {length} characters). `make run` keeps "
            f"one in {key_file}: export {env}=$(cat {key_file})"
        )
    return secret.reveal()


def settings() -> Settings:
    return Settings()


@dataclass(frozen=True)
class EnvironmentVariable:
    name: str
    default: Any
    doc: str
    secret: bool


ENVIRONMENT: tuple[EnvironmentVariable, ...] = tuple(
    EnvironmentVariable(f.metadata["env"], f.metadata["default"], f.metadata["doc"], "Secret" in str(f.type))
    for f in fields(Settings)
    if f.default is MISSING and "env" in f.metadata
)
"""Every environment variable Veil reads, in field order (the README's configuration table)."""


def markdown_table() -> str:
    """The README's configuration table: variable, default, meaning."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for var in ENVIRONMENT:
        value = var.default
        if isinstance(value, Path) and value.is_relative_to(PROJECT_ROOT):  # the same in every checkout
            value = value.relative_to(PROJECT_ROOT)
        default = "(secret)" if var.secret else ("" if value is None else f"`{value}`")
        if var.name == "VEIL_HOME":
            default = "the project directory"
        lines.append(f"| `{var.name}` | {default} | {var.doc} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
