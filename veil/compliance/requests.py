"""The privacy-request queue (PostgreSQL schema `privacy_ops`): consent decisions, access, erasure and opt-out
requests filed over HTTP (`veil serve`, privacy keys) and run one at a time by `veil privacy-worker`.

A request's subject (a user_id or e-mail address, as a person or the product's backend gave it) is the one raw
identifier here: the API may insert it but never read it back (column privileges), the worker reads it, stores
the accounts it resolves to (so a resumed request erases exactly what it began with) and clears both when the
request ends. Responses, logs and the audit trail name a request by its id and its subject by subject
reference only.

Lifecycle: `received` → `verifying` (the worker resolves the subject) → `running` → `done` | `failed`. A worker
killed mid-request leaves it `running`; the next worker resumes it (every step is idempotent), and after
MAX_ATTEMPTS interrupted attempts it ends `failed` with that reason.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from veil.errors import VeilError
from veil.ids import new_id
from veil.warehouse.roles import API, ensure_roles

SCHEMA = "privacy_ops"
Kind = Literal["consent", "access", "erasure", "opt_out"]
KINDS = ("consent", "access", "erasure", "opt_out")
STATUSES = ("received", "verifying", "running", "done", "failed")
OPEN = ("received", "verifying", "running")
MAX_ATTEMPTS = 3
LEGAL_DAYS = {"gdpr": 30, "ccpa": 45}
"""Days to answer: GDPR Art. 12(3) one month (30 days is the conservative reading), CCPA § 1798.130 45 days."""
PUBLIC_COLUMNS = (
    "request_id, client_id, kind, regime, status, details, filed_by, received_at, due_by, started_at, "
    "finished_at, attempts, result, error, downloaded_at"
)
"""Every column but the subject's: what the API may read."""


class UnknownRequest(VeilError):
    """No request has that id."""


@dataclass(frozen=True)
class PrivacyRequest:
    request_id: str
    client_id: str | None
    kind: str
    regime: str
    status: str
    details: dict
    filed_by: str
    received_at: dt.datetime
    due_by: dt.date
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    attempts: int
    result: dict | None
    error: str | None
    downloaded_at: dt.datetime | None

    def days_left(self, today: dt.date) -> int:
        return (self.due_by - today).days

    def overdue(self, today: dt.date) -> bool:
        return self.status in OPEN and today > self.due_by

    def to_dict(self, today: dt.date) -> dict:
        """The request as the API shows it: never the subject."""
        out = {
            "request_id": self.request_id,
            "client_id": self.client_id,
            "type": self.kind,
            "regime": self.regime,
            "status": self.status,
            "received_at": self.received_at.isoformat(),
            "due_by": self.due_by.isoformat(),
            "days_left": self.days_left(today),
            "overdue": self.overdue(today),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "attempts": self.attempts,
            "details": self.details,
            "result": self.result,
            "error": self.error,
        }
        return out


def ensure_schema(conn: Any) -> None:
    """The queue and the API's column privileges (idempotent; run by the owner)."""
    with conn.transaction():
        ensure_roles(conn)
        conn.execute(f"create schema if not exists {SCHEMA}")
        conn.execute(f"""create table if not exists {SCHEMA}.requests (
            request_id text primary key,
            client_id text,
            kind text not null check (kind in ({", ".join(f"'{k}'" for k in KINDS)})),
            regime text not null check (regime in ('gdpr', 'ccpa')),
            status text not null default 'received' check (status in ({", ".join(f"'{s}'" for s in STATUSES)})),
            subject text,
            accounts jsonb,
            details jsonb not null default '{{}}',
            filed_by text not null,
            received_at timestamptz not null default now(),
            due_by date not null,
            started_at timestamptz,
            finished_at timestamptz,
            attempts integer not null default 0,
            result jsonb,
            error text,
            downloaded_at timestamptz,
            unique (filed_by, client_id))""")
        conn.execute(f"revoke all on schema {SCHEMA} from public")
        conn.execute(f"grant usage on schema {SCHEMA} to {API}")
        conn.execute(f"revoke all on {SCHEMA}.requests from {API}")
        conn.execute(
            f"grant insert (request_id, client_id, kind, regime, subject, details, filed_by, due_by) "
            f"on {SCHEMA}.requests to {API}"
        )
        conn.execute(f"grant select ({PUBLIC_COLUMNS}) on {SCHEMA}.requests to {API}")
        conn.execute(f"grant update (downloaded_at) on {SCHEMA}.requests to {API}")


def _row(row: tuple) -> PrivacyRequest:
    return PrivacyRequest(*row)


def legal_due_by(regime: str, received: dt.date) -> dt.date:
    return received + dt.timedelta(days=LEGAL_DAYS[regime])


def file_request(
    conn: Any,
    kind: Kind,
    subject: str,
    filed_by: str,
    regime: str = "gdpr",
    details: dict | None = None,
    client_id: str | None = None,
    due_by: dt.date | None = None,
    today: dt.date | None = None,
) -> tuple[PrivacyRequest, bool]:
    """Queue a request; returns it and whether it is new (False: the filer's client_id was seen before, and
    the earlier request is returned unchanged). `due_by` may bring the legal deadline forward, never later."""
    if kind not in KINDS:
        raise VeilError(f"type must be one of {', '.join(KINDS)}")
    if regime not in LEGAL_DAYS:
        raise VeilError("regime must be gdpr or ccpa")
    if not subject or not subject.strip() or len(subject) > 320:
        raise VeilError("subject must be a user_id or an e-mail address")
    today = today or dt.datetime.now(dt.UTC).date()
    legal = legal_due_by(regime, today)
    if due_by is not None and due_by > legal:
        raise VeilError(f"due_by may not be later than the legal deadline ({legal.isoformat()})")
    request_id = new_id()
    with conn.transaction():
        inserted = conn.execute(
            f"""insert into {SCHEMA}.requests
                (request_id, client_id, kind, regime, subject, details, filed_by, due_by)
                values (%s, %s, %s, %s, %s, %s, %s, %s)
                on conflict (filed_by, client_id) do nothing returning request_id""",
            (
                request_id,
                client_id,
                kind,
                regime,
                subject.strip(),
                json.dumps(details or {}),
                filed_by,
                due_by or legal,
            ),
        ).fetchone()
        found = conn.execute(
            f"select {PUBLIC_COLUMNS} from {SCHEMA}.requests where "
            + ("request_id = %s" if inserted else "filed_by = %s and client_id = %s"),
            (request_id,) if inserted else (filed_by, client_id),
        ).fetchone()
    return _row(found), inserted is not None


def get_request(conn: Any, request_id: str) -> PrivacyRequest:
    row = conn.execute(
        f"select {PUBLIC_COLUMNS} from {SCHEMA}.requests where request_id = %s", (request_id,)
    ).fetchone()
    if row is None:
        raise UnknownRequest(f"no request {request_id}")
    return _row(row)


def list_requests(
    conn: Any, status: str | None = None, overdue: bool = False, today: dt.date | None = None, limit: int = 500
) -> list[PrivacyRequest]:
    """The queue in the order the worker takes it, optionally one status or only the overdue ones."""
    today = today or dt.datetime.now(dt.UTC).date()
    where: list[str] = ["true"]
    params: list[Any] = []
    if status:
        where.append("status = %s")
        params.append(status)
    if overdue:
        where.append(f"status in ({', '.join(repr(s) for s in OPEN)}) and due_by < %s")
        params.append(today)
    rows = conn.execute(
        f"select {PUBLIC_COLUMNS} from {SCHEMA}.requests where {' and '.join(where)} "
        "order by received_at, request_id limit %s",
        (*params, limit),
    ).fetchall()
    return [_row(r) for r in rows]


def mark_downloaded(conn: Any, request_id: str) -> bool:
    """Take an access package's one download; False if it was taken before."""
    with conn.transaction():
        cur = conn.execute(
            f"update {SCHEMA}.requests set downloaded_at = now() "
            "where request_id = %s and kind = 'access' and status = 'done' and downloaded_at is null",
            (request_id,),
        )
        return cur.rowcount == 1
