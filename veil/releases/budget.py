"""The privacy budget ledger in PostgreSQL (`privacy_budget`): an epsilon limit per dataset and analyst, and
one entry per release, reserved before anything is computed. Aborted releases stay spent: noise may have
been drawn."""

from __future__ import annotations

from typing import Any

from veil.errors import VeilError

LEDGER_SCHEMA = "privacy_budget"


class BudgetExceeded(VeilError):
    """The release would exceed the dataset/analyst privacy budget; nothing was released."""


def ensure_ledger(conn: Any) -> None:
    with conn.cursor() as cur:
        cur.execute(f"create schema if not exists {LEDGER_SCHEMA}")
        cur.execute(f"""create table if not exists {LEDGER_SCHEMA}.budgets (
            dataset text not null, analyst text not null, epsilon_limit double precision not null,
            primary key (dataset, analyst))""")
        cur.execute(f"""create table if not exists {LEDGER_SCHEMA}.ledger (
            id bigserial primary key, dataset text not null, analyst text not null, release text not null,
            epsilon double precision not null, delta double precision not null,
            status text not null check (status in ('reserved', 'released', 'aborted')),
            reserved_at timestamptz not null default now(), released_rows integer)""")
    conn.commit()


def spent(conn: Any, dataset: str, analyst: str) -> float:
    row = conn.execute(
        f"select coalesce(sum(epsilon), 0) from {LEDGER_SCHEMA}.ledger where dataset = %s and analyst = %s",
        (dataset, analyst),
    ).fetchone()
    return float(row[0])


def lock_budget(conn: Any, dataset: str, analyst: str) -> None:
    """Serialize every charge to one budget until the caller's transaction ends (an advisory lock: it needs
    no write privilege on the budgets table, so the API's role can take it)."""
    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"budget|{dataset}|{analyst}",))


def reserve(
    conn: Any,
    dataset: str,
    analyst: str,
    release: str,
    epsilon: float,
    delta: float,
    default_limit: float | None = None,
) -> int:
    """Reserve epsilon before the release runs; returns the ledger entry's id. Refuses with nothing written
    when the analyst's limit on the dataset would be exceeded. A missing budget row is created with
    `default_limit`, or refused when there is none."""
    if epsilon <= 0:
        raise VeilError(f"epsilon must be positive, got {epsilon}")
    with conn.transaction():
        lock_budget(conn, dataset, analyst)
        if default_limit is not None:
            conn.execute(
                f"insert into {LEDGER_SCHEMA}.budgets values (%s, %s, %s) on conflict do nothing",
                (dataset, analyst, default_limit),
            )
        row = conn.execute(
            f"select epsilon_limit from {LEDGER_SCHEMA}.budgets where dataset = %s and analyst = %s",
            (dataset, analyst),
        ).fetchone()
        if row is None:
            raise BudgetExceeded(f"analyst {analyst!r} has no budget on dataset {dataset!r}; nothing was released")
        limit = float(row[0])
        used = spent(conn, dataset, analyst)
        if used + epsilon > limit + 1e-12:
            raise BudgetExceeded(
                f"{release!r} needs epsilon={epsilon:g} but analyst {analyst!r} has {max(limit - used, 0):g} of "
                f"{limit:g} left on dataset {dataset!r}; nothing was released. Raise the limit in "
                f"{LEDGER_SCHEMA}.budgets (a privacy officer's decision) or use a smaller epsilon."
            )
        (entry,) = conn.execute(
            f"insert into {LEDGER_SCHEMA}.ledger (dataset, analyst, release, epsilon, delta, status) "
            "values (%s, %s, %s, %s, %s, 'reserved') returning id",
            (dataset, analyst, release, epsilon, delta),
        ).fetchone()
    return int(entry)


def settle(conn: Any, entry: int, released_rows: int | None) -> None:
    """Mark a reservation released (with its row count), or aborted when released_rows is None. Runs in the
    caller's transaction for a release, in its own for an abort."""
    if released_rows is None:
        conn.execute(f"update {LEDGER_SCHEMA}.ledger set status = 'aborted' where id = %s", (entry,))
        conn.commit()
    else:
        conn.execute(
            f"update {LEDGER_SCHEMA}.ledger set status = 'released', released_rows = %s where id = %s",
            (released_rows, entry),
        )
