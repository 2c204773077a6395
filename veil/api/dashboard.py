"""The dashboard: server-rendered pages (Jinja2) with SVG charts (veil.api.charts), readable with JavaScript
off. Overview (trends, funnel, revenue), retention, an on-demand query form charged to the signed-in key,
and a privacy page (inventory, records of processing, erasures, audit head and verification)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from veil import audit
from veil.api import charts
from veil.api.answer import remaining
from veil.api.keys import ApiKey, authenticate
from veil.api.published import Published, UnknownRelease
from veil.api.query import QueryRequest
from veil.compliance.requests import OPEN, list_requests
from veil.settings import settings

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
EPSILON_HELP = (
    "Epsilon measures how much a released number can reveal about any one person: smaller is more private "
    "and noisier; each on-demand query spends some of your key's budget."
)


def _release(state: Any, conn: Any, name: str) -> Published | None:
    try:
        return state.releases.get(conn, name)
    except UnknownRelease:
        return None


def _cells(r: Published | None, category: str) -> list[dict]:
    if r is None:
        return []
    return [{category: x[category], **{k: x[k] for k in ("value", "ci_low", "ci_high")}} for x in r.data]


def _month_index(value: str) -> int:
    year, month = int(value[:4]), int(value[5:7])
    return year * 12 + month


def _retention(r: Published | None) -> list[dict]:
    """Every cell a cohort could have (up to the latest month observed); cells not released are suppressed."""
    if r is None:
        return []
    released = {(str(x["cohort_month"]), int(x["months_since_signup"])): x for x in r.data}
    end = max((_month_index(c) + m for c, m in released), default=0)
    out = []
    for cohort in sorted({c for c, _ in released}):
        for month in range(end - _month_index(cohort) + 1):
            cell = released.get((cohort, month))
            out.append(
                {
                    "cohort_month": cohort[:7],
                    "months_since_signup": month,
                    "suppressed": cell is None,
                    **{k: (cell[k] if cell else None) for k in ("value", "ci_low", "ci_high")},
                }
            )
    return out


def register(app: FastAPI, state: Any) -> None:
    app.mount("/static/veil", StaticFiles(directory=HERE / "static"), name="veil-static")

    def signed_in(request: Request, conn: Any) -> ApiKey | None:
        token = request.cookies.get("veil_key")
        key = authenticate(conn, token) if token else None
        return key if key is not None and key.scope == "analytics" else None

    def page(request: Request, name: str, conn: Any, **context: Any) -> HTMLResponse:
        key = signed_in(request, conn)
        budget = None
        if key is not None:
            left = remaining(conn, key)
            spent = key.epsilon_limit - left
            budget = {
                "key": key,
                "spent": spent,
                "remaining": left,
                "limit": key.epsilon_limit,
                "svg": charts.render(charts.gauge(spent, key.epsilon_limit), "privacy budget: epsilon spent"),
            }
        return templates.TemplateResponse(
            request, name, {"key": key, "budget": budget, "epsilon_help": EPSILON_HELP, "band": charts.BAND, **context}
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(request: Request) -> HTMLResponse:
        with state.connection() as conn:
            dau = _cells(_release(state, conn, "daily_active_users"), "event_date")
            events = _cells(_release(state, conn, "daily_events"), "event_date")
            funnel = _cells(_release(state, conn, "funnel_steps"), "step")
            revenue = _cells(_release(state, conn, "revenue_by_country"), "country")
            sections = [
                ("Daily active users", "active-users", dau, charts.trend(dau, "event_date", "active users")),
                ("Events per day", "events", events, charts.trend(events, "event_date", "events")),
                (
                    "Funnel",
                    "funnel",
                    funnel,
                    charts.bars(
                        funnel, "step", "users reaching the step", sort=["page_view", "add_to_cart", "purchase"]
                    ),
                ),
                ("Revenue by country (USD)", "revenue", revenue, charts.bars(revenue, "country", "revenue (USD)")),
            ]
            rendered = [
                {"title": t, "id": i, "rows": rows, "svg": charts.render(spec, t) if rows else None}
                for t, i, rows, spec in sections
            ]
            return page(request, "overview.html", conn, sections=rendered)

    @app.get("/retention", response_class=HTMLResponse, include_in_schema=False)
    def retention(request: Request) -> HTMLResponse:
        with state.connection() as conn:
            cells = _retention(_release(state, conn, "retention_matrix"))
            svg = charts.render(charts.heatmap(cells), "retention by signup cohort") if cells else None
            return page(
                request, "retention.html", conn, cells=cells, svg=svg, suppressed=sum(c["suppressed"] for c in cells)
            )

    @app.get("/stream", response_class=HTMLResponse, include_in_schema=False)
    def stream(request: Request) -> HTMLResponse:
        from veil.stream.metrics import read_metrics
        from veil.stream.status import stream_status

        with state.connection() as conn:  # the ingest's metrics, where it runs beside this server (its VEIL_HOME)
            return page(request, "stream.html", conn, status=stream_status() if read_metrics() else None)

    @app.get("/signin", response_class=HTMLResponse, include_in_schema=False)
    def signin_form(request: Request) -> HTMLResponse:
        with state.connection() as conn:
            return page(request, "signin.html", conn, error=None)

    @app.post("/signin", include_in_schema=False, response_model=None)
    def signin(request: Request, api_key: str = Form(...)) -> HTMLResponse | RedirectResponse:
        with state.connection() as conn:
            key = authenticate(conn, api_key.strip())
            if key is None or key.scope != "analytics":
                error = "unknown or revoked API key" if key is None else "a privacy-operations key cannot sign in here"
                return page(request, "signin.html", conn, error=error)
        response = RedirectResponse("/query", status_code=303)
        response.set_cookie("veil_key", api_key.strip(), httponly=True, samesite="strict")
        return response

    @app.post("/signout", include_in_schema=False)
    def signout() -> RedirectResponse:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie("veil_key")
        return response

    @app.get("/query", response_class=HTMLResponse, include_in_schema=False)
    def query_form(request: Request) -> HTMLResponse:
        with state.connection() as conn:
            return page(request, "query.html", conn, form=None, result=None, error=None)

    @app.post("/query", response_class=HTMLResponse, include_in_schema=False)
    def query_submit(
        request: Request,
        metric: str = Form(...),
        dimension: str = Form(""),
        date_from: str = Form(...),
        date_to: str = Form(...),
        epsilon: float = Form(0.5),
    ) -> HTMLResponse:
        from veil.api.app import ApiError, run_query

        form = {
            "metric": metric,
            "dimension": dimension,
            "date_from": date_from,
            "date_to": date_to,
            "epsilon": epsilon,
        }
        with state.connection() as conn:
            key = signed_in(request, conn)
        error, result, svg = None, None, None
        if key is None:
            error = "sign in with an API key to run queries"
        else:
            try:
                body = QueryRequest.model_validate(
                    {
                        "metrics": [metric],
                        "dimensions": [dimension] if dimension else [],
                        "date_range": (date_from, date_to),
                        "epsilon": epsilon,
                    }
                )
                result = run_query(state, key, body)
                rows = [
                    {"group": " / ".join(r["dimensions"].values()) or "all", **r["metrics"][metric]}
                    for r in result["results"]
                ]
                if rows and dimension in ("date", "week", "month"):
                    svg = charts.render(charts.trend([{**r, "x": r["group"]} for r in rows], "x", metric), metric)
                elif rows:
                    svg = charts.render(charts.bars(rows, "group", metric), metric)
                result["rows"] = rows
            except ValidationError as e:
                error = "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())
            except ApiError as e:
                error = e.message
        with state.connection() as conn:
            return page(request, "query.html", conn, form=form, result=result, error=error, svg=svg)

    @app.get("/privacy", response_class=HTMLResponse, include_in_schema=False)
    def privacy(request: Request) -> HTMLResponse:
        with state.connection() as conn:
            inventory = conn.execute(
                """select privacy_class, count(*), count(*) filter (where transform is not null)
                   from analytics.pii_inventory group by 1 order by 1"""
            ).fetchall()
            direct = conn.execute(
                """select resource_name, column_name, pii_entity, transform from analytics.pii_inventory
                   where privacy_class = 'direct_identifier' order by 1, 2"""
            ).fetchall()
            processing = conn.execute(
                "select purpose, legal_basis, count(*), bool_or(is_shared_with_third_parties) "
                "from analytics.records_of_processing group by 1, 2 order by 1"
            ).fetchall()
            erasures = audit.recent(conn, 10, action="erasure", ensure=False)
            today = settings().current_date()
            open_requests = [r.to_dict(today) for s in OPEN for r in list_requests(conn, s, today=today)]
            checked, breaks = audit.verify(conn, ensure=False)
            head = audit.recent(conn, 1, ensure=False)
            return page(
                request,
                "privacy.html",
                conn,
                inventory=inventory,
                direct=direct,
                processing=processing,
                erasures=erasures,
                open_requests=sorted(open_requests, key=lambda r: r["days_left"]),
                checked=checked,
                breaks=breaks,
                head=head[-1] if head else None,
            )
