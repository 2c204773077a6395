"""Erasure and incremental models: a model that overwrites date partitions keeps the files of any partition
its rebuild writes no rows for, so the partitions holding erased subjects are dropped before the rebuild."""

from __future__ import annotations

from typing import Any

from veil.compliance.holdings import DERIVED_SCHEMAS, Identifiers, spark_condition, spark_tables


def clear_incremental_partitions(spark: Any, everyone: Identifiers) -> dict[str, int]:
    """Stage 3a, before the rebuild: an incremental model that overwrites date partitions (fct_events) rewrites
    only the partitions its rebuild produces rows for, so a day whose only rows were the subjects' would keep
    them — and feed every model built from it. Each partition holding a subject is dropped first; the rebuild
    (a full one: no lookback window) writes back every partition that still has rows. Returns partitions
    dropped per table."""
    from veil.warehouse.project import project_models, relation_name

    incremental = {
        relation_name(n)
        for n in project_models()
        if n["config"].get("materialized") == "incremental" and n["config"].get("partition_by")
    }
    dropped = {}
    for relation, columns in spark_tables(spark, DERIVED_SCHEMAS):
        if relation not in incremental or not (cond := spark_condition(columns, everyone)):
            continue
        if not (keys := [c.name for c in spark.catalog.listColumns(relation) if c.isPartition]):
            continue
        stale = spark.sql(f"select distinct {', '.join(f'`{k}`' for k in keys)} from {relation} where {cond}").collect()
        if stale:
            specs = ", ".join("partition (" + ", ".join(f"`{k}` = '{row[k]}'" for k in keys) + ")" for row in stale)
            spark.sql(f"alter table {relation} drop if exists {specs}")
            dropped[relation] = len(stale)
    return dropped
