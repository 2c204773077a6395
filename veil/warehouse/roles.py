"""Least-privilege PostgreSQL roles, created idempotently by `veil` and granted table by table, so grants
survive the export's table swap (each new table is granted inside the swap's transaction).

| role | may read | may write |
|---|---|---|
| the login of VEIL_POSTGRES_URL (owner) | everything it created | everything: exports, releases, DDL |
| `veil_analyst` | schema `analytics`: the pseudonymous marts and the released DP tables | nothing |
| `veil_reader` | only the anonymous releases: `analytics.dp_*` and marts declared `meta.anonymous` | nothing |
| `veil_auditor` | `audit.trail` | nothing |
| `veil_api` (`veil serve`) | anonymous releases, `dp_query`, `api.*`, `privacy_ops` (1) | answers, audit, requests |

(1) every column of `privacy_ops.requests` but the subject's: the API files requests it cannot read back.
It also writes its keys' rows of the budget ledger.

None of them can read `raw`, `compliance` or the postgres target's models; only `veil_api` touches
`privacy_budget` (to charge a key before it answers). They are group roles (NOLOGIN): give a login (an analyst,
the API's service account, an auditor) membership in one.
"""

from __future__ import annotations

from typing import Any

ANALYST, READER, AUDITOR, API = "veil_analyst", "veil_reader", "veil_auditor", "veil_api"
ROLES = (ANALYST, READER, AUDITOR, API)


def ensure_roles(conn: Any) -> None:
    """Create the group roles and their schema privileges if missing (inside the caller's transaction). Roles
    belong to the whole server: another database's export may be creating the same one at this moment."""
    for role in ROLES:
        conn.execute(f"""do $$ begin
            if not exists (select 1 from pg_roles where rolname = '{role}') then
                create role {role} nologin;
            end if;
        exception when duplicate_object or unique_violation then null;
        end $$""")
    conn.execute("create schema if not exists analytics")
    conn.execute(f"grant usage on schema analytics to {ANALYST}, {READER}, {API}")
    conn.execute("revoke create on schema analytics from public")


def grant_table(conn: Any, relation: str, anonymous: bool) -> None:
    """Read access to one analytics table: analysts always, readers only for anonymous releases."""
    ensure_roles(conn)
    conn.execute(f"grant select on {relation} to {ANALYST}")
    if anonymous:
        conn.execute(f"grant select on {relation} to {READER}, {API}")
    else:
        conn.execute(f"revoke all on {relation} from {READER}, {API}")


def grant_api_input(conn: Any, relation: str) -> None:
    """The API's contribution-bounded inputs (schema dp_query): only `veil_api` reads them, to noise."""
    ensure_roles(conn)
    schema = relation.split(".")[0]
    conn.execute(f"revoke all on schema {schema} from public")
    conn.execute(f"grant usage on schema {schema} to {API}")
    conn.execute(f"grant select on {relation} to {API}")


def grant_api_tables(conn: Any, schema: str, tables: dict[str, str]) -> None:
    """The API's own tables: `tables` maps a table of `schema` to the privileges `veil_api` gets on it."""
    ensure_roles(conn)
    conn.execute(f"grant usage on schema {schema} to {API}")
    for table, privileges in tables.items():
        conn.execute(f"grant {privileges} on {schema}.{table} to {API}")
    conn.execute(f"grant usage on all sequences in schema {schema} to {API}")


def grant_audit(conn: Any) -> None:
    """The auditor reads the trail; nobody but its owner may write it (the trigger refuses even the owner)."""
    ensure_roles(conn)
    conn.execute(f"grant usage on schema audit to {AUDITOR}")
    conn.execute(f"grant select on audit.trail to {AUDITOR}")
    grant_api_tables(conn, "audit", {"trail": "select, insert"})  # the API records every query it answers
