"""`veil scan`: classify every column of catalog tables or Parquet/CSV files, check the project's
classification for drift, and propose YAML `meta` for a source.

Sampling runs in Spark for catalog tables (one pass, then a few thousand rows reach Python); files are read
with Arrow.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from veil.detection.classify import Finding, classify_column
from veil.detection.detectors import DIRECT
from veil.errors import VeilError
from veil.warehouse.project import column_meta, load_manifest

DEFAULT_SAMPLE = 2_000


def sample_table(spark, relation: str, rows: int) -> dict[str, list]:
    """About `rows` rows of a catalog table, drawn at random (seeded), each column's values as text."""
    from pyspark.sql import functions as F

    df = spark.table(relation)
    total = df.count()
    if total > rows:
        df = df.sample(fraction=min(1.0, 2.0 * rows / total), seed=17)
    df = df.select([F.col(f"`{c}`").cast("string").alias(c) for c in df.columns]).limit(rows)
    data = df.collect()
    return {c: [r[i] for r in data] for i, c in enumerate(df.columns)}


def _sample_file(path: Path, rows: int) -> dict[str, list]:
    import pyarrow.csv as pacsv
    import pyarrow.dataset as ds

    if path.suffix.lower() == ".csv":
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    else:
        dataset = ds.dataset(path, format="parquet", partitioning="hive")
        n = dataset.count_rows()
        step = max(1, n // rows)
        table = dataset.take(list(range(0, n, step))[:rows])
    return {c: [None if v is None else str(v) for v in table.column(c).to_pylist()] for c in table.column_names}


def scan(target: str, spark=None, rows: int = DEFAULT_SAMPLE) -> list[Finding]:
    """Findings for every column of a catalog table (`schema.table`) or a Parquet/CSV file or folder."""
    path = Path(target)
    if path.exists():
        sample = _sample_file(path, rows)
    else:
        if spark is None:
            from veil.warehouse.spark import get_spark

            spark = get_spark()
        if not spark.catalog.tableExists(target):
            raise VeilError(f"{target!r} is neither a file nor a table in the Spark catalog")
        sample = sample_table(spark, target, rows)
    return [classify_column(column, values) for column, values in sample.items()]


def catalog_tables(spark, schemas: tuple[str, ...]) -> list[str]:
    """schema.table of every table in these Spark schemas (not the session's temporary views)."""
    return [
        f"{r.namespace}.{r.tableName}"
        for schema in schemas
        for r in spark.sql(f"show tables in {schema}").collect()
        if not r.isTemporary
    ]


FINDINGS_TABLE = "scan.column_findings"


def write_findings(spark, results: dict[str, list[Finding]]) -> int:
    """Replace scan.column_findings (read by the dbt model privacy.pii_inventory) with these results."""
    import datetime as dt

    rows = [
        (
            relation,
            f.column,
            f.privacy,
            f.entity,
            float(f.confidence),
            json.dumps(f.evidence, default=str),
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
        for relation, findings in results.items()
        for f in findings
    ]
    schema = (
        "relation string, column_name string, detected_privacy string, detected_entity string, "
        "confidence double, evidence string, scanned_at timestamp"
    )
    spark.sql("create database if not exists scan")
    spark.sql(f"drop table if exists {FINDINGS_TABLE}")
    spark.createDataFrame(rows, schema).write.format("parquet").saveAsTable(FINDINGS_TABLE)
    return len(rows)


def scan_sources(spark, rows: int = DEFAULT_SAMPLE) -> dict[str, list[Finding]]:
    """Findings for every dbt source table that exists in the catalog."""
    relations = sorted({f"{s['schema']}.{s['identifier'] or s['name']}" for s in load_manifest()["sources"].values()})
    return {r: scan(r, spark, rows) for r in relations if spark.catalog.tableExists(r)}


# ----------------------------------------------------------------- the project's classification


@dataclass
class Problem:
    relation: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.relation}.{self.column}: {self.message}"


def _declared_without_privacy(relation: str, declared: dict) -> list[Problem]:
    return [
        Problem(relation, c, "declared without config.meta.privacy")
        for c, col in declared.items()
        if not column_meta(col).get("privacy")
    ]


def check(spark, relations: dict[str, str] | None = None, rows: int = DEFAULT_SAMPLE) -> list[Problem]:
    """Drift check. Fails on: a source column that looks like personal data but is not declared, any declared
    source or model column without `privacy`, a built model column missing from its YAML, and a direct
    identifier found in an exported mart. `relations` can point a source at another table (tests)."""
    manifest = load_manifest()
    relations = relations or {}
    problems: list[Problem] = []
    for source in manifest["sources"].values():
        key = f"{source['source_name']}.{source['name']}"
        relation = relations.get(key, f"{source['schema']}.{source['identifier'] or source['name']}")
        declared = source["columns"]
        problems += _declared_without_privacy(relation, declared)
        if not spark.catalog.tableExists(relation):
            continue
        new = [c for c in spark.table(relation).columns if c not in declared]
        if new:
            sample = sample_table(spark, relation, rows)
            for column in new:
                finding = classify_column(column, sample[column])
                if finding.entity:
                    problems.append(
                        Problem(
                            relation,
                            column,
                            (
                                f"looks like {finding.entity} ({finding.privacy}, confidence {finding.confidence:.2f}) "
                                f"but is not classified in {source['original_file_path']}; "
                                f"`veil scan {key} --propose` shows the YAML to add"
                            ),
                        )
                    )
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["config"].get("materialized") == "ephemeral":
            continue
        relation = f"{node['schema']}.{node['alias'] or node['name']}"
        declared = node["columns"]
        problems += _declared_without_privacy(relation, declared)
        if not spark.catalog.tableExists(relation):
            continue
        problems += [
            Problem(relation, c, f"has no classification in {node['patch_path'] or node['original_file_path']}")
            for c in spark.table(relation).columns
            if c not in declared
        ]
        if (node["config"].get("meta") or {}).get("export"):
            for finding in scan(relation, spark, rows):
                if finding.privacy == DIRECT:
                    problems.append(
                        Problem(relation, finding.column, f"exported mart holds a direct identifier ({finding.entity})")
                    )
    return problems


def propose(spark, source_key: str, rows: int = DEFAULT_SAMPLE, relation: str | None = None) -> str:
    """A unified diff from the source's declared column meta to the scanner's proposal (of the source's table,
    or of `relation` standing in for it)."""
    manifest = load_manifest()
    source = next((s for s in manifest["sources"].values() if f"{s['source_name']}.{s['name']}" == source_key), None)
    if source is None:
        raise VeilError(
            f"no source {source_key!r}; sources are "
            + ", ".join(sorted(f"{s['source_name']}.{s['name']}" for s in manifest["sources"].values()))
        )
    relation = relation or f"{source['schema']}.{source['identifier'] or source['name']}"
    findings = {f.column: f for f in scan(relation, spark, rows)}

    def render(meta_of) -> list[str]:
        out = []
        for column in findings:
            meta = meta_of(column)
            body = ", ".join(f"{k}: {v}" for k, v in meta.items()) if meta else ""
            out.append(f"  - name: {column}\n")
            out.append(f"    config: {{meta: {{{body}}}}}\n")
        return out

    def current(column: str) -> dict:
        meta = column_meta(source["columns"].get(column, {}))
        return {k: meta[k] for k in ("privacy", "pii") if k in meta}

    def proposed(column: str) -> dict:
        f = findings[column]
        return {"privacy": f.privacy, **({"pii": f.entity} if f.entity else {})}

    return "".join(
        difflib.unified_diff(
            render(current),
            render(proposed),
            fromfile=f"{source['original_file_path']} ({source_key}, declared)",
            tofile=f"{source_key} (proposed by veil scan)",
        )
    )
