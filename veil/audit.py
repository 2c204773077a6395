"""Append-only, hash-chained audit trail in PostgreSQL (`audit.trail`).

Each row's hash covers its sequence number, time, actor, action, details and the previous row's hash, so
editing or deleting a row breaks the chain from that row on; `veil audit verify` recomputes it and names the
first broken row. A trigger refuses UPDATE and DELETE; a superuser who disables it is still caught by verify.
Details must not hold personal data: they are checked for PII spans before they are written.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from dataclasses import dataclass

from veil.detection.text import find_spans
from veil.errors import VeilError
from veil.warehouse.roles import grant_audit

GENESIS = "0" * 64


def ensure_trail(conn) -> None:
    with conn.transaction():
        conn.execute("create schema if not exists audit")
        conn.execute("""create table if not exists audit.trail (
            seq bigint primary key, recorded_at text not null, actor text not null, action text not null,
            details jsonb not null, prev_hash text not null, row_hash text not null)""")
        conn.execute("""create or replace function audit.refuse_change() returns trigger language plpgsql as $$
            begin raise exception 'audit.trail is append-only'; end $$""")
        conn.execute("drop trigger if exists trail_append_only on audit.trail")
        conn.execute("""create trigger trail_append_only before update or delete or truncate on audit.trail
            for each statement execute function audit.refuse_change()""")
        grant_audit(conn)


def _digest(seq: int, recorded_at: str, actor: str, action: str, details: dict, prev_hash: str) -> str:
    canonical = json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    payload = "|".join([prev_hash, str(seq), recorded_at, actor, action, canonical])
    return hashlib.sha256(payload.encode()).hexdigest()


def check_no_personal_data(details: dict) -> None:
    """Refuse details that look like they hold personal data (what `record` refuses to write)."""
    for key, value in details.items():
        text = json.dumps(value, ensure_ascii=False, default=str)
        spans = find_spans(text)
        if spans:
            raise VeilError(
                f"audit detail {key!r} looks like it holds personal data "
                f"({spans[0].entity}, {spans[0].end - spans[0].start} characters); record counts, "
                "table names or pseudonyms instead"
            )


TRAIL_LOCK = 0x7665696C  # one advisory lock serializes every writer of the chain, whatever its role


def record(conn, action: str, details: dict, actor: str | None = None, ensure: bool = True) -> int:
    """Append one event; returns its sequence number. `ensure=False` for a role that may not run DDL (the
    API's): the trail must exist already."""
    check_no_personal_data(details)
    actor = actor or getpass.getuser()
    if ensure:
        ensure_trail(conn)
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (TRAIL_LOCK,))
        last = conn.execute("select seq, row_hash from audit.trail order by seq desc limit 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        recorded_at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        row_hash = _digest(seq, recorded_at, actor, action, details, prev)
        conn.execute(
            "insert into audit.trail values (%s, %s, %s, %s, %s, %s, %s)",
            (seq, recorded_at, actor, action, json.dumps(details, default=str), prev, row_hash),
        )
    return seq


def record_event(action: str, details: dict) -> str:
    """Record on the configured PostgreSQL (VEIL_POSTGRES_URL); returns the new head as `seq:row_hash`."""
    from veil.warehouse.postgres import connect

    with connect() as conn:
        seq = record(conn, action, details)
        return head(conn, seq)


def head(conn, seq: int | None = None) -> str:
    """`seq:row_hash` of the latest row (or of row seq): a witness to keep outside the database.

    A chain can only be checked against what it claims about itself; deleting its newest rows leaves a
    shorter chain that still verifies. A head kept elsewhere (a receipt, a ticket, CI logs) closes that gap:
    `veil audit verify --head SEQ:HASH` fails if that row is gone or changed.
    """
    ensure_trail(conn)
    row = conn.execute(
        "select seq, row_hash from audit.trail where seq = coalesce(%s, (select max(seq) from audit.trail))", (seq,)
    ).fetchone()
    return f"{row[0]}:{row[1]}" if row else f"0:{GENESIS}"


@dataclass(frozen=True)
class Entry:
    seq: int
    recorded_at: str
    actor: str
    action: str
    details: dict


def recent(conn, limit: int = 20, action: str | None = None, ensure: bool = True) -> list[Entry]:
    """The newest `limit` entries (of one action, if given), oldest first."""
    if ensure:
        ensure_trail(conn)
    rows = conn.execute(
        "select seq, recorded_at, actor, action, details from audit.trail where %s::text is null or action = %s "
        "order by seq desc limit %s",
        (action, action, limit),
    ).fetchall()
    return [Entry(*row) for row in reversed(rows)]


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.seq}: {self.reason}"


def verify(conn, witnessed_head: str | None = None, ensure: bool = True) -> tuple[int, list[Break]]:
    """Recompute the chain; returns (rows checked, breaks). With a witnessed `seq:hash`, that row must still
    be in the chain, unchanged."""
    if ensure:
        ensure_trail(conn)
    rows = conn.execute(
        "select seq, recorded_at, actor, action, details, prev_hash, row_hash from audit.trail order by seq"
    ).fetchall()
    breaks: list[Break] = []
    expected_prev, expected_seq = GENESIS, 1
    for seq, recorded_at, actor, action, details, prev_hash, row_hash in rows:
        if seq != expected_seq:
            breaks.append(Break(seq, f"sequence gap: rows {expected_seq}..{seq - 1} are missing (deleted)"))
        if prev_hash != expected_prev:
            breaks.append(Break(seq, "previous-hash link broken (an earlier row was changed or deleted)"))
        if _digest(seq, recorded_at, actor, action, details, prev_hash) != row_hash:
            breaks.append(Break(seq, "content does not match its hash (the row was edited)"))
        expected_prev, expected_seq = row_hash, seq + 1
    if witnessed_head:
        seq_text, _, hash_ = witnessed_head.partition(":")
        found = {seq: row_hash for seq, *_, row_hash in rows}
        if int(seq_text) not in found:
            breaks.append(Break(int(seq_text), "the witnessed head is missing: the newest rows were deleted"))
        elif found[int(seq_text)] != hash_:
            breaks.append(Break(int(seq_text), "the witnessed head's hash differs: the chain was rewritten"))
    return len(rows), breaks
