"""The shape of an on-demand query (`POST /api/v1/query`) and the plan it compiles to: which bounded input
table it reads, the SQL of its exact aggregate, the sensitivity of every released number and which group
domain is public.

Sensitivity comes from the bounds the dbt models enforce (vars.dp_query): a user has at most `max_days` rows
in dp_query_user_days and at most `max_days x max_pages_per_day` in dp_query_user_pages, each measure clamped.
For a sum with per-row bound c over rows R per user, of which at most r fall in one group (one row per day and
page: r = 1 by date, 7 by week, 31 by month): L1 = R·c and L2 = sqrt(R·r)·c. For distinct users a user adds 1
to at most G groups: L1 = G, L2 = sqrt(G).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from veil.warehouse.project import project_vars

Metric = Literal["active_users", "events", "page_views", "conversions", "revenue", "mean_revenue_per_buyer"]
Dimension = Literal[
    "date", "week", "month", "country", "device", "browser_family", "page", "funnel_step", "cohort_month"
]
MAX_CELLS = 20_000
MAX_RANGE_DAYS = 400


class QueryError(ValueError):
    """A well-formed query the engine cannot answer; `field` names the part to change (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Filter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dimension: Dimension
    operator: Literal["is", "is_not", "in"]
    value: str | list[str]

    @field_validator("value")
    @classmethod
    def _not_empty(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list) and not value:
            raise ValueError("an `in` filter needs at least one value")
        return value


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metrics: list[Metric] = Field(min_length=1, max_length=6)
    dimensions: list[Dimension] = Field(default_factory=list, max_length=3)
    filters: list[Filter] = Field(default_factory=list, max_length=10)
    date_range: tuple[dt.date, dt.date]
    epsilon: float = Field(default=0.5, gt=0, le=5)
    confidence: float = Field(default=0.95, ge=0.5, lt=1)
    dry_run: bool = False

    def canonical(self) -> str:
        """The query without dry_run, as stable JSON: the cache key of its answer."""
        body = self.model_dump(mode="json", exclude={"dry_run"})
        body["metrics"] = sorted(set(body["metrics"]))
        body["filters"] = sorted(body["filters"], key=lambda f: json.dumps(f, sort_keys=True))
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    def query_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


@dataclass(frozen=True)
class Component:
    """One noised aggregate: a metric is one component, mean revenue per buyer two (sum / buyers)."""

    name: str
    sql: str
    distinct_users: bool
    clamp: float  # per-row bound of a sum (1 for distinct users)


@dataclass(frozen=True)
class Plan:
    table: str
    dimensions: tuple[str, ...]
    components: tuple[Component, ...]
    sql: str
    params: tuple
    public_domain: list[tuple] | None  # every group, when all dimensions have a public domain
    l1: tuple[float, ...]
    l2: tuple[float, ...]
    per_group: tuple[float, ...]


def bounds() -> dict:
    return dict(project_vars()["dp_query"])


def funnel_steps() -> list[str]:
    return list(bounds()["funnel_steps"])


PAGE_METRICS: set[str] = {"active_users", "page_views"}
TIME = {
    "date": "event_date",
    "week": "date_trunc('week', event_date)::date",
    "month": "date_trunc('month', event_date)::date",
}
DAYS = {"date": 1, "week": 7, "month": 31}
COLUMNS = {
    **TIME,
    "country": "country",
    "device": "device",
    "browser_family": "browser_family",
    "page": "page_url",
    "cohort_month": "cohort_month",
    "funnel_step": "step",
}


def _time_domain(dimension: str, start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if dimension == "week":
        return sorted({d - dt.timedelta(days=d.weekday()) for d in days})
    if dimension == "month":
        return sorted({d.replace(day=1) for d in days})
    return days


def _components(metrics: list[str], table_pages: bool) -> list[Component]:
    b = bounds()
    sums = {
        "events": ("sum(events)", b["max_events_per_day"]),
        "page_views": ("sum(page_views)", b["max_views_per_page"] if table_pages else b["max_page_views_per_day"]),
        "conversions": ("sum(purchases)", b["max_purchases_per_day"]),
        "revenue": ("round(sum(revenue_usd))", b["max_revenue_per_day"]),
    }
    out: list[Component] = []
    for metric in sorted(set(metrics)):
        if metric == "active_users":
            out.append(Component(metric, "count(distinct user_key)", True, 1))
        elif metric == "mean_revenue_per_buyer":
            out.append(Component("mean_revenue_per_buyer:revenue", sums["revenue"][0], False, sums["revenue"][1]))
            out.append(
                Component(
                    "mean_revenue_per_buyer:buyers", "count(distinct user_key) filter (where purchases > 0)", True, 1
                )
            )
        else:
            sql, clamp = sums[metric]
            out.append(Component(metric, sql, False, float(clamp)))
    return out


def plan(request: QueryRequest, schema: str = "dp_query") -> Plan:
    """Compile a query; raises QueryError naming the field that cannot be answered."""
    start, end = request.date_range
    if end < start:
        raise QueryError("date_range", "date_range ends before it starts")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise QueryError("date_range", f"date_range spans more than {MAX_RANGE_DAYS} days")
    dims = tuple(dict.fromkeys(request.dimensions))
    if len([d for d in dims if d in TIME]) > 1:
        raise QueryError("dimensions", "use at most one of date, week, month")
    filtered = {f.dimension for f in request.filters}
    pages = "page" in dims or "page" in filtered
    if pages and {str(m) for m in request.metrics} - PAGE_METRICS:
        raise QueryError("metrics", f"by page, only {sorted(PAGE_METRICS)} can be answered")
    funnel = "funnel_step" in dims or "funnel_step" in filtered
    if funnel and set(request.metrics) != {"active_users"}:
        raise QueryError("metrics", "by funnel_step, only active_users (users reaching the step) can be answered")
    b = bounds()
    table = f"{schema}.dp_query_user_pages" if pages else f"{schema}.dp_query_user_days"
    rows_per_user = b["max_days"] * (b["max_pages_per_day"] if pages else 1)
    # a user's rows in one group: one per day (and page) at most, so a time bucket of d days holds <= d of them
    days_per_group = next((DAYS[d] for d in dims if d in DAYS), b["max_days"])
    pages_per_day = 1 if (not pages or "page" in dims) else b["max_pages_per_day"]
    rows_per_group = min(rows_per_user, days_per_group * pages_per_day)
    steps = funnel_steps()

    where: list[str] = ["event_date between %s and %s"]
    params: list[object] = [start, end]
    for f in request.filters:
        column = COLUMNS[f.dimension]
        values = f.value if isinstance(f.value, list) else [f.value]
        if f.dimension == "funnel_step":
            unknown = [v for v in values if v not in steps]
            if unknown:
                raise QueryError("filters", f"funnel_step is one of {steps}, not {unknown}")
            values = [str(steps.index(v) + 1) for v in values]
            column = "step::text"
        elif f.dimension in TIME or f.dimension == "cohort_month":
            column = f"({column})::text"
        if f.operator == "in" or isinstance(f.value, list):
            if f.operator == "is_not":
                where.append(f"{column} <> all(%s)")
            else:
                where.append(f"{column} = any(%s)")
            params.append(values)
        else:
            where.append(f"{column} {'=' if f.operator == 'is' else '<>'} %s")
            params.append(values[0])

    components = _components(list(request.metrics), pages)
    select_dims = [f"({COLUMNS[d]})::text as {d}" for d in dims]
    source = table
    if funnel:
        source = f"{table} cross join lateral generate_series(1, funnel_step) as s(step)"
    group_by = f" group by {', '.join(str(i + 1) for i in range(len(dims)))}" if dims else ""
    sql = (
        f"select {', '.join([*select_dims, *(c.sql for c in components)])} from {source} "
        f"where {' and '.join(where)}{group_by}"
    )

    public = all(d in TIME or d == "funnel_step" for d in dims)
    domain: list[tuple] | None = None
    groups_cap = math.inf
    if public:
        domain = [()]
        for d in dims:
            values = [v.isoformat() for v in _time_domain(d, start, end)] if d in TIME else list(steps)
            domain = [(*g, v) for g in domain for v in values]
        if len(domain) > MAX_CELLS:
            raise QueryError("dimensions", f"{len(domain)} groups: at most {MAX_CELLS}; narrow the date_range")
        groups_cap = len(domain)
    steps_factor = len(steps) if funnel else 1
    l1, l2, per_group = [], [], []
    for c in components:
        if c.distinct_users:
            g = min(rows_per_user * steps_factor, groups_cap)
            l1.append(float(g))
            l2.append(math.sqrt(g))
            per_group.append(1.0)
        else:
            l1.append(min(rows_per_user, groups_cap * rows_per_group) * c.clamp)
            l2.append(math.sqrt(rows_per_user * rows_per_group) * c.clamp)
            per_group.append(rows_per_group * c.clamp)
    return Plan(table, dims, tuple(components), sql, tuple(params), domain, tuple(l1), tuple(l2), tuple(per_group))
