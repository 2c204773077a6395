"""Answering an on-demand query: pick the mechanism, charge the key's budget before computing, noise the
exact aggregate with OpenDP's integer samplers, and keep the noisy answer so the same query by the same key
within a data period is answered again at no cost (never redrawn).

Epsilon is split evenly over the query's components (basic composition); so is delta, which is spent only by
Gaussian noise and by partition selection (for groups of a non-public domain: country, device, browser, page,
cohort month; a group is released only if its first component's noisy value passes the selection threshold).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from veil.api.keys import DATASET, SCHEMA, ApiKey
from veil.api.query import Plan, QueryRequest, funnel_steps, plan
from veil.releases.budget import LEDGER_SCHEMA, lock_budget, reserve, settle, spent
from veil.releases.mechanisms import (
    DEFAULT_DELTA,
    Mechanism,
    discrete_gaussian,
    discrete_laplace,
    gaussian_scale,
    interval_halfwidth,
    selection_threshold,
)


@dataclass(frozen=True)
class Noise:
    mechanism: Mechanism
    scale: float
    halfwidth: float
    delta_noise: float
    delta_selection: float


@dataclass(frozen=True)
class Cost:
    epsilon: float
    delta: float
    mechanisms: tuple[str, ...]

    @property
    def mechanism(self) -> str:
        return "+".join(sorted(set(self.mechanisms)))


@dataclass
class QueryAnswer:
    results: list[dict]
    privacy: dict


@lru_cache(maxsize=512)
def _gaussian_scale(l2: float, epsilon: float, delta: float) -> float:
    return gaussian_scale(l2, epsilon, delta)


def choose_noise(p: Plan, request: QueryRequest) -> list[Noise]:
    """Per component, the mechanism with the narrower interval at its share of epsilon and delta."""
    n = len(p.components)
    eps, delta = request.epsilon / n, DEFAULT_DELTA / n
    select = p.public_domain is None
    out = []
    for i in range(n):
        selecting = select and i == 0
        scale = p.l1[i] / eps
        best = Noise("laplace", scale, interval_halfwidth(scale, request.confidence), 0.0, delta if selecting else 0)
        d_noise = delta / 2 if selecting else delta
        g_scale = _gaussian_scale(p.l2[i], eps, d_noise)
        g_half = interval_halfwidth(g_scale, request.confidence, "gaussian")
        if g_half < best.halfwidth:
            best = Noise("gaussian", g_scale, g_half, d_noise, delta - d_noise if selecting else 0)
        out.append(best)
    return out


def cost(noises: list[Noise], request: QueryRequest) -> Cost:
    return Cost(
        request.epsilon, sum(n.delta_noise + n.delta_selection for n in noises), tuple(n.mechanism for n in noises)
    )


def _sampler(noise: Noise) -> Any:
    return (discrete_gaussian if noise.mechanism == "gaussian" else discrete_laplace)(noise.scale)


def compute(conn: Any, p: Plan, noises: list[Noise]) -> tuple[list[dict], int | None]:
    """Run the exact aggregate and noise it; returns the result cells and the number of suppressed groups
    (None where the domain is not public: how many groups failed selection is itself not private)."""
    k = len(p.dimensions)
    steps = funnel_steps()
    exact: dict[tuple, tuple] = {}
    for row in conn.execute(p.sql, p.params).fetchall():
        key = tuple(
            steps[int(v) - 1] if d == "funnel_step" else ("(unknown)" if v is None else v)
            for d, v in zip(p.dimensions, row[:k], strict=True)
        )
        exact[key] = tuple(float(v or 0) for v in row[k:])
    keys = list(p.public_domain) if p.public_domain is not None else sorted(exact)
    zeros = (0.0,) * len(p.components)
    noisy = [
        _sampler(noise)([int(round(exact.get(key, zeros)[i])) for key in keys]) if keys else []
        for i, noise in enumerate(noises)
    ]
    keep = list(range(len(keys)))
    suppressed: int | None = 0
    if p.public_domain is None:
        first = noises[0]
        max_groups = max(1, math.ceil(p.l1[0] / p.per_group[0]))
        threshold = selection_threshold(
            first.mechanism,
            p.per_group[0],
            first.scale,
            max_groups,
            first.delta_selection,
        )
        keep = [j for j in keep if noisy[0][j] >= threshold]
        suppressed = None
    results = []
    names = [c.name for c in p.components]
    for j in keep:
        cells = {
            name: {
                "value": max(noisy[i][j], 0),
                "ci_low": max(noisy[i][j] - noises[i].halfwidth, 0.0),
                "ci_high": max(noisy[i][j] + noises[i].halfwidth, 0.0),  # the true value is never negative
            }
            for i, name in enumerate(names)
        }
        if "mean_revenue_per_buyer:revenue" in cells:
            revenue, buyers = cells.pop("mean_revenue_per_buyer:revenue"), cells.pop("mean_revenue_per_buyer:buyers")
            cells["mean_revenue_per_buyer"] = {
                "value": revenue["value"] / buyers["value"] if buyers["value"] > 0 else None,
                "ci_low": revenue["ci_low"] / max(buyers["ci_high"], 1),
                "ci_high": revenue["ci_high"] / max(buyers["ci_low"], 1),
            }
        results.append({"dimensions": dict(zip(p.dimensions, map(str, keys[j]), strict=True)), "metrics": cells})
    return results, suppressed


def remaining(conn: Any, key: ApiKey) -> float:
    return max(key.epsilon_limit - spent(conn, DATASET, key.key_id), 0.0)


def data_period(conn: Any, p: Plan) -> str:
    """When the input was exported (its table comment): a cached answer holds until the next export."""
    (comment,) = conn.execute("select obj_description(to_regclass(%s), 'pg_class')", (p.table,)).fetchone()
    return json.loads(comment).get("exported_at", "") if comment else ""


def answer(conn: Any, key: ApiKey, request: QueryRequest, schema: str = "dp_query") -> QueryAnswer:
    """The whole path, in one transaction holding the key's budget lock (so concurrent requests of one key
    are charged one after another, and an identical one waits for the first's cached answer)."""
    p = plan(request, schema)
    noises = choose_noise(p, request)
    c = cost(noises, request)
    qhash = request.query_hash()
    with conn.transaction():
        lock_budget(conn, DATASET, key.key_id)
        period = data_period(conn, p)
        row = conn.execute(
            f"select response from {SCHEMA}.answers where key_id = %s and query_hash = %s and period = %s",
            (key.key_id, qhash, period),
        ).fetchone()
        base = {"mechanism": c.mechanism, "confidence": request.confidence, "query_hash": qhash}
        if row is not None:
            privacy = {**row[0]["privacy"], "epsilon_spent": 0.0, "delta_spent": 0.0, "cached": True}
            privacy["epsilon_remaining"] = remaining(conn, key)
            return QueryAnswer(row[0]["results"], privacy)
        if request.dry_run:
            return QueryAnswer(
                [],
                {
                    **base,
                    "epsilon_spent": 0.0,
                    "delta_spent": 0.0,
                    "epsilon_cost": c.epsilon,
                    "delta_cost": c.delta,
                    "epsilon_remaining": remaining(conn, key),
                    "suppressed_groups": None,
                    "dry_run": True,
                    "cached": False,
                },
            )
        entry = reserve(conn, DATASET, key.key_id, f"query {qhash[:16]}", c.epsilon, c.delta)
        results, suppressed = compute(conn, p, noises)
        settle(conn, entry, len(results))
        privacy = {
            **base,
            "epsilon_spent": c.epsilon,
            "delta_spent": c.delta,
            "suppressed_groups": suppressed,
            "noise": [asdict(n) for n in noises],
            "cached": False,
        }
        conn.execute(
            f"insert into {SCHEMA}.answers (key_id, query_hash, period, response) values (%s, %s, %s, %s)",
            (key.key_id, qhash, period, json.dumps({"results": results, "privacy": privacy}, default=str)),
        )
        privacy["epsilon_remaining"] = remaining(conn, key)
    return QueryAnswer(results, privacy)


def ledger(conn: Any, key: ApiKey) -> list[dict]:
    rows = conn.execute(
        f"""select id, release, epsilon, delta, status, reserved_at, released_rows from {LEDGER_SCHEMA}.ledger
            where dataset = %s and analyst = %s order by id""",
        (DATASET, key.key_id),
    ).fetchall()
    names = ("id", "query", "epsilon", "delta", "status", "reserved_at", "rows")
    return [dict(zip(names, r, strict=True)) for r in rows]
