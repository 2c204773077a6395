"""`veil release`: reserve the budget, noise the bounded aggregates, write `analytics.dp_<release>` with
epsilon, delta, the noise scale and a 95% interval per row, settle the ledger and record the release."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from veil.audit import record
from veil.errors import VeilError
from veil.releases.budget import ensure_ledger, reserve, settle
from veil.releases.mechanisms import DEFAULT_DELTA, RELEASES, Mechanism, Release, noisy_release
from veil.settings import settings
from veil.warehouse.postgres import sql_literal
from veil.warehouse.roles import grant_table


@dataclass(frozen=True)
class ReleaseSummary:
    release: str
    groups_in: int
    groups_released: int
    epsilon: float
    delta: float
    mechanism: Mechanism
    noise_scale: float


def _write(conn: Any, spec: Release, released: list[dict], epsilon: float, delta: float, scale: float) -> None:
    table = f"analytics.dp_{spec.name}"
    cols = ", ".join(f'"{c}" text' for c in spec.group_columns)
    conn.execute("create schema if not exists analytics")
    conn.execute(f"drop table if exists {table}")
    conn.execute(f"""create table {table} ({cols}, value bigint, ci_low double precision,
        ci_high double precision, epsilon double precision, delta double precision,
        mechanism text, noise_scale double precision, released_at timestamptz default now())""")
    grant_table(conn, table, anonymous=True)  # a DP release is anonymous: readers (the API, dashboards) see it
    about = {"release": "differential_privacy", "epsilon": epsilon, "delta": delta, "mechanism": spec.mechanism,
             "noise_scale": scale, "released_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}  # fmt: skip
    conn.execute(f"comment on table {table} is {sql_literal(json.dumps(about))}")
    with conn.cursor().copy(
        f"copy {table} ({', '.join(spec.group_columns)}, value, ci_low, ci_high, epsilon, "
        "delta, mechanism, noise_scale) from stdin"
    ) as copy:
        for r in released:
            copy.write_row(
                [
                    *(r[c] for c in spec.group_columns),
                    r["value"],
                    r["ci_low"],
                    r["ci_high"],
                    epsilon,
                    delta,
                    spec.mechanism,
                    scale,
                ]
            )


def release(
    spark: Any, conn: Any, name: str, epsilon: float, dataset: str, analyst: str, delta: float = DEFAULT_DELTA
) -> ReleaseSummary:
    """Reserve budget, noise, and write analytics.dp_<name>; returns a summary."""
    spec = RELEASES.get(name)
    if spec is None:
        raise VeilError(f"no release {name!r}; releases are {', '.join(RELEASES)}")
    ensure_ledger(conn)
    used_delta = delta if (spec.threshold or spec.mechanism == "gaussian") else 0.0
    entry = reserve(conn, dataset, analyst, name, epsilon, used_delta, default_limit=settings().dp_budget)
    try:
        rows = [r.asDict() for r in spark.table(f"privacy.{spec.model}").collect()]
        released, scale = noisy_release(rows, spec, epsilon, delta)
        with conn.transaction():
            _write(conn, spec, released, epsilon, used_delta, scale)
            settle(conn, entry, len(released))
    except Exception:
        conn.rollback()
        settle(conn, entry, None)
        raise
    summary = ReleaseSummary(name, len(rows), len(released), epsilon, used_delta, spec.mechanism, scale)
    details = {**asdict(summary), "noise_scale": float(f"{scale:.6g}")}  # long digit runs read as card numbers
    record(conn, "dp_release", {**details, "dataset": dataset, "analyst": analyst, "ledger_entry": entry})
    return summary


PUBLICATION_ANALYST = "publication"
PUBLICATION_EPSILON = 1.0
"""Epsilon per default release that `veil run` publishes (8 releases: 8 of the default limit of 10)."""


def publish_defaults(spark: Any, conn: Any, dataset: str) -> dict[str, int]:
    """Publish every default release once per dataset, from the publication budget; returns rows per release
    published now. A release already published for this dataset is kept, not re-noised (re-publishing the
    same data would spend budget again on the same people)."""
    ensure_ledger(conn)
    done = {
        r
        for (r,) in conn.execute(
            "select release from privacy_budget.ledger where dataset = %s and analyst = %s and status = 'released'",
            (dataset, PUBLICATION_ANALYST),
        ).fetchall()
    }
    published = {}
    for name in RELEASES:
        exists = conn.execute("select to_regclass(%s)", (f"analytics.dp_{name}",)).fetchone()[0]
        if name in done and exists:
            continue
        summary = release(spark, conn, name, PUBLICATION_EPSILON, dataset, PUBLICATION_ANALYST)
        published[name] = summary.groups_released
    return published
