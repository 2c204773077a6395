"""`veil access`: everything held about one person, machine-readable (GDPR Art. 15 and 20, CCPA right to know).

The package is a folder `access_requests/<request_id>/` (mode 0700, git-ignored) with
- `package.json`: the Art. 15 context (purposes and legal bases, data categories, recipients, retention,
  source, rights) read from the project's YAML, and every row found, grouped by store and table;
- one CSV per table that holds rows about the subject.

Stores searched: raw tables (by user_id), every derived Spark table and the history log (by pseudonym), the
quarantine, the consent ledger, every PostgreSQL table that can hold them (the exported marts, and the raw
copies and models of the postgres target), the partner audience (by the partner's pseudonym), and audit trail
entries about the request's subject: the same stores erasure clears (veil.compliance.holdings).
The command prints counts and the folder, never the personal data itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veil.audit import record_event
from veil.compliance.holdings import (
    Identifiers,
    identifiers,
    postgres_match,
    postgres_tables,
    spark_condition,
    spark_tables,
)
from veil.compliance.raw_files import free_text_rows
from veil.compliance.subjects import Subject, resolve_subject
from veil.ids import new_id
from veil.settings import settings
from veil.warehouse.postgres import connect
from veil.warehouse.project import column_meta, load_manifest, node_meta, project_models, project_sources, purposes


@dataclass(frozen=True)
class AccessSummary:
    """What an access request produced, without personal data: rows per store and where the package is."""

    request_id: str
    subject_refs: tuple[str, ...]  # veil.compliance.subjects.subject_ref, one per account the request names
    folder: Path
    rows: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def _spark_rows(spark: Any, ids: Identifiers) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for relation, columns in spark_tables(spark):
        if cond := spark_condition(columns, ids):
            rows = spark.sql(f"select * from {relation} where {cond}").collect()
            if rows:
                found[f"spark:{relation}"] = [{k: _json_value(v) for k, v in r.asDict().items()} for r in rows]
    return found


def _postgres_rows(ids: Identifiers) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    with connect() as conn:
        for relation, columns in postgres_tables(conn).items():
            where, params = postgres_match(columns, ids)
            cur = conn.execute(f"select * from {relation} where {where}", params)
            names = [d.name for d in cur.description]
            rows = [dict(zip(names, map(_json_value, r), strict=True)) for r in cur.fetchall()]
            if rows:
                found[f"postgresql:{relation}"] = rows
        if conn.execute("select to_regclass('audit.trail')").fetchone()[0] and ids["subject_ref"]:
            cur = conn.execute(  # the trail names subjects by subject reference
                "select seq, recorded_at, action, details from audit.trail where details::text like any(%s) "
                "order by seq",
                ([f"%{k}%" for k in ids["subject_ref"]],),
            )
            rows = [{"seq": s, "recorded_at": r, "action": a, "details": d} for s, r, a, d in cur.fetchall()]
            if rows:
                found["postgresql:audit.trail"] = rows
    return found


def article15_context(manifest: dict | None = None) -> dict:
    """What the YAML declares about the processing: purposes, categories, recipients, retention, source."""
    manifest = manifest or load_manifest()
    declared = purposes()
    used: dict[str, list[str]] = {}
    recipients = {"internal analysts (PostgreSQL schema analytics, dashboards, analytics API)"}
    for node in project_models(manifest):
        meta = node_meta(node)
        if meta.get("purpose"):
            used.setdefault(meta["purpose"], []).append(node["name"])
        recipients.update(meta.get("recipients") or [])
    categories: set[str] = set()
    retention: dict[str, str] = {}
    sources: dict[str, str] = {}
    for source in project_sources(manifest):
        meta = node_meta(source)
        if source["source_name"] != "app":
            continue
        categories.update(str(pii) for c in source["columns"].values() if (pii := column_meta(c).get("pii")))
        retention[f"raw.{source['name']}"] = meta.get("retention") or (
            f"{meta['retention_days']} days" if meta.get("retention_days") else "not declared"
        )
        sources[f"raw.{source['name']}"] = source.get("description", "")
    return {
        "controller": "the operator of this Veil installation",
        "purposes": [
            {
                "purpose": name,
                "legal_basis": p["legal_basis"],
                "description": p["description"],
                "used_by": sorted(used.get(name, [])),
            }
            for name, p in declared.items()
        ],
        "categories_of_personal_data": sorted(categories - {"user_id"}) + ["account identifier"],
        "recipients": sorted(recipients),
        "retention": retention,
        "source_of_data": "collected from you: what you entered when you signed up and your use of the app "
        "and website; consent decisions you made",
        "automated_decision_making": "none",
        "your_rights": [
            "rectification (Art. 16)",
            "erasure (Art. 17): veil erase",
            "restriction (Art. 18)",
            "portability (Art. 20): this package",
            "objection (Art. 21)",
            "withdraw consent at any time (Art. 7(3)): veil consent",
            "complain to a supervisory authority",
            "CCPA: opt out of sale or sharing (veil consent --opt-out); Global Privacy Control is honoured",
        ],
        "stores": sources,
    }


def access(
    spark: Any, subject: str | Subject, request_id: str | None = None, out_dir: Path | None = None
) -> AccessSummary:
    """Write the access package; returns a summary (folder, rows per store, seconds) without personal data."""
    started = time.perf_counter()
    request_id = request_id or new_id()
    subject_ = resolve_subject(subject)
    ids = identifiers(subject_)
    found = {**_spark_rows(spark, ids), **_postgres_rows(ids)}
    for store, rows in free_text_rows(subject_).items():
        found[store] = [{k: _json_value(v) for k, v in r.items()} for r in rows]

    folder = (out_dir or settings().home / "access_requests") / request_id
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder.parent, 0o700)
    os.chmod(folder, 0o700)
    package = {
        "request_id": request_id,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "subject": {
            "user_ids": list(subject_.user_ids),
            "pseudonyms": list(subject_.user_keys),
            "subject_refs": list(subject_.subject_refs),
        },
        "about_the_processing": article15_context(),
        "data": found,
    }
    (folder / "package.json").write_text(json.dumps(package, indent=2, ensure_ascii=False, default=str))
    for store, rows in found.items():
        with open(folder / f"{store.replace(':', '__')}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(
                {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in r.items()} for r in rows
            )
    summary = AccessSummary(
        request_id,
        subject_.subject_refs,
        folder,
        {store: len(rows) for store, rows in found.items()},
        round(time.perf_counter() - started, 1),
    )
    record_event(
        "access_request",
        {
            "request_id": request_id,
            "subject_refs": list(subject_.subject_refs),
            "rows": summary.rows,
            "seconds": summary.seconds,
        },
    )
    return summary
