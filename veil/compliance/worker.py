"""`veil privacy-worker`: runs the queued privacy requests (veil.compliance.requests) one at a time, in the
order received, in a process holding the warehouse (its Spark session takes the warehouse lock).

Each request is claimed in a transaction (`for update skip locked`), its subject resolved to accounts that are
stored with it (`verifying`), then run (`running`) by the same functions as the CLI: `record_consent`,
`access`, `erase`. Every step can run twice — consent decisions have an id derived from the request, access
and erasure reuse the request id — so a request found `running` (its worker was killed) is resumed; after
MAX_ATTEMPTS it ends `failed`. When a request ends, its subject and accounts are cleared.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

from veil.audit import record
from veil.compliance.requests import MAX_ATTEMPTS, OPEN, SCHEMA, PrivacyRequest, get_request
from veil.compliance.subjects import Subject, resolve_subject
from veil.errors import VeilError
from veil.settings import settings

PACKAGE_DAYS = 7
"""Days an access package stays downloadable (once)."""


def _claim(conn: Any) -> tuple[str, str, str | None, dict | None, dict, int, dt.datetime] | None:
    """The oldest open request, marked as taken by this worker (attempts + 1)."""
    with conn.transaction():
        row = conn.execute(
            f"""select request_id from {SCHEMA}.requests where status in ({", ".join(repr(s) for s in OPEN)})
                order by received_at, request_id limit 1 for update skip locked"""
        ).fetchone()
        if row is None:
            return None
        return conn.execute(
            f"""update {SCHEMA}.requests set attempts = attempts + 1, started_at = coalesce(started_at, now()),
                    status = case when status = 'received' then 'verifying' else status end
                where request_id = %s
                returning request_id, kind, subject, accounts, details, attempts, received_at""",
            (row[0],),
        ).fetchone()


def _finish(conn: Any, request_id: str, status: str, result: dict | None, error: str | None) -> None:
    with conn.transaction():
        conn.execute(
            f"""update {SCHEMA}.requests set status = %s, result = %s, error = %s, finished_at = now(),
                    subject = null, accounts = null
                where request_id = %s""",
            (status, json.dumps(result, default=str) if result is not None else None, error, request_id),
        )
        record(conn, "privacy_request", {"request_id": request_id, "status": status})


def _resolve(conn: Any, request_id: str, subject: str | None, accounts: dict | None) -> Subject:
    """The accounts the request is about: resolved once, then read back (a resumed erasure must not find
    the raw rows it already removed missing, and stop)."""
    if accounts is not None:
        return Subject(tuple(accounts["user_ids"]), tuple(accounts["contacts"]))
    if subject is None:
        raise VeilError("the request has no subject")
    resolved = resolve_subject(subject)
    with conn.transaction():
        conn.execute(
            f"update {SCHEMA}.requests set accounts = %s, status = 'running' where request_id = %s",
            (json.dumps({"user_ids": list(resolved.user_ids), "contacts": list(resolved.contacts)}), request_id),
        )
    return resolved


def _run(spark: Any, request_id: str, kind: str, subject: Subject, details: dict, received: dt.datetime) -> dict:
    from veil.compliance.access import access
    from veil.compliance.consent import record_consent
    from veil.compliance.erase import erase
    from veil.jobs import rebuild_and_export

    if kind in ("consent", "opt_out"):
        purpose, status, source = (
            ("sale_or_share", "withdrawn", details.get("source", "ccpa_opt_out"))
            if kind == "opt_out"
            else (details["purpose"], details["status"], details.get("source", "preference_center"))
        )
        recorded = dt.datetime.fromisoformat(details["recorded_at"]) if details.get("recorded_at") else received
        decision = record_consent(
            spark,
            subject,
            purpose,
            "withdrawn" if status == "withdrawn" else "granted",
            source,
            recorded,
            consent_id=int(received.timestamp() * 1_000_000),
        )
        if details.get("apply"):
            rebuild_and_export(spark)
        return {"consent_id": decision.consent_id, "subject_refs": list(decision.subject_refs),
                "applied": bool(details.get("apply"))}  # fmt: skip
    if kind == "access":
        summary = access(spark, subject, request_id=request_id)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=PACKAGE_DAYS)
        return {"rows": summary.total_rows, "stores": len(summary.rows), "subject_refs": list(summary.subject_refs),
                "package_expires_at": expires.isoformat(timespec="seconds")}  # fmt: skip
    receipt = erase(spark, subject, request_id=request_id)
    if not receipt.all_zero:
        raise VeilError(f"erasure {request_id} left rows: see receipts/erasure-{request_id}.json")
    return {"receipt": receipt.to_dict()}


def run_next(spark: Any, conn: Any) -> PrivacyRequest | None:
    """Run the oldest open request to its end; returns it as it ended (None when the queue is empty). `conn`
    must be an autocommit connection: each step commits on its own, and nothing stays open while the
    request runs (its audit rows and exports use connections of their own)."""
    if not conn.autocommit:
        raise VeilError("the privacy worker needs an autocommit PostgreSQL connection")
    claimed = _claim(conn)
    if claimed is None:
        return None
    request_id, kind, subject, accounts, details, attempts, received = claimed
    if attempts > MAX_ATTEMPTS:
        _finish(conn, request_id, "failed", None, f"interrupted {attempts - 1} times (the worker stopped mid-request)")
        return get_request(conn, request_id)
    try:
        resolved = _resolve(conn, request_id, subject, accounts)
        result = _run(spark, request_id, kind, resolved, details, received)
    except VeilError as exc:
        _finish(conn, request_id, "failed", None, str(exc).splitlines()[0])
    except Exception as exc:  # an unexpected error: its text could quote data, so only its type is kept
        _finish(conn, request_id, "failed", None, f"{type(exc).__name__} (see the worker's log)")
        raise
    else:
        _finish(conn, request_id, "done", result, None)
    return get_request(conn, request_id)


def work(
    spark: Any,
    once: bool = False,
    poll_seconds: float = 2.0,
    on_request: Callable[[PrivacyRequest], None] | None = None,
) -> int:
    """Run requests until the queue is empty (`once`) or forever; returns how many ended."""
    from veil.compliance.requests import ensure_schema
    from veil.warehouse.postgres import connect

    ended = 0
    with connect(settings().postgres_url, autocommit=True) as conn:
        ensure_schema(conn)
        while True:
            request = run_next(spark, conn)
            if request is None:
                if once:
                    return ended
                time.sleep(poll_seconds)
                continue
            ended += 1
            if on_request:
                on_request(request)
