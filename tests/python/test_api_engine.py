"""The on-demand query engine on a known dataset in the real PostgreSQL: sensitivity from the declared
bounds, validation naming the field, and intervals that cover the exact value at their stated rate."""

from __future__ import annotations

import datetime as dt

import pytest

from veil.api.answer import choose_noise, compute
from veil.api.query import QueryError, QueryRequest, bounds, plan

SCHEMA = "dp_known"
START = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def known(pg_url):
    """600 users over 10 days: user u is active on days d where (u + d) % 3 == 0, with u % 7 + 1 events; a
    country per user. Exact answers are computed below by plain SQL on the same table."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"drop schema if exists {SCHEMA} cascade")
        conn.execute(f"create schema {SCHEMA}")
        conn.execute(f"""create table {SCHEMA}.dp_query_user_days (user_key text, event_date date, country text,
            device text, browser_family text, cohort_month date, events bigint, page_views bigint,
            purchases bigint, revenue_usd double precision, funnel_step integer)""")
        conn.execute(
            f"""insert into {SCHEMA}.dp_query_user_days
            select 'u' || u, %s::date + d, (array['DE', 'FR', 'JP'])[u %% 3 + 1], 'mobile', 'Chrome',
                   date '2026-01-01', u %% 7 + 1, u %% 5, u %% 2, (u %% 2) * 40.0, 1 + u %% 3
            from generate_series(1, 600) as u, generate_series(0, 9) as d where (u + d) %% 3 = 0""",
            (START,),
        )
        yield conn
        conn.execute(f"drop schema {SCHEMA} cascade")


def request(**overrides) -> QueryRequest:
    body = {"metrics": ["active_users"], "dimensions": ["date"], "date_range": [START, START + dt.timedelta(9)]}
    return QueryRequest.model_validate({**body, **overrides})


def test_sensitivity_follows_the_declared_bounds():
    b = bounds()
    by_date = plan(request())
    assert by_date.public_domain is not None and len(by_date.public_domain) == 10
    assert by_date.l1 == (10.0,)  # a user is in at most 10 date groups here (fewer than max_days)
    events = plan(request(metrics=["events"], dimensions=["country"]))
    assert events.public_domain is None  # countries are not a public domain: partition selection
    assert events.l1 == (b["max_days"] * b["max_events_per_day"],)
    assert events.per_group == events.l1  # all of a user's days may fall in one country
    mean = plan(request(metrics=["mean_revenue_per_buyer"], dimensions=[]))
    assert [c.name for c in mean.components] == ["mean_revenue_per_buyer:revenue", "mean_revenue_per_buyer:buyers"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"metrics": ["revenue"], "dimensions": ["funnel_step"]}, "metrics"),
        ({"metrics": ["events"], "dimensions": ["page"]}, "metrics"),
        ({"dimensions": ["date", "week"]}, "dimensions"),
        ({"date_range": [START, START - dt.timedelta(1)]}, "date_range"),
        ({"filters": [{"dimension": "funnel_step", "operator": "is", "value": "checkout"}]}, "filters"),
    ],
)
def test_unanswerable_queries_name_the_field(overrides, field):
    with pytest.raises(QueryError) as info:
        plan(request(**overrides))
    assert info.value.field == field


def test_the_cache_key_ignores_order_and_dry_run():
    a = request(metrics=["events", "active_users"])
    b = request(metrics=["active_users", "events"], dry_run=True)
    assert a.query_hash() == b.query_hash()
    assert a.query_hash() != request(metrics=["events"]).query_hash()


def _exact(conn, sql: str) -> dict:
    return {str(k): float(v) for k, v in conn.execute(sql).fetchall()}


@pytest.mark.parametrize("metric", ["active_users", "events"])
def test_intervals_cover_the_exact_value_at_their_stated_rate(known, metric):
    """4,000 independent draws of the served cells: the 95% interval holds the exact value at >= 93.7%, 3.7
    standard errors under 95% (a false alarm about 1 in 10,000 runs; the continuous-formula interval this
    replaced held 92.7% at scale 1 and fails here; the exact rate is tested in test_privacy_releases)."""
    column = "count(distinct user_key)" if metric == "active_users" else "sum(events)"
    exact = _exact(known, f"select event_date::text, {column} from {SCHEMA}.dp_query_user_days group by 1")
    q = request(metrics=[metric], epsilon=1.0)
    p = plan(q, SCHEMA)
    noises = choose_noise(p, q)
    hits = total = 0
    for _ in range(400):  # 400 draws x 10 days = 4,000 cells
        results, suppressed = compute(known, p, noises)
        assert suppressed == 0 and len(results) == 10
        for r in results:
            cell, truth = r["metrics"][metric], exact[r["dimensions"]["date"]]
            hits += cell["ci_low"] <= truth <= cell["ci_high"]
            total += 1
    assert total == 4000
    assert hits / total >= 0.937, f"coverage {hits / total:.3f}"


def test_filters_and_selection_on_a_known_dataset(known):
    exact = _exact(known, f"select country, count(distinct user_key) from {SCHEMA}.dp_query_user_days group by 1")
    q = request(
        dimensions=["country"],
        filters=[{"dimension": "country", "operator": "is_not", "value": "JP"}],
        epsilon=5.0,
    )
    p = plan(q, SCHEMA)
    results, suppressed = compute(known, p, choose_noise(p, q))
    assert suppressed is None  # not a public domain: how many groups failed selection is not released
    countries = {r["dimensions"]["country"]: r["metrics"]["active_users"] for r in results}
    assert set(countries) == {"DE", "FR"}  # 200 users each pass the threshold at epsilon 5; JP is filtered out
    for country, cell in countries.items():
        assert abs(cell["value"] - exact[country]) < 60  # noise scale about 5 here
