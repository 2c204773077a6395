"""`veil privacy-worker`: runs the queued privacy requests (veil.compliance.requests) one at a time, in the
order received, in a process holding the warehouse (its Spark session takes the warehouse lock).

Each request is claimed in a transaction (`for update skip locked`), its subject resolved to accounts that are
stored with it (`verifying`), then run (`running`) by the same functions as the CLI: `record_consent`,
`access`, `erase_many` — erasures queued one after another run as one batch (one rebuild for up to BATCH_MAX
requests, one receipt each). Every step can run twice — consent decisions have an id derived from the request, access
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


BATCH_MAX = 100
"""Erasure requests run together at most (one rebuild for them all)."""

Claimed = tuple[str, str, str | None, dict | None, dict, int, dt.datetime]


def _claim(conn: Any) -> list[Claimed]:
    """The oldest open request, and when it is an erasure the erasures queued right after it (up to
    BATCH_MAX, stopping at the first request of another kind, so the queue's order holds), marked as taken by
    this worker (attempts + 1)."""
    with conn.transaction():
        rows = conn.execute(
            f"""select request_id, kind from {SCHEMA}.requests
                where status in ({", ".join(repr(s) for s in OPEN)})
                order by received_at, request_id limit {BATCH_MAX} for update skip locked"""
        ).fetchall()
        taken: list[str] = []
        for request_id, kind in rows:
            if taken and (kind != "erasure" or rows[0][1] != "erasure"):
                break
            taken.append(request_id)
        if not taken:
            return []
        claimed = conn.execute(
            f"""update {SCHEMA}.requests set attempts = attempts + 1, started_at = coalesce(started_at, now()),
                    status = case when status = 'received' then 'verifying' else status end
                where request_id = any(%s)
                returning request_id, kind, subject, accounts, details, attempts, received_at""",
            (taken,),
        ).fetchall()
    return sorted(claimed, key=lambda c: (c[6], c[0]))


def _finish(conn: Any, request_id: str, status: str, result: dict | None, error: str | None) -> None:
    with conn.transaction():
        conn.execute(
            f"""update {SCHEMA}.requests set status = %s, result = %s, error = %s, finished_at = clock_timestamp(),
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
    from veil.compliance.ledgers import CONSENT_CHANGES
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
            rebuild_and_export(spark, changed=CONSENT_CHANGES.table)
        return {"consent_id": decision.consent_id, "subject_refs": list(decision.subject_refs),
                "applied": bool(details.get("apply"))}  # fmt: skip
    summary = access(spark, subject, request_id=request_id)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=PACKAGE_DAYS)
    return {"rows": summary.total_rows, "stores": len(summary.rows), "subject_refs": list(summary.subject_refs),
            "package_expires_at": expires.isoformat(timespec="seconds")}  # fmt: skip


def _erase(spark: Any, batch: list[tuple[str, Subject]]) -> list[tuple[str, dict | None, str | None]]:
    """(request_id, result, error) of each erasure of the batch, erased together."""
    from veil.compliance.erase import erase_many

    ended: list[tuple[str, dict | None, str | None]] = []
    for receipt in erase_many(spark, batch):
        if receipt.all_zero:
            ended.append((receipt.request_id, {"receipt": receipt.to_dict()}, None))
        else:
            error = f"erasure left rows: see receipts/erasure-{receipt.request_id}.json"
            ended.append((receipt.request_id, None, error))
    return ended


def _failure(exc: Exception) -> str:
    """What a failed request records: a VeilError's first line (written to be shown), or only the type of an
    unexpected error, whose text could quote data."""
    if isinstance(exc, VeilError):
        return str(exc).splitlines()[0]
    return f"{type(exc).__name__} (see the worker's log)"


def run_next(spark: Any, conn: Any) -> list[PrivacyRequest]:
    """Run the oldest open request — or the batch of erasures it starts — to its end; returns the requests as
    they ended, in the queue's order (empty when the queue is). `conn` must be an autocommit connection:
    each step commits on its own, and nothing stays open while a request runs (its audit rows and exports use
    connections of their own)."""
    if not conn.autocommit:
        raise VeilError("the privacy worker needs an autocommit PostgreSQL connection")
    claimed = _claim(conn)
    ended: dict[str, tuple[str, dict | None, str | None]] = {}
    erasures: list[tuple[str, Subject]] = []
    for request_id, kind, subject, accounts, details, attempts, received in claimed:
        if attempts > MAX_ATTEMPTS:
            ended[request_id] = ("failed", None, f"interrupted {attempts - 1} times (the worker stopped mid-request)")
            continue
        try:
            resolved = _resolve(conn, request_id, subject, accounts)
            if kind == "erasure":
                erasures.append((request_id, resolved))
            else:
                ended[request_id] = ("done", _run(spark, request_id, kind, resolved, details, received), None)
        except Exception as exc:
            ended[request_id] = ("failed", None, _failure(exc))
            if not isinstance(exc, VeilError):
                _finish_all(conn, claimed, ended)
                raise
    if erasures:
        try:
            for request_id, result, error in _erase(spark, erasures):
                ended[request_id] = ("failed", None, error) if error else ("done", result, None)
        except Exception as exc:
            for request_id, _ in erasures:
                ended[request_id] = ("failed", None, _failure(exc))
            if not isinstance(exc, VeilError):
                _finish_all(conn, claimed, ended)
                raise
    return _finish_all(conn, claimed, ended)


def _finish_all(conn: Any, claimed: list[Claimed], ended: dict[str, tuple[str, dict | None, str | None]]) -> list:
    """Record each claimed request's end, in the queue's order; returns them as they ended."""
    out = []
    for request_id, *_ in claimed:
        if request_id in ended:
            status, result, error = ended[request_id]
            _finish(conn, request_id, status, result, error)
            out.append(get_request(conn, request_id))
    return out


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
            requests = run_next(spark, conn)
            if not requests:
                if once:
                    return ended
                time.sleep(poll_seconds)
                continue
            ended += len(requests)
            for request in requests:
                if on_request:
                    on_request(request)
