"""Where a data subject's rows can be held, and how to find them: the one list of stores and the one way of
matching a subject that access requests, erasure and retention share.

A subject is matched by `user_id` (raw tables), their pseudonym in `user_key` (every derived table) or in
`record_id` (quarantined user rows), their partner pseudonym in `audience_id` (the partner audience), and
their subject reference in `subject_ref` (the consent ledger).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from veil.compliance.subjects import Subject, partner_pseudonym

DERIVED_SCHEMAS = ("staging", "intermediate", "marts", "privacy", "history")
"""Spark schemas dbt builds."""

STREAM_SCHEMAS = ("stream",)
"""Spark schemas the stream ingest writes (veil.stream.ingest): staged events, and quarantined messages' offsets."""

SPARK_SCHEMAS = ("raw", *DERIVED_SCHEMAS, *STREAM_SCHEMAS, "compliance")
"""Every Spark schema that can hold a subject (the compliance consent ledger included)."""

POSTGRES_KEEP = ("audit", "privacy_budget", "pg_catalog", "information_schema")
"""PostgreSQL schemas erasure leaves alone: the audit trail and the DP budget ledger are append-only records of
what was done, naming subjects only by subject reference (never a raw value nor a pseudonym)."""

MATCH_COLUMNS = ("user_id", "user_key", "record_id", "audience_id", "subject_ref")

Identifiers = dict[str, list]


def identifiers(subject: Subject) -> Identifiers:
    """The values each match column holds for the subject's accounts."""
    keys = list(subject.user_keys)
    return {
        "user_id": list(subject.user_ids),
        "user_key": keys,
        "record_id": keys,
        "audience_id": [partner_pseudonym(k) for k in keys],
        "subject_ref": list(subject.subject_refs),
    }


def spark_tables(spark: Any, schemas: tuple[str, ...] = SPARK_SCHEMAS) -> list[tuple[str, list[str]]]:
    """(schema.table, columns) of every table in these Spark schemas (views only in `history`, where the
    SCD2 view lives; the compliance erasure ledger is the record of erasures and never a holding)."""
    out = []
    for schema in schemas:
        if not spark.catalog.databaseExists(schema):
            continue
        for t in spark.catalog.listTables(schema):
            if t.isTemporary or (t.tableType == "VIEW" and schema != "history") or t.name == "erasure_ledger":
                continue
            relation = f"{schema}.{t.name}"
            out.append((relation, spark.table(relation).columns))
    return out


def spark_condition(columns: list[str], ids: Identifiers) -> str | None:
    """SQL matching the subject in a Spark table with these columns (None if it has no match column or the
    subject has no account). `user_id` is written unquoted, so a placeholder can stand in for it in a receipt."""
    parts = [
        f"`{c}` in (" + ", ".join(str(v) if c == "user_id" else f"'{v}'" for v in ids[c]) + ")"
        for c in MATCH_COLUMNS
        if c in columns and ids[c]
    ]
    return " or ".join(parts) or None


def spark_counts(spark: Any, ids: Identifiers) -> dict[str, int]:
    """Rows matching the subject in every Spark table that has a match column."""
    return spark_counts_by_subject(spark, [ids])[0]


def _first_subject(subjects: list[Identifiers], column: str) -> dict[Any, int]:
    """Each value of a match column → the first subject (index) holding it (a batch's requests may overlap:
    the rows go to the earliest)."""
    index: dict[Any, int] = {}
    for i, ids in enumerate(subjects):
        for value in ids[column]:
            index.setdefault(value, i)
    return index


def spark_counts_by_subject(spark: Any, subjects: list[Identifiers]) -> list[dict[str, int]]:
    """Rows matching each subject in every Spark table that has a match column: one pass over each table (a
    broadcast join on every match column), whatever the number of subjects."""
    from pyspark.sql import functions as F

    indexes = {}
    for column in MATCH_COLUMNS:
        if index := _first_subject(subjects, column):
            kind = "bigint" if column == "user_id" else "string"
            indexes[column] = F.broadcast(
                spark.createDataFrame(list(index.items()), f"`__v_{column}` {kind}, `__s_{column}` int")
            )
    counts: list[dict[str, int]] = [{} for _ in subjects]
    for relation, columns in spark_tables(spark):
        matched = [c for c in MATCH_COLUMNS if c in columns and c in indexes]
        if not matched:
            continue
        table = spark.table(relation).select(*(F.col(f"`{c}`") for c in matched))
        for c in matched:
            table = table.join(indexes[c], table[f"`{c}`"] == indexes[c][f"__v_{c}"], "left")
        found = dict(
            table.select(F.coalesce(*(F.col(f"__s_{c}") for c in matched)).alias("s"))
            .where("s is not null")
            .groupBy("s")
            .count()
            .collect()
        )
        for i, held in enumerate(counts):
            held[relation] = int(found.get(i, 0))
    return counts


def postgres_tables(conn: Any) -> dict[str, list[str]]:
    """Every PostgreSQL base table outside POSTGRES_KEEP that can hold a subject, with its match columns."""
    rows = conn.execute(
        """
        select c.table_schema || '.' || c.table_name, c.column_name
        from information_schema.columns as c
        join information_schema.tables as t using (table_schema, table_name)
        where c.column_name = any(%s) and t.table_type = 'BASE TABLE'
          and c.table_schema <> all(%s) and c.table_name <> 'erasure_ledger'
        order by 1, 2""",
        (list(MATCH_COLUMNS), list(POSTGRES_KEEP)),
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for relation, column in rows:
        tables.setdefault(relation, []).append(column)
    return tables


def postgres_match(columns: list[str], ids: Identifiers) -> tuple[str, list]:
    """(where clause with placeholders, parameters) matching the subject in a PostgreSQL table."""
    return " or ".join(f'"{c}" = any(%s)' for c in columns), [ids[c] for c in columns]


def postgres_counts(conn: Any, ids: Identifiers) -> dict[str, int]:
    """Rows matching the subject in every PostgreSQL table that can hold them (ends the read transaction)."""
    return postgres_counts_by_subject(conn, [ids])[0]


def postgres_counts_by_subject(
    conn: Any, subjects: list[Identifiers], tables: dict[str, list[str]] | None = None
) -> list[dict[str, int]]:
    """Rows matching each subject in every PostgreSQL table that can hold them (or in `tables`): one query per
    table, joining each match column to the subjects' values (ends the read transaction)."""
    indexes = {c: _first_subject(subjects, c) for c in MATCH_COLUMNS}
    counts: list[dict[str, int]] = [{} for _ in subjects]
    for relation, columns in (postgres_tables(conn) if tables is None else tables).items():
        joins, params = [], []
        for n, c in enumerate(columns):
            joins.append(f'left join unnest(%s::text[], %s::int[]) as m{n}(v, s) on t."{c}"::text = m{n}.v')
            params += [[str(v) for v in indexes[c]], list(indexes[c].values())]
        pick = "coalesce(" + ", ".join(f"m{n}.s" for n in range(len(columns))) + ")"
        found = dict(
            conn.execute(
                f"select {pick}, count(*) from {relation} as t {' '.join(joins)} where {pick} is not null group by 1",
                params,
            ).fetchall()
        )
        for i, held in enumerate(counts):
            held[relation] = int(found.get(i, 0))
    conn.commit()
    return counts


def union(subjects: list[Identifiers]) -> Identifiers:
    """The identifiers of several subjects together (a batch)."""
    return {c: [v for ids in subjects for v in ids[c]] for c in MATCH_COLUMNS}


def free_text_columns() -> dict[str, list[str]]:
    """Raw table → its columns declared `pii: free_text_with_pii` (search queries, URLs): where a person's
    e-mail or phone can sit in rows filed under another id, or under none."""
    from veil.warehouse.project import column_meta, project_sources

    out: dict[str, list[str]] = {}
    for source in project_sources():
        columns = [n for n, c in source["columns"].items() if column_meta(c).get("pii") == "free_text_with_pii"]
        if columns:
            out[source["name"]] = columns
    return out


def arrow_matcher(everyone: Identifiers, columns: list[str]) -> Callable[[pa.Table], pa.ChunkedArray]:
    """A function of an Arrow table (holding `columns`, a subset of MATCH_COLUMNS) giving the rows that match
    one of the subjects' identifiers in any of them; dictionary-encoded columns are matched by value."""

    def matches(table: pa.Table) -> pa.ChunkedArray:
        mask = pa.chunked_array([pa.array([False] * table.num_rows, pa.bool_())])
        for c in columns:
            column = table.column(c)
            if pa.types.is_dictionary(column.type):
                column = pc.cast(column, column.type.value_type)
            values = pa.array([int(v) if c == "user_id" else str(v) for v in everyone[c]]).cast(column.type)
            mask = pc.or_(mask, pc.fill_null(pc.is_in(column, value_set=values), False))
        return mask

    return matches
