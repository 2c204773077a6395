"""k-anonymity / l-diversity tests on crafted data, and differential privacy: noise, bounding, budget."""

from __future__ import annotations

import statistics

import psycopg
import pytest

from veil.releases import budget, publish
from veil.releases import mechanisms as dp
from veil.warehouse.dbt import invoke_dbt


def _rows(sql: str, *extra: str) -> list:
    result = invoke_dbt(["show", "--inline", sql, "--limit", "-1", "--output", "json", "--log-format", "json", *extra])
    assert result.success
    return [tuple(r) for r in result.result.results[0].agate_table.rows]


@pytest.fixture(scope="module")
def crafted(spark):
    spark.sql("create database if not exists crafted")
    spark.sql("drop table if exists crafted.release")
    # class (30-39, FR) has 2 rows (< k=5); class (40-49, DE) has 6 rows but a single spend band (< l=2)
    rows = (
        [("30-39", "FR", "low")] * 2
        + [("40-49", "DE", "high")] * 6
        + [("20-29", "US", "low")] * 3
        + [("20-29", "US", "high")] * 3
    )
    spark.createDataFrame(rows, "age_group string, geography string, spend_band string").write.format(
        "parquet"
    ).saveAsTable("crafted.release")
    yield "crafted.release"
    spark.sql("drop table if exists crafted.release")


def test_k_anonymity_test_fails_on_a_crafted_violation(warehouse, crafted):
    violations = _rows("{{ veil.test_k_anonymity('" + crafted + "', ['age_group', 'geography'], k=5) }}")
    assert [(v[0], v[1], v[2]) for v in violations] == [("30-39", "FR", 2)]


def test_l_diversity_test_fails_on_a_crafted_violation(warehouse, crafted):
    violations = _rows("{{ veil.test_l_diversity('" + crafted + "', ['age_group', 'geography'], 'spend_band', l=2) }}")
    assert sorted((v[0], v[1]) for v in violations) == [("30-39", "FR"), ("40-49", "DE")]


def test_entropy_l_diversity_fails_on_a_class_with_two_values_but_one_dominant(warehouse, crafted, spark):
    spark.sql("drop table if exists crafted.skewed")
    rows = (
        [("30-39", "FR", "none")] * 4 + [("30-39", "FR", "500+")] + [("40-49", "DE", "none"), ("40-49", "DE", "500+")]
    )
    spark.createDataFrame(rows, "age_group string, geography string, spend_band string").write.format(
        "parquet"
    ).saveAsTable("crafted.skewed")
    try:
        distinct = _rows("{{ veil.test_l_diversity('crafted.skewed', ['age_group', 'geography'], 'spend_band', l=2) }}")
        entropy = _rows(
            "{{ veil.test_entropy_l_diversity('crafted.skewed', ['age_group', 'geography'], 'spend_band', l=2) }}"
        )
    finally:
        spark.sql("drop table if exists crafted.skewed")
    assert distinct == []  # two distinct values in each class
    # 4 'none' + 1 '500+': entropy -(0.8 ln 0.8 + 0.2 ln 0.2) = 0.500 < ln 2 = 0.693; the 1 + 1 class has ln 2
    assert [(r[0], r[1], round(float(r[2]), 3)) for r in entropy] == [("30-39", "FR", 0.5)]


def test_discrete_laplace_noise_has_the_mechanisms_mean_and_variance():
    scale, n = 4.0, 40_000
    noise = dp.discrete_laplace(scale)([0] * n)
    assert all(isinstance(x, int) for x in noise[:10])
    q = __import__("math").exp(-1 / scale)
    variance = 2 * q / (1 - q) ** 2  # discrete Laplace (two-sided geometric)
    assert abs(statistics.fmean(noise)) < 5 * (variance / n) ** 0.5
    assert statistics.pvariance(noise) == pytest.approx(variance, rel=0.06)
    inside = sum(abs(x) <= dp.interval_halfwidth(scale) for x in noise) / n
    assert inside >= 0.94


def test_discrete_gaussian_noise_has_the_mechanisms_mean_and_variance():
    scale, n = 6.0, 40_000
    noise = dp.discrete_gaussian(scale)([0] * n)
    assert all(isinstance(x, int) for x in noise[:10])
    assert abs(statistics.fmean(noise)) < 5 * scale / n**0.5
    assert statistics.pvariance(noise) == pytest.approx(scale**2, rel=0.05)  # = scale^2 to 1e-6 at this scale
    inside = sum(abs(x) <= dp.interval_halfwidth(scale, mechanism="gaussian") for x in noise) / n
    assert inside >= 0.94


@pytest.mark.parametrize("mechanism", ["laplace", "gaussian"])
@pytest.mark.parametrize("scale", [0.4, 1.0, 2.5, 40.0])
def test_the_interval_is_the_smallest_integer_one_that_holds_the_noise_at_95_percent(mechanism, scale):
    """Exact mass of the integer noise: P(|X| <= t) >= 0.95 > P(|X| <= t - 1); then 200,000 of OpenDP's own
    draws agree to within 4 standard errors (at scale 1 the continuous formula held only 92.7%)."""
    import math

    t = dp.interval_halfwidth(scale, mechanism=mechanism)
    support = range(-int(30 * scale) - 5, int(30 * scale) + 6)
    weight = (lambda x: math.exp(-abs(x) / scale)) if mechanism == "laplace" else (
        lambda x: math.exp(-x * x / (2 * scale * scale)))  # fmt: skip
    total = math.fsum(weight(x) for x in support)

    def held(k: int) -> float:
        return math.fsum(weight(x) for x in support if abs(x) <= k) / total

    assert held(t) >= 0.95
    assert t == 0 or held(t - 1) < 0.95
    n = 200_000
    sampler = dp.discrete_laplace(scale) if mechanism == "laplace" else dp.discrete_gaussian(scale)
    inside = sum(abs(x) <= t for x in sampler([0] * n)) / n
    assert inside >= held(t) - 4 * (held(t) * (1 - held(t)) / n) ** 0.5


def test_gaussian_scale_is_the_smallest_that_meets_epsilon_by_opendps_accounting():
    import opendp.prelude as opendp

    scale = dp.gaussian_scale(10, 1.0, 5e-7)

    def epsilon(s):
        return opendp.c.make_zCDP_to_approxDP(dp.discrete_gaussian(s)).map(10).epsilon(5e-7)

    assert epsilon(scale) <= 1.0 < epsilon(scale * 0.99)
    assert 40 < scale < 70  # ~ sqrt(k)=10 times 5.5, far below the Laplace scale k=100 for the same groups


def _laplace_tail(t: int, scale: float) -> float:
    """P(Z >= t) summed from the discrete Laplace pmf (1-q)/(1+q) q^|k| (independent of the code's closed form)."""
    import math

    q = math.exp(-1 / scale)
    return math.fsum((1 - q) / (1 + q) * q**k for k in range(t, t + int(80 * scale)))


def test_partition_selection_threshold_uses_the_exact_tail_for_every_group_of_a_user():
    for k in (1, 20, 100):
        for scale in (3.0, 12.0, 20.0):
            # a group holding one user (value 1) passes iff noise >= t - 1: at most delta / k, and t is the least
            t = int(dp.selection_threshold("laplace", 1, scale, k, 1e-6))
            assert _laplace_tail(t - 1, scale) <= 1e-6 / k < _laplace_tail(t - 2, scale)
    assert dp.selection_threshold("laplace", 1, 20.0, 100, 1e-6) > dp.selection_threshold("laplace", 1, 20.0, 1, 1e-6)


def test_selection_probability_by_simulation_matches_the_target():
    """At a scale where the target probability is measurable (p = 0.02), 200,000 OpenDP draws of a one-user
    group pass the threshold at rate <= p (within sampling error), for both mechanisms."""
    n, p = 200_000, 0.02
    for mechanism, scale in (("laplace", 3.0), ("gaussian", 4.0)):
        t = dp.selection_threshold(mechanism, 1, scale, 1, p)
        sampler = dp.discrete_laplace(scale) if mechanism == "laplace" else dp.discrete_gaussian(scale)
        passed = sum(1 + z >= t for z in sampler([0] * n)) / n
        assert passed <= p + 3 * (p * (1 - p) / n) ** 0.5, (mechanism, passed)
        assert passed > p / 3, (mechanism, passed)  # and not needlessly strict


def test_a_user_with_10000_events_moves_a_bounded_count_by_at_most_its_bound(spark, warehouse):
    for table in ("crafted.light", "crafted.heavy"):
        spark.sql(f"drop table if exists {table}")
    base = spark.sql("select user_key, event_id, page_url from marts.fct_events where event_type = 'page_view'")
    heavy = spark.range(10_000).selectExpr(
        "'heavy-user' as user_key",
        "id + 9000000000 as event_id",
        "concat('https://shop.example.com/product/P', cast(id % 300 as string)) as page_url",
    )
    base.write.format("parquet").saveAsTable("crafted.light")
    base.unionByName(heavy).write.format("parquet").saveAsTable("crafted.heavy")
    sql = (
        "select group_key, users, total from ({{ veil.dp_bounded_aggregate('{rel}', 'page_url', 'event_id', "
        "max_groups=10, max_rows_per_group=3, value='1', lower=0, upper=1) }}) as bounded"
    )
    same_salt = ("--vars", "{dp_salt: neighbours}")  # the same mechanism on both neighbouring datasets
    without = {r[0]: r[2] for r in _rows(sql.replace("{rel}", "crafted.light"), *same_salt)}
    with_heavy = {r[0]: r[2] for r in _rows(sql.replace("{rel}", "crafted.heavy"), *same_salt)}
    moved = sum(abs(with_heavy.get(g, 0) - without.get(g, 0)) for g in set(with_heavy) | set(without))
    assert 0 < moved <= 10 * 3  # max_groups x max_rows_per_group, out of 10,000 events
    for table in ("crafted.light", "crafted.heavy"):
        spark.sql(f"drop table if exists {table}")


def test_a_bounded_count_equals_the_ranked_bounded_sum_of_ones(warehouse):
    """The count shortcut (no row ranking: least(rows, bound) per user and group) against the general path
    that ranks every row and sums the first `max_rows_per_group` clamped values, here all 1."""
    sql = (
        "select group_key, users, total, exact_users, exact_total from ({{ veil.dp_bounded_aggregate("
        "ref('fct_events'), 'event_type', 'event_id', max_groups=2, max_rows_per_group=3{value}) }}) as b"
    )
    salt = ("--vars", "{dp_salt: shortcut}")
    counted = sorted(_rows(sql.replace("{value}", ""), *salt))
    ranked = sorted(_rows(sql.replace("{value}", ", value='1', lower=0, upper=1"), *salt))
    assert counted == ranked
    assert len(counted) >= 3 and all(r[2] <= r[4] for r in counted)
    assert any(r[2] < r[4] for r in counted)  # the bounds bit


def test_release_writes_noisy_rows_with_epsilon_and_intervals(spark, warehouse, pg_url):
    with psycopg.connect(pg_url) as conn:
        conn.execute(f"drop schema if exists {budget.LEDGER_SCHEMA} cascade")
        conn.commit()
        summary = publish.release(spark, conn, "funnel_steps", 1.0, "test", "ana")
        rows = conn.execute(
            "select step, value, ci_low, ci_high, epsilon, noise_scale from analytics.dp_funnel_steps"
        ).fetchall()
    exact = {r.group_key: r.users for r in spark.table("privacy.dp_funnel_steps").collect()}
    assert summary.groups_released == 3 and {r[0] for r in rows} == set(exact)
    for step, value, low, high, epsilon, scale in rows:
        assert epsilon == 1.0 and scale == 3.0  # 3 steps per user, each counted once
        # 95% interval of discrete Laplace noise at scale 3, q = e^(-1/3): P(|Z| >= k) = 2 q^k / (1 + q) is
        # 0.058 at k = 9 and 0.042 at k = 10, so the smallest t with P(|Z| <= t) >= 0.95 is 9
        assert high - value == 9
        assert low == max(value - 9, 0)
        assert abs(value - exact[step]) <= 60  # |noise| > 60 has probability ~2e-9 at scale 3


def test_an_over_budget_release_is_refused_and_releases_nothing(spark, warehouse, pg_url, monkeypatch):
    monkeypatch.setenv("VEIL_DP_BUDGET", "1.5")
    with psycopg.connect(pg_url) as conn:
        conn.execute(f"drop schema if exists {budget.LEDGER_SCHEMA} cascade")
        conn.execute("drop table if exists analytics.dp_revenue_by_country")
        conn.commit()
        publish.release(spark, conn, "retention_matrix", 1.0, "test", "bob")
        with pytest.raises(budget.BudgetExceeded, match="0.5 of 1.5 left"):
            publish.release(spark, conn, "revenue_by_country", 1.0, "test", "bob")
        assert conn.execute("select to_regclass('analytics.dp_revenue_by_country')").fetchone()[0] is None
        ledger = conn.execute(
            f"select release, status from {budget.LEDGER_SCHEMA}.ledger where analyst = 'bob'"
        ).fetchall()
        assert ledger == [("retention_matrix", "released")]
        publish.release(spark, conn, "revenue_by_country", 0.5, "test", "bob")  # exactly the rest still fits


def test_mean_is_noisy_sum_over_noisy_count_within_its_interval():
    rows = [
        {
            "group_key": "FR",
            "users": 5000,
            "total": 5000 * 120.0,
            "max_groups": 1,
            "max_rows_per_group": 5,
            "lower_bound": 0.0,
            "upper_bound": 500.0,
            "exact_users": 5000,
            "exact_total": 6.1e5,
        }
    ]
    spec = dp.RELEASES["mean_revenue_per_buyer_by_country"]
    released, scale = dp.noisy_release(rows, spec, 1.0, dp.DEFAULT_DELTA)
    (row,) = released
    assert scale == 2 * 5 * 500  # sensitivity 2,500 at epsilon/2
    assert row["ci_low"] <= row["value"] <= row["ci_high"]
    assert abs(row["value"] - 120) < 0.1 * 120
