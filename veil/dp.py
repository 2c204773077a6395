"""`veil release`: differentially private releases from the contribution-bounded models (privacy.dp_*).

For each release: reserve its epsilon in the PostgreSQL budget ledger (per dataset and analyst) before
anything is computed — a release that would exceed the budget is refused and nothing is released — then add
discrete Laplace noise from OpenDP's exact integer sampler (Spark's rand() is not a cryptographic source and
floating-point Laplace leaks through its low bits), drop groups whose noisy user count stays below a
threshold (so rare groups cannot reveal themselves; this costs delta), and write each released row with its
epsilon, delta, noise scale and 95% interval to PostgreSQL `analytics.dp_<release>`.

Sensitivity (L1) per release: a user adds at most `max_groups` groups x `max_rows_per_group` rows (counts)
or x max(|lower|, |upper|) (sums), as enforced by macros/privacy/dp_bounded_aggregate.sql.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from veil.errors import VeilError

LEDGER_SCHEMA = "privacy_budget"
DEFAULT_DELTA = 1e-6


class BudgetExceeded(VeilError):
    """The release would exceed the dataset/analyst privacy budget; nothing was released."""


@dataclass(frozen=True)
class Release:
    name: str
    model: str  # privacy.<model>, built by dbt with veil.dp_bounded_aggregate
    statistic: str  # 'users' (distinct users per group), 'total' (clamped sum) or 'mean' (total / users)
    group_columns: tuple[str, ...]  # names for the parts of group_key ('a|b')
    threshold: bool = True  # partition selection: the group domain is not public


RELEASES: dict[str, Release] = {r.name: r for r in (
    Release("daily_active_users_by_country", "dp_daily_active_users_by_country", "users", ("event_date", "country")),
    Release("page_views_by_page", "dp_page_views_by_page", "total", ("page_url",)),
    Release("funnel_steps", "dp_funnel_steps", "users", ("step",), threshold=False),
    Release("retention_matrix", "dp_retention_matrix", "users", ("cohort_month", "months_since_signup")),
    Release("revenue_by_country", "dp_revenue_by_country", "total", ("country",)),
    Release("mean_revenue_per_buyer_by_country", "dp_revenue_by_country", "mean", ("country",)),
)}


def default_budget() -> float:
    return float(os.environ.get("VEIL_DP_BUDGET", "10"))


def ensure_ledger(conn) -> None:
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


def spent(conn, dataset: str, analyst: str) -> float:
    row = conn.execute(f"select coalesce(sum(epsilon), 0) from {LEDGER_SCHEMA}.ledger "
                       "where dataset = %s and analyst = %s", (dataset, analyst)).fetchone()
    return float(row[0])


def reserve(conn, dataset: str, analyst: str, release: str, epsilon: float, delta: float) -> int:
    """Reserve epsilon before the release runs (aborted releases stay spent: noise may have been drawn)."""
    if epsilon <= 0:
        raise VeilError(f"epsilon must be positive, got {epsilon}")
    with conn.transaction():
        conn.execute(f"insert into {LEDGER_SCHEMA}.budgets values (%s, %s, %s) on conflict do nothing",
                     (dataset, analyst, default_budget()))
        (limit,) = conn.execute(f"select epsilon_limit from {LEDGER_SCHEMA}.budgets "
                                "where dataset = %s and analyst = %s for update", (dataset, analyst)).fetchone()
        used = spent(conn, dataset, analyst)
        if used + epsilon > limit + 1e-12:
            raise BudgetExceeded(
                f"release {release!r} needs epsilon={epsilon:g} but analyst {analyst!r} has {limit - used:g} of "
                f"{limit:g} left on dataset {dataset!r}; nothing was released. Raise the limit in "
                f"{LEDGER_SCHEMA}.budgets (a privacy officer's decision) or use a smaller epsilon.")
        (entry,) = conn.execute(
            f"insert into {LEDGER_SCHEMA}.ledger (dataset, analyst, release, epsilon, delta, status) "
            "values (%s, %s, %s, %s, %s, 'reserved') returning id", (dataset, analyst, release, epsilon, delta)
        ).fetchone()
    return entry


def discrete_laplace(scale: float):
    """OpenDP's exact discrete Laplace sampler on integer vectors: x -> x + noise."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale)


def interval_halfwidth(scale: float, confidence: float = 0.95) -> float:
    """|noise| <= t with probability >= confidence for discrete Laplace(scale): t = scale * ln(1/(1-c))."""
    return scale * math.log(1 / (1 - confidence))


def noisy_mean(rows: list[dict], release: Release, epsilon: float, delta: float) -> tuple[list[dict], float]:
    """Mean = noisy clamped sum / noisy user count, each with epsilon/2 (basic composition); the interval
    combines the two 95% intervals (so it covers with >= 90%, conservatively widened)."""
    sums, sum_scale = noisy_release(rows, Release(release.name, release.model, "total", release.group_columns,
                                                  release.threshold), epsilon / 2, delta)
    counts, count_scale = noisy_release(rows, Release(release.name, release.model, "users", release.group_columns,
                                                      release.threshold), epsilon / 2, delta)
    by_group = {tuple(c[k] for k in release.group_columns): c for c in counts}
    out = []
    for s in sums:
        c = by_group.get(tuple(s[k] for k in release.group_columns))
        if not c or c["value"] <= 0:
            continue
        out.append({**{k: s[k] for k in release.group_columns}, "value": round(s["value"] / c["value"]),
                    "ci_low": s["ci_low"] / max(c["ci_high"], 1), "ci_high": s["ci_high"] / max(c["ci_low"], 1)})
    return out, sum_scale


def noisy_release(rows: list[dict], release: Release, epsilon: float, delta: float) -> tuple[list[dict], float]:
    """Noise the bounded aggregates; returns the released rows and the noise scale."""
    if not rows:
        return [], 0.0
    if release.statistic == "mean":
        return noisy_mean(rows, release, epsilon, delta)
    max_groups, max_rows = int(rows[0]["max_groups"]), int(rows[0]["max_rows_per_group"])
    magnitude = max(abs(rows[0]["lower_bound"]), abs(rows[0]["upper_bound"]))
    per_group = 1 if release.statistic == "users" else max_rows * magnitude
    sensitivity = max_groups * per_group
    scale = sensitivity / epsilon
    values = [int(round(r[release.statistic])) for r in rows]
    noisy = discrete_laplace(scale)(values)
    half = interval_halfwidth(scale)
    # partition selection: a group with one user passes with probability <= delta
    threshold = per_group + scale * math.log(1 / (2 * delta)) if release.threshold else -math.inf
    out = []
    for row, value in zip(rows, noisy):
        if value < threshold:
            continue
        keys = row["group_key"].split("|")
        out.append({**dict(zip(release.group_columns, keys)), "value": max(value, 0),
                    "ci_low": max(value - half, 0), "ci_high": value + half})
    return out, scale


def release(spark, conn, name: str, epsilon: float, dataset: str, analyst: str,
            delta: float = DEFAULT_DELTA) -> dict:
    """Reserve budget, noise, and write analytics.dp_<name>; returns a summary."""
    spec = RELEASES.get(name)
    if spec is None:
        raise VeilError(f"no release {name!r}; releases are {', '.join(RELEASES)}")
    ensure_ledger(conn)
    used_delta = delta if spec.threshold else 0.0
    entry = reserve(conn, dataset, analyst, name, epsilon, used_delta)
    try:
        rows = [r.asDict() for r in spark.table(f"privacy.{spec.model}").collect()]
        released, scale = noisy_release(rows, spec, epsilon, delta)
        table = f"analytics.dp_{name}"
        cols = ", ".join(f'"{c}" text' for c in spec.group_columns)
        with conn.transaction():
            conn.execute("create schema if not exists analytics")
            conn.execute(f"drop table if exists {table}")
            conn.execute(f"""create table {table} ({cols}, value bigint, ci_low double precision,
                ci_high double precision, epsilon double precision, delta double precision,
                noise_scale double precision, released_at timestamptz default now())""")
            with conn.cursor().copy(
                    f"copy {table} ({', '.join(spec.group_columns)}, value, ci_low, ci_high, epsilon, delta, "
                    "noise_scale) from stdin") as copy:
                for r in released:
                    copy.write_row([*(r[c] for c in spec.group_columns), r["value"], r["ci_low"], r["ci_high"],
                                    epsilon, used_delta, scale])
            conn.execute(f"update {LEDGER_SCHEMA}.ledger set status = 'released', released_rows = %s where id = %s",
                         (len(released), entry))
    except Exception:
        conn.rollback()
        conn.execute(f"update {LEDGER_SCHEMA}.ledger set status = 'aborted' where id = %s", (entry,))
        conn.commit()
        raise
    summary = {"release": name, "groups_in": len(rows), "groups_released": len(released), "epsilon": epsilon,
               "delta": used_delta, "noise_scale": scale}
    from veil.audit import record

    record(conn, "dp_release", {**summary, "dataset": dataset, "analyst": analyst, "ledger_entry": entry})
    return summary
