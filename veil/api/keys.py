"""API keys: `veil api-key create` prints a key once and stores only its SHA-256; each key has an analyst name,
an epsilon budget (a row of `privacy_budget.budgets` under dataset `api`), a rate limit and a scope:
`analytics` (queries and releases) or `privacy` (the privacy-operations routes); neither opens the other's.

A key reads `veil_<id>_<secret>`: the id finds the row, the secret (32 random bytes) is checked by its hash
in constant time. The secret has full entropy, so a plain SHA-256 is enough (no password stretching).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from veil.errors import VeilError
from veil.ids import new_id
from veil.releases.budget import LEDGER_SCHEMA, ensure_ledger
from veil.warehouse.roles import grant_api_tables

SCHEMA = "api"
DATASET = "api"
"""The budget ledger's dataset for on-demand queries: one budget row per key (analyst = key id)."""


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    analyst: str
    epsilon_limit: float
    rate_per_minute: int
    scope: str = "analytics"


def ensure_api_schema(conn: Any) -> None:
    """The API's tables and the privileges of its role (idempotent; run by the owner, never by the API)."""
    ensure_ledger(conn)
    with conn.transaction():
        conn.execute(f"create schema if not exists {SCHEMA}")
        conn.execute(f"""create table if not exists {SCHEMA}.keys (
            key_id text primary key, secret_sha256 text not null, analyst text not null,
            rate_per_minute integer not null, created_at timestamptz not null default now(),
            revoked_at timestamptz)""")
        conn.execute(f"alter table {SCHEMA}.keys add column if not exists scope text not null default 'analytics'")
        conn.execute(f"""create table if not exists {SCHEMA}.answers (
            key_id text not null, query_hash text not null, period text not null, response jsonb not null,
            answered_at timestamptz not null default now(), primary key (key_id, query_hash, period))""")
        grant_api_tables(conn, SCHEMA, {"keys": "select", "answers": "select, insert"})
        grant_api_tables(conn, LEDGER_SCHEMA, {"budgets": "select", "ledger": "select, insert, update"})
    from veil.compliance.requests import ensure_schema

    ensure_schema(conn)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


SCOPES = ("analytics", "privacy")


def create_key(
    conn: Any, analyst: str, epsilon_limit: float, rate_per_minute: int = 600, scope: str = "analytics"
) -> tuple[ApiKey, str]:
    """A new key and its one-time bearer token (never stored). A privacy key has no epsilon budget."""
    if scope not in SCOPES:
        raise VeilError(f"scope must be one of {', '.join(SCOPES)}")
    if scope == "privacy":
        epsilon_limit = 0.0
    elif epsilon_limit <= 0:
        raise VeilError(f"the budget must be a positive epsilon, got {epsilon_limit}")
    ensure_api_schema(conn)
    key_id, secret = new_id(), secrets.token_urlsafe(32)  # never all digits: the audit trail records it
    with conn.transaction():
        conn.execute(
            f"insert into {SCHEMA}.keys (key_id, secret_sha256, analyst, rate_per_minute, scope) "
            "values (%s, %s, %s, %s, %s)",
            (key_id, _sha256(secret), analyst, rate_per_minute, scope),
        )
        conn.execute(
            f"insert into {LEDGER_SCHEMA}.budgets values (%s, %s, %s)", (DATASET, key_id, float(epsilon_limit))
        )
    return ApiKey(key_id, analyst, float(epsilon_limit), rate_per_minute, scope), f"veil_{key_id}_{secret}"


def revoke_key(conn: Any, key_id: str) -> bool:
    """Revoke a key (its ledger stays); returns whether a live key was revoked."""
    ensure_api_schema(conn)
    with conn.transaction():
        cur = conn.execute(
            f"update {SCHEMA}.keys set revoked_at = now() where key_id = %s and revoked_at is null", (key_id,)
        )
        return cur.rowcount == 1


def authenticate(conn: Any, token: str) -> ApiKey | None:
    """The live key a bearer token names, or None (unknown, malformed, wrong secret or revoked)."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "veil":
        return None
    row = conn.execute(
        f"""select k.secret_sha256, k.analyst, b.epsilon_limit, k.rate_per_minute, k.scope
            from {SCHEMA}.keys as k join {LEDGER_SCHEMA}.budgets as b on b.dataset = %s and b.analyst = k.key_id
            where k.key_id = %s and k.revoked_at is null""",
        (DATASET, parts[1]),
    ).fetchone()
    if row is None or not hmac.compare_digest(row[0], _sha256(parts[2])):
        return None
    return ApiKey(parts[1], row[1], float(row[2]), int(row[3]), row[4])
