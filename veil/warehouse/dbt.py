"""dbt in this process: on the Spark session target it shares the process's SparkSession."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from typing import Any

from veil.audit import record_event
from veil.errors import ConfigError, VeilError
from veil.settings import PROJECT_ROOT, settings

CHANGING_COMMANDS = ("build", "run", "test", "snapshot", "seed")
REBUILD = ["build", "--exclude", "tag:macros"]
"""The `dbt build` after a compliance change (consent, retention, erasure, key rotation): every model and data
test, without the macros' case tests and their hand-made seeds (tag `macros`), which no change to the data can
affect (`veil run` and `veil dbt build` run them); they took ~6 s of each rebuild of a small warehouse."""


def dbt_environment() -> None:
    """Environment dbt needs: the project's profiles, and on PostgreSQL the key as a session setting.

    libpq reads PGOPTIONS, so the key reaches PostgreSQL's `veil.pseudonym_key` without entering SQL text.
    """
    cfg = settings()
    os.environ.setdefault("VEIL_HOME", str(cfg.home))
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_ROOT / "profiles"))
    secrets = {
        "veil.pseudonym_key": cfg.key(),
        "veil.recipient_key_partner": cfg.recipient_key(),
        "veil.subject_key": cfg.subject_ref_key(),
    }
    for name, value in secrets.items():
        if not re.fullmatch(r"[A-Za-z0-9_.:+/=-]+", value):
            raise ConfigError(
                f"the secret for {name} may hold only letters, digits and _.:+/=- "
                "(it is passed to PostgreSQL in PGOPTIONS)"
            )
    options = [o for o in os.environ.get("PGOPTIONS", "").split(" ") if o and not o.startswith("veil.")]
    settings_ = [part for name, value in secrets.items() for part in ("-c", f"{name}={value}")]
    os.environ["PGOPTIONS"] = " ".join([*[o for o in options if o != "-c"], *settings_])


def target_of(args: list[str]) -> str:
    """The dbt target an invocation runs on (`--target`, else VEIL_TARGET)."""
    if "--target" in args:
        return args[args.index("--target") + 1]
    return settings().target


def check_raw_files() -> None:
    """Refuse to build, before any model is touched, when a raw Parquet file cannot be read."""
    from veil.warehouse.parquet_files import unreadable

    bad = unreadable(settings().raw_dir)
    if bad:
        path, reason = bad[0]
        raise VeilError(
            f"raw file {path.relative_to(settings().home)} is not readable Parquet ({reason}); nothing was built. "
            f"Restore it from its source, or move it out of {path.parent.relative_to(settings().home)}/ and run "
            f"the command again" + (f" ({len(bad) - 1} more unreadable file(s))" if len(bad) > 1 else "")
        )


def remove_orphan_builds(spark: Any) -> None:
    """A build that failed inside its CREATE TABLE can leave the files of `<model>__dbt_building` with no table,
    and Spark then refuses to create that table again (LOCATION_ALREADY_EXISTS). Such folders are never a
    table's data: remove them before a build."""
    import shutil

    for folder in settings().warehouse_dir.glob("*.db/*__dbt_building"):
        if not spark.catalog.tableExists(f"{folder.parent.name.removesuffix('.db')}.{folder.name}"):
            shutil.rmtree(folder)


def record_key_id(spark: Any, results: list[Any]) -> None:
    """Every Spark table this invocation built records the id (never the value) of the key its pseudonyms
    were made with, as its `veil.key_id` property."""
    from veil.warehouse.keys import key_id

    if settings().pseudonym_key is None:
        return
    kid = key_id(settings().key())
    for r in results:
        node = r.node
        if node.resource_type == "model" and str(r.status) == "success" and node.config.materialized != "view":
            spark.sql(f"alter table {node.schema}.{node.alias} set tblproperties ('veil.key_id' = '{kid}')")


def invoke_dbt(args: list[str], spark: Any = None) -> Any:
    """dbtRunner result of `dbt <args>` (for callers that read results, e.g. `dbt show`)."""
    from dbt.cli.main import dbtRunner

    dbt_environment()
    if args and args[0] in CHANGING_COMMANDS:
        check_raw_files()
    if target_of(args) == "spark":
        from veil.warehouse.spark import get_spark

        spark = spark or get_spark()  # created with our settings; dbt-spark's getOrCreate() reuses it
        if args and args[0] in CHANGING_COMMANDS:
            remove_orphan_builds(spark)
    from veil.stream.metrics import landed_batch, record_built

    landed = landed_batch()  # the stream cannot land more during the build: it needs the warehouse lock
    # dbt logs and stores sys.argv as its `invocation_command`: show it the dbt arguments, never the veil
    # command's own (`veil erase --subject <e-mail>` must not write the e-mail to logs/ and target/)
    argv, sys.argv = sys.argv, ["dbt", *args]
    try:
        result = dbtRunner().invoke([*args, "--project-dir", str(PROJECT_ROOT)])
    finally:
        sys.argv = argv
    if result.exception is not None:
        raise result.exception
    if args and args[0] in CHANGING_COMMANDS and target_of(args) == "spark" and spark is not None:
        record_key_id(spark, getattr(result.result, "results", None) or [])
        results = getattr(result.result, "results", None) or []
        if any(r.node.name == "stg_app__events" and str(r.status) == "success" for r in results):
            record_built(landed)
    if args and args[0] in CHANGING_COMMANDS:
        statuses = Counter(str(r.status) for r in (getattr(result.result, "results", None) or []))
        record_event("dbt_invocation", {"args": args, "success": bool(result.success), "nodes": dict(statuses)})
    return result


def run_dbt(args: list[str], spark: Any = None) -> bool:
    """`dbt <args>` in-process; True when it succeeded."""
    return bool(invoke_dbt(args, spark).success)
