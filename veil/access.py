"""`veil access`: everything held about one person, machine-readable (GDPR Art. 15 and 20, CCPA right to know).

The package is a folder `access_requests/<request_id>/` (mode 0700, git-ignored) with
- `package.json`: the Art. 15 context (purposes and legal bases, data categories, recipients, retention,
  source, rights) read from the project's YAML, and every row found, grouped by store and table;
- one CSV per table that holds rows about the subject.

Stores searched: raw tables (by user_id), every derived Spark table and the history log (by pseudonym), the
quarantine, the consent ledger, every PostgreSQL table in the analytics schema (by pseudonym), the partner
audience (by the partner's pseudonym), and audit trail entries about the request's subject.
The command prints counts and the folder, never the personal data itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import time
import uuid
from pathlib import Path

from veil.manifest import column_meta, load_manifest, node_meta, project_models, project_sources, purposes
from veil.settings import settings
from veil.subjects import partner_pseudonym, pseudonym, resolve_subject

DERIVED_SCHEMAS = ("staging", "intermediate", "marts", "privacy", "history", "compliance")



def _conditions(columns: list[str], user_id: int, user_key: str) -> list[str]:
    conds = []
    if "user_id" in columns:
        conds.append(f"user_id = {user_id}")
    conds += [f"`{c}` = '{user_key}'" for c in ("user_key", "record_id") if c in columns]
    if "audience_id" in columns:
        conds.append(f"audience_id = '{partner_pseudonym(user_key)}'")
    return conds


def _json_value(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def _spark_rows(spark, user_id: int, user_key: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for schema in ("raw", *DERIVED_SCHEMAS):
        if not spark.catalog.databaseExists(schema):
            continue
        for t in spark.catalog.listTables(schema):
            if t.isTemporary or (schema == "compliance" and t.name != "consent_changes"):
                continue
            relation = f"{schema}.{t.name}"
            conds = _conditions(spark.table(relation).columns, user_id, user_key)
            if conds:
                rows = spark.sql(f"select * from {relation} where {' or '.join(conds)}").collect()
                if rows:
                    found[f"spark:{relation}"] = [{k: _json_value(v) for k, v in r.asDict().items()} for r in rows]
    return found


def _postgres_rows(user_key: str) -> dict[str, list[dict]]:
    from veil.export import SCHEMA, connect

    found: dict[str, list[dict]] = {}
    with connect() as conn:
        tables = conn.execute("""select table_name, column_name from information_schema.columns
                                 where table_schema = %s and column_name in ('user_key', 'audience_id')""",
                              (SCHEMA,)).fetchall()
        for table, column in tables:
            value = user_key if column == "user_key" else partner_pseudonym(user_key)
            cur = conn.execute(f'select * from {SCHEMA}."{table}" where "{column}" = %s', (value,))
            names = [d.name for d in cur.description]
            rows = [dict(zip(names, map(_json_value, r))) for r in cur.fetchall()]
            if rows:
                found[f"postgresql:{SCHEMA}.{table}"] = rows
        if conn.execute("select to_regclass('audit.trail')").fetchone()[0]:
            cur = conn.execute("select seq, recorded_at, action, details from audit.trail "
                               "where details::text like %s order by seq", (f"%{user_key}%",))
            rows = [{"seq": s, "recorded_at": r, "action": a, "details": d} for s, r, a, d in cur.fetchall()]
            if rows:
                found["postgresql:audit.trail"] = rows
    return found


def article15_context(manifest: dict | None = None) -> dict:
    """What the YAML declares about the processing: purposes, categories, recipients, retention, source."""
    manifest = manifest or load_manifest()
    declared = purposes()
    used = {}
    recipients = {"internal analysts (PostgreSQL schema analytics, dashboards, analytics API)"}
    for node in project_models(manifest):
        meta = node_meta(node)
        if meta.get("purpose"):
            used.setdefault(meta["purpose"], []).append(node["name"])
        recipients.update(meta.get("recipients") or [])
    categories, retention, sources = set(), {}, {}
    for source in project_sources(manifest):
        meta = node_meta(source)
        if source["source_name"] != "app":
            continue
        categories.update(column_meta(c).get("pii") for c in source["columns"].values() if column_meta(c).get("pii"))
        retention[f"raw.{source['name']}"] = meta.get("retention") or (
            f"{meta['retention_days']} days" if meta.get("retention_days") else "not declared")
        sources[f"raw.{source['name']}"] = source.get("description", "")
    return {
        "controller": "the operator of this Veil installation",
        "purposes": [{"purpose": name, "legal_basis": p["legal_basis"], "description": p["description"],
                      "used_by": sorted(used.get(name, []))} for name, p in declared.items()],
        "categories_of_personal_data": sorted(categories - {"user_id"}) + ["account identifier"],
        "recipients": sorted(recipients),
        "retention": retention,
        "source_of_data": "collected from you: what you entered when you signed up and your use of the app "
                          "and website; consent decisions you made",
        "automated_decision_making": "none",
        "your_rights": ["rectification (Art. 16)", "erasure (Art. 17): veil erase", "restriction (Art. 18)",
                        "portability (Art. 20): this package", "objection (Art. 21)",
                        "withdraw consent at any time (Art. 7(3)): veil consent", "complain to a supervisory authority",
                        "CCPA: opt out of sale or sharing (veil consent --opt-out); Global Privacy Control is honoured"],
        "stores": sources,
    }


def access(spark, subject: str, request_id: str | None = None, out_dir: Path | None = None) -> dict:
    """Write the access package; returns a summary (folder, rows per store, seconds) without personal data."""
    from veil.audit import record_event

    started = time.perf_counter()
    request_id = request_id or uuid.uuid4().hex[:12]
    user_id = resolve_subject(subject)
    user_key = pseudonym(user_id)
    found = {**_spark_rows(spark, user_id, user_key), **_postgres_rows(user_key)}

    folder = (out_dir or settings().home / "access_requests") / request_id
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder.parent, 0o700)
    os.chmod(folder, 0o700)
    package = {"request_id": request_id, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "subject": {"user_id": user_id, "pseudonym": user_key}, "about_the_processing": article15_context(),
               "data": found}
    (folder / "package.json").write_text(json.dumps(package, indent=2, ensure_ascii=False, default=str))
    for store, rows in found.items():
        with open(folder / f"{store.replace(':', '__')}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in r.items()}
                             for r in rows)
    summary = {"request_id": request_id, "subject_pseudonym": user_key, "folder": str(folder),
               "rows": {store: len(rows) for store, rows in found.items()},
               "seconds": round(time.perf_counter() - started, 1)}
    record_event("access_request", {k: v for k, v in summary.items() if k != "folder"})
    return summary
