"""Erasing a batch without rebuilding the warehouse.

A model marked `meta: {erasure: in_place}` holds rows that each belong to one person and are computed from that
person's rows alone (staging, validation, consent at event time, events, sessions, the user dimension, the
quarantine, the DP query inputs, the history log). Removing a subject's rows from its Parquet files leaves
exactly what a rebuild without the subject would write, so erasure deletes them in place and rebuilds only the
unmarked models (aggregates, releases, the inventory), which read the marked ones. `plan_erasure` checks, on
the data, the cases where a subject's rows did reach other people's rows, and sends the batch to the full
rebuild instead, saying why.

A model that overwrites month partitions keeps the files of any partition its rebuild writes no rows for, so on
the full path the partitions holding erased subjects are dropped before the rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veil.compliance.holdings import (
    DERIVED_SCHEMAS,
    MATCH_COLUMNS,
    Identifiers,
    arrow_matcher,
    spark_condition,
    spark_tables,
)
from veil.errors import VeilError
from veil.settings import settings
from veil.warehouse.parquet_files import rewrite_without

IN_PLACE = "in_place"
KEPT_BY_DELETION = ("unique", "not_null", "accepted_values")
"""Generic tests that removing rows cannot make fail: a table that passed them in the build that wrote it still
passes them after the in-place removal, so the check after it runs the marked models' other tests only (the
reconciliation of raw with clean + quarantined + erased, among them)."""


@dataclass(frozen=True)
class ErasurePlan:
    """How a batch's derived tables lose the subjects: in place (`full_rebuild` is None) or by a full build."""

    in_place_models: tuple[str, ...]
    """Names of the models erased in place (their tables: `in_place_relations`)."""
    in_place_relations: tuple[str, ...]
    rebuilt: tuple[str, ...]
    """Names of the models `dbt build` runs again after the in-place removal."""
    full_rebuild: str | None = None
    """Why the batch takes the full rebuild instead."""

    @property
    def in_place(self) -> bool:
        return self.full_rebuild is None

    @property
    def check(self) -> list[str]:
        """`dbt test` arguments for after the in-place removal: the marked models' tests that removing rows
        could make fail."""
        return ["test", "--select", *self.in_place_models, "--exclude", *(f"test_name:{t}" for t in KEPT_BY_DELETION)]

    @property
    def derived_tables(self) -> str:
        """What the audit entry says of the derived tables."""
        return "erased in place" if self.in_place else f"rebuilt: {self.full_rebuild}"


def in_place_nodes(manifest: dict | None = None) -> tuple[list[dict], list[dict]]:
    """(models marked `erasure: in_place`, the other models). A marked model reading an unmarked one is a
    mistake in the project (the unmarked one is rebuilt after the removal, too late) and is refused."""
    from veil.warehouse.project import node_meta, project_models

    models = project_models(manifest)
    marked = [n for n in models if node_meta(n).get("erasure") == IN_PLACE]
    ids = {n["unique_id"] for n in marked}
    model_ids = {n["unique_id"] for n in models}
    for node in marked:
        wrong = [p for p in node["depends_on"]["nodes"] if p in model_ids and p not in ids]
        if wrong:
            raise VeilError(
                f"{node['name']} is marked erasure: in_place but reads {', '.join(w.split('.')[-1] for w in wrong)}, "
                "which is not: mark it too, or remove the mark"
            )
    return marked, [n for n in models if n["unique_id"] not in ids]


def _count(spark: Any, sql: str) -> int:
    return int(spark.sql(sql).collect()[0][0])


def plan_erasure(spark: Any, everyone: Identifiers, free_text_rows_removed: int, resumed: bool) -> ErasurePlan:
    """Decide how the batch (identifiers of all its subjects) leaves the derived tables, after the raw rewrite
    (`free_text_rows_removed`: rows under other ids removed because their free text held a subject's contact;
    `resumed`: a subject was in the erasure ledger already — an interrupted erasure run again, whose first
    attempt's raw rewrite, and what it found, this one cannot see)."""
    from veil.warehouse.project import relation_name

    marked, others = in_place_nodes()
    names, relations = tuple(n["name"] for n in marked), tuple(relation_name(n) for n in marked)
    rebuilt = tuple(n["name"] for n in others)

    def full(reason: str) -> ErasurePlan:
        return ErasurePlan(names, relations, rebuilt, reason)

    if settings().target != "spark":
        return full(f"the {settings().target} target is rebuilt, not edited in place")
    if missing := [r for r in relations if not spark.catalog.tableExists(r)]:
        return full(f"{missing[0]} is not built yet")
    from veil.stream.metrics import unbuilt

    if unbuilt():
        return full("the event stream landed rows after the last build of stg_app__events")
    if resumed:
        return full("a subject was in the erasure ledger already (an erasure resumed or repeated)")
    if free_text_rows_removed:
        return full(f"{free_text_rows_removed} rows under other ids held a subject's contact in free text")
    if not everyone["user_key"]:
        return ErasurePlan(names, relations, rebuilt)
    keys = ", ".join(f"'{k}'" for k in everyone["user_key"])
    # validation keeps one copy per event_id across users: another user's row sharing a subject's event_id
    # may be quarantined or kept depending on theirs
    staged = relation_name(_named(marked, "stg_app__events"))
    shared = _count(
        spark,
        f"select count(*) from {staged} where coalesce(user_key, '') not in ({keys}) and event_id in ("
        f"select event_id from {staged} where user_key in ({keys}))",
    )
    if shared:
        return full(f"{shared} events of other users share a subject's event_id")
    fct = relation_name(_named(marked, "fct_events"))
    mixed = _count(
        spark,
        f"select count(*) from {fct} where coalesce(user_key, '') not in ({keys}) and session_id in ("
        f"select session_id from {fct} where user_key in ({keys}))",
    )
    if mixed:
        return full(f"{mixed} events of other users are in a subject's sessions")
    return ErasurePlan(names, relations, rebuilt)


def _named(nodes: list[dict], name: str) -> dict:
    for node in nodes:
        if node["name"] == name:
            return node
    raise VeilError(f"{name} is not marked erasure: in_place; the in-place erasure needs it")


def remove_in_place(spark: Any, relations: tuple[str, ...], everyone: Identifiers) -> dict[str, int]:
    """Rewrite the Parquet files of these Spark tables without the subjects' rows (only files holding one are
    rewritten; the match columns are read first) and refresh Spark's view of them. Returns rows removed per
    table."""
    from veil.warehouse.spark import table_location

    removed = {}
    for relation in relations:
        columns = [c for c in MATCH_COLUMNS if c in spark.table(relation).columns and everyone[c]]
        if not columns:
            continue
        drop = arrow_matcher(everyone, columns)
        n = sum(
            rewrite_without(path, drop, columns)
            for path in sorted(Path(table_location(spark, relation)).rglob("*.parquet"))
        )
        spark.sql(f"refresh table {relation}")
        removed[relation] = n
    return removed


def clear_incremental_partitions(spark: Any, everyone: Identifiers) -> dict[str, int]:
    """On the full path, before the rebuild: an incremental model that overwrites partitions (fct_events, by month)
    rewrites only the partitions its rebuild produces rows for, so a month whose only rows were the subjects'
    would keep them — and feed every model built from it. Each partition holding a subject is dropped first;
    the rebuild (a full one: no lookback window) writes back every partition that still has rows. Returns
    partitions dropped per table."""
    from veil.warehouse.project import project_models, relation_name
    from veil.warehouse.spark import drop_partitions_where

    incremental = {
        relation_name(n)
        for n in project_models()
        if n["config"].get("materialized") == "incremental" and n["config"].get("partition_by")
    }
    dropped = {}
    for relation, columns in spark_tables(spark, DERIVED_SCHEMAS):
        if relation in incremental and (cond := spark_condition(columns, everyone)):
            if n := drop_partitions_where(spark, relation, f"bool_or({cond})"):
                dropped[relation] = n
    return dropped
