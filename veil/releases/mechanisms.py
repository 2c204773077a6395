"""The noise of a differentially private release, from the contribution-bounded models (privacy.dp_*).

For each release (veil.releases.publish reserves its budget first): add
discrete Laplace noise from OpenDP's exact integer sampler (Spark's rand() is not a cryptographic source and
floating-point Laplace leaks through its low bits), drop groups whose noisy user count stays below a
threshold (so rare groups cannot reveal themselves; this costs delta), and write each released row with its
epsilon, delta, noise scale and 95% interval to PostgreSQL `analytics.dp_<release>`.

Sensitivity per release: a user adds at most `max_groups` groups x `per_group` (1 for user counts,
`max_rows_per_group` x max(|lower|, |upper|) for sums), as macros/privacy/dp_bounded_aggregate.sql enforces.
Two mechanisms, both exact integer samplers from OpenDP:
- discrete Laplace, scale = L1 / epsilon (L1 = max_groups x per_group): for releases where a user touches few
  groups;
- discrete Gaussian for releases where a user touches many groups (daily active users over a year): its noise
  grows with the L2 sensitivity sqrt(max_groups) x per_group instead of max_groups x per_group. Its scale is
  calibrated with OpenDP's own zCDP -> (epsilon, delta) conversion at half the release's delta.
Partition selection (thresholding) for group domains that are not public: a user's groups may all be
singletons, so each may appear only with probability delta_selection / max_groups.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from statistics import NormalDist
from typing import Any, Literal

DEFAULT_DELTA = 1e-6
Mechanism = Literal["laplace", "gaussian"]
Statistic = Literal["users", "total", "mean"]


@dataclass(frozen=True)
class Release:
    name: str
    model: str  # privacy.<model>, built by dbt with veil.dp_bounded_aggregate
    statistic: Statistic  # distinct users per group, clamped sum, or total / users
    group_columns: tuple[str, ...]  # names for the parts of group_key ('a|b')
    threshold: bool = True  # partition selection: the group domain is not public
    mechanism: Mechanism = "laplace"  # gaussian where a user touches many groups
    dates: bool = False  # groups are the days of the collection period, all released (missing days as 0)


RELEASES: dict[str, Release] = {
    r.name: r
    for r in (
        Release(
            "daily_active_users_by_country",
            "dp_daily_active_users_by_country",
            "users",
            ("event_date", "country"),
            mechanism="gaussian",
        ),
        Release("daily_active_users", "dp_daily_active_users", "users", ("event_date",), False, "gaussian", True),
        Release("daily_events", "dp_daily_events", "total", ("event_date",), False, "gaussian", True),
        Release("page_views_by_page", "dp_page_views_by_page", "total", ("page_url",), mechanism="gaussian"),
        Release("funnel_steps", "dp_funnel_steps", "users", ("step",), threshold=False),
        Release("retention_matrix", "dp_retention_matrix", "users", ("cohort_month", "months_since_signup")),
        Release("revenue_by_country", "dp_revenue_by_country", "total", ("country",)),
        Release("mean_revenue_per_buyer_by_country", "dp_revenue_by_country", "mean", ("country",)),
    )
}


def discrete_laplace(scale: float) -> Any:
    """OpenDP's exact discrete Laplace sampler on integer vectors: x -> x + noise."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale)


def discrete_gaussian(scale: float) -> Any:
    """OpenDP's exact discrete Gaussian sampler on integer vectors: x -> x + noise."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp.m.make_gaussian(dp.vector_domain(dp.atom_domain(T=int)), dp.l2_distance(T=int), scale=scale)


def gaussian_scale(l2_sensitivity: float, epsilon: float, delta: float) -> float:
    """Smallest discrete Gaussian scale (to 0.1%) whose (epsilon, delta) guarantee, by OpenDP's zCDP
    accounting, holds for this L2 sensitivity (rounded up to an integer, as OpenDP's integer L2 metric needs)."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    d_in = math.ceil(l2_sensitivity)

    def eps(scale: float) -> float:
        try:
            return dp.c.make_zCDP_to_approxDP(discrete_gaussian(scale)).map(d_in).epsilon(delta)
        except dp.OpenDPException:  # the profile overflows far below the answer: far too little noise
            return math.inf

    lo, hi = 1e-3 * d_in, float(d_in)
    while eps(hi) > epsilon:
        hi *= 2
    while hi - lo > 1e-3 * hi:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if eps(mid) > epsilon else (lo, mid)
    return hi


def interval_halfwidth(scale: float, confidence: float = 0.95, mechanism: Mechanism = "laplace") -> int:
    """The smallest integer t with P(|noise| <= t) >= confidence for the integer noise itself (so value +- t
    holds the exact answer at the stated rate). The continuous formulas (scale x ln 20, 1.96 x scale) fall
    short at small scales: at scale 1 they cover only 92.7% (Laplace) and 88% (Gaussian)."""
    alpha = 1 - confidence
    if mechanism == "gaussian":
        return _gaussian_halfwidth(scale, alpha)
    q = math.exp(-1 / scale)  # discrete Laplace: P(|X| >= k) = 2 q^k / (1 + q) for k >= 1
    t = max(0, math.ceil(math.log(alpha * (1 + q) / 2) / math.log(q)) - 1)
    while t > 0 and 2 * q**t / (1 + q) <= alpha:  # floating-point slack on the ceiling: keep it the smallest
        t -= 1
    while 2 * q ** (t + 1) / (1 + q) > alpha:
        t += 1
    return t


@lru_cache(maxsize=256)
def _gaussian_halfwidth(scale: float, alpha: float) -> int:
    """Discrete Gaussian P(X = x) ~ exp(-x^2 / 2 scale^2): sum the mass outward from 0 until 1 - alpha is
    held. Past 10^5 the lattice is fine enough that the continuous quantile, rounded up, is the answer."""
    z = NormalDist().inv_cdf(1 - alpha / 2)
    if scale > 1e5:
        return math.ceil(z * scale)
    weights = [math.exp(-(x * x) / (2 * scale * scale)) for x in range(math.ceil(12 * scale) + 2)]
    total = weights[0] + 2 * math.fsum(weights[1:])
    held = weights[0]
    t = 0
    while held / total < 1 - alpha:
        t += 1
        held += 2 * weights[t]
    return t


def noisy_mean(rows: list[dict], release: Release, epsilon: float, delta: float) -> tuple[list[dict], float]:
    """Mean = noisy clamped sum / noisy user count, each with epsilon/2 (basic composition); the interval
    combines the two 95% intervals (so it covers with >= 90%, conservatively widened)."""
    sums, sum_scale = noisy_release(rows, replace(release, statistic="total"), epsilon / 2, delta / 2)
    counts, count_scale = noisy_release(rows, replace(release, statistic="users"), epsilon / 2, delta / 2)
    by_group = {tuple(c[k] for k in release.group_columns): c for c in counts}
    out = []
    for s in sums:
        c = by_group.get(tuple(s[k] for k in release.group_columns))
        if not c or c["value"] <= 0:
            continue
        out.append(
            {
                **{k: s[k] for k in release.group_columns},
                "value": round(s["value"] / c["value"]),
                "ci_low": s["ci_low"] / max(c["ci_high"], 1),
                "ci_high": s["ci_high"] / max(c["ci_low"], 1),
            }
        )
    return out, sum_scale


def discrete_laplace_tail(t: int, scale: float) -> float:
    """P(Z >= t) for discrete Laplace noise of this scale and an integer t >= 1: exactly q^t / (1 + q), where
    q = e^(-1/scale)."""
    q = math.exp(-1 / scale)
    return q**t / (1 + q)


def discrete_gaussian_tail(t: int, scale: float) -> float:
    """P(Z >= t) for discrete Gaussian noise with parameter sigma = scale, summed over the integers (the mass
    beyond 40 sigma is below double precision)."""
    width = math.ceil(40 * scale) + 1

    def weight(k: int) -> float:
        return math.exp(-k * k / (2 * scale * scale))

    total = 1 + 2 * math.fsum(weight(k) for k in range(1, width))
    return math.fsum(weight(k) for k in range(max(t, 0), max(t, 0) + width)) / total


def selection_threshold(
    mechanism: Mechanism, per_group: float, scale: float, max_groups: int, delta_selection: float
) -> float:
    """Noisy value below which a group is dropped: a group holding one user (true value <= per_group) passes
    with probability <= delta_selection / max_groups, so all of a user's groups together stay within delta.
    The smallest integer offset whose exact tail (not a bound of it) is within that probability."""
    p = delta_selection / max_groups
    if mechanism == "gaussian":
        tail = discrete_gaussian_tail
        t = max(1, math.floor(scale * NormalDist().inv_cdf(1 - p)) - 2)
    else:
        tail = discrete_laplace_tail
        t = max(1, math.floor(scale * math.log(1 / (2 * p))) - 2)
    while tail(t, scale) > p:
        t += 1
    return per_group + t


def every_day(rows: list[dict]) -> list[dict]:
    """Rows for every day from the first to the last (the collection period, treated as public): a day
    nobody was active on is released too, as noise around 0, so no day's absence tells anything."""
    by_day = {dt.date.fromisoformat(r["group_key"]): r for r in rows}
    first, last = min(by_day), max(by_day)
    empty = {**rows[0], "users": 0, "total": 0.0, "exact_users": 0, "exact_total": 0.0}
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return [by_day.get(d) or {**empty, "group_key": d.isoformat()} for d in days]


def noisy_release(rows: list[dict], release: Release, epsilon: float, delta: float) -> tuple[list[dict], float]:
    """Noise the bounded aggregates; returns the released rows and the noise scale."""
    if not rows:
        return [], 0.0
    if release.dates:
        rows = every_day(rows)
    if release.statistic == "mean":
        return noisy_mean(rows, release, epsilon, delta)
    max_groups, max_rows = int(rows[0]["max_groups"]), int(rows[0]["max_rows_per_group"])
    magnitude = max(abs(rows[0]["lower_bound"]), abs(rows[0]["upper_bound"]))
    per_group = 1 if release.statistic == "users" else max_rows * magnitude
    values = [int(round(r[release.statistic])) for r in rows]
    # partition selection: each of a user's (up to max_groups) singleton groups passes with probability
    # <= delta_selection / max_groups
    if release.mechanism == "gaussian":
        delta_noise, delta_selection = (delta / 2, delta / 2) if release.threshold else (delta, 0.0)
        scale = gaussian_scale(math.sqrt(max_groups) * per_group, epsilon, delta_noise)
        noisy = discrete_gaussian(scale)(values)
    else:
        delta_selection = delta
        scale = max_groups * per_group / epsilon
        noisy = discrete_laplace(scale)(values)
    half = interval_halfwidth(scale, mechanism=release.mechanism)
    threshold = (
        selection_threshold(release.mechanism, per_group, scale, max_groups, delta_selection)
        if release.threshold
        else -math.inf
    )
    out = []
    for row, value in zip(rows, noisy, strict=True):
        if value < threshold:
            continue
        keys = row["group_key"].split("|")
        out.append(
            {
                **dict(zip(release.group_columns, keys, strict=True)),
                "value": max(value, 0),
                "ci_low": max(value - half, 0),
                "ci_high": value + half,
            }
        )
    return out, scale
