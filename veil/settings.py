"""Every knob in one typed place: a default, an environment variable and a docstring each.

Secrets are read on demand and never printed: `Settings.__repr__` hides them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from veil.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PSEUDONYM_KEY_ENV = "DBT_ENV_SECRET_PSEUDONYM_KEY"
"""The keyed-hash secret. dbt scrubs DBT_ENV_SECRET_* from logs and only allows it in profiles.yml."""


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=lambda: Path(_env("VEIL_HOME", str(PROJECT_ROOT))).resolve())
    """VEIL_HOME: the project directory; the warehouse and metastore live below it."""

    postgres_url: str = field(
        default_factory=lambda: _env("VEIL_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    """VEIL_POSTGRES_URL: the PostgreSQL that receives the marts (schema `analytics`)."""

    spark_master: str = field(default_factory=lambda: _env("VEIL_SPARK_MASTER", "local[2]"))
    """VEIL_SPARK_MASTER: Spark master for session mode (local[N] or spark://host:7077)."""

    shuffle_partitions: int = field(default_factory=lambda: int(_env("VEIL_SHUFFLE_PARTITIONS", "4")))
    """VEIL_SHUFFLE_PARTITIONS: spark.sql.shuffle.partitions; a few on one machine, not 200."""

    @property
    def warehouse_dir(self) -> Path:
        """Spark's managed tables (dbt models) live here."""
        return self.home / "warehouse" / "spark-warehouse"

    @property
    def raw_dir(self) -> Path:
        """Generated Parquet for the raw.* external tables."""
        return self.home / "warehouse" / "raw"

    @property
    def metastore_dir(self) -> Path:
        """Derby metastore shared by the generator, dbt and tests (one process at a time)."""
        return self.home / "warehouse" / "metastore_db"

    def pseudonym_key(self) -> str:
        """The secret for keyed pseudonyms. Raises with the variable to set when it is absent."""
        key = os.environ.get(PSEUDONYM_KEY_ENV, "")
        if len(key) < 16:
            raise ConfigError(
                f"{PSEUDONYM_KEY_ENV} must be set to a secret of at least 16 characters "
                f"(got {len(key)} characters). Example: export {PSEUDONYM_KEY_ENV}=$(openssl rand -hex 32)"
            )
        return key

    def __repr__(self) -> str:  # never print secrets
        return f"Settings(home={self.home}, spark_master={self.spark_master}, postgres_url=<hidden>)"


def settings() -> Settings:
    return Settings()
